"""Tells a window when another connection has committed to the contact database: an import
from a terminal, a directory sync, a followed file's re-import, the tray's Fix contact.

Event-driven, never polled (perf-limits.md §1): the database and its write-ahead log are
watched through inotify in the GUI thread's event loop (FileWatcher with wait_in_gui_thread, as
the softphone logs are). A write to them is not yet a commit: an import spills pages into the
log long before it commits, and a checkpoint copies the log into the database. PRAGMA
data_version, read on a read-only connection of the watch's own, moves only when another
connection committed (or checkpointed); the read is a look at shared memory, cheap enough for
the GUI thread. Commits come in bursts (a ring's call record, then its note; a sync's
batches), so `committed` is sent once they have been quiet for SETTLE_MS. What a commit changed
is for the listener to find out, off the GUI thread.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.regular_file import require_regular_by_name

log = logging.getLogger(__name__)

SETTLE_MS = 250


class BookWatch(QObject):
    """`committed` after another connection's commits to `database`, while started."""

    committed = Signal()
    # From the file watcher's callback: queued into the GUI thread where the watcher has its
    # own thread (no event loop descriptor off Linux), a direct call on Linux.
    _touched = Signal()

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._watcher: FileWatcher | None = None
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.committed)
        self._touched.connect(self._look)

    @property
    def running(self) -> bool:
        return self._watcher is not None

    def start(self) -> None:
        """Watch from now on (the database must exist); commits before this are not told."""
        if self._watcher is not None:
            return
        from desktop.qt.file_events import wait_in_gui_thread

        try:
            require_regular_by_name(self.database)  # SQLite's own open would wait on a FIFO
            uri = self.database.absolute().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None,
                                         check_same_thread=False)  # fmt: skip
            connection.execute("PRAGMA query_only = 1")
            self._version = _data_version(connection)
        except (OSError, sqlite3.Error) as exc:
            # The window still checks when it comes back to the front, and the import itself
            # checks its plan (importing/stale_plan.py).
            log.info("contacts not watched for changes: %s", exc)
            return
        self._connection = connection
        watcher = FileWatcher(event_loop=wait_in_gui_thread)
        name = self.database.name
        for path in (self.database, self.database.with_name(f"{name}-wal")):
            watcher.watch(path, self._touched.emit)
        self._watcher = watcher
        watcher.start()

    def stop(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._settle.stop()

    def _look(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            version: int | None = _data_version(connection)
        except sqlite3.Error:
            version = None  # busy or gone: say it may have changed, the listener looks
        if version is None or version != self._version:
            self._version = version
            self._settle.start()


def while_shown(window: QWidget, database: Path, on_commit: Callable[[], None]) -> BookWatch:
    """A BookWatch on `database` that runs while `window` is shown, calling `on_commit`: a list
    left open all day follows what terminals, hooks and syncs commit, and a hidden window holds
    no watch or connection."""
    watch = BookWatch(database, window)
    watch.committed.connect(on_commit)
    run_while_shown(window, watch.start, watch.stop)
    return watch


def run_while_shown(window: QWidget, start: Callable[[], None], stop: Callable[[], None]) -> None:
    """`start` when `window` is shown (now, if it is), `stop` when it is hidden."""
    window.installEventFilter(_RunWhileShown(start, stop, window))
    if window.isVisible():
        start()


class _RunWhileShown(QObject):
    def __init__(self, start: Callable[[], None], stop: Callable[[], None],
                 window: QWidget) -> None:  # fmt: skip
        super().__init__(window)
        self._start = start
        self._stop = stop
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window:
            if event.type() == QEvent.Type.Show:
                self._start()
            elif event.type() == QEvent.Type.Hide:
                self._stop()
        return False


def _data_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA data_version").fetchone()[0])
