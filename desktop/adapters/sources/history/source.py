"""HistorySource: an end-of-call log as a source of HistoryEvents.

A restart neither re-pops nor misses: the app stores each event's ``cursor`` with the record
it made of it (one transaction) and hands the last one back through ``resume_from`` before
``start``. Whatever the log gained meanwhile is reported with ``catch_up=True``: history, never
a window. Without a cursor (a log watched for the first time) the log's current content is the
baseline and nothing in it is reported; a log missing or unreadable at start is diffed, once it
can be read, against the moment the source started (calls that ended since are reported).

Callbacks run one at a time, from the watcher's thread or the caller's (start, poll_now), like
MicroSipSource's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.adapters.sources.followed import FollowedSource
from desktop.adapters.sources.history.dialects import HistoryDialect
from desktop.adapters.sources.history.readers import log_for
from desktop.adapters.sources.history.seen import end_seconds
from desktop.adapters.sources.history.whole_log import WholeLog
from desktop.core.dialects.end_of_call import HistoryEvent, LogProblem
from desktop.core.events import CallEvent

logger = logging.getLogger(__name__)

DEFAULT_NEWS_WINDOW_S = 900.0  # a call that ended longer ago than this is history, not news
SETTLE_S = 2.0  # an unterminated last record unchanged this long is reported
RESCAN_S = 5.0  # how often a folder of files (Jitsi) is checked for a newer file
_MAX_PROBLEMS_PER_READ = 5
_REPORTED_LIMIT = 2000
_CURSOR_VERSION = 1


class HistorySource(FollowedSource):
    """Follows one end-of-call log and reports each call in it once, as a HistoryEvent.

    Call ``resume_from(cursor)`` before ``start()`` with the cursor of the last event the app
    stored (None the first time). ``cursor`` is where the source stands now; store it once
    after start() when there was none, so a restart before the first new call still catches
    up. Pass a shared ``watcher`` to serve several sources from one observer thread.
    """

    def __init__(
        self,
        path: Path,
        dialect: HistoryDialect,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        *,
        watcher: FileWatcher | None = None,
        clock: Callable[[], float] = time.time,
        news_window_s: float = DEFAULT_NEWS_WINDOW_S,
        tz: tzinfo | None = None,
        settle_s: float = SETTLE_S,
        rescan_s: float = RESCAN_S,
    ) -> None:
        super().__init__(Path(path).expanduser().absolute(), on_event, on_problem, watcher, clock)
        self._dialect = dialect
        self._news_window_s = news_window_s
        self._settle_s = settle_s
        self._rescan_s = rescan_s
        self._log = log_for(self._path, dialect, tz)
        self._in_start = False
        self._watched: dict[Path, WatchedFile] = {}
        self._reported: set[str] = set()
        self._problem_count = 0
        self._settle_timer: threading.Timer | None = None
        self._settle_token: object = None
        self._settle_reported: object = None
        self._settle_since = 0.0
        self._rescan_stop = threading.Event()
        self._rescan_thread: threading.Thread | None = None

    @property
    def dialect(self) -> HistoryDialect:
        return self._dialect

    @property
    def origin(self) -> str:
        """The key the app stores this log's cursor under."""
        return f"{self._dialect.name}:{self._path}"

    @property
    def cursor(self) -> str:
        with self._lock:
            return self._cursor()

    def _cursor(self) -> str:
        if not self._log.has_state:
            return ""
        state = {"v": _CURSOR_VERSION, "layout": self._dialect.layout.value,
                 **self._log.state()}  # fmt: skip
        return json.dumps(state, separators=(",", ":"))

    def resume_from(self, cursor: str | None) -> None:
        """Continue after a stored cursor; one that does not fit this log is ignored (the
        log's current content becomes the baseline) and said so in the app's log."""
        if not cursor:
            return
        with self._lock:
            try:
                state = json.loads(cursor)
                if state.get("v") != _CURSOR_VERSION or state.get("layout") != (
                    self._dialect.layout.value
                ):
                    raise ValueError("written for another layout")
                self._log.resume(state)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                logger.warning("%s: ignoring the stored position %r (%s)", self.origin, cursor, exc)

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._stopped = False
            self._in_start = True
        try:
            self.poll_now()  # the baseline, or the catch-up since the stored cursor
        finally:
            with self._lock:
                self._in_start = False
        self._rewatch()
        if self._owns_watcher:
            self._watcher.start()
        self.poll_now()  # whatever changed between the first read and the watch
        if self._dialect.folder_glob:
            self._rescan_stop.clear()
            thread = threading.Thread(
                target=self._rescan, name=f"history-rescan-{self._dialect.name}", daemon=True
            )
            self._rescan_thread = thread
            thread.start()

    def stop(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
            self._stopped = True
            watched = list(self._watched.values())
            self._watched = {}
            timer, self._settle_timer = self._settle_timer, None
        if timer is not None:
            timer.cancel()
        self._rescan_stop.set()
        rescan = self._rescan_thread
        if rescan is not None and rescan is not threading.current_thread():
            rescan.join(5)
        for one in watched:
            self._watcher.unwatch(one)
        if self._owns_watcher:
            self._watcher.stop()

    def poll_now(self) -> int:
        """Read the log now and report what it gained; returns how many events were reported."""
        with self._lock:
            if self._stopped:
                return 0
            self._problem_count = 0
            counter = [0]
            catch_up_all = self._in_start
            read_ns = time.monotonic_ns()
            now = self._clock()

            # The cursor goes on the last event of a read only: a position must never be
            # stored ahead of a call still queued for the store, and one behind costs only a
            # re-read (the store drops calls it has). It also keeps a long catch-up cheap.
            held: list[HistoryEvent] = []

            def deliver(event: HistoryEvent) -> None:
                counter[0] += 1
                self._deliver(event)

            def emit(event: HistoryEvent, fresh: bool, file: str) -> None:
                if held:
                    deliver(held.pop())
                late = now - end_seconds(event) > self._news_window_s
                held.append(
                    _completed(
                        event,
                        where=f"{file} {event.where}",
                        catch_up=catch_up_all or not fresh or late,
                        origin=self.origin,
                        read_ns=read_ns,
                    )
                )

            self._log.read(emit, self._report_problem)
            if catch_up_all and not self._log.has_state:
                # Missing or unreadable as the source starts: what the log holds once it can
                # be read is diffed against now, not taken as the baseline (a call that lands
                # before that first read would be lost, whenever the watcher is slow).
                self._log.since = now
            if held:
                deliver(replace(held.pop(), cursor=self._cursor()))
            self._summarise_problems()
            self._arm_settle()
            return counter[0]

    # -- helpers (lock held) -----------------------------------------------------------------

    def _report_problem(self, problem: LogProblem, file: str) -> None:
        text = problem.describe(file)
        if text in self._reported:
            return
        if len(self._reported) >= _REPORTED_LIMIT:
            self._reported.clear()
        self._reported.add(text)
        self._problem_count += 1
        if self._problem_count < _MAX_PROBLEMS_PER_READ:
            self._report(text)

    def _summarise_problems(self) -> None:
        hidden = self._problem_count - (_MAX_PROBLEMS_PER_READ - 1)
        if hidden > 0:
            self._report(f"{self._path}: {hidden} more unreadable records not shown")

    def _arm_settle(self) -> None:
        """An unterminated last record is normal for a moment (the writer is at it); one
        unchanged for settle_s is reported, once. A timer makes sure it is looked at again."""
        token = self._log.pending_token()
        if token is None:
            self._settle_token = None
            return
        if token == self._settle_token:
            waited = time.monotonic() - self._settle_since
            if waited >= self._settle_s * 0.9 and self._settle_reported != token:
                incomplete = self._log.incomplete()
                if incomplete is not None:
                    self._settle_reported = token
                    self._report(incomplete.describe(self._log_file_for_incomplete()))
                return
            if self._settle_reported == token:
                return
        else:
            self._settle_token = token
            self._settle_since = time.monotonic()
        if self._settle_timer is not None:
            self._settle_timer.cancel()
        delay = max(0.01, self._settle_s - (time.monotonic() - self._settle_since))
        timer = threading.Timer(delay, self._on_change)
        timer.daemon = True
        self._settle_timer = timer
        timer.start()

    def _log_file_for_incomplete(self) -> str:
        unfinished = getattr(self._log, "unfinished", None)
        if isinstance(unfinished, tuple):
            return str(unfinished[0])
        return str(self._path)

    def _rewatch(self) -> None:
        wanted = set(self._log.paths())
        with self._lock:
            if not self._started:
                return
            gone = [p for p in self._watched if p not in wanted]
            new = [p for p in wanted if p not in self._watched]
            for path in gone:
                self._watcher.unwatch(self._watched.pop(path))
            for path in new:
                self._watched[path] = self._watcher.watch(path, self._on_change, self._report)

    def _rescan(self) -> None:
        """A folder of files (Jitsi) gains a new file after every 150 calls, which no watch on
        the current file can see. Watches change here, never in watchdog's own thread."""
        while not self._rescan_stop.wait(self._rescan_s):
            log = self._log
            if not isinstance(log, WholeLog):
                return
            if log.newest() != log.current or set(log.paths()) != set(self._watched):
                self._on_change()
                self._rewatch()


def _completed(
    event: HistoryEvent, *, where: str, catch_up: bool, origin: str, read_ns: int
) -> HistoryEvent:
    # A direct call: dataclasses.replace costs four times as much, per call of a long catch-up.
    return HistoryEvent(
        source=event.source,
        direction=event.direction,
        state=event.state,
        number=event.number,
        name=event.name,
        time=event.time,
        call_key=event.call_key,
        where=where,
        read_ns=read_ns,
        ended=event.ended,
        answered=event.answered,
        catch_up=catch_up,
        origin=origin,
    )
