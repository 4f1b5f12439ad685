"""Linphone's linphone.db (liblinphone 5.2 and later) as a source of CallEvents, at ring time.

liblinphone inserts a call's row when the INVITE arrives, before the phone rings
(softphones.md §3.2), so watching the database pops the card without any hook: Linphone has
none. The database belongs to Linphone and is written while we read it, so it is opened
read-only (``mode=ro``), read in one short transaction per change, and a lock or a half-applied
write is normal: the read is retried on the next change, or shortly after. Interpreting rows is
in desktop.core.dialects.linphone; this module runs the queries.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.regular_file import NotRegularFile, require_regular_by_name
from desktop.adapters.sources.followed import FollowedFiles
from desktop.core.dialects.linphone import (
    DEFAULT_NEWS_WINDOW_S,
    CallTracker,
    EventType,
    LinphoneCall,
    LogProblem,
    change_event,
    parse_call_row,
)
from desktop.core.events import CallEvent
from desktop.core.ring_log_position import Position, load_position, open_calls

logger = logging.getLogger(__name__)

# A read never waits for Linphone's lock: SQLite's busy handler sleeps in steps of 1, 2, 5 ms
# and more, which would land on the ring's latency and hold up every other file served by the
# watcher thread. A locked read fails at once and is retried: on the next change (in rollback
# mode the journal's deletion, which is the commit, comes right after) or on the schedules below.
BUSY_TIMEOUT_S = 0.0
RETRY_AFTER_S = 0.25  # the longest wait between retries of a read that found the lock
_BUSY_BACKOFF_S = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1)
_BUSY_REPORT_AFTER = 25  # about 5 s of a lock held without a break
# In WAL mode a commit writes its frames to the -wal file (the last change the watcher sees),
# syncs it, and only then marks the frames committed in the -shm index, which is memory-mapped
# and raises no change event. A read prompted by the last frame therefore usually comes too
# early: the commit shows 1 to 150 ms later, as long as the sync takes. So when the read that a
# change prompted finds no new commit, the source reads again at these intervals until one
# shows (for at most COMMIT_WAIT_LIMIT_S), ...
_COMMIT_WAIT_S = (0.002, 0.005, 0.01)  # the last one repeats
COMMIT_WAIT_LIMIT_S = 2.0
# ... and once a read has seen a commit, a few more follow in case changes were merged into
# one notification (inotify folds identical events that queue up unread).
SETTLE_AFTER_S = (0.01, 0.05, 0.15, 1.0)
SNAPSHOT_ROWS = 50  # the newest rows read at start: any call still in progress is among them
SQLITE_HEADER = b"SQLite format 3\x00"

_SELECT_CALLS = """
SELECT c.id, c.direction, c.status, c.start_time, c.connected_time, c.duration, c.call_id,
       f.value, f.display_name, t.value, t.display_name
FROM conference_call AS c
LEFT JOIN sip_address AS f ON f.id = c.from_sip_address_id
LEFT JOIN sip_address AS t ON t.id = c.to_sip_address_id
"""
_NEW_CALLS = _SELECT_CALLS + "WHERE c.id > ? AND c.id <= ? ORDER BY c.id"
_ALL_CALLS = _SELECT_CALLS + "ORDER BY c.id"
# Walks event by its primary key: cheap however long the history is.
_NEW_EVENTS = """
SELECT ce.conference_call_id, e.type
FROM event AS e JOIN conference_call_event AS ce ON ce.event_id = e.id
WHERE e.id > ? AND e.id <= ?
"""
_ENDED_SINCE = """
SELECT DISTINCT ce.conference_call_id
FROM conference_call_event AS ce JOIN event AS e ON e.id = ce.event_id
WHERE e.type = ? AND ce.conference_call_id > ?
"""

_KIND = "linphone"
_IDS_PER_QUERY = 500  # well under SQLite's limit on a statement's parameters
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED


class LinphoneDbError(Exception):
    """The file cannot be read as Linphone's call database; the message says why, for people."""


def connect_read_only(path: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection that cannot write to Linphone's database, whatever happens."""
    # SQLite's own open would wait on a FIFO for good; raises NotRegularFile (an OSError).
    require_regular_by_name(path)
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    connection = sqlite3.connect(
        uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA query_only = 1")
    return connection


def is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def explain(exc: sqlite3.Error, *, damaged: bool = False) -> str:
    """A database error in words a user can act on; `damaged`: the file begins as an SQLite
    database, so one SQLite cannot read is damaged rather than some other file."""
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered and not damaged:
        return "not an SQLite database (is this really Linphone's linphone.db?)"
    if "malformed" in lowered or "corrupt" in lowered or "not a database" in lowered:
        return f"the database is damaged ({text}); Linphone itself may fail to read it"
    if "no such table" in lowered or "no such column" in lowered:
        return (
            f"not the call history of Linphone 5.2 or later ({text}); older versions write "
            "call-history.db, and only when a call ends"
        )
    if "unable to open" in lowered:
        return f"cannot open the database ({text}); check that this user may read the folder"
    return f"cannot read the database: {text}"


def _ended_calls(connection: sqlite3.Connection, above_id: int) -> set[int]:
    rows = connection.execute(_ENDED_SINCE, (int(EventType.CALL_ENDED), above_id)).fetchall()
    return {row[0] for row in rows if type(row[0]) is int}


def read_calls(path: Path) -> list[LinphoneCall | LogProblem]:
    """Every call in the database, in id order, for `callercard events`; raises LinphoneDbError."""
    if not Path(path).is_file():
        raise LinphoneDbError("no such file")
    try:
        # Nothing waits on this read: it may wait out a commit of Linphone's.
        connection = connect_read_only(path, busy_timeout_s=2.0)
    except sqlite3.Error as exc:
        raise LinphoneDbError(explain(exc)) from exc
    except OSError as exc:
        raise LinphoneDbError(exc.strerror or str(exc)) from exc
    try:
        connection.execute("BEGIN")
        ended = _ended_calls(connection, -1)
        rows = connection.execute(_ALL_CALLS).fetchall()
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise LinphoneDbError(explain(exc)) from exc
    finally:
        connection.close()
    return [parse_call_row(row, ended_event=row[0] in ended) for row in rows]


class LinphoneDbSource(FollowedFiles):
    """Follows one linphone.db and reports its calls as CallEvents (``source="linphone"``).

    Same contract as MicroSipSource: ``on_event`` and ``on_problem`` are called one at a time,
    in order, from the watcher's thread (or the caller's, for start() and poll_now(), or a
    short retry timer's); the first read is a snapshot that reports only a call still ringing
    that started at or after ``ringing_since``; nothing is reported after stop() returns. The
    database, its WAL and its rollback journal are watched, since a commit may touch only one
    of them. It keeps its place across restarts as MicroSipSource does (``resume_from``,
    ``cursor``): the first read then reports the calls Linphone logged meanwhile as catch-up.
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
        retry_after_s: float = RETRY_AFTER_S,
    ) -> None:
        super().__init__(Path(path), on_event, on_problem, watcher, clock)
        # What happened from here on is news if the database cannot be read at start
        # (whole seconds: Linphone stamps its calls so).
        self._started_at = ringing_since if ringing_since is not None else float(int(clock()))
        self._retry_after_s = retry_after_s
        self._tracker = CallTracker(news_window_s=news_window_s, ringing_since=ringing_since)
        self._connection: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        self._last_call_id = 0
        self._last_event_id = 0
        self._busy_reads = 0
        self._retry: threading.Timer | None = None
        self._settle_step = 0
        self._chain = ""  # "wait" for a commit to show, "tail" after one did, "" idle
        self._wait_until = 0.0
        self._version: int | None = None  # PRAGMA data_version at the last read
        self._saw_commit = False  # that read found a commit the one before it had not seen
        self._resumed: Position | None = None  # the stored position, until the first read
        self._read_once = False  # a read of the database has worked: the ids are its own

    @property
    def origin(self) -> str:
        """The key the app stores this database's position under."""
        return f"linphone:{Path(self._path).expanduser().absolute()}"

    @property
    def cursor(self) -> str:
        """Where the database stands now: its last row ids, the newest call, the open ones
        ("" before the first read)."""
        with self._lock:
            if not self._read_once:
                return ""
            mark = self._tracker.mark()
            open_ids = open_calls(((str(i), mark) for i in self._tracker.open_ids()), mark)
            position = Position(_KIND, mark, self._clock(), open_ids,
                                (self._last_call_id, self._last_event_id), self._tracker.since)
        return position.dump()

    def resume_from(self, cursor: str | None) -> None:
        """Before start(): continue after a stored cursor; one that does not fit is ignored
        (the first read is then a snapshot) and said so in the app's log."""
        try:
            position = load_position(cursor, _KIND)
            if position is not None and len(position.ids) != 2:
                raise ValueError("no row ids")
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("%s: ignoring the stored position %r (%s)", self.origin, cursor, exc)
            return
        with self._lock:
            self._resumed = position

    def _watch_paths(self) -> list[Path]:
        # A commit may touch only the journal or the WAL.
        return [Path(f"{self._path}{suffix}") for suffix in ("", "-wal", "-journal")]

    def _release(self) -> None:
        retry, self._retry = self._retry, None
        if retry is not None:
            retry.cancel()
        self._close()

    def poll_now(self) -> list[CallEvent]:
        """Read what changed since the last read and report it; returns the events."""
        with self._lock:
            if self._stopped:
                return []
            rows = self._read()
            if rows is None:
                return []
            update = self._tracker.update(rows, self._clock())
            read_ns = time.monotonic_ns()
            events = [
                change_event(change, file=self._file, read_ns=read_ns)
                for change in update.changes
            ]
            for problem in update.problems:
                self._report(problem.describe(self._file))
            for event in events:
                self._deliver(event)
            return events

    # --- reading -------------------------------------------------------------------------

    def _read(self) -> list[LinphoneCall | LogProblem] | None:
        """The rows to look at, or None when there is nothing new (or nothing readable)."""
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            self._close()
            self._tracker.file_missing(self._started_at)
            self._problem = ""
            return None
        except OSError as exc:
            self._unreadable()
            self._report_once(f"cannot read the file: {exc.strerror or exc}")
            return None
        if not S_ISREG(stat.st_mode):
            self._close()
            # No database there, as when it is missing: what one holds once it is back is new
            # (a snapshot then would swallow a ring written before that first read).
            self._tracker.file_missing(self._started_at)
            self._report_once(
                f"cannot read the file: {NotRegularFile(self._path, stat.st_mode).strerror}"
            )
            return None
        if stat.st_size == 0:
            self._tracker.file_missing(self._started_at)  # Linphone is creating it
            return None
        file_id = (stat.st_dev, stat.st_ino)
        if file_id != self._file_id:
            self._close()  # replaced (restored, copied over): read the new file from scratch
        try:
            if self._connection is None:
                self._connection = connect_read_only(self._path)
                self._file_id = file_id
            connection = self._connection
            connection.execute("BEGIN")  # one consistent view for every query below
            try:
                if self._tracker.has_baseline:
                    rows = self._changes(connection)
                else:
                    rows = self._snapshot(connection)
                # Read inside the transaction: only starting one brings the counter up to date.
                (version,) = connection.execute("PRAGMA data_version").fetchone()
            finally:
                connection.execute("COMMIT")
        except sqlite3.Error as exc:
            self._saw_commit = False
            self._failed_read(exc)
            return None
        except OSError as exc:  # not a regular file (connect_read_only), or gone meanwhile
            self._close()
            self._unreadable()
            self._report_once(f"cannot read the file: {exc.strerror or exc}")
            return None
        self._saw_commit = version != self._version
        self._version = version
        self._read_once = True
        self._busy_reads = 0
        self._problem = ""
        return rows

    def _snapshot(self, connection: sqlite3.Connection) -> list[LinphoneCall | LogProblem]:
        last_call, last_event = self._maxima(connection)
        low = max(last_call - SNAPSHOT_ROWS, 0)
        resumed = self._since_position(connection, last_call, last_event)
        older: list[int] = []
        if resumed is not None:
            low = min(low, resumed[0])  # every row added since, by its id
            older = [i for i in resumed[1] if i <= low]  # earlier rows changed since
        ended = _ended_calls(connection, min([low, *older]) - 1 if older else low)
        rows = []
        for chunk in range(0, len(older), _IDS_PER_QUERY):
            some = older[chunk : chunk + _IDS_PER_QUERY]
            marks = ",".join("?" * len(some))
            rows += connection.execute(_SELECT_CALLS + f"WHERE c.id IN ({marks}) ORDER BY c.id",
                                       some).fetchall()  # fmt: skip
        rows += connection.execute(_NEW_CALLS, (low, last_call)).fetchall()
        self._last_call_id, self._last_event_id = last_call, last_event
        return [parse_call_row(row, ended_event=row[0] in ended) for row in rows]

    def _since_position(
        self, connection: sqlite3.Connection, last_call: int, last_event: int
    ) -> tuple[int, list[int]] | None:
        """The stored position's last row id and the earlier rows changed since (a call open
        at the quit, a late event); the tracker's first read is told every row the database
        gained or changed since, to report those that are over as catch-up."""
        resumed, self._resumed = self._resumed, None
        if resumed is None:
            return None
        call_id, event_id = resumed.ids
        if call_id > last_call or event_id > last_event:
            # Fewer rows than at the last run: another database under the name (restored,
            # reset). Its content is the baseline, as at a first watch.
            logger.warning("%s: the database is older than its stored position; not caught up",
                           self._file)  # fmt: skip
            return None
        touched = {row[0] for row in connection.execute(_NEW_EVENTS, (event_id, last_event))
                   if type(row[0]) is int}  # fmt: skip
        opened = {int(i) for i in resumed.open if i.isdigit()}
        changed = sorted(i for i in touched | opened if i <= call_id)
        since = [*changed, *range(call_id + 1, last_call + 1)]
        self._tracker.resume(replace(resumed, open=tuple(map(str, since))))
        return call_id, changed

    def _changes(self, connection: sqlite3.Connection) -> list[LinphoneCall | LogProblem]:
        last_call, last_event = self._maxima(connection)
        if last_call < self._last_call_id:  # the newest calls were deleted from the history
            self._tracker.forget(range(last_call + 1, self._last_call_id + 1))
            self._last_call_id = last_call
        self._last_event_id = min(self._last_event_id, last_event)
        touched: set[int] = set()
        ended: set[int] = set()
        for call_id, event_type in connection.execute(
            _NEW_EVENTS, (self._last_event_id, last_event)
        ):
            if type(call_id) is int:
                touched.add(call_id)
                if event_type == EventType.CALL_ENDED:
                    ended.add(call_id)
        rows = connection.execute(_NEW_CALLS, (self._last_call_id, last_call)).fetchall()
        again = sorted(({*touched, *self._tracker.open_ids()}) - {row[0] for row in rows})
        if again:
            marks = ",".join("?" * len(again))
            older = connection.execute(_SELECT_CALLS + f"WHERE c.id IN ({marks})", again).fetchall()
            self._tracker.forget(set(again) - {row[0] for row in older})
            rows = older + rows
        self._last_call_id, self._last_event_id = last_call, last_event
        return [parse_call_row(row, ended_event=row[0] in ended) for row in rows]

    @staticmethod
    def _maxima(connection: sqlite3.Connection) -> tuple[int, int]:
        (last_call,) = connection.execute("SELECT MAX(id) FROM conference_call").fetchone()
        (last_event,) = connection.execute("SELECT MAX(id) FROM event").fetchone()
        return (
            last_call if type(last_call) is int else 0,
            last_event if type(last_event) is int else 0,
        )

    def _failed_read(self, exc: sqlite3.Error) -> None:
        if is_busy(exc):
            # Linphone is committing. Not an error: read again shortly, in case no further
            # change comes to prompt it.
            self._busy_reads += 1
            if self._busy_reads == _BUSY_REPORT_AFTER:
                self._report_once("the database has stayed locked for seconds; still trying")
            self._schedule_retry()
            return
        message = explain(exc, damaged=self._starts_as_sqlite())
        if "no such table" in str(exc).lower():
            self._tracker.file_missing(self._started_at)
            if self._is_empty_database():
                self._close()
                return  # Linphone has created the file and not yet its tables
        self._close()
        self._unreadable()
        self._report_once(message)

    def _unreadable(self) -> None:
        """No read has worked yet: calls the database holds once it can be read are news
        from the source's start on, not a baseline (see CallTracker.unreadable_at_start)."""
        if not self._tracker.has_baseline:
            self._tracker.unreadable_at_start(self._started_at)

    def _starts_as_sqlite(self) -> bool:
        """Whether the file begins as an SQLite database does (so one that cannot be read is
        a damaged database, not some other file)."""
        try:
            with open(self._path, "rb") as file:
                return looks_like_sqlite(file.read(len(SQLITE_HEADER)))
        except OSError:
            return False

    def _is_empty_database(self) -> bool:
        if self._connection is None:
            return False
        try:
            (tables,) = self._connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            return False
        return bool(tables == 0)

    def _schedule_retry(self) -> None:
        step = self._busy_reads - 1
        delay = _BUSY_BACKOFF_S[step] if step < len(_BUSY_BACKOFF_S) else self._retry_after_s
        self._schedule(min(delay, self._retry_after_s))

    def _schedule(self, delay_s: float, *, restart: bool = False) -> None:
        """One read ``delay_s`` from now. ``restart`` moves a pending one there, so that the
        last change of a burst is always followed by a read."""
        with self._lock:
            if self._stopped:
                return
            if self._retry is not None:
                if not restart:
                    return
                self._retry.cancel()
            retry = threading.Timer(delay_s, self._retry_now)
            retry.daemon = True
            self._retry = retry
            retry.start()

    def _retry_now(self) -> None:
        with self._lock:
            self._retry = None
        self._read_guarded()
        with self._lock:
            if self._busy_reads == 0:  # else the lock's own retry is already scheduled
                self._continue_chain()

    def _start_chain(self, *, restart: bool) -> None:
        """After a read prompted by a change: wait for its commit to show, or settle."""
        if self._saw_commit:
            self._chain, self._settle_step = "tail", 0
            self._schedule(SETTLE_AFTER_S[0], restart=restart)
        else:
            self._chain, self._settle_step = "wait", 0
            self._wait_until = time.monotonic() + COMMIT_WAIT_LIMIT_S
            self._schedule(_COMMIT_WAIT_S[0], restart=restart)

    def _continue_chain(self) -> None:
        if self._chain == "wait":
            if self._saw_commit or time.monotonic() >= self._wait_until:
                self._chain, self._settle_step = "tail", 0
                self._schedule(SETTLE_AFTER_S[0])
                return
            self._settle_step += 1
            self._schedule(_COMMIT_WAIT_S[min(self._settle_step, len(_COMMIT_WAIT_S) - 1)])
        elif self._chain == "tail" and self._settle_step + 1 < len(SETTLE_AFTER_S):
            self._settle_step += 1
            self._schedule(SETTLE_AFTER_S[self._settle_step])
        else:
            self._chain = ""

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:
                logger.debug("closing %s failed", self._file, exc_info=True)
        self._connection = None
        self._file_id = None
        self._version = None

    def _on_change(self) -> None:
        self._read_guarded()
        with self._lock:
            self._start_chain(restart=True)


def looks_like_sqlite(head: bytes) -> bool:
    return head.startswith(SQLITE_HEADER)


def has_call_table(path: Path) -> bool:
    """True when the SQLite file at ``path`` has liblinphone's conference_call table."""
    try:
        connection = connect_read_only(path)
    except (sqlite3.Error, OSError):
        return False
    try:
        row = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conference_call'"
        ).fetchone()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return row is not None
