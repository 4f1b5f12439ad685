"""PBX call detail records: Asterisk ``cdr_csv`` and FreeSWITCH ``mod_cdr_csv`` Master.csv.

Both append one line per call after hangup (softphones.md §3.10, §3.11), so a reader follows
them by byte offset and parses complete lines only.

Asterisk (cdr_csv.c build_csv_record): accountcode, src, dst, dcontext, clid, channel,
dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags,
then uniqueid and userfield when ``loguniqueid``/``loguserfield`` are on (the shipped
cdr.conf.sample turns both on: 18 columns), then peeraccount, linkedid, sequence with
``newcdrcolumns``. Strings are quoted with ``""`` doubling, integers bare, an unset answer time
is an empty bare field. Times are local or GMT (``usegmtime``); the uniqueid starts with the
channel's creation time in Unix seconds, which tells which one a line uses.

FreeSWITCH (default template ``example``): caller_id_name, caller_id_number,
destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
hangup_cause, uuid, bleg_uuid, accountcode, read_codec, write_codec. Every value is quoted but
nothing is escaped, so a ``"`` in a caller name breaks strict CSV: fields are split at
``","`` instead. Stamps are the PBX's local time.

A PBX logs which party called which, not which side is the user: a call from an extension to
an outside number is outbound, anything else inbound (the dialplan context decides first).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, timedelta, timezone, tzinfo

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    clip,
    decode_text,
    first_line_of,
    history_event,
    looks_internal,
    number_value,
    read_lines,
    split_name_addr,
    stamp,
)
from desktop.core.models import Direction

ASTERISK = "asterisk"
FREESWITCH = "freeswitch"

_ASTERISK_COLUMNS = range(16, 22)
_FREESWITCH_COLUMNS = 15
_UNIQUEID = re.compile(r"([0-9]{9,12})\.[0-9]+")
_DISPOSITIONS = frozenset({"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "CANCEL"})
_HANGUP_CAUSE = re.compile(r"[A-Z][A-Z0-9_]*")
_INBOUND_CONTEXT = re.compile(r"from-(trunk|pstn|did|external|outside)|public|incoming|inbound")
_OUTBOUND_CONTEXT = re.compile(r"from-internal|internal|default|outbound|from-users?")
# A uniqueid more than this far from the start time (read as UTC) means the time is local; the
# difference, rounded to a quarter hour, is the PBX's UTC offset at the time.
_CLOCK_SLACK_S = 300
_QUARTER_HOUR_S = 900


def _direction(context: str, caller: str, callee: str) -> Direction:
    context = context.lower()
    if _INBOUND_CONTEXT.search(context):
        return Direction.IN
    internal_caller = looks_internal(caller)
    if internal_caller and not looks_internal(callee):
        return Direction.OUT
    if _OUTBOUND_CONTEXT.search(context) and internal_caller:
        return Direction.OUT
    return Direction.IN


# --- Asterisk -------------------------------------------------------------------------------


def _asterisk_fields(line: str) -> list[str] | None:
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _uniqueid_time(fields: list[str]) -> int | None:
    if len(fields) < 17:
        return None
    match = _UNIQUEID.fullmatch(fields[16].strip())
    return int(match.group(1)) if match else None


def _asterisk_zone(start_text: str, uniqueid_time: int | None, tz: tzinfo | None) -> tzinfo | None:
    if uniqueid_time is None:
        return tz
    as_utc = stamp(start_text, UTC)
    if as_utc is None:
        return tz
    skew = as_utc.timestamp() - uniqueid_time
    if abs(skew) <= _CLOCK_SLACK_S:
        return UTC
    quarters = round(skew / _QUARTER_HOUR_S)
    if abs(quarters) > 14 * 4:  # no zone is that far off: the uniqueid lies, use the default
        return tz
    return timezone(timedelta(seconds=quarters * _QUARTER_HOUR_S))


def asterisk_line(
    line: str, line_no: int, tz: tzinfo | None = None
) -> HistoryEvent | LogProblem | None:
    """One line of Asterisk's Master.csv. ``tz`` is for files without a uniqueid column
    (None: this machine's local time)."""
    if not line.strip():
        return None
    fields = _asterisk_fields(line)
    if fields is None:
        return LogProblem(f"not a CSV line (a quote is not closed): {clip(line)!r}", line_no)
    if len(fields) not in _ASTERISK_COLUMNS:
        return LogProblem(
            f"expected 16 to 21 Asterisk CDR columns, found {len(fields)}: {clip(line)!r}",
            line_no,
        )
    src, dst, context, clid = fields[1], fields[2], fields[3], fields[4]
    zone = _asterisk_zone(fields[9], _uniqueid_time(fields), tz)
    started = stamp(fields[9], zone)
    if started is None:
        return LogProblem(f"start time {clip(fields[9])!r} is not a date", line_no)
    ended = stamp(fields[11], zone)
    disposition = fields[14].strip().upper()
    answered = disposition == "ANSWERED" or bool(fields[10].strip())
    direction = _direction(context, src, dst)
    if direction is Direction.IN:
        name, _ = split_name_addr(clid)
        number = src
    else:
        name, number = "", dst
    uniqueid = fields[16].strip() if _uniqueid_time(fields) is not None else ""
    key = uniqueid or "|".join((fields[9], src, dst, fields[5]))
    return history_event(
        source=ASTERISK,
        direction=direction,
        answered=answered,
        number=number,
        name=name if name != number else "",
        started=started,
        ended=ended,
        key=key,
        where=f"line {line_no}",
    )


def asterisk_sniff(head: bytes) -> bool:
    line = first_line_of(head)
    fields = _asterisk_fields(line) if line else None
    return (
        fields is not None
        and len(fields) in _ASTERISK_COLUMNS
        and stamp(fields[9], UTC) is not None
        and fields[14].strip().upper() in _DISPOSITIONS
    )


def asterisk_events(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    """Every complete line of a Master.csv (the ``events`` verb, tests)."""
    return read_lines(decode_text(data), asterisk_line, tz)


# --- FreeSWITCH -----------------------------------------------------------------------------


def _freeswitch_fields(line: str) -> list[str] | None:
    text = line.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        fields = text[1:-1].split('","')
        if len(fields) == _FREESWITCH_COLUMNS:
            return fields
    try:
        rows = list(csv.reader([line]))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def freeswitch_line(
    line: str, line_no: int, tz: tzinfo | None = None
) -> HistoryEvent | LogProblem | None:
    """One line of FreeSWITCH's Master.csv (template ``example``); ``tz`` is the PBX's time
    zone (None: this machine's)."""
    if not line.strip():
        return None
    fields = _freeswitch_fields(line)
    if fields is None or len(fields) != _FREESWITCH_COLUMNS:
        found = "no" if fields is None else str(len(fields))
        return LogProblem(
            f"expected the 15 columns of FreeSWITCH's default CDR template, found {found}: "
            f"{clip(line)!r}",
            line_no,
        )
    name, caller, callee, context = fields[0], fields[1], fields[2], fields[3]
    started = stamp(fields[4], tz)
    if started is None:
        return LogProblem(f"start_stamp {clip(fields[4])!r} is not a date", line_no)
    ended = stamp(fields[6], tz)
    billsec = number_value(fields[8]) or 0.0
    answered = bool(fields[5].strip()) or billsec > 0
    direction = _direction(context, caller, callee)
    number = caller if direction is Direction.IN else callee
    key = fields[10].strip() or "|".join((fields[4], caller, callee))
    return history_event(
        source=FREESWITCH,
        direction=direction,
        answered=answered,
        number=number,
        name=name.strip() if direction is Direction.IN and name.strip() != number else "",
        started=started,
        ended=ended,
        key=key,
        where=f"line {line_no}",
    )


def freeswitch_sniff(head: bytes) -> bool:
    line = first_line_of(head)
    fields = _freeswitch_fields(line) if line else None
    return (
        fields is not None
        and len(fields) == _FREESWITCH_COLUMNS
        and stamp(fields[4], UTC) is not None
        and bool(_HANGUP_CAUSE.fullmatch(fields[9].strip()))
    )


def freeswitch_events(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    return read_lines(decode_text(data), freeswitch_line, tz)
