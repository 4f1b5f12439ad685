"""How a file-watching source tells its owner what went wrong."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class ProblemReporting:
    """`_report` hands a problem to the owner's callback from any thread: never after the source
    stopped, and never raising into the watcher's thread, where an exception would stop the
    next ring from being read."""

    _lock: threading.RLock
    _stopped: bool
    _on_problem: Callable[[str], None]

    def _report(self, message: str) -> None:
        with self._lock:
            if self._stopped:
                return
            try:
                self._on_problem(message)
            except Exception:
                logger.exception("on_problem failed for %r", message)
