"""How the app says a problem (a log it cannot read, settings not saved, a directory failing):
logged, traced, shown by the tray (and the no-tray window's status line) and, with no tray,
as a desktop notification; and taken back once it is over, from the thread that saw it end,
in order behind the problem itself."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.adapters.trace import RingTrace
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.notifier import Notifier
    from desktop.qt.tray import TrayMenu

log = logging.getLogger("callercard")


class ProblemReport:
    def __init__(self, tray: TrayMenu, notifier: Notifier, bridge: ThreadBridge,
                 trace: RingTrace) -> None:  # fmt: skip
        self._tray = tray
        self._notifier = notifier
        self._bridge = bridge
        self._trace = trace

    def report(self, message: str) -> None:
        log.warning("%s", message)
        self._trace.write("problem", "", message=message)
        self._tray.notify("CallerCard", message)
        if not self._tray.has_tray:
            self._notifier.notify("CallerCard", message)

    def over_from_thread(self, about: str) -> None:
        """A problem a source or loop reported (`about` starts it) is over, said from its
        thread: the tray takes it back in order, behind the problem itself."""
        tray = self._tray
        self._bridge.call_from_thread(lambda: tray.problem_over(about))

    def watched_again(self, path: Path) -> None:
        """A watched file's folder is back: its "does not exist" problem is over. Through the
        bridge, behind that problem and ahead of what the next read reports."""
        self.over_from_thread(f"{path}: ")  # how FileWatcher words a file's problems
