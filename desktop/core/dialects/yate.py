"""Yate's ``cdrfile`` module: one line per call leg, appended when the leg is finalized.

Default format (modules/cdrfile.cpp, conf.d/cdrfile.conf.sample), comma-separated, or
tab-separated and unquoted with ``tabs=true``::

    ${time},"${billid}","${chan}","${address}","${caller}","${called}",${billtime},
    ${ringtime},${duration},"${direction}","${status}","${reason}"

``time`` is the leg's start in Unix seconds with milliseconds; the durations are seconds.
``direction`` is seen from Yate: the leg that brought the call in is ``incoming``, whether it
came from a trunk or from the user's own extension, and the legs Yate placed onward are
``outgoing``. One call is therefore read from its incoming leg alone (the others share its
``billid``): from an extension to an outside number it is outbound, otherwise inbound.
"""

from __future__ import annotations

import csv
import re
from datetime import tzinfo

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    after,
    clip,
    decode_text,
    epoch,
    first_line_of,
    history_event,
    looks_internal,
    number_value,
    read_lines,
)
from desktop.core.models import Direction

SOURCE = "yate"
COLUMNS = 12
_START = re.compile(r"[0-9]{9,12}\.[0-9]{1,6}[,\t]")


def _fields(line: str) -> list[str] | None:
    if line.count("\t") >= COLUMNS - 1:
        return line.split("\t")
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def parse_line(
    line: str, line_no: int, tz: tzinfo | None = None
) -> HistoryEvent | LogProblem | None:
    """One line of the cdrfile; None for blank lines and the legs Yate placed onward.
    ``tz`` is unused: Yate writes Unix time."""
    del tz
    if not line.strip():
        return None
    fields = _fields(line)
    if fields is None or len(fields) != COLUMNS:
        found = "unbalanced quotes" if fields is None else f"{len(fields)} columns"
        return LogProblem(
            f"expected the 12 columns of Yate's default cdrfile format, found {found}: "
            f"{clip(line)!r}",
            line_no,
        )
    started = epoch(fields[0])
    if started is None:
        return LogProblem(f"time {clip(fields[0])!r} is not Unix seconds", line_no)
    leg = fields[9].strip().lower()
    if leg == "outgoing":
        return None
    if leg != "incoming":
        return LogProblem(
            f"direction {clip(fields[9])!r} is neither incoming nor outgoing", line_no
        )
    caller, called = fields[4].strip(), fields[5].strip()
    billtime = number_value(fields[6]) or 0.0
    duration = number_value(fields[8])
    answered = fields[10].strip().lower() == "answered" or billtime > 0
    outbound = looks_internal(caller) and not looks_internal(called)
    billid = fields[1].strip()
    return history_event(
        source=SOURCE,
        direction=Direction.OUT if outbound else Direction.IN,
        answered=answered,
        number=called if outbound else caller,
        name="",
        started=started,
        ended=after(started, duration) if duration is not None else None,
        key=billid or f"{fields[2].strip()}@{fields[0].strip()}",
        where=f"line {line_no}",
    )


def sniff(head: bytes) -> bool:
    line = first_line_of(head)
    if not _START.match(line):
        return False
    fields = _fields(line)
    return fields is not None and len(fields) == COLUMNS


def events_from_bytes(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    return read_lines(decode_text(data), parse_line, tz)
