"""Settings as the app opens it: the saved settings and what this run's command line puts over
them (and why it was not kept), the team directories page, and where secrets are kept and
whether the app can start at login. Saved settings go back to the app to apply."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.adapters.autostart import LoginStart
    from desktop.adapters.command_line_keeping import CommandLineKeeping
    from desktop.adapters.directories.background import DirectorySyncLoop
    from desktop.adapters.secrets import SecretStoreStatus
    from desktop.adapters.settings import Settings
    from desktop.adapters.store import Store
    from desktop.adapters.trace import RingTrace
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.settings_directories import DirectoriesPage
    from desktop.qt.settings_window import SettingsWindow
    from desktop.qt.tray import TrayMenu


class SettingsOpening:
    def __init__(
        self, database: Path, store: Store, tray: TrayMenu, bridge: ThreadBridge,
        trace: RingTrace, command_line: CommandLineKeeping, login_start: LoginStart, *,
        demo: bool, settings: Callable[[], Settings], apply: Callable[[Settings], None],
        policy: Callable[[], NumberPolicy],
        directory_sync: Callable[[], DirectorySyncLoop | None],
    ) -> None:  # fmt: skip
        """`apply`: saves and applies what the window saved; `directory_sync`: the background
        loop once start-up has made it."""
        self._database = database
        self._store = store
        self._tray = tray
        self._bridge = bridge
        self._trace = trace
        self._command_line = command_line
        self._login_start = login_start
        self._demo = demo
        self._settings = settings
        self._apply = apply
        self._policy = policy
        self._directory_sync = directory_sync
        self.window: SettingsWindow | None = None
        self.secret_status: SecretStoreStatus | None = None  # once probed

    def open(self) -> None:
        from desktop.adapters.bundled import default_opener_templates
        from desktop.adapters.system_locale import system_region
        from desktop.qt.search_window import bring_to_front
        from desktop.qt.settings_window import SettingsWindow

        settings = self._settings()
        if self.window is None:
            command_line = self._command_line
            window = SettingsWindow(settings, default_opener_templates(), system_region(),
                                    region_override=command_line.region_override,
                                    region_override_why=command_line.region_override_why(),
                                    watch_override=tuple(command_line.watches(settings,
                                                                              report=False)),
                                    watch_override_why=command_line.watches_not_kept_why(
                                        settings))  # fmt: skip
            window.saved.connect(self._apply)
            window.add_directories_page(self._directories_page())
            self.window = window
        self.window.load(settings)
        if self.window.directories is not None:
            self.window.directories.refresh()
        if self.secret_status is None:
            self._probe_secrets()
        self.window.set_platform_status(
            self.secret_status,
            self._login_start.unavailable if not self._demo else "not for a demo session",
        )
        bring_to_front(self.window)

    def _probe_secrets(self) -> None:
        from desktop.adapters.secrets import SecretStore

        status = SecretStore.open().status
        self.secret_status = status
        self._trace.write("secrets", "", secure=status.secure, store=status.label,
                          backend=status.backend, detail=status.detail)  # fmt: skip

    def _directories_page(self) -> DirectoriesPage:
        from desktop.qt.directory_tasks import DirectoryTasks
        from desktop.qt.settings_directories import DirectoriesPage

        tasks = DirectoryTasks(self._database, self._policy, self._bridge)
        page = DirectoriesPage(self._store, tasks)
        page.synced.connect(self._directory_synced)
        return page

    def _directory_synced(self, name: str) -> None:
        """The rep fixed a failing directory in Settings: what the loop said of it is over."""
        from desktop.adapters.directories.background import problem_about

        self._tray.problem_over(problem_about(name))
        sync = self._directory_sync()
        if sync is not None:
            sync.synced_elsewhere(name)
