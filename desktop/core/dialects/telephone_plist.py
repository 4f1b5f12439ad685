"""macOS Telephone's call history: ``CallHistories/<account-uuid>.plist``.

A binary property list, an array of dicts with ``user``, ``host``, ``name``, ``date``,
``duration``, ``incoming`` and ``missed`` (UseCases/PersistentCallHistory.swift), saved
atomically when a call disconnects (softphones.md §3.14). There is no call-id: a call is
known by its date and remote address. ``date`` is an NSDate, which plistlib reads as UTC.
"""

from __future__ import annotations

import plistlib
import struct
from datetime import UTC, datetime, tzinfo

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    after,
    clip,
    history_event,
)
from desktop.core.models import Direction

SOURCE = "telephone"
_PLIST_ERRORS = (
    plistlib.InvalidFileException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    struct.error,
)


def record_event(record: object, index: int) -> HistoryEvent | LogProblem:
    where = f"record {index + 1}"
    if not isinstance(record, dict):
        return LogProblem(f"is a {type(record).__name__}, not a call", key=where)
    user, host = record.get("user"), record.get("host", "")
    date, duration = record.get("date"), record.get("duration", 0)
    if not isinstance(user, str) or not isinstance(host, str):
        return LogProblem("has no user/host text", key=where)
    if not isinstance(date, datetime):
        return LogProblem(f"date {clip(repr(date))} is not a date", key=where)
    if not isinstance(duration, int | float) or isinstance(duration, bool) or duration < 0:
        return LogProblem(f"duration {clip(repr(duration))} is not a number of seconds", key=where)
    started = date if date.tzinfo is not None else date.replace(tzinfo=UTC)
    incoming = record.get("incoming") is True
    missed = record.get("missed") is True
    name = record.get("name", "")
    return history_event(
        source=SOURCE,
        direction=Direction.IN if incoming else Direction.OUT,
        answered=not missed if incoming else duration > 0,
        number=f"{user}@{host}" if host else user,
        name=name.strip() if isinstance(name, str) else "",
        started=started,
        ended=after(started, float(duration)),
        key=f"{started.isoformat()}|{user}@{host}",
        where=where,
    )


def events_from_bytes(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    """Every call in one CallHistories plist; ``tz`` is unused (NSDates are absolute)."""
    del tz
    if not data:
        return HistoryRead()
    try:
        root = plistlib.loads(data)
    except _PLIST_ERRORS as exc:
        return HistoryRead(
            unreadable=LogProblem(f"is not a readable property list ({clip(str(exc))})")
        )
    if not isinstance(root, list):
        return HistoryRead(
            unreadable=LogProblem(
                f"holds a {type(root).__name__}, not Telephone's list of calls", key="top level"
            )
        )
    events: list[HistoryEvent] = []
    problems: list[LogProblem] = []
    for index, record in enumerate(root):
        parsed = record_event(record, index)
        if isinstance(parsed, HistoryEvent):
            events.append(parsed)
        else:
            problems.append(parsed)
    return HistoryRead(tuple(events), tuple(problems))


def sniff(head: bytes) -> bool:
    """A binary property list (Telephone writes no other kind)."""
    return head.startswith(b"bplist00")
