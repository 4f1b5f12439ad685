"""Where caller cards go: the screen under the mouse, bottom-right, newest on top.

Users of every caller-ID tool complain about popups on the wrong monitor, so each card goes
to the screen the rep is looking at (the one under the cursor) at the moment it rings.
Overlapping calls stack upward from the bottom-right corner; a column that reaches the top
of the screen continues in a new column to its left. A second event for the same call
updates that call's card instead of adding one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QScreen

from desktop.core.card import Card
from desktop.qt.popup import Popup

if TYPE_CHECKING:
    from desktop.qt.popup import PickerFactory

PREBUILT = 3  # calls that overlap are rare; more cards are built when they happen
MARGIN = 16  # from the screen's available edge (the taskbar is already outside it)
SPACING = 10  # between stacked cards


def screen_under_cursor() -> QScreen | None:
    return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()


@dataclass
class _Slot:
    popup: Popup
    screen: QScreen | None


class PopupStack(QObject):
    """Owns the cards and places them. The app talks to this, never to a Popup directly."""

    dismissed = Signal(str)  # call_key; the user dismissed that call's card
    copy_opener_clicked = Signal(str)  # call_key
    open_search_requested = Signal(str)  # caller ID
    open_contact_requested = Signal(object)  # contact id (int)
    painted = Signal(str, object)  # call_key, time.monotonic_ns() (int) when the card was painted
    caller_identified = Signal(str, object)  # call_key, contact id (an unknown caller, settled)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        prebuilt: int = PREBUILT,
        margin: int = MARGIN,
        spacing: int = SPACING,
        pick_screen: Callable[[], QScreen | None] = screen_under_cursor,
        picker_factory: PickerFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._picker_factory = picker_factory
        self._margin = margin
        self._spacing = spacing
        self._pick_screen = pick_screen
        self._pool: list[Popup] = []
        self._active: dict[str, _Slot] = {}  # in order of arrival: the oldest sits lowest
        for _ in range(prebuilt):
            self._pool.append(self._build())

    def _build(self) -> Popup:
        popup = Popup(picker_factory=self._picker_factory)
        popup.dismissed.connect(self._on_dismissed)
        popup.caller_identified.connect(self.caller_identified)
        popup.height_changed.connect(self._repack)
        popup.copy_opener_clicked.connect(self.copy_opener_clicked)
        popup.open_search_requested.connect(self.open_search_requested)
        popup.open_contact_requested.connect(self.open_contact_requested)
        popup.painted.connect(self.painted)
        return popup

    def warm_up(self) -> None:
        """Call once at start-up: every pre-built card creates its window and paints once."""
        for popup in self._pool:
            popup.warm_up()

    # -- per call --

    def show(self, card: Card, call_key: str) -> Popup:
        """Show `card` for `call_key`; a call that already has a card gets it updated."""
        slot = self._active.get(call_key)
        if slot is not None:
            slot.popup.set_card(card, call_key)
            self._repack()
            slot.popup.reveal()
            return slot.popup
        popup = self._free_popup()
        self._active[call_key] = _Slot(popup, self._pick_screen())
        popup.set_card(card, call_key)
        self._repack()
        popup.reveal()
        return popup

    def has_popup(self, call_key: str) -> bool:
        return call_key in self._active

    def popup_for(self, call_key: str) -> Popup | None:
        slot = self._active.get(call_key)
        return slot.popup if slot else None

    def close_for_call(self, call_key: str) -> bool:
        """The call ended: its card goes away and the others close the gap. False if none."""
        slot = self._active.pop(call_key, None)
        if slot is None:
            return False
        slot.popup.retract()
        self._repack()
        return True

    def dismiss_all(self) -> None:
        """Clear every card without emitting `dismissed` (the app asked, not the user)."""
        slots = list(self._active.values())
        self._active.clear()
        for slot in slots:
            slot.popup.retract()

    def visible_count(self) -> int:
        return sum(1 for slot in self._active.values() if slot.popup.isVisible())

    def popups(self) -> list[Popup]:
        """Cards in use, oldest (lowest) first."""
        return [slot.popup for slot in self._active.values()]

    def take_focus(self) -> bool:
        """Give the keyboard to the newest card (the app binds this to a hotkey)."""
        return any(slot.popup.take_focus() for slot in reversed(self._active.values()))

    # -- internals --

    def _free_popup(self) -> Popup:
        in_use = {id(slot.popup) for slot in self._active.values()}
        for popup in self._pool:
            if id(popup) not in in_use:
                return popup
        popup = self._build()  # more overlapping calls than pre-built cards: grow once
        popup.warm_up()
        self._pool.append(popup)
        return popup

    def _on_dismissed(self, call_key: str) -> None:
        if self._active.pop(call_key, None) is not None:
            self._repack()
        self.dismissed.emit(call_key)

    def _repack(self) -> None:
        screens = QGuiApplication.screens()
        columns: dict[int, list[Popup]] = {}
        targets: dict[int, QScreen | None] = {}
        for slot in self._active.values():
            # A monitor unplugged since the ring: its cards move to the primary screen.
            if slot.screen is None or slot.screen not in screens:
                slot.screen = QGuiApplication.primaryScreen()
            key = id(slot.screen)
            targets[key] = slot.screen
            columns.setdefault(key, []).append(slot.popup)
        for key, popups in columns.items():
            self._place_on(targets[key], popups)

    def _place_on(self, screen: QScreen | None, popups: list[Popup]) -> None:
        if screen is None:
            return
        area = screen.availableGeometry()
        left = area.x() + self._margin
        right = area.x() + area.width() - self._margin
        bottom = area.y() + area.height() - self._margin
        top = area.y() + self._margin
        x = right
        y = bottom
        for popup in popups:
            width, height = popup.width(), popup.height()
            if y - height < top and y != bottom:
                x -= width + self._spacing  # this column is full: start one to its left
                y = bottom
                if x - width < left:
                    x = right  # the screen is full: newer cards overlap the oldest ones
            y -= height
            if popup.screen() is not screen:
                popup.setScreen(screen)
            if popup.x() != x - width or popup.y() != y:
                popup.move(x - width, y)
            y -= self._spacing
