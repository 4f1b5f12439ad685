"""The first-start welcome (desktop/qt/welcome.py) as the app opens it: due at a first start
a rep chose to make while the book has none of their own contacts; its steps import a contact
file, ring a test card and connect a softphone found on this machine; closed once (not by a
quit or a logout), it is not shown again."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.settings import WatchedSource

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.adapters.settings import Settings
    from desktop.adapters.store import Store
    from desktop.adapters.trace import RingTrace
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.popup_stack import PopupStack
    from desktop.qt.ring_pipeline import RingPipeline
    from desktop.qt.tray import TrayMenu
    from desktop.qt.welcome import WelcomeWindow

log = logging.getLogger("callercard")


class WelcomeOpening:
    def __init__(
        self, data_dir: Path, store: Store, tray: TrayMenu, bridge: ThreadBridge,
        popups: PopupStack, pipeline: RingPipeline, trace: RingTrace, *,
        watched: Callable[[], list[WatchedSource]],
        this_run_only: Callable[[], list[WatchedSource]],
        settings: Callable[[], Settings], apply_settings: Callable[[Settings], None],
        open_import: Callable[[Path | None], None], quitting: Callable[[], bool],
    ) -> None:  # fmt: skip
        """`watched`: the logs followed now; `this_run_only`: those the command line gave for
        this run only; `open_import`: the Import window with a file the rep chose in the
        welcome; `quitting`: the app is on its way out (its close is not the rep's)."""
        self._data_dir = data_dir
        self._store = store
        self._tray = tray
        self._bridge = bridge
        self._popups = popups
        self._pipeline = pipeline
        self._trace = trace
        self._watched = watched
        self._this_run_only = this_run_only
        self._settings = settings
        self._apply_settings = apply_settings
        self._open_import = open_import
        self._quitting = quitting
        self.window: WelcomeWindow | None = None  # while open

    def due(self, *, demo: bool, background: bool) -> bool:
        """At a first start a rep chose to make (not at login, not a demo) while the book has
        none of their own contacts, until the welcome has been closed once."""
        from desktop.adapters.first_start import WelcomeState

        if demo or background or WelcomeState(self._data_dir).done:
            return False
        return self._store.count_contacts() == self._store.demo_contact_count()

    def open(self) -> None:
        from PySide6.QtCore import Qt

        from desktop.adapters.contact_files import find_contact_files
        from desktop.adapters.first_start import hook_command
        from desktop.adapters.sources.detect import detect_softphones, set_up_softphones
        from desktop.qt.icons import current_tray_look, tray_icon
        from desktop.qt.welcome import WelcomeWindow

        if self.window is None:
            tray = self._tray
            window = WelcomeWindow(
                lambda: find_contact_files(Path.home()), detect_softphones,
                hook_command(self._data_dir), tray_icon(current_tray_look()),
                lambda: tray.has_tray, self._bridge, set_up_softphones,
                self._watched, self._this_run_only,
            )  # fmt: skip
            window.import_requested.connect(self._import)
            window.test_ring_requested.connect(self.test_ring)
            window.watch_requested.connect(self._watch_detected)
            window.closed.connect(self._closed)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.window = window
        # A card is up: the rep may be reading it or typing in it; the welcome comes up
        # without taking the keyboard.
        self.window.come_forward(quietly=bool(self._popups.visible_count()))
        self._trace.write("welcome", "", state="shown")

    def import_done(self, result: object) -> None:
        """An import done while the welcome is open: its first step says how it went."""
        from desktop.adapters.importing.report import ImportReport

        if self.window is not None and isinstance(result, ImportReport):
            note = result.region.caller_id_note() if result.region is not None else ""
            self.window.import_finished(result.summary(), note)

    def test_ring(self) -> None:
        """The welcome's Test ring: the demo caller's card through the same lookup and card
        stack as a softphone's ring, kept out of the call history (nobody called)."""
        from desktop.adapters.demo_book import demo_ring
        from desktop.core.ring_input import welcome_test_ring

        ring = demo_ring()
        self._pipeline.arrive(
            welcome_test_ring(ring.caller_id, ring.name, datetime.now(UTC), time.monotonic_ns())
        )

    def _import(self, path: object) -> None:
        self._open_import(path if isinstance(path, Path) else None)

    def _watch_detected(self, kind: str, path: str) -> None:
        source = WatchedSource(kind, path)
        settings = self._settings()
        if source not in settings.sources:
            self._apply_settings(settings.with_changes(sources=(*settings.sources, source)))

    def _closed(self) -> None:
        from desktop.adapters.first_start import WelcomeState

        self.window = None
        if self._quitting():  # a logout or Quit: the welcome comes back at the next start
            self._trace.write("welcome", "", state="left open")
            return
        try:
            WelcomeState(self._data_dir).mark_done()
        except OSError as exc:  # it comes back at the next start; nothing else is lost
            log.warning("could not remember that the welcome was seen: %s", exc)
        self._trace.write("welcome", "", state="closed")
