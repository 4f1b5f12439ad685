"""MicroSIP's microsip.ini as a source of CallEvents, at ring time.

MicroSIP writes a [Calls] line the moment an incoming call starts ringing (softphones.md §3.1),
so watching the file pops the card without any hook set up in MicroSIP. Parsing and diffing are
in desktop.core.dialects.microsip; this module reads the file when the watcher says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.regular_file import REGULAR_OPEN_FLAGS, NotRegularFile
from desktop.adapters.sources.followed import FollowedFiles
from desktop.core.dialects.microsip import (
    DEFAULT_NEWS_WINDOW_S,
    CallLogTracker,
    call_event,
    decode_ini,
)
from desktop.core.events import CallEvent
from desktop.core.ring_log_position import load_position

logger = logging.getLogger(__name__)

# 1000 calls in UTF-16 are about 200 KB; anything far bigger is not MicroSIP's ini, and reading
# it in the watcher's thread would hold up every other file.
MAX_FILE_BYTES = 8 * 1024 * 1024

# Windows' profile API writes with an exclusive open, so a read can collide with a write in
# progress; the write is over within a few milliseconds.
_SHARING_VIOLATION = 32  # ERROR_SHARING_VIOLATION
_SHARING_RETRIES = 5
_SHARING_RETRY_S = 0.002


class MicroSipSource(FollowedFiles):
    """Follows one microsip.ini and reports its calls as CallEvents (``source="microsip"``).

    ``on_event`` and ``on_problem`` are called one at a time, in order, from the watcher's
    thread (or the caller's, for start() and poll_now()); they must be quick and thread-safe.
    The first read is a snapshot: calls already in the file are not reported, but for a call
    still ringing that started at or after ``ringing_since`` (desktop.core.first_read). Nothing
    is reported after stop() returns (FollowedFiles). Pass a shared ``watcher`` to serve several
    sources from one observer thread; it is then started and stopped by its owner.

    Like an end-of-call log's source it keeps its place across restarts: ``resume_from`` the
    ``cursor`` stored at the last run, before start(), and the first read reports the calls
    MicroSIP logged meanwhile as catch-up history (desktop.core.ring_log_position).
    """

    def __init__(
        self,
        path: Path,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        *,
        watcher: FileWatcher | None = None,
        clock: Callable[[], float] = time.time,
        news_window_s: float | None = DEFAULT_NEWS_WINDOW_S,
        ringing_since: float | None = None,
    ) -> None:
        super().__init__(Path(path), on_event, on_problem, watcher, clock)
        self._tracker = CallLogTracker(news_window_s=news_window_s, ringing_since=ringing_since)
        self._last_data = b""

    @property
    def origin(self) -> str:
        """The key the app stores this log's position under."""
        return f"microsip:{Path(self._path).expanduser().absolute()}"

    @property
    def cursor(self) -> str:
        """Where the log stands now ("" before the first read)."""
        with self._lock:
            position = self._tracker.position(self._clock())
        return position.dump() if position is not None else ""

    def resume_from(self, cursor: str | None) -> None:
        """Before start(): continue after a stored cursor; one that does not fit is ignored
        (the first read is then a snapshot) and said so in the app's log."""
        try:
            position = load_position(cursor, "microsip")
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("%s: ignoring the stored position %r (%s)", self.origin, cursor, exc)
            return
        if position is not None:
            with self._lock:
                self._tracker.resume(position)

    def poll_now(self) -> list[CallEvent]:
        """Read the file now and report what changed since the last read; returns the events."""
        with self._lock:
            if self._stopped:
                return []
            data = self._read()
            if data is None or data == self._last_data:
                return []  # several events per write are usual; the later ones find no change
            self._last_data = data
            update = self._tracker.update(decode_ini(data), self._clock())
            read_ns = time.monotonic_ns()
            events = [
                call_event(change, file=self._file, read_ns=read_ns) for change in update.changes
            ]
            for problem in update.problems:
                self._report(problem.describe(self._file))
            for event in events:
                self._deliver(event)
            return events

    def _read(self) -> bytes | None:
        """The file's bytes, or None when there is nothing to diff (missing, unreadable)."""
        for attempt in range(_SHARING_RETRIES + 1):
            try:
                data = _read_whole(self._path)
            except FileNotFoundError:
                self._problem = ""
                self._tracker.file_missing(self._clock())
                return None
            except NotRegularFile as exc:
                # What was there is gone; a real file may come back.
                self._tracker.file_missing(self._clock())
                self._report_once(f"cannot read the file: {exc.strerror}")
                return None
            except _TooBig as too_big:
                self._report_once(
                    f"the file is {too_big.size} bytes, more than any MicroSIP call log; "
                    "not reading it"
                )
                return None
            except OSError as exc:
                if (
                    getattr(exc, "winerror", None) == _SHARING_VIOLATION
                    and attempt < _SHARING_RETRIES
                ):
                    time.sleep(_SHARING_RETRY_S)
                    continue
                self._report_once(f"cannot read the file: {exc.strerror or exc}")
                return None
            self._problem = ""
            if not data and _yield_cpu():
                # Caught between the truncate and the write of MicroSIP's rewrite: our wake-up
                # has often preempted the writer, whose write takes microseconds. Once it has
                # run, the ring is read now rather than at the next notification.
                with contextlib.suppress(OSError):
                    data = _read_whole(self._path)
            return data
        return None


def _yield_cpu() -> bool:
    """Let another runnable thread or process have this CPU; False where that is not offered."""
    sched_yield = getattr(os, "sched_yield", None)
    if sched_yield is None:
        return False
    sched_yield()
    return True


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_whole(path: Path) -> bytes:
    """One open, one fstat, one read into a buffer of the file's size: on the ring path a
    buffered read(MAX_FILE_BYTES) costs twice as much, most of it allocating 8 MiB. Opened
    as open_regular_fd does (a FIFO's open returns at once), but the one fstat both checks
    the kind and sizes the read, and the descriptor stays non-blocking, which a regular
    file's read ignores: three system calls fewer, ~10 µs of a ring read cold."""
    fd = os.open(path, REGULAR_OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        size = st.st_size
        if size > MAX_FILE_BYTES:
            raise _TooBig(size)
        # A file that grows after fstat reads cut short; the parser waits that out until the
        # writer's next event.
        return os.read(fd, size)
    finally:
        os.close(fd)
