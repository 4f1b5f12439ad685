"""MicroSIP's microsip.ini as a source of CallEvents, at ring time.

MicroSIP writes a [Calls] line the moment an incoming call starts ringing (softphones.md §3.1),
so watching the file pops the card without any hook set up in MicroSIP. Parsing and diffing are
in desktop.core.dialects.microsip; this module reads the file when the watcher says so.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.adapters.sources.reporting import ProblemReporting
from desktop.core.dialects.microsip import (
    DEFAULT_NEWS_WINDOW_S,
    CallLogTracker,
    call_event,
    decode_ini,
)
from desktop.core.events import CallEvent

logger = logging.getLogger(__name__)

# 1000 calls in UTF-16 are about 200 KB; anything far bigger is not MicroSIP's ini, and reading
# it in the watcher's thread would hold up every other file.
MAX_FILE_BYTES = 8 * 1024 * 1024

# Windows' profile API writes with an exclusive open, so a read can collide with a write in
# progress; the write is over within a few milliseconds.
_SHARING_VIOLATION = 32  # ERROR_SHARING_VIOLATION
_SHARING_RETRIES = 5
_SHARING_RETRY_S = 0.002


class MicroSipSource(ProblemReporting):
    """Follows one microsip.ini and reports its calls as CallEvents (``source="microsip"``).

    ``on_event`` and ``on_problem`` are called one at a time, in order, from the watcher's
    thread (or the caller's, for start() and poll_now()); they must be quick and thread-safe.
    The first read is a snapshot: calls already in the file are not reported. Nothing is
    reported after stop() returns. Pass a shared ``watcher`` to serve several sources from one
    observer thread; it is then started and stopped by its owner, not by this source.
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
    ) -> None:
        self._path = Path(path)
        self._file = str(path)
        self._on_event = on_event
        self._on_problem = on_problem
        self._owns_watcher = watcher is None
        self._watcher = watcher if watcher is not None else FileWatcher()
        self._clock = clock
        self._tracker = CallLogTracker(news_window_s=news_window_s)
        # Reentrant so a callback may call stop(); held while reading, diffing and reporting,
        # which keeps concurrent reads from reporting one transition twice or out of order.
        self._lock = threading.RLock()
        self._started = False
        self._stopped = False
        self._watched: WatchedFile | None = None
        self._read_problem = ""
        self._failed = False
        self._last_data = b""

    @property
    def path(self) -> Path:
        return self._path

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._stopped = False
        self.poll_now()  # the snapshot, before any change can be reported
        watched = self._watcher.watch(self._path, self._on_change, self._report)
        with self._lock:
            self._watched = watched
        if self._owns_watcher:
            self._watcher.start()
        self.poll_now()  # whatever changed between the snapshot and the watch

    def stop(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
            self._stopped = True
            watched, self._watched = self._watched, None
        # Outside the lock: the watcher waits for a callback in flight, which may need it.
        if watched is not None:
            self._watcher.unwatch(watched)
        if self._owns_watcher:
            self._watcher.stop()

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
                try:
                    self._on_event(event)
                except Exception:
                    logger.exception("on_event failed for %s", event.where)
            return events

    def _on_change(self) -> None:
        try:
            self.poll_now()
        except Exception as exc:  # a bug must not stop the next ring from popping
            logger.exception("reading %s failed", self._file)
            if not self._failed:
                self._failed = True
                self._report(f"{self._file}: internal error while reading the call log: {exc!r}")
        else:
            self._failed = False

    def _read(self) -> bytes | None:
        """The file's bytes, or None when there is nothing to diff (missing, unreadable)."""
        for attempt in range(_SHARING_RETRIES + 1):
            try:
                data = _read_whole(self._path)
            except FileNotFoundError:
                self._read_problem = ""
                self._tracker.file_missing()
                return None
            except _TooBig as too_big:
                self._report_read_problem(
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
                self._report_read_problem(f"cannot read the file: {exc.strerror or exc}")
                return None
            self._read_problem = ""
            return data
        return None

    def _report_read_problem(self, message: str) -> None:
        if message != self._read_problem:
            self._read_problem = message
            self._report(f"{self._file}: {message}")


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_whole(path: Path) -> bytes:
    """One open, one fstat, one read into a buffer of the file's size: on the ring path a
    buffered read(MAX_FILE_BYTES) costs twice as much, most of it allocating 8 MiB."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise _TooBig(size)
        # A file that grows after fstat reads cut short; the parser waits that out until the
        # writer's next event.
        return os.read(fd, size)
    finally:
        os.close(fd)
