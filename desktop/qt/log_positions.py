"""Where each watched call log was read up to, kept in the history so that the next start
catches up on the calls it gained while the app was closed: recorded once, never popped.

An end-of-call log's position travels with its calls (HistoryEvent.cursor); a ring-time log
(MicroSIP's ini, Linphone's database) reports rings and ends that carry none, so its position
is written now and then, and at quit after the calls still waiting to be recorded. One a
crash left behind costs a re-read (the store drops the calls it has); one ahead of a call
still on its way is covered by the catch-up's slack (desktop.core.ring_log_position).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

from desktop.adapters.sources.registry import CallSource, KeepsItsPlace
from desktop.adapters.store import Store
from desktop.adapters.write_journal import Job, SavePosition

log = logging.getLogger(__name__)

SAVE_EVERY_MS = 60_000


class LogPositions(QObject):
    def __init__(self, store: Store, submit: Callable[[Job], None],
                 sources: Callable[[], Sequence[CallSource]],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._store = store
        self._submit = submit
        self._sources = sources
        self._ring_logs: set[str] = set()  # origins of the ring-time logs watched
        self._saved: dict[str, str] = {}  # origin -> the last position submitted
        self._timer = QTimer(self)
        self._timer.setInterval(SAVE_EVERY_MS)
        self._timer.timeout.connect(self.save)

    def start_source(self, source: CallSource, *, ring_time: bool) -> None:
        """Resume where the history says the log was read up to, then start; a log watched
        for the first time is a snapshot, and where it stands is stored at once, so a
        restart before its first new call still catches up."""
        if not isinstance(source, KeepsItsPlace):
            source.start()  # baresip's event stream: nothing is kept while the app is closed
            return
        origin = source.origin
        # The position a settings change stopped the log at is newer than the store's, which
        # may still be queued for writing (that costs a re-read, which records nothing twice).
        stored = (self._saved.get(origin) or None) if ring_time else None
        if stored is None:
            stored = self._store.source_cursor(origin)
        source.resume_from(stored)
        source.start()
        if ring_time:
            self._ring_logs.add(origin)
            self._saved[origin] = stored or ""
            self._timer.start()
        # A log caught up keeps its old position until the calls caught up are submitted
        # (they reach the pipeline through the event queue): the next save writes it.
        cursor = source.cursor
        if stored is None and cursor:
            self._submit(SavePosition(origin, cursor))
            self._saved[origin] = cursor

    def save(self) -> None:
        """The ring-time logs' positions that moved, to the history writer (behind the calls
        already submitted: it writes in order)."""
        for source in self._sources():
            if not isinstance(source, KeepsItsPlace) or source.origin not in self._ring_logs:
                continue
            cursor = source.cursor
            if cursor and self._saved.get(source.origin) != cursor:
                self._submit(SavePosition(source.origin, cursor))
                self._saved[source.origin] = cursor

    def stop(self) -> None:
        """The sources are stopped (a quit, or settings applied): where they stand is saved."""
        self._timer.stop()
        self.save()
        self._ring_logs.clear()
