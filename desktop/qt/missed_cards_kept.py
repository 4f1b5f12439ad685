"""The missed cards on screen, kept for the next start (desktop.adapters.missed_cards_file).

Saved a moment after they change, never on a ring's path: a ring that makes an old missed
card give way changes them too. The write is not synced to disk, so a ring that arrives
meanwhile waits for no fsync. Saving stops as the quit
begins, before Qt closes the cards: those were still open, and are what comes back.

Started with popups paused, the cards from last time are not shown: they wait (`hold_back`)
until the rep resumes popups (`take_back`), and every save meanwhile keeps them, oldest
first, so that a card missed after the resume does not write them out of the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from desktop.adapters.missed_cards_file import MissedCardsFile, OpenMissedCard
from desktop.adapters.store import StoreError
from desktop.qt.popup_stack import PopupStack

log = logging.getLogger(__name__)

SAVE_AFTER_MS = 300


class MissedCardsKept(QObject):
    def __init__(
        self,
        file: MissedCardsFile,
        popups: PopupStack,
        report_problem: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._file = file
        self._popups = popups
        self._report_problem = report_problem
        self._problem_told = False
        self._closed = False
        self._waiting: list[OpenMissedCard] = []  # from the last session, not shown yet
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(SAVE_AFTER_MS)
        self._save_soon.timeout.connect(self.save)
        popups.missed_changed.connect(self._save_soon.start)

    def come_back(self, *, paused: bool, reopen: Callable[[OpenMissedCard], object]) -> None:
        """At start: the missed cards open when the app last quit come back (`reopen`),
        oldest lowest, before any call that rings now; while popups are `paused` they wait,
        kept, until the rep resumes popups (`resumed`)."""
        if paused:
            self.hold_back()
            return
        self._reopen(self.remembered(), reopen)

    def resumed(self, reopen: Callable[[OpenMissedCard], object]) -> None:
        """Popups are back on: the cards that waited are shown now."""
        self._reopen(self.take_back(), reopen)

    def _reopen(self, cards: list[OpenMissedCard],
                reopen: Callable[[OpenMissedCard], object]) -> None:  # fmt: skip
        for kept in cards:
            try:
                reopen(kept)
            except StoreError as exc:
                self._report_problem(f"Missed cards from before the restart not shown: {exc}")
                return

    def remembered(self) -> list[OpenMissedCard]:
        """The missed cards open when the app last quit, oldest first."""
        return self._file.load()

    def hold_back(self) -> None:
        """Popups are paused at start: the cards from last time wait, still kept."""
        self._waiting = self._file.load()

    def take_back(self) -> list[OpenMissedCard]:
        """Popups are back on: the cards that waited, oldest first, to be shown now (and no
        longer kept but as they are shown); none the second time."""
        waiting, self._waiting = self._waiting, []
        if waiting and not self._closed:
            self._save_soon.start()  # a card not shown again (called back) is not kept
        return waiting

    def save(self) -> None:
        open_missed = zip(self._popups.open_missed(), self._popups.missed_since(), strict=True)
        cards = [*self._waiting] + [
            OpenMissedCard(card.caller_id, card.number.display_name, rang, tries, shown)
            for (card, rang, tries), shown in open_missed
            if rang is not None
        ]
        try:
            self._file.save(cards)
        except OSError as exc:
            log.warning("missed cards not kept for the next start: %s", exc)
            if not self._problem_told:  # once: a full disk would say so at every card
                self._problem_told = True
                self._report_problem(f"Missed cards will not come back after a restart: {exc}")

    def close(self) -> None:
        """At quit, before QApplication.quit() (Qt 6 closes every window then, and a card
        closed counts as dismissed): what changed is saved now, and nothing after. Again
        does nothing."""
        if self._closed:
            return
        self._closed = True
        self._popups.missed_changed.disconnect(self._save_soon.start)
        if self._save_soon.isActive():
            self._save_soon.stop()
            self.save()
