"""The one place every Call button goes through (contact view, Recent calls, Callbacks).

It asks first, without blocking anything, when it is outside business hours at the other end;
then hands the number to the softphone chosen in Settings (adapters/dialing.py). A call that
was placed is announced with ``placed`` (the app logs it and later opens its wrap-up); one that
could not be is never silent: the number goes on the clipboard and a message says why and
what to do, in the window's status line and in a small window of its own.

With ``on_main`` (the app's bridge) the softphone is asked from a worker thread: baresip or a
softphone's command line may take up to ANSWER_WAIT_S to answer, and the cards, the tray and
every window keep working meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.adapters.dialing import BaresipChannel, DialPlacer, DialResult
from desktop.core.business_hours import TheirClock
from desktop.core.candidates import readable
from desktop.core.dialers import Dialer
from desktop.qt.above_cards import stand_above_cards

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.adapters.settings import Settings

Report = Callable[[str], None]
OnMain = Callable[[Callable[[], None]], None]  # runs a function in the GUI thread, soon


@dataclass(frozen=True)
class PlacedCall:
    e164: str
    result: DialResult
    asked_ns: int = 0  # time.monotonic_ns() when the softphone was asked to place it
    contact_id: int | None = None  # whom the card or view it was placed from was for


class ClickToCall(QObject):
    placed = Signal(object)  # PlacedCall
    # The number no softphone could call, and whom the call was for (int; None for nobody
    # said): the rep dials it by hand, and log-call is told whom it was for (dial_intents.py)
    not_placed = Signal(str, object)

    def __init__(
        self,
        placer: DialPlacer,
        choice: Callable[[], Dialer],
        their_clock: Callable[[str], TheirClock],
        *,
        on_main: OnMain | None = None,
    ) -> None:
        super().__init__()
        self._placer = placer
        self._choice = choice
        self._their_clock = their_clock
        self._on_main = on_main
        self._dialing: set[str] = set()  # numbers a softphone is being asked to call now
        # The small windows it opened, newest last: kept so they are not collected while shown.
        self.messages: list[QMessageBox] = []

    def tooltip(self, e164: str) -> str:
        choice = self._choice()
        how = "your softphone" if choice is Dialer.AUTOMATIC else choice.label
        tip = f"Call {readable(e164)} with {how}"
        clock = self._their_clock(e164)
        if clock.text:
            tip += f"\nTheir time: {clock.text}" + (f" — {clock.warning}" if clock.warning else "")
        return tip

    def call(self, e164: str, parent: QWidget | None, *, asked: bool = False,
             report: Report | None = None, contact_id: int | None = None) -> None:  # fmt: skip
        """Place the call; outside their hours ask first, unless the window ``asked``.
        ``contact_id``: whom it is for, when the number is one several contacts share."""
        clock = self._their_clock(e164)
        if clock.warning and not asked:
            self._confirm(e164, clock, parent, report, contact_id)
            return
        self._place(e164, parent, report, contact_id)

    def _place(self, e164: str, parent: QWidget | None, report: Report | None,
               contact_id: int | None = None) -> None:  # fmt: skip
        on_main = self._on_main
        asked = time.monotonic_ns()
        if on_main is None:
            self._answered(e164, parent, report, self._placer.place(self._choice(), e164), asked,
                           contact_id)  # fmt: skip
            return
        if e164 in self._dialing:
            return  # a second click while the softphone is still being asked
        self._dialing.add(e164)
        if report is not None:
            report(f"Calling {readable(e164)}…")
        choice = self._choice()

        def ask() -> None:
            result = self._placer.place(choice, e164)
            on_main(lambda: self._answered(e164, parent, report, result, asked, contact_id))

        threading.Thread(target=ask, name="callercard-dial", daemon=True).start()

    def _answered(self, e164: str, parent: QWidget | None, report: Report | None,
                  result: DialResult, asked_ns: int,
                  contact_id: int | None = None) -> None:  # fmt: skip
        self._dialing.discard(e164)
        if parent is not None and not shiboken6.isValid(parent):
            parent, report = None, None  # the window was closed while the softphone answered
        if result.placed:
            if report is not None:
                report(f"{result.message}: {readable(e164)}")
            self.placed.emit(PlacedCall(e164, result, asked_ns, contact_id))
            return
        QGuiApplication.clipboard().setText(e164)
        self.not_placed.emit(e164, contact_id)
        copied = f"{readable(e164)} is on the clipboard: dial it on your phone."
        if report is not None:
            report(f"{result.message} Number copied.")
        # One plain-text label: informative text would guess at rich text from what
        # a softphone said.
        text = "\n\n".join(t for t in (result.message, result.detail, copied) if t)
        self._show(parent, QMessageBox.Icon.Warning, "Call not placed", text)

    def _confirm(self, e164: str, clock: TheirClock, parent: QWidget | None,
                 report: Report | None, contact_id: int | None = None) -> None:  # fmt: skip
        self._show(parent, QMessageBox.Icon.Question, "Outside business hours",
                   f"It is {clock.said or clock.text} at {readable(e164)}: {clock.warning}.",
                   ("Call anyway",
                    lambda: self._place(e164, parent, report, contact_id)))  # fmt: skip

    def _show(self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
              accept: tuple[str, Callable[[], None]] | None = None) -> QMessageBox:  # fmt: skip
        """A small window that blocks nothing: the rep may go on working beside it. With
        ``accept`` (its button's text and action) it asks, Cancel the default. Its buttons are
        all there before it shows: QMessageBox picks its Escape button when shown, and one
        shown with Ok whose buttons were then replaced pressed the deleted Ok on Escape,
        crashing the app."""
        buttons = QMessageBox.StandardButton.Cancel if accept else QMessageBox.StandardButton.Ok
        box = QMessageBox(icon, f"CallerCard — {title}", text, buttons, parent)
        if accept is not None:
            button = box.addButton(accept[0], QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(accept[1])
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.NonModal)
        # Over the caller cards: asked from a card's Call back, at 2x it opened under them.
        stand_above_cards(box, True)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda *_: self._forget(box))
        self.messages = [m for m in self.messages if m is not box] + [box]
        box.show()
        return box

    def _forget(self, box: QMessageBox) -> None:
        self.messages = [m for m in self.messages if m is not box]


def click_to_call_for(settings: Callable[[], Settings],
                      channels: Callable[[], Sequence[BaresipChannel]],
                      on_main: OnMain) -> ClickToCall:  # fmt: skip
    """The app's one ClickToCall: the softphone Settings choose when the call is made, the
    other end's hours as Settings say them then, and baresip dialled through an event stream
    already followed (`channels`: ctrl_tcp has room for a single client)."""
    from desktop.adapters.callbacks import business_hours
    from desktop.core.business_hours import their_clock
    from desktop.qt.system_clock import hour_cycle

    def clock(e164: str) -> TheirClock:
        return their_clock(e164, datetime.now().astimezone(), business_hours(settings()),
                           hour_cycle())  # fmt: skip

    return ClickToCall(DialPlacer(channels=channels), lambda: Dialer.parse(settings().dialer),
                       clock, on_main=on_main)  # fmt: skip
