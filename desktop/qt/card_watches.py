"""The cards on screen kept true to what other processes commit: who a card names
(desktop/qt/cards_watch.py: an import from a terminal, a merge elsewhere, a directory sync)
and whether a missed caller was called back (desktop/qt/called_back_watch.py). Each watch is
made the first time a card needs it; none runs on a ring's path, which only starts a timer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from PySide6.QtCore import QObject

    from desktop.adapters.store import Store
    from desktop.qt.called_back_watch import CalledBackWatch
    from desktop.qt.cards_watch import CardsWatch
    from desktop.qt.popup_stack import PopupStack
    from desktop.qt.ring_pipeline import RingPipeline


class CardWatches:
    def __init__(self, database: Path, store: Store, popups: PopupStack,
                 pipeline: RingPipeline, shut_down: Callable[[], bool]) -> None:  # fmt: skip
        """`shut_down`: the app has begun its shutdown; nothing is watched from then."""
        self._database = database
        self._store = store
        self._popups = popups
        self._pipeline = pipeline
        self._shut_down = shut_down
        self._called_back: CalledBackWatch | None = None  # once a missed card is up
        self._cards: CardsWatch | None = None  # once a card has been up
        pipeline.missed_card_kept.connect(self._watch_for_call_back)
        pipeline.missed_card_back.connect(lambda e164: self._watch_for_call_back(e164, back=True))
        # Looked at in the next idle turn: a ring's path only starts a timer (1 µs).
        self._soon = QTimer()
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._cards_changed)
        for said in (popups.painted, popups.missed_changed, popups.dismissed):
            said.connect(lambda *_: self._soon.start())

    def _cards_changed(self) -> None:
        from desktop.qt.cards_watch import CardsWatch

        if self._shut_down():
            return
        if self._cards is None:
            self._cards = CardsWatch(self._database, self._popups,
                                     self._pipeline.look_up_if_changed)  # fmt: skip
        self._cards.cards_changed()

    def _watch_for_call_back(self, e164: str, *, back: bool = False) -> None:
        """A missed card is up (`back`: again, a call back failed): it goes if another process
        logs a call back to that number."""
        from desktop.qt.called_back_watch import CalledBackWatch

        if self._called_back is None:
            self._called_back = CalledBackWatch(self._database, self._store, self._popups,
                                                tried=self._pipeline.note_tried)  # fmt: skip
        if back:
            self._called_back.back(e164)
        else:
            self._called_back.missed(e164)

    def stop(self) -> None:
        """Before the store closes: no watch reads it after."""
        if self._called_back is not None:
            self._called_back.stop()
        self._soon.stop()
        if self._cards is not None:
            self._cards.stop()

    def made(self) -> Iterator[QObject]:
        """The watches made so far, for the app to let go at its quit."""
        for watch in (self._called_back, self._cards):
            if watch is not None:
                yield watch
