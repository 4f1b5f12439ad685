"""Import… from the tray: opens the Import window; `start` imports a file without it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.adapters.importing import ImportFailed, ImportOptions, ImportReport, import_file
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.import_window import ImportWindow
from desktop.qt.search_window import bring_to_front


class ImportAction(QObject):
    finished = Signal(object)  # ImportReport, UndoResult, or str (what went wrong)
    state_changed = Signal(str)  # the Import window's: empty / ready / running / done
    history_requested = Signal()  # the Import window's Import history… button

    def __init__(
        self, database: Path, bridge: ThreadBridge | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._bridge = bridge or ThreadBridge()  # the app's; made here only outside the app
        self._policy = NumberPolicy("US")
        self.window: ImportWindow | None = None

    def choose_and_import(self, policy: NumberPolicy, parent: QWidget | None = None) -> None:
        """Show the Import window (one per app), reading numbers with `policy`."""
        self._policy = NumberPolicy(policy.region)
        if self.window is None:
            self.window = ImportWindow(self.database, lambda: self._policy, self._bridge)
            self.window.imported.connect(self.finished.emit)
            self.window.state_changed.connect(self.state_changed.emit)
            self.window.history_requested.connect(self.history_requested.emit)
        elif not self.window.isVisible():
            self.window.start_fresh()  # closed on an import's result: a new import opens
        bring_to_front(self.window)

    def open_file(self, path: Path, policy: NumberPolicy, *, chosen_now: bool = False) -> None:
        """The Import window with `path` in it (`callercard import --window`; `chosen_now`:
        see ImportWindow.open_file)."""
        self.choose_and_import(policy)
        assert self.window is not None
        self.window.open_file(path, chosen_now=chosen_now)

    def start(self, path: Path, policy: NumberPolicy) -> threading.Thread:
        """Import `path` in a worker thread; `finished` reports the result in the GUI thread."""
        thread = threading.Thread(
            target=self._run, args=(path, policy), name="callercard-import", daemon=True
        )
        thread.start()
        return thread

    def _run(self, path: Path, policy: NumberPolicy) -> None:
        # SQLite connections belong to the thread that made them, so the import gets its own.
        try:
            store = Store.open(self.database)
            try:
                result: ImportReport | str = import_file(
                    store, path, ImportOptions(NumberPolicy(policy.region))
                )
            finally:
                store.close()
        except (ImportFailed, StoreError) as exc:
            result = str(exc)
        self._bridge.call_from_thread(lambda: self.finished.emit(result), owner=self)
