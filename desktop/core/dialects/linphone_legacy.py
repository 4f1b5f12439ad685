"""Linphone before liblinphone 5.2: ``call-history.db`` and the ``[call_log_N]`` sections of
``linphonerc``. Both are written only when a call ends (softphones.md §3.2, §8).

call-history.db (coreapi/call_log.c before commit 3ca39474d) has one table::

    call_history(id INTEGER PRIMARY KEY AUTOINCREMENT, caller TEXT, callee TEXT,
                 direction INTEGER, duration INTEGER, start_time TEXT, connected_time TEXT,
                 status INTEGER, videoEnabled INTEGER, quality REAL, call_id TEXT, refkey TEXT)

``caller``/``callee`` are whole name-addrs (``"Jane Doe" <sip:…>``, or a bare URI when there is
no display name); times are Unix seconds stored as text, ``connected_time`` "0" for a call
never answered; direction 0 outgoing, 1 incoming; status 0 success, 1 aborted, 2 missed,
3 declined. linphonec 5.1 stores a missed call's ring time as its duration, so the end is
start + duration either way. Rows only ever get higher ids, which is how new calls are found.

linphonerc keeps the same fields as ``dir``, ``status``, ``from``, ``to``, ``start_date_time``
(or, in the oldest files, ``start_date`` as ``%c`` text), ``duration``, ``call_id``; section
``call_log_0`` is the newest, so section names shift at every call and only the content
identifies one.

Reading the database is the source's job; this module turns its rows into events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    after,
    clip,
    complete_lines,
    decode_text,
    epoch,
    history_event,
    number_value,
    split_name_addr,
)
from desktop.core.models import Direction

SOURCE = "linphone-legacy"
RC_SOURCE = "linphonerc"
SQLITE_HEADER = b"SQLite format 3\x00"
TABLE = "call_history"
COLUMNS = ("id", "caller", "callee", "direction", "duration", "start_time", "connected_time",
           "status", "call_id")  # fmt: skip
# Rows after a given id, oldest first; ``call_id`` is missing from the oldest schema.
QUERY = "SELECT {columns} FROM call_history WHERE id > ? ORDER BY id LIMIT ?"

_SUCCESS, _ABORTED, _MISSED, _DECLINED = 0, 1, 2, 3
_SECTION = re.compile(r"\[(call_log_[0-9]+)\]")


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    # An SQLite integer has at most 19 digits; int() refuses strings over 4300 digits.
    if text.isascii() and text.isdigit() and len(text) <= 19:
        return int(text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _event(
    *,
    source: str,
    caller: str,
    callee: str,
    direction: int | None,
    status: int | None,
    started: datetime,
    duration: float,
    connected: bool,
    key: str,
    where: str,
) -> HistoryEvent | LogProblem:
    if direction not in (0, 1):
        return LogProblem(f"direction {direction!r} is neither 0 (out) nor 1 (in)", key=where)
    way = Direction.IN if direction == 1 else Direction.OUT
    name, address = split_name_addr(caller if way is Direction.IN else callee)
    return history_event(
        source=source,
        direction=way,
        answered=status == _SUCCESS or connected,
        number=address,
        name=name,
        started=started,
        ended=after(started, duration),
        key=key,
        where=where,
    )


def row_event(row: Mapping[str, object]) -> HistoryEvent | LogProblem:
    """One ``call_history`` row (column name -> value) as an event."""
    row_id = _integer(row.get("id"))
    where = f"row id {row.get('id')!r}"
    caller, callee = row.get("caller"), row.get("callee")
    if row_id is None:
        return LogProblem("has no integer id", key=where)
    if not isinstance(caller, str) or not isinstance(callee, str):
        return LogProblem("caller/callee are not text", key=where)
    start_text = str(row.get("start_time", ""))
    started = epoch(start_text)
    if started is None:
        return LogProblem(f"start_time {clip(start_text)!r} is not Unix seconds", key=where)
    duration = _integer(row.get("duration")) or 0
    connected = epoch(str(row.get("connected_time", "0")))
    call_id = row.get("call_id")
    return _event(
        source=SOURCE,
        caller=caller,
        callee=callee,
        direction=_integer(row.get("direction")),
        status=_integer(row.get("status")),
        started=started,
        duration=float(duration),
        connected=connected is not None and connected.timestamp() > 0,
        key=call_id if isinstance(call_id, str) and call_id else f"id{row_id}",
        where=where,
    )


def sniff(head: bytes) -> bool:
    """An SQLite database; whether it holds ``call_history`` takes opening it."""
    return head.startswith(SQLITE_HEADER)


# --- linphonerc -------------------------------------------------------------------------------


def _old_date(text: str, tz: tzinfo | None) -> datetime | None:
    """``start_date`` as strftime("%c") wrote it in the C locale: "Tue Mar 10 15:20:45 2026"."""
    try:
        naive = datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def rc_section_event(
    values: Mapping[str, str], section: str, line: int, tz: tzinfo | None = None
) -> HistoryEvent | LogProblem:
    """One ``[call_log_N]`` section; ``tz`` applies to the old ``start_date`` text only."""
    where = f"[{section}]"
    started = epoch(values.get("start_date_time", ""))
    if started is None and "start_date" in values:
        started = _old_date(values["start_date"], tz)
    if started is None:
        return LogProblem("has no readable start_date_time or start_date", line, where)
    caller, callee = values.get("from", ""), values.get("to", "")
    if not caller or not callee:
        return LogProblem("has no from/to address", line, where)
    call_id = values.get("call_id", "")
    event = _event(
        source=RC_SOURCE,
        caller=caller,
        callee=callee,
        direction=_integer(values.get("dir", "")),
        status=_integer(values.get("status", "")),
        started=started,
        duration=number_value(values.get("duration", "")) or 0.0,
        connected=False,
        key=call_id or f"{int(started.timestamp())}|{caller}|{callee}",
        where=f"line {line} {where}",
    )
    if isinstance(event, LogProblem):
        return LogProblem(event.message, line, where)
    return event


def rc_events_from_text(text: str, tz: tzinfo | None = None) -> HistoryRead:
    """Every complete ``[call_log_N]`` section of a linphonerc. A section still being written
    (the file's last, when the file does not end with a line end) is ``incomplete``."""
    lines, rest = complete_lines(text)
    sections: list[tuple[str, int, dict[str, str]]] = []
    current: dict[str, str] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            match = _SECTION.fullmatch(stripped)
            if match:
                current = {}
                sections.append((match.group(1), number, current))
            else:
                current = None
        elif current is not None and "=" in stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition("=")
            current.setdefault(key.strip(), value.strip())
    incomplete = None
    if rest.strip():
        incomplete = LogProblem(
            "the last line has no line end yet; waiting for the rest of it", len(lines) + 1
        )
        if current is not None and sections:
            sections.pop()  # the section being written is read once it is whole
    events: list[HistoryEvent] = []
    problems: list[LogProblem] = []
    for name, line_no, values in sections:
        parsed = rc_section_event(values, name, line_no, tz)
        if isinstance(parsed, HistoryEvent):
            events.append(parsed)
        else:
            problems.append(parsed)
    # call_log_0 is the newest: oldest first, like every other log
    events.sort(key=lambda event: event.time)
    return HistoryRead(tuple(events), tuple(problems), incomplete)


def rc_events_from_bytes(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    return rc_events_from_text(decode_text(data), tz)


def rc_sniff(head: bytes) -> bool:
    return bool(re.search(rb"^\[(?:call_log_[0-9]+|sip|rtp|sound|net)\]", head, re.MULTILINE))
