"""What the call-log sources that follow files share: how they hand their owner events and
problems, how a bug in one read is kept from silencing the next, and, for a fixed set of
files, how they start and stop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.core.events import CallEvent

logger = logging.getLogger(__name__)


class FollowedSource:
    """Calls ``on_event`` and ``on_problem`` one at a time, in order, from the watcher's thread
    (or the caller's, for start() and poll_now(), or a timer's): never after the source stopped,
    and never raising into the watcher's thread, where an exception would stop the next ring
    from being read. Pass a shared ``watcher`` to serve several sources from one observer
    thread; it is then started and stopped by its owner, not by the source."""

    def __init__(
        self,
        path: Path,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        watcher: FileWatcher | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self._file = str(path)
        self._on_event = on_event
        self._on_problem = on_problem
        self._owns_watcher = watcher is None
        self._watcher = watcher if watcher is not None else FileWatcher()
        self._clock = clock
        # Reentrant so a callback may call stop(); held while reading, diffing and reporting,
        # which keeps concurrent reads from reporting one transition twice or out of order.
        self._lock = threading.RLock()
        self._started = False
        self._stopped = False
        self._failed = False  # the last read hit a bug, already reported
        self._problem = ""  # the read problem said last, so a lasting one is said once

    @property
    def path(self) -> Path:
        return self._path

    def poll_now(self) -> object:
        """Read now and report what changed."""
        raise NotImplementedError

    def _on_change(self) -> None:
        """What the watcher (and a timer) calls."""
        self._read_guarded()

    def _read_guarded(self) -> None:
        try:
            self.poll_now()
        except Exception as exc:  # a bug must not stop the next call from being read
            logger.exception("reading %s failed", self._file)
            if not self._failed:
                self._failed = True
                self._report(f"{self._file}: internal error while reading the call log: {exc!r}")
        else:
            self._failed = False

    def _deliver(self, event: CallEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            logger.exception("on_event failed for %s", event.where)

    def _report(self, message: str) -> None:
        with self._lock:
            if self._stopped:
                return
            try:
                self._on_problem(message)
            except Exception:
                logger.exception("on_problem failed for %r", message)

    def _report_once(self, message: str) -> None:
        """A read problem, said when it starts or changes; `_problem = ""` once reads work."""
        if message != self._problem:
            self._problem = message
            self._report(f"{self._file}: {message}")


class FollowedFiles(FollowedSource):
    """A source over a fixed set of files (`_watch_paths`). start() reads a snapshot that
    reports nothing, watches, then reads again for what changed in between; nothing is
    reported after stop() returns."""

    _watched: tuple[WatchedFile, ...] = ()  # replaced whole, never changed in place

    def _watch_paths(self) -> list[Path]:
        return [self._path]

    def _release(self) -> None:
        """As stop() begins, under the lock: let go of timers and open handles."""

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._stopped = False
        self.poll_now()  # the snapshot, before any change can be reported
        watched = tuple(
            self._watcher.watch(path, self._on_change, self._report)
            for path in self._watch_paths()
        )
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
            watched, self._watched = self._watched, ()
            self._release()
        # Outside the lock: the watcher waits for a callback in flight, which may need it.
        for item in watched:
            self._watcher.unwatch(item)
        if self._owns_watcher:
            self._watcher.stop()
