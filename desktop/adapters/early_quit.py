"""A logout (SIGTERM) or Ctrl+C that comes while the app starts, before Qt is up, is kept for
desktop.qt.signals, which quits on the event loop's first turn as for any other.

Without a handler the default action ended the process there and then: exit -15 instead of 0,
no 'quit' in the log, a demo's throwaway folder left behind. What start-up does before the loop
runs is bounded (a hand-over to a running instance and the instance lock have timeouts), so
keeping the signal delays the quit by well under a second. The interpreter's own start and the
command line are before this and still end by the default action.

No Qt here: it is installed before Qt is imported.
"""

from __future__ import annotations

import signal

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class EarlyQuitSignals:
    """The quit signals received until desktop.qt.signals.QuitOnSignals takes them over."""

    def __init__(self) -> None:
        self.received: list[int] = []
        for sig in QUIT_SIGNALS:
            signal.signal(sig, self._keep)

    def _keep(self, signum: int, _frame: object) -> None:
        self.received.append(signum)
