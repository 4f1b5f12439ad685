"""The app's log file: private, rotated, and deaf to floods.

Several warnings can be triggered from outside: any same-user process can send bad lines to
the instance socket, and any web page can make the browser request the URL endpoint. One line
per event would let them fill the disk, so the file rotates (a few MB, a few files) and a
message that repeats is written a few times, then counted: the next one written after a quiet
spell says how many like it were suppressed. Every file is readable by this user alone: the
log holds caller numbers.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 3  # callercard.log.1 … .3: at most 8 MB in all
BURST = 5  # copies of one message written per window before the rest are counted
WINDOW_S = 60.0
_MAX_KEYS = 512  # distinct messages tracked at once; the oldest is forgotten past that


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files are created 0600 (rotation renames, keeping it), and
    which says once on stderr that it cannot write (a full disk), instead of logging's
    traceback for every record."""

    _told = False

    def handleError(self, record: logging.LogRecord) -> None:
        if self._told:
            return
        self._told = True
        problem = sys.exc_info()[1]
        reason = getattr(problem, "strerror", None) or str(problem)
        with suppress(OSError, ValueError):  # stderr gone too: nobody left to tell
            print(f"callercard: cannot write the log {self.baseFilename} ({reason}); "
                  "log lines are dropped while it cannot", file=sys.stderr)  # fmt: skip

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if sys.platform != "win32":  # Windows has no fchmod (nor such modes)
            os.fchmod(fd, 0o600)  # a file left 0644 by an older version
        stream = os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)
        assert isinstance(stream, TextIOWrapper)
        return stream


class RepeatFilter(logging.Filter):
    """Lets BURST records of one kind (logger, level, format string) through per WINDOW_S,
    counts the rest, and notes the count on the next one let through."""

    def __init__(
        self,
        burst: int = BURST,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._burst = burst
        self._window_s = window_s
        self._clock = clock
        # kind -> [window start, written in window, suppressed since last written]
        self._seen: dict[tuple[str, int, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        state = self._seen.get(kind)
        if state is None or now - state[0] >= self._window_s:
            suppressed = int(state[2]) if state else 0
            self._seen.pop(kind, None)
            if len(self._seen) >= _MAX_KEYS:
                del self._seen[next(iter(self._seen))]
            self._seen[kind] = [now, 1, 0]
            if suppressed:
                record.msg = f"{record.msg} [{suppressed} similar messages suppressed]"
                record.msg = str(record.msg)
            return True
        if state[1] < self._burst:
            state[1] += 1
            return True
        state[2] += 1
        return False


class _ZonedFormatter(logging.Formatter):
    """Times with the ms and the zone's offset ("2026-12-08 01:30:12.345+0000"): runs under
    other zones (a laptop that travelled, TZ set for one) read out of order in one file without
    it, and support could not line the log up with a softphone's."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        at = time.localtime(record.created)
        return (f"{time.strftime('%Y-%m-%d %H:%M:%S', at)}.{int(record.msecs):03d}"
                f"{time.strftime('%z', at)}")  # fmt: skip


def setup_file_log(path: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the root logger to `path`; returns the handler (already installed)."""
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", errors="backslashreplace"
    )
    handler.setFormatter(_ZonedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
