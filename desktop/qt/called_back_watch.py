"""A missed card goes when its number is called back from anywhere, another process included.

The rep's own Call buttons and a softphone's reported call out close it in the ring pipeline.
A call logged by another process (`callercard log-call` from a terminal, a teammate's note
synced in, another tool writing the history) reaches the app only as a commit to the database:
while a missed card is up, commits are watched (BookWatch: inotify and PRAGMA data_version,
never polled) and each card's number is looked up for a call out since the card was kept.
With no missed card up, nothing is watched. A call back that reached nobody leaves the card
up, saying it was tried ("Tried 14:05, no answer"), as Callbacks does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from desktop.adapters.store import Store, StoreError
from desktop.qt.book_watch import BookWatch
from desktop.qt.popup_stack import PopupStack

log = logging.getLogger(__name__)


class CalledBackWatch(QObject):
    def __init__(self, database: Path, store: Store, popups: PopupStack,
                 parent: QObject | None = None, *,
                 tried: Callable[[str], None] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        # Told of each number whose card stays: a call back logged that reached nobody is
        # said on its card (RingPipeline.note_tried).
        self._tried = tried
        self._store = store
        self._popups = popups
        self._since: dict[str, int] = {}  # a missed card's number -> when it was kept (Unix s)
        self._watch = BookWatch(database, self)
        self._watch.committed.connect(self.look)

    def missed(self, e164: str) -> None:
        """A missed card for `e164` is up from now on."""
        self._since[e164] = int(time.time())
        self._watch.start()

    def back(self, e164: str) -> None:
        """The missed card for `e164` is up again because a call back failed. That call's own
        rows, logged before its failure and so at or before this second, may not read failed
        yet when a commit is looked at: only a call out from the next second on counts."""
        self._since[e164] = int(time.time()) + 1
        self._watch.start()

    def stop(self) -> None:
        self._since.clear()
        self._watch.stop()

    def look(self) -> None:
        """Close the missed cards whose number was called out since; stop watching when none
        is left."""
        up = set(self._popups.missed_numbers())
        for e164 in [n for n in self._since if n not in up]:
            del self._since[e164]  # dismissed, timed out or called back here
        for e164, since in list(self._since.items()):
            try:
                called = self._store.called_out_since(e164, since)
            except StoreError as exc:
                log.info("missed card for %s not checked: %s", e164, exc)
                continue
            if called:
                self._popups.close_missed_for(e164)
                del self._since[e164]
            elif self._tried is not None:
                self._tried(e164)
        if not self._since:
            self._watch.stop()
