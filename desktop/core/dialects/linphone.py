"""Linphone's ``linphone.db`` (liblinphone 5.2 and later): call rows in, call states out.

liblinphone keeps its call history in its main SQLite database (src/db/main-db.cpp)::

    conference_call(id, from_sip_address_id, to_sip_address_id, direction, duration,
                    start_time, connected_time, status, video_enabled, quality, call_id, ...)
    sip_address(id, value, display_name)
    event(id, type, creation_time)            3 call started, 21 connected, 4 ended
    conference_call_event(event_id, conference_call_id)

How one call unfolds in it (src/conference/session/call-session.cpp, setState) and what is
reported for it:

* The row and a type-3 event are inserted as soon as an incoming INVITE with SDP is processed,
  before the phone rings. ``status`` is then 1 ("aborted"), which is also its final value for a
  call that ends without any other verdict, and ``connected_time`` is the epoch. RINGING.
* On answer the row gets status 0 and a connected time, and a type-21 event is added. ANSWERED.
* At the end a type-4 event is added and the status may change: 2 missed (not answered, or the
  caller cancelled with 487), 3 declined, 5 answered elsewhere, 6 declined elsewhere. An incoming
  call that ended without being answered here is MISSED; any other ended call is ENDED.
  Statuses 2-6 are only ever written at the end, so they mean "ended" even before the type-4
  event is visible (or in rows imported from older versions, which carry no events).
* An INVITE without SDP (late offer) gets its row only at the end: it is first seen ended.

The remote party is ``from`` for an incoming call and ``to`` for an outgoing one. Its
``sip_address.value`` is the URI with its parameters sorted and no display name
(``sip:+14155550123@sip.example.com;user=phone``); the display name has its own column.
Timestamps are ``DATE`` columns holding ``YYYY-MM-DD HH:MM:SS`` text in UTC.

This module never touches the database: the adapter runs the queries and hands rows here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from desktop.core.events import CallEvent, CallState
from desktop.core.first_read import pops_at_first_read
from desktop.core.models import Direction
from desktop.core.ring_log_position import Position, caught_up, over_before_first_watch

SOURCE = "linphone"

# As for MicroSIP: a call first seen long after it happened is history, not a ring. The first
# start of Linphone 5.2 imports the whole legacy call-history.db into linphone.db, for one.
DEFAULT_NEWS_WINDOW_S = 900.0

EPOCH_TEXT = "1970-01-01 00:00:00"  # connected_time of a call that never connected

_MAX_PROBLEMS_PER_READ = 5
_REPORTED_LIMIT = 2000
_FOLLOWED_LIMIT = 2000


class CallStatus(IntEnum):
    """LinphoneCallStatus (include/linphone/types.h)."""

    SUCCESS = 0
    ABORTED = 1  # also the value while the call is still in progress
    MISSED = 2
    DECLINED = 3
    EARLY_ABORTED = 4
    ACCEPTED_ELSEWHERE = 5
    DECLINED_ELSEWHERE = 6


class EventType(IntEnum):
    """The call event types of EventLog::Type (include/linphone/enums/event-log-enums.h)."""

    CALL_STARTED = 3
    CALL_ENDED = 4
    CALL_CONNECTED = 21


_FINAL_STATUSES = frozenset(
    {
        CallStatus.MISSED,
        CallStatus.DECLINED,
        CallStatus.EARLY_ABORTED,
        CallStatus.ACCEPTED_ELSEWHERE,
        CallStatus.DECLINED_ELSEWHERE,
    }
)
_HANDLED_ELSEWHERE = frozenset({CallStatus.ACCEPTED_ELSEWHERE, CallStatus.DECLINED_ELSEWHERE})

# The columns the adapter selects, in this order, for parse_call_row.
CALL_COLUMNS = (
    "id",
    "direction",
    "status",
    "start_time",
    "connected_time",
    "duration",
    "call_id",
    "from_value",
    "from_display_name",
    "to_value",
    "to_display_name",
)


@dataclass(frozen=True, slots=True)
class LinphoneCall:
    id: int
    direction: Direction
    status: CallStatus
    started_at: datetime  # UTC
    connected: bool
    duration: int  # seconds; 0 until the call ends
    call_id: str  # the SIP Call-ID
    remote: str  # the remote party's URI exactly as stored
    remote_name: str  # its display name, "" when none
    ended: bool  # a type-4 event was seen, or the status can only have been written at the end

    @property
    def state(self) -> CallState:
        if not self.ended:
            return CallState.ANSWERED if self.connected else CallState.RINGING
        if (
            self.direction is Direction.IN
            and not self.connected
            and self.status not in _HANDLED_ELSEWHERE
        ):
            return CallState.MISSED
        return CallState.ENDED

    @property
    def identity(self) -> tuple[int, datetime, str]:
        """What tells this call from a later one that reuses its row id (SQLite hands out the
        highest id + 1 again once the newest row is deleted)."""
        return (self.id, self.started_at, self.call_id)

    @property
    def call_key(self) -> str:
        return f"{SOURCE}:{self.id}:{int(self.started_at.timestamp())}"


@dataclass(frozen=True, slots=True)
class LogProblem:
    message: str
    row: int | None = None  # conference_call.id

    def describe(self, file: str) -> str:
        where = file if self.row is None else f"{file} conference_call id {self.row}"
        return f"{where}: {self.message}"


# --- one row --------------------------------------------------------------------------------

_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?"
)


def parse_utc(text: object) -> datetime | None:
    """A soci DATE value (``YYYY-MM-DD HH:MM:SS``, UTC) as an aware datetime, or None."""
    if not isinstance(text, str):
        return None
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # month 13, February 30th
        return None


def parse_call_row(row: Sequence[object], *, ended_event: bool) -> LinphoneCall | LogProblem:
    """One row selected as CALL_COLUMNS; ``ended_event`` says whether a type-4 event exists.

    SQLite stores whatever it is given whatever the column type, so every value is checked.
    """
    if len(row) != len(CALL_COLUMNS):
        return LogProblem(f"expected {len(CALL_COLUMNS)} columns, got {len(row)}")
    values = dict(zip(CALL_COLUMNS, row, strict=True))
    row_id = values["id"]
    if type(row_id) is not int:
        return LogProblem(f"id {_show(row_id)} is not a number")
    direction = values["direction"]
    if direction not in (0, 1) or type(direction) is not int:
        return LogProblem(
            f"direction {_show(direction)} is not 0 (outgoing) or 1 (incoming)", row_id
        )
    status = values["status"]
    if type(status) is not int or not 0 <= status <= max(CallStatus):
        return LogProblem(f"status {_show(status)} is not a call status (0-6)", row_id)
    started_at = parse_utc(values["start_time"])
    if started_at is None:
        return LogProblem(f"start_time {_show(values['start_time'])} is not a date", row_id)
    connected_text = values["connected_time"]
    connected_at = parse_utc(connected_text)
    if connected_text is not None and connected_at is None:
        return LogProblem(f"connected_time {_show(connected_text)} is not a date", row_id)
    duration = values["duration"]
    if duration is None:
        duration = 0
    if type(duration) is not int or duration < 0:
        return LogProblem(f"duration {_show(duration)} is not a number of seconds", row_id)
    incoming = direction == 1
    remote = values["from_value"] if incoming else values["to_value"]
    remote_name = values["from_display_name"] if incoming else values["to_display_name"]
    if not isinstance(remote, str):
        side = "from" if incoming else "to"
        return LogProblem(f"the {side} address is missing from sip_address", row_id)
    call_status = CallStatus(status)
    return LinphoneCall(
        id=row_id,
        direction=Direction.IN if incoming else Direction.OUT,
        status=call_status,
        started_at=started_at,
        connected=call_status is CallStatus.SUCCESS
        or (connected_at is not None and connected_at.timestamp() > 0),
        duration=duration,
        call_id=values["call_id"] if isinstance(values["call_id"], str) else "",
        remote=remote,
        remote_name=remote_name if isinstance(remote_name, str) else "",
        ended=ended_event or call_status in _FINAL_STATUSES,
    )


def _show(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- following calls across reads -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallChange:
    call: LinphoneCall
    state: CallState
    # Logged while the app was closed, found by the first read after a restart, or over for
    # longer than the news window when first seen: history.
    caught_up: bool = False


@dataclass(frozen=True, slots=True)
class TrackerUpdate:
    changes: tuple[CallChange, ...] = ()
    problems: tuple[LogProblem, ...] = ()


_ORDER = {CallState.RINGING: 0, CallState.ANSWERED: 1, CallState.ENDED: 2, CallState.MISSED: 2}


@dataclass(slots=True)
class _Followed:
    identity: tuple[int, datetime, str]
    state: CallState


class CallTracker:
    """Turns the rows read after each change of linphone.db into call state changes, each
    reported once and in order (ringing, answered, ended or missed; never backwards).

    The adapter decides which rows to read (new ids, rows with new events, and the calls still
    in progress, see ``open_ids``) and passes them to ``update``. The first update is a snapshot:
    it follows the calls still in progress and reports only a call still ringing that started
    at or after ``ringing_since`` (desktop.core.first_read), and nothing without it.
    """

    def __init__(
        self,
        *,
        news_window_s: float | None = DEFAULT_NEWS_WINDOW_S,
        ringing_since: float | None = None,
    ) -> None:
        self._news_window_s = news_window_s
        self._ringing_since = ringing_since
        self._has_baseline = False
        # Set when the database could not be read at start: only what happened since is news.
        self._news_since: float | None = None
        self._followed: dict[int, _Followed] = {}
        self._reported: set[tuple[int | None, str]] = set()
        self._resumed: Position | None = None
        # When the database was first watched (ring_log_position.Position.since): kept from
        # the stored position, else the time of this run's first read.
        self._since = 0.0

    @property
    def has_baseline(self) -> bool:
        return self._has_baseline

    @property
    def since(self) -> float:
        """When the database was first watched: a call over before that is its past."""
        return self._since

    def resume(self, position: Position) -> None:
        """Before the first read: the position stored at the last run (its ``open`` holding
        the ids of the rows the log gained or changed since). That read then reports the calls
        over since then as catch-up (desktop.core.ring_log_position)."""
        if not self._has_baseline:
            self._resumed = position

    def mark(self) -> float:
        """The start (Unix seconds) of the newest call followed, or of the stored position."""
        newest = max((f.identity[1].timestamp() for f in self._followed.values()), default=0.0)
        return max(newest, self._resumed.mark if self._resumed is not None else 0.0)

    def file_missing(self, since: float) -> None:
        """There is no call table to read. Before any read that means an empty history, first
        watched at `since` (Unix seconds, when the watch began): whatever appears later is new
        (within the news window), but for calls over before `since`, the log's past (Linphone
        5.2 copies its legacy call history in at its first start)."""
        if not self._has_baseline:
            self._since = self._resumed.since if self._resumed is not None else since
        self._has_baseline = True

    def unreadable_at_start(self, since: float) -> None:
        """The database could not be read before any read worked (damaged, not a database,
        not readable by us): once it can be, its calls are diffed against `since` (Unix
        seconds) rather than taken as the baseline, so a call that lands in the repaired
        database before that first read is still reported (popped while it rings, logged
        once over). Calls that happened before `since` are history, as at any start."""
        if not self._has_baseline:
            self._has_baseline = True
            self._news_since = since
            self._since = since

    def open_ids(self) -> list[int]:
        """Row ids of the calls followed that have not ended yet: read them again each time."""
        return [
            row_id
            for row_id, followed in self._followed.items()
            if followed.state in (CallState.RINGING, CallState.ANSWERED)
        ]

    def forget(self, row_ids: Iterable[int]) -> None:
        """These rows are gone (the user deleted them from the history)."""
        for row_id in row_ids:
            self._followed.pop(row_id, None)

    def update(self, rows: Iterable[LinphoneCall | LogProblem], now: float) -> TrackerUpdate:
        emit = self._has_baseline
        if not emit:
            self._since = self._resumed.since if self._resumed is not None else now
        self._has_baseline = True
        changes: list[CallChange] = []
        problems: list[LogProblem] = []
        for row in rows:
            if isinstance(row, LogProblem):
                if self._first_report(row):
                    problems.append(row)
                continue
            change = self._follow(row, now, emit=emit)
            if change is not None:
                changes.append(change)
        changes.sort(key=lambda change: (change.call.id, _ORDER[change.state]))
        return TrackerUpdate(tuple(changes), _capped(problems))

    def _follow(self, call: LinphoneCall, now: float, *, emit: bool) -> CallChange | None:
        state = call.state
        followed = self._followed.get(call.id)
        if followed is None or followed.identity != call.identity:
            self._remember(call.id, _Followed(call.identity, state))
            if emit:
                return self._first_seen(call, state, now)
            if self._caught_up(call, state):
                return CallChange(call, state, caught_up=True)
            if pops_at_first_read(
                call.direction, state, call.started_at.timestamp(), self._ringing_since
            ):
                return CallChange(call, state)
            return None
        if _ORDER[state] <= _ORDER[followed.state]:
            return None
        followed.state = state
        return CallChange(call, state)

    def _caught_up(self, call: LinphoneCall, state: CallState) -> bool:
        resumed = self._resumed
        if resumed is None or state not in (CallState.ENDED, CallState.MISSED):
            return False
        started = call.started_at.timestamp()
        return resumed.catches_up(str(call.id), started, started + call.duration)

    def _remember(self, row_id: int, followed: _Followed) -> None:
        # Ended calls stay remembered for a while: their row is read again when a late event
        # for them arrives, and must not look new then.
        self._followed.pop(row_id, None)
        self._followed[row_id] = followed
        if len(self._followed) <= _FOLLOWED_LIMIT:
            return
        for old_id in list(self._followed)[: len(self._followed) - _FOLLOWED_LIMIT // 2]:
            if self._followed[old_id].state in (CallState.ENDED, CallState.MISSED):
                del self._followed[old_id]

    def _first_seen(self, call: LinphoneCall, state: CallState, now: float) -> CallChange | None:
        """A call first read after the first read: news if it rings or ended within the news
        window; over long ago (a database restored or copied in), history the app never had,
        recorded without a card (the store drops a call it has already); nothing when it
        happened before a start whose database could not be read, or is over and ended before
        the database was first watched (the log's past then)."""
        over = state in (CallState.ENDED, CallState.MISSED)
        happened = call.started_at.timestamp() + (call.duration if over else 0)
        if self._news_since is not None and happened < self._news_since:
            return None
        if over and over_before_first_watch(happened, self._since):
            return None  # the log's past, copied or restored in: the snapshot left it out
        if self._news_window_s is None or now - happened <= self._news_window_s:
            return CallChange(call, state)
        return CallChange(call, state, caught_up=True) if over else None

    def _first_report(self, problem: LogProblem) -> bool:
        key = (problem.row, problem.message)
        if key in self._reported:
            return False
        if len(self._reported) >= _REPORTED_LIMIT:
            self._reported.clear()
        self._reported.add(key)
        return True


def _capped(problems: list[LogProblem]) -> tuple[LogProblem, ...]:
    if len(problems) <= _MAX_PROBLEMS_PER_READ:
        return tuple(problems)
    kept = problems[: _MAX_PROBLEMS_PER_READ - 1]
    return (*kept, LogProblem(f"{len(problems) - len(kept)} more unreadable call rows"))


def change_event(change: CallChange, *, file: str, read_ns: int = 0) -> CallEvent:
    """What the source reports for a change: a call caught up is history."""
    event = call_event(change.call, change.state, file=file, read_ns=read_ns)
    if not change.caught_up:
        return event
    return caught_up(event, duration_s=change.call.duration, answered=change.call.connected)


def call_event(
    call: LinphoneCall, state: CallState | None = None, *, file: str, read_ns: int = 0
) -> CallEvent:
    return CallEvent(
        source=SOURCE,
        direction=call.direction,
        state=call.state if state is None else state,
        number=call.remote,
        name=call.remote_name,
        time=call.started_at,
        call_key=call.call_key,
        where=f"{file} conference_call id {call.id}",
        read_ns=read_ns,
    )


def format_utc(moment: datetime) -> str:
    """A datetime as liblinphone writes a DATE column (UTC, whole seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
