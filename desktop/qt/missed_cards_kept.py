"""The missed cards on screen, kept for the next start (desktop.adapters.missed_cards_file).

Saved a moment after they change, never on a ring's path: a ring that makes an old missed
card give way changes them too. The write is not synced to disk, so a ring that arrives
meanwhile waits for no fsync. Saving stops as the quit
begins, before Qt closes the cards: those were still open, and are what comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from desktop.adapters.missed_cards_file import MissedCardsFile, OpenMissedCard
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
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(SAVE_AFTER_MS)
        self._save_soon.timeout.connect(self.save)
        popups.missed_changed.connect(self._save_soon.start)

    def remembered(self) -> list[OpenMissedCard]:
        """The missed cards open when the app last quit, oldest first."""
        return self._file.load()

    def save(self) -> None:
        cards = [
            OpenMissedCard(card.caller_id, card.number.display_name, rang, tries)
            for card, rang, tries in self._popups.open_missed()
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
