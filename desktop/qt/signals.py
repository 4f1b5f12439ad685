"""Quit cleanly on SIGTERM/SIGINT (logout, `kill`, Ctrl+C in a terminal).

Python runs signal handlers only between bytecodes, and Qt's event loop can sleep for hours in
C++. The wakeup fd writes a byte on every signal; a QSocketNotifier turns that byte into a
Qt event, so the handler runs at once without a polling timer waking the CPU.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class QuitOnSignals(QObject):
    def __init__(self, on_signal: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, _signum: int, _frame: object) -> None:
        self._on_signal()

    def _drain(self) -> None:
        with contextlib.suppress(BlockingIOError):
            self._reader.recv(64)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
