"""Cards stay above other windows under an X11 window manager, however fast they come back.

Qt writes _NET_WM_STATE_ABOVE on a stays-on-top window just before it maps it. The stack hides
a card and shows it again for the next call, often within milliseconds, and openbox, which
deletes _NET_WM_STATE when it unmanages a withdrawn window (as EWMH says a window manager
does), deleted it after Qt had written the state for the next map: the card came back as an
ordinary window, behind the Import or Duplicates window (QA, session 19).

ICCCM 4.1.4: a client that maps a window again after withdrawing it must first wait for the
window manager to complete the withdrawal, which it shows by removing WM_STATE. So:

- each hidden card is followed in idle time until the window manager has withdrawn it, and
  `choose()` picks a card it has withdrawn (waiting, a millisecond or so, only when it has
  withdrawn none yet), so the ring path asks the X server nothing;
- after each paint, `check_soon()` reads the card's state once the window manager has
  managed it (WM_STATE is back), and a card without ABOVE gets the client message EWMH
  defines for a mapped window, which the window manager obeys whatever came before.

Both ask the X server over a private connection, and only when there is a window manager to
ask. Other platforms (Windows, macOS, Wayland) keep the flag themselves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from desktop.qt.xcb_client import XcbClient

log = logging.getLogger(__name__)

_ADD = 1  # _NET_WM_STATE_ADD
_FROM_APPLICATION = 1  # EWMH source indication: a normal application
_WAIT_NS = 50_000_000  # for a withdrawal at most, then the card is shown anyway
_FOLLOW_MS = 5  # a hidden card: look again until the window manager has withdrawn it
_FOLLOWS = 200
_RECHECK_MS = 50  # the window manager has not managed the card yet: look again
_RECHECKS = 20
# After a show: a window the window manager has not managed by then is looked at again, and
# when it still has not, it is mapped again (see `shown`).
_LOST_CHECK_MS = 250
_LOST_CHECKS = 3


class StayOnTop(QObject):
    """Keeps stays-on-top windows above the others under an X11 window manager."""

    def __init__(self, platform_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._x11 = platform_name == "xcb"
        self._x: XcbClient | None = None
        self._atoms: dict[bytes, int] = {}
        self._due: dict[QWidget, int] = {}  # window: checks left
        # Hidden windows the window manager has not been seen to withdraw yet: checks left.
        self._withdrawing: dict[QWidget, int] = {}
        self._following = False
        self._restored = 0  # windows that had lost ABOVE and were given it back
        self._shown: dict[QWidget, int] = {}  # windows shown lately: looks left
        self._lost = QTimer(self)  # one timer: started on the ring path, where start() is cheap
        self._lost.setSingleShot(True)
        self._lost.setInterval(_LOST_CHECK_MS)
        self._lost.timeout.connect(self._map_lost)

    # -- hiding, and showing a hidden card again --

    def hidden(self, window: QWidget) -> None:
        """`window` was just hidden: follow its withdrawal in idle time, so that `choose()`
        knows which cards are ready without asking the X server on the ring path."""
        if not self._x11:
            return
        if not self._following:
            self._following = True
            QTimer.singleShot(0, self, self._follow)
        self._withdrawing[window] = _FOLLOWS

    def _follow(self) -> None:
        self._following = False
        x = self._connection()
        if x is None:
            self._withdrawing.clear()
            return
        for window, left in list(self._withdrawing.items()):
            if window.isVisible() or not self._managed(x, window):
                del self._withdrawing[window]
            elif left > 1:
                self._withdrawing[window] = left - 1
        if any(left > 1 for left in self._withdrawing.values()):
            self._following = True
            QTimer.singleShot(_FOLLOW_MS, self, self._follow)

    def choose(self, windows: Sequence[QWidget]) -> int:
        """Which of the free `windows` (in the order they were freed) to show next: the one
        freed last, as elsewhere, unless the window manager may still be withdrawing it; then
        the first one it has withdrawn, and when it is still withdrawing every one, the first
        once it has (a millisecond or so)."""
        if windows[-1] not in self._withdrawing:
            return len(windows) - 1
        for i, window in enumerate(windows):
            if window not in self._withdrawing:
                return i
        self._wait_until_withdrawn(windows[0])
        return 0

    def before_show(self, window: QWidget) -> None:
        """A watched window is about to be shown again: first let the window manager
        complete its withdrawal, if it has not yet."""
        if window in self._withdrawing:
            self._wait_until_withdrawn(window)

    def _wait_until_withdrawn(self, window: QWidget) -> None:
        self._withdrawing.pop(window, None)
        x = self._connection()
        deadline = time.monotonic_ns() + _WAIT_NS
        while x is not None and self._managed(x, window) and time.monotonic_ns() < deadline:
            time.sleep(0.0002)

    def _managed(self, x: XcbClient, window: QWidget) -> bool:
        return bool(x.property(int(window.winId()), self._atoms[b"WM_STATE"]))

    # -- a map the window manager never answered --

    def shown(self, window: QWidget) -> None:
        """`window` was just shown. A map that reached the window manager before it had
        finished withdrawing the window (when every free card was still being withdrawn and
        the wait for one ran out, on a loaded machine) is dropped: the card stays unmapped,
        unpainted, while Qt holds it shown. Looked at once it has had time to appear (it has
        not painted then, so `check_soon` never comes), and mapped again if it has not."""
        if not self._x11:
            return
        self._shown[window] = _LOST_CHECKS
        if not self._lost.isActive():
            self._lost.start()

    def _map_lost(self) -> None:
        x = self._connection()
        if x is None or not x.property(x.root, self._atoms[b"_NET_SUPPORTING_WM_CHECK"]):
            self._shown.clear()
            return
        for window, left in list(self._shown.items()):
            if not window.isVisible() or self._managed(x, window):
                del self._shown[window]
            elif left > 1:
                self._shown[window] = left - 1
            else:
                # Withdrawn for the window manager by now, so this map is answered.
                del self._shown[window]
                window.hide()
                window.show()
                log.info("cards: the window manager never mapped a card; mapped it again")
        if self._shown:
            self._lost.start()

    # -- after painting --

    def watch(self, window: QWidget) -> None:
        """Check `window` after each of its paints, and note when it hides, for
        `before_show()` (windows that do not say when they painted or hid, such as the
        "+N more" entry)."""
        if self._x11:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget):
            if event.type() == QEvent.Type.Paint:
                self.check_soon(watched)
            elif event.type() == QEvent.Type.Hide:
                self.hidden(watched)
        return False

    def check_soon(self, window: QWidget) -> None:
        """`window` has just painted: check it in the next turn of the event loop."""
        if not self._x11:
            return
        if not self._due:
            QTimer.singleShot(0, self, self._check)
        self._due[window] = _RECHECKS

    def _check(self) -> None:
        due, self._due = self._due, {}
        x = self._connection()
        if x is None or not x.property(x.root, self._atoms[b"_NET_SUPPORTING_WM_CHECK"]):
            return  # no window manager: nobody can take the state away
        state, above = self._atoms[b"_NET_WM_STATE"], self._atoms[b"_NET_WM_STATE_ABOVE"]
        later: dict[QWidget, int] = {}
        for window, left in due.items():
            if not window.isVisible():
                continue
            handle = int(window.winId())
            if not self._managed(x, window):
                if left > 1:  # not managed yet: what it says now is not what will hold
                    later[window] = left - 1
                continue
            if above in x.property(handle, state):
                continue
            x.tell_window_manager(handle, state, _ADD, above, 0, _FROM_APPLICATION)
            self._restored += 1
            if self._restored == 1:
                log.info("cards: the window manager dropped a card's stay-on-top; asked again")
        if later:
            self._due.update(later)
            QTimer.singleShot(_RECHECK_MS, self, self._check)

    def _connection(self) -> XcbClient | None:
        if self._x is None and self._x11:
            try:
                self._x = XcbClient()
                for name in (b"WM_STATE", b"_NET_WM_STATE", b"_NET_WM_STATE_ABOVE",
                             b"_NET_SUPPORTING_WM_CHECK"):  # fmt: skip
                    self._atoms[name] = self._x.atom(name)
            except OSError as exc:
                self._x11 = False  # no X server of its own to ask: nothing more to do
                log.info("cards: cannot check stay-on-top on this X server (%s)", exc)
                if self._x is not None:
                    self._x.close()
                    self._x = None
        return self._x
