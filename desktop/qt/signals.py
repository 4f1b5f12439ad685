"""Quit cleanly on SIGTERM/SIGINT (logout, `kill`, Ctrl+C in a terminal).

Python runs signal handlers only between bytecodes, and Qt's event loop can sleep for hours in
C++. The wakeup fd writes the signal's number on every signal; a QSocketNotifier turns that
byte into a Qt event, so the quit runs at once without a polling timer waking the CPU.

The quit is made from the notifier, never from the Python handler: a signal that comes before
the event loop runs (while the tray is being made) would have its QApplication.quit() dropped,
as Qt ignores a quit outside exec(), and the app would then start and ignore the logout. The
byte waits in the socket until the loop's first turn instead.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

from desktop.adapters.early_quit import QUIT_SIGNALS, EarlyQuitSignals

log = logging.getLogger(__name__)


class QuitOnSignals(QObject):
    def __init__(
        self,
        on_signal: Callable[[], None],
        parent: QObject | None = None,
        *,
        early: EarlyQuitSignals | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        for sig in QUIT_SIGNALS:
            # signal.signal() first runs a handler still pending, so `early` has it all by now.
            signal.signal(sig, _replace_default_action)
        if early is not None and early.received:
            # A logout that came before Qt was up quits the same way, on the loop's first turn.
            self._writer.send(bytes(early.received))

    def _drain(self) -> None:
        received = b""
        with contextlib.suppress(BlockingIOError):
            received = self._reader.recv(64)
        # Any signal with a Python handler writes its number here, not only ours.
        asked = [signal.Signals(n).name for n in set(received) if n in QUIT_SIGNALS]
        if asked:
            log.info("quit: %s", ", ".join(sorted(asked)))
            self._on_signal()

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def _replace_default_action(_signum: int, _frame: object) -> None:
    """The default action would end the process mid-write; the wakeup byte does the quit."""
