"""The cards up, ringing or missed, follow the contacts whoever changes them: an import from a
terminal (`callercard import`), another CallerCard on the same book, a directory sync.

What the app changes itself (a merge, an edit, Who is it?, the Import window) refreshes the
cards at once (RingPipeline.refresh_cards). Another process's commit reaches the app only as a
commit to the database: while a card with a number is up, commits are watched (BookWatch:
inotify and PRAGMA data_version, never polled). Used as a rep: a caller's card said "Unknown
number · PRIYA N" and offered Who is it? after an import named her, while `lookup`, Recent
calls and Callbacks said Priya Natarajan; a New contact made from it was her duplicate.

Nothing here runs on a ring's path: a card painted only starts a zero timer, and the watch
starts in the next idle turn, looking at the cards once for what was committed before it did.
Each commit (a ring's own call record is one) has the cards looked up again one per event-loop
turn, so a ring arriving meanwhile waits for one lookup at most; a card is shown again only
when who it names changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from desktop.core.card import Card
from desktop.qt.book_watch import BookWatch
from desktop.qt.popup_stack import PopupStack


class CardsWatch(QObject):
    def __init__(self, database: Path, popups: PopupStack,
                 look_again: Callable[[str, Card], None],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._popups = popups
        self._look_again = look_again
        self._due: list[str] = []  # call keys still to look up again after the last commit
        self._watch = BookWatch(database, self)
        self._watch.committed.connect(self._committed)
        # One timer each, started (1 µs) rather than a QTimer.singleShot built per ring.
        self._check = QTimer(self)
        self._check.setSingleShot(True)
        self._check.setInterval(0)
        self._check.timeout.connect(self._start_or_stop)
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.setInterval(0)
        self._next.timeout.connect(self._look_at_next)

    @property
    def watching(self) -> bool:
        return self._watch.running

    def cards_changed(self, *_: object) -> None:
        """A card came or went: watch while one with a number is up (decided when idle)."""
        self._check.start()

    def stop(self) -> None:
        self._check.stop()
        self._next.stop()
        self._due.clear()
        self._watch.stop()

    def _numbered(self) -> dict[str, Card]:
        return {key: card for key, card in self._popups.calls_up()
                if card.number.e164 and not card.number.withheld}  # fmt: skip

    def _start_or_stop(self) -> None:
        if not self._numbered():
            self.stop()
        elif not self._watch.running:
            self._watch.start()
            # What was committed between the card's lookup and now is before the watch's
            # first look at the database, unseen by it: the cards are looked at once now.
            self._committed()

    def _committed(self) -> None:
        self._due = list(self._numbered())
        if not self._due:
            self.stop()
            return
        self._next.start()

    def _look_at_next(self) -> None:
        if not self._due:
            return
        key = self._due.pop(0)
        card = self._numbered().get(key)  # gone meanwhile, or its card moved on
        if card is not None:
            self._look_again(key, card)
        if self._due:
            self._next.start()
