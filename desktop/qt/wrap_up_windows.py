"""The wrap-up windows: one per call that just ended, or that the rep asked to write up.

A burst of calls opens at most `MAX_OPEN` of them, each in a slot of its own beside the cards;
while the cards are kept off a shared screen they wait (wrap_up_gate.py) unless the rep asked
for one; what the rep saves goes to the history writer, signed with the rep's name.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.adapters.write_journal import SaveWrapUp
from desktop.core.models import Direction

if TYPE_CHECKING:
    from desktop.adapters.history_writer import HistoryWriter
    from desktop.adapters.store import Store
    from desktop.adapters.trace import RingTrace
    from desktop.qt.popup_stack import PopupStack
    from desktop.qt.screen_share import ScreenShareGuard
    from desktop.qt.tray import TrayMenu
    from desktop.qt.wrap_up import WrapUp, WrapUpResult
    from desktop.qt.wrap_up_gate import WrapUpGate

log = logging.getLogger(__name__)


class WrapUpWindows:
    def __init__(
        self, store: Store, popups: PopupStack, writes: HistoryWriter, tray: TrayMenu,
        screen_share: ScreenShareGuard, trace: RingTrace, rep_name: Callable[[], str],
    ) -> None:  # fmt: skip
        """`rep_name`: the name the rep gave in Settings, read when a wrap-up is saved."""
        self._store = store
        self._popups = popups
        self._writes = writes
        self._tray = tray
        self._screen_share = screen_share
        self._trace = trace
        self._rep_name = rep_name
        self._open: dict[int, WrapUp] = {}  # by attempt id
        self._gate: WrapUpGate | None = None  # built with the first wrap-up
        tray.wrap_ups_requested.connect(lambda: self.gate().open_waiting())

    def let_go(self) -> None:
        """At quit: the wrap-ups open or waiting, and the gate, are deleted (they hold this)."""
        for window in self._open.values():
            window.deleteLater()
        if self._gate is not None:
            self._gate.deleteLater()

    def window_for(self, attempt_id: int) -> WrapUp | None:
        """The wrap-up open (or waiting) for this call."""
        return self._open.get(attempt_id)

    def gate(self) -> WrapUpGate:
        """What keeps wrap-ups off a shared screen."""
        from desktop.qt.wrap_up_gate import WrapUpGate

        if self._gate is None:
            gate = WrapUpGate(self._screen_share, lambda a: self.open(a, asked=True),
                              lambda: self._open, lambda text: self._tray.notify(
                                  "CallerCard", text), over=self._tray.problem_over)  # fmt: skip
            gate.waiting_changed.connect(self._tray.set_wrap_ups_waiting)
            gate.waiting_changed.connect(lambda n: self._trace.write("wrap_ups_waiting", "",
                                                                    waiting=n))  # fmt: skip
            self._gate = gate
        return self._gate

    def open(self, attempt_id: int, *, asked: bool = False, keyboard: bool = False) -> None:
        """How a call that just ended went: outcome, note, reason, callback (non-modal). Unless
        the rep `asked`, it waits while the cards are redacted (desktop/qt/wrap_up_gate.py)."""
        # Imported with the first wrap-up, not at start-up: the tray comes up first.
        from PySide6.QtCore import QRect, Qt

        from desktop.qt.system_clock import hour_cycle, time_language
        from desktop.qt.wrap_up import MAX_OPEN, WrapUp

        found = self._store.attempt_by_id(attempt_id)
        contact = self._store.contact(found[0]) if found and found[0] is not None else None
        if found is None or attempt_id in self._open:
            return
        if len(self._open) >= MAX_OPEN:  # a burst of calls must not bury the screen
            log.info("wrap-up not shown for attempt %d: %d open already", attempt_id, MAX_OPEN)
            return
        if contact is None and found[1].direction is Direction.OUT and not asked:
            # A stranger dialled from the softphone gets none on its own; one the rep asked
            # for (Log a call…, Recent calls) opens: how the call went has nowhere else to go.
            return
        # The contact's "call them back by" still open, for the rep to keep or call done:
        # after a call out the outcome decides (reaching them keeps the promise). A contact
        # deleted since left theirs under the number: its call finds it there.
        inbound = found[1].direction is Direction.IN
        promise = self._store.open_promise(attempt_id) if inbound else None
        window = WrapUp(attempt_id, contact, found[1], hour_cycle=hour_cycle(),
                        language=time_language(), promise=promise)  # fmt: skip
        if not self.gate().admit(attempt_id, window, asked=asked):
            window.deleteLater()
            return
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Not the bound method: PySide 6.11 keeps a weakref for each connection to a method of
        # an object that is not a QObject, after its sender is gone (one per wrap-up, for good).
        window.saved.connect(lambda result: self._save(result))
        window.destroyed.connect(lambda *_: self._open.pop(attempt_id, None))
        taken = {w.slot for w in self._open.values()}
        cards = QRect()
        for card in self._popups.popups():
            if card.isVisible():
                cards = cards.united(card.frameGeometry())
        if keyboard:  # the rep opened it: an ordinary window that takes the keyboard
            window.accept_focus_from_the_start()
        window.reveal(min(set(range(MAX_OPEN)) - taken), cards if cards.isValid() else None)
        if keyboard:
            window.activateWindow()
            window.type_into_note()
        self._open[attempt_id] = window
        self._follow_the_call(attempt_id, window)
        log.info("wrap-up shown for attempt %d (%s, contact %s)", attempt_id,
                 found[1].direction.value, contact.id if contact else "none")  # fmt: skip
        self._trace.write("wrap_up_shown", "", attempt=attempt_id, asked=asked)

    def _follow_the_call(self, attempt_id: int, window: WrapUp) -> None:
        """While it is on screen, the window follows its call's row: a dialer's log-call note
        on it, committed from another process, is what its Save should keep."""
        from desktop.qt.book_watch import run_while_shown, while_shown

        def follow() -> None:
            from desktop.adapters.store import StoreError

            try:
                found = self._store.attempt_by_id(attempt_id)
            except StoreError as exc:
                log.info("wrap-up %d not refreshed: %s", attempt_id, exc)
                return
            if found is not None and self._open.get(attempt_id) is window:
                window.follow(found[1])

        while_shown(window, self._store.path, follow)
        run_while_shown(window, follow, lambda: None)  # a note logged while it waited

    def owe(self, attempt_ids: list[int], told: bool = False) -> None:
        """Calls taken that ended while the app was closed: no wrap-up asked how they went.
        They wait in the menu's Open waiting wrap-ups, told once (`told`: by the message of
        the calls missed meanwhile already); none opens by itself."""
        from desktop.core.missed_while_closed import unwrapped_while_closed_text

        owed = [i for i in attempt_ids if i not in self._open]
        if owed:
            self.gate().owe(owed, unwrapped_while_closed_text(len(owed)), tell=not told)

    def asked(self, attempt_id: int) -> None:
        """The rep asked to write or correct a call's wrap-up (Recent calls): it opens filled
        with what was saved, and has the keyboard, since the rep is turning to it now."""
        window = self._open.get(attempt_id)
        if window is None:
            self.open(attempt_id, asked=True, keyboard=True)
            return
        window.raise_()  # open already, still waiting: brought forward
        window.take_focus()
        window.type_into_note()

    def _save(self, result: WrapUpResult) -> None:
        # The name the team sees on the note when the contact's card is shared (as log-call's).
        rep = self._rep_name().strip() or getpass.getuser()
        self._writes.submit(
            SaveWrapUp(result.attempt_id, result.outcome, result.message, result.reason,
                       (result.callback.start, result.callback.end) if result.callback else None,
                       rep, result.promise_done)
        )  # fmt: skip
