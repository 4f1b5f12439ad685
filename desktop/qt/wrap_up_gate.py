"""Wrap-ups kept off a shared screen: the protection the cards have, for the window the app
opens by itself after an answered call (it names the caller and shows their history).

- Windows and macOS, with "Keep cards out of screen shares" on: the wrap-up is excluded from
  captures like the cards (ScreenShareGuard.protect_window) and opens as usual.
- While the cards are redacted (Linux with the setting or Do Not Disturb on, a Windows that
  refused the exclusion): the wrap-up does not open. It waits, and the rep is told without a
  name ("A wrap-up is waiting"); it opens by itself once the protection ends, which is what a
  rep presenting in a meeting wants: nothing pops up on the shared screen, and the wrap-up
  is there when the share is over. The tray menu's "Open waiting wrap-ups" opens them now,
  for a rep who keeps Do Not Disturb or the setting on all day.
- A wrap-up already open when the cards become redacted (KDE turns Do Not Disturb on as a
  share starts) is hidden and waits the same way, unless the rep has clicked into it: one
  they are typing in stays, because they chose to have it on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from desktop.core.redaction import Protection
from desktop.qt.screen_share import ScreenShareGuard
from desktop.qt.wrap_up import WrapUp

log = logging.getLogger(__name__)

WAITING_TEXT = "A wrap-up is waiting: it opens when your screen is no longer protected."


class WrapUpGate(QObject):
    waiting_changed = Signal(int)  # how many wrap-ups wait

    def __init__(
        self,
        guard: ScreenShareGuard,
        open_wrap_up: Callable[[int], None],
        open_windows: Callable[[], Mapping[int, object]],
        tell: Callable[[str], None],
        parent: QObject | None = None,
        *,
        over: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._guard = guard
        self._open = open_wrap_up
        self._open_windows = open_windows
        self._tell = tell
        # Takes back what `tell` said once nothing waits: the tray window keeps a told
        # problem on show until it is over.
        self._over = over
        self._waiting: list[int] = []  # attempt ids, oldest first
        # Wrap-ups of calls that ended while the app was closed (owe): they wait for the
        # rep's Open waiting wrap-ups, never for the protection to end, and are told apart.
        self._owed: list[int] = []
        self._owed_text = ""
        guard.changed.connect(self._protection_changed)

    def waiting(self) -> list[int]:
        return [*self._waiting, *self._owed]

    def owe(self, attempt_ids: list[int], text: str, *, tell: bool = True) -> None:
        """Wrap-ups never offered (their calls ended while the app was closed): they wait in
        the menu's Open waiting wrap-ups, `text` told once (unless said elsewhere: not
        `tell`), nothing opened nor focused."""
        new = [i for i in attempt_ids if i not in self._owed and i not in self._waiting]
        if not new:
            return
        self._owed += new
        log.info("wrap-ups of %d calls that ended while closed wait", len(new))
        if tell:
            self._owed_text = text  # taken back from the status line once they open
            self._tell(text)
        self.waiting_changed.emit(len(self.waiting()))

    def admit(self, attempt_id: int, window: WrapUp, *, asked: bool = False) -> bool:
        """True: show `window` now (kept out of captures where the OS can). False: it would
        show on a shared screen; the wrap-up waits and `window` must not be shown. One the
        rep `asked` for always shows."""
        if self._guard.protect_window(window) or asked:
            return True
        self._hold(attempt_id)
        return False

    def open_waiting(self, *, owed: bool = True) -> None:
        """Open every waiting wrap-up now: the rep asked (tray menu) or the protection ended
        (`owed`: those of calls that ended while the app was closed too, for the rep)."""
        waiting, self._waiting = self._waiting, []
        were_owed, self._owed = (self._owed, []) if owed else ([], self._owed)
        self.waiting_changed.emit(len(self._owed))
        if waiting and self._over is not None:
            self._over(WAITING_TEXT)
        if were_owed and self._over is not None and self._owed_text:
            self._over(self._owed_text)
        waiting += [i for i in were_owed if i not in waiting]
        windows = self._open_windows()
        for attempt_id in waiting:
            window = windows.get(attempt_id)
            if isinstance(window, WrapUp):  # hidden when the protection began: as it was
                self._guard.protect_window(window)
                window.reveal(window.slot)
            else:
                self._open(attempt_id)

    def _hold(self, attempt_id: int) -> None:
        if attempt_id in self._waiting:
            return
        self._waiting.append(attempt_id)
        log.info("wrap-up for attempt %d waits: cards are redacted", attempt_id)
        if len(self._waiting) == 1:
            self._tell(WAITING_TEXT)  # once per wait, never with a name
        self.waiting_changed.emit(len(self.waiting()))

    def _protection_changed(self) -> None:
        if self._guard.protection() is not Protection.REDACTED:
            if self._waiting:
                self.open_waiting(owed=False)
            for window in self._open_windows().values():
                if isinstance(window, WrapUp):
                    self._guard.protect_window(window)  # the setting was just turned on
            return
        for attempt_id, window in list(self._open_windows().items()):
            if isinstance(window, WrapUp) and window.isVisible() and not window.accepts_focus():
                window.hide()  # the rep never touched it: it waits like a new one
                self._hold(attempt_id)
