"""The caller card's window: what a rep sees the instant a known prospect rings.

The card is built once, warmed once (`warm_up()`), and only re-filled on each ring: a card
that was never painted costs 28-40 ms from show to painted on Xvfb, a warm one a few ms. It
never takes keyboard focus on its own, because a popup that eats keystrokes typed into another
window is the most common complaint about caller-ID tools; `take_focus()` hands it the keyboard
on request. What the card shows is desktop/qt/card_view.py; this module is how its window
behaves: flags, warm-up, show and hide, focus, dismissal and the painted signal.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QWidget

from desktop.core.card import Card, MatchTier
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.qt.card_view import MAX_ATTEMPTS, MAX_PEOPLE, CardView, _set_shown

if TYPE_CHECKING:
    from desktop.qt.card_view import PickerFactory

POPUP_FLAGS = (
    Qt.WindowType.Tool
    | Qt.WindowType.FramelessWindowHint
    | Qt.WindowType.WindowStaysOnTopHint
    | Qt.WindowType.WindowDoesNotAcceptFocus
)


class Popup(CardView):
    """One caller card. Build it at start-up, `warm_up()` it, then `show_card()` per ring."""

    dismissed = Signal(str)  # call_key; the user closed it (button or Esc)
    painted = Signal(str, object)  # call_key, time.monotonic_ns() (int) when painting ended

    def __init__(
        self, parent: QWidget | None = None, *, picker_factory: PickerFactory | None = None
    ) -> None:
        super().__init__(parent, POPUP_FLAGS, picker_factory=picker_factory)
        self.setWindowTitle("CallerCard")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        # macOS hides tool windows of an inactive app, and a tray app is never the active one.
        self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
        # A card is never the active window (it takes no focus), and Qt shows tooltips only
        # in the active window: without this, no shortened line showed its full text, and
        # no button its tooltip, to a rep's pointer.
        self.setAttribute(Qt.WidgetAttribute.WA_AlwaysShowToolTips)
        self._armed_key: str | None = None  # painted() is owed for this key
        # Painted, not yet said: (call key, when it painted). What hears `painted` (the trace,
        # the log, the pool's top-up, the stay-on-top check) runs in the next turn of the event
        # loop, not inside the paint: there it would hold the card's pixels back from the
        # screen (190-350 µs a ring), since the backing store is flushed only after the paint.
        self._painted_owed: list[tuple[str, int]] = []
        self._say_painted = QTimer(self)
        self._say_painted.setSingleShot(True)
        self._say_painted.setInterval(0)
        self._say_painted.timeout.connect(self._tell_painted)
        self._warm = False
        self._focus_taken = False

    # -- per ring --

    @property
    def call_key(self) -> str:
        """The call this card shows; "" when it is free."""
        return self._call_key

    def is_warm(self) -> bool:
        return self._warm

    def set_card(self, card: Card, call_key: str) -> None:
        """Fill the card and fit its height, without showing it (the stack places it first)."""
        # A ring's card that painted is told so before it becomes another (its missed card):
        # told after, its ring was forgotten by then and its "card shown" never said.
        self._tell_painted_now()
        self._opened = None
        self._card = card
        self._call_key = call_key
        self._fill(card)
        if self._call_back is not None:
            _set_shown(self._call_back, False)
        self._fit_height()
        self._armed_key = call_key
        # Guarantees one paint pass (and so one painted signal) even when no text changed.
        self._dismiss.update()

    def reveal(self) -> None:
        """Show the filled card where it stands, without taking focus. Idempotent."""
        if not self.isVisible():
            self.show()

    def show_card(self, card: Card, call_key: str) -> None:
        """Fill and show; when already visible only the text changes."""
        self.set_card(card, call_key)
        self.reveal()

    # -- start-up warm-up --

    def warm_up(self) -> None:
        """Create the native window and paint every part of the card once, out of sight.

        A never-shown card pays for its native window, style polish, fonts and glyphs on the
        first ring: 28-40 ms show→painted on Xvfb against 6-9 ms afterwards. Rendering it into
        a pixmap at start-up (about 20 ms) moves that cost out of the ring. It was measured
        to help as much as a show/hide off-screen, and nothing appears on any screen, so
        there is no flash even where a window cannot be placed off-screen (Wayland).
        """
        if self._warm:
            return
        self.set_card(_WARM_UP_CARD, "")
        self._armed_key = None
        self.winId()
        self.grab()
        self._warm = True
        self._card = None
        self._call_key = ""

    def _probe_painted(self) -> None:
        key = self._armed_key
        if key is not None:
            self._armed_key = None
            # The time is the paint's; only the telling waits for the flush.
            self._painted_owed.append((key, time.monotonic_ns()))
            self._say_painted.start()

    def _tell_painted_now(self) -> None:
        if self._painted_owed:
            self._say_painted.stop()
            self._tell_painted()

    def _tell_painted(self) -> None:
        owed, self._painted_owed = self._painted_owed, []
        for key, t_ns in owed:
            self.painted.emit(key, t_ns)

    # -- focus on demand --

    def take_focus(self) -> bool:
        """Give the card the keyboard (bound to a hotkey by the app). False when not shown."""
        if not self.isVisible():
            return False
        self._set_accepts_focus(True)
        self._focus_taken = True
        self.activateWindow()
        # The first thing a rep would want from the keyboard: the name box of "Who is it?" when
        # it is open, else copy the opener, else search.
        picker = self._picker
        naming = picker is not None and not picker.isHidden()
        targets: list[QWidget] = [picker.name] if picker is not None and naming else []
        if self._call_back is not None:  # a missed call's card: calling back is the point
            targets.append(self._call_back)
        for target in (*targets, self._copy, self._search, self._dismiss):
            if not target.isHidden():
                target.setFocus(Qt.FocusReason.ShortcutFocusReason)
                break
        return True

    def _set_accepts_focus(self, accepts: bool) -> None:
        # setWindowFlag() would hide the window (QWidget re-creates it); updating the flags on
        # the live QWindow keeps the card on screen.
        flags = self.windowFlags()
        if accepts:
            flags &= ~Qt.WindowType.WindowDoesNotAcceptFocus
        else:
            flags |= Qt.WindowType.WindowDoesNotAcceptFocus
        if flags == self.windowFlags():
            return
        self.overrideWindowFlags(flags)
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlags(flags)

    def _give_back_focus(self) -> None:
        if self._focus_taken:
            self._focus_taken = False
            self._set_accepts_focus(False)

    # -- closing --

    def dismiss(self) -> None:
        """The user is done with this card."""
        key = self._call_key
        self.retract()
        self.dismissed.emit(key)

    def retract(self) -> None:
        """Hide without asking the user (the call ended, or the app cleared the stack)."""
        self._armed_key = None
        # A card that painted is told as painted before it goes, so its ring's "shown" comes
        # before its end, as when it was told inside the paint.
        self._tell_painted_now()
        self._give_back_focus()
        self.hide()
        self._call_key = ""
        self._card = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A window manager's close (Alt+F4 once focused) is a dismissal like any other.
        if self._call_key and self.isVisible():
            self.dismiss()
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            self._give_back_focus()
        super().changeEvent(event)


def _warm_up_card() -> Card:
    """Exercises every row and font the real cards use, so warm-up loads all of them."""
    at = datetime(2000, 1, 3, 9, 0, tzinfo=UTC)
    attempts = tuple(
        Attempt(Direction.OUT, at, Outcome.VOICEMAIL, "Warm-up message", "warm-up")
        for _ in range(MAX_ATTEMPTS)
    )
    people = tuple(
        Contact(
            id=i,
            name=f"Warm Up {i}",
            title="Title",
            company="Company",
            attempts=attempts,
            notes="Warm-up notes",
            next_step="Warm-up step",
        )
        for i in range(MAX_PEOPLE + 1)
    )
    return Card(
        caller_id="+14155550100",
        number=CallerNumber(raw="+14155550100", withheld=False, e164="+14155550100"),
        match=MatchTier.SWITCHBOARD,
        contacts=people,
        candidates=(),
        opener="Warm-up opener.",
        local_time=LocalTime(zones=("UTC",), text="09:00 Mon", place="Warm-up"),
    )


_WARM_UP_CARD = _warm_up_card()
