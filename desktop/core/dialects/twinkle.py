"""Twinkle's call history, ``~/.twinkle/twinkle.ch``.

A ``#`` header line names the 20 fields; each call is one line of ``|``-separated fields
(src/call_history.cpp create_file_record)::

    time_start|time_answer|time_end|direction|from_display|from_uri|from_organization|
    to_display|to_uri|to_organization|reply_to_display|reply_to_uri|referred_by_display|
    referred_by_uri|subject|rel_cause|invite_resp_code|invite_resp_reason|far_end_device|
    user_profile

Times are Unix seconds, ``time_answer`` 0 when nobody answered; ``direction`` is ``in`` or
``out``. ``|`` and ``\\`` inside a field are escaped with ``\\``, and a field that starts
with ``#`` gets a leading ``\\`` so that no record reads as a comment.

Twinkle truncates and rewrites the whole file in several writes at the end of every call
(softphones.md §3.4, §8), so a read can end in the middle of a record; that last, unterminated
line is waited for. A call is known by its start time and both URIs: there is no call-id.
"""

from __future__ import annotations

from datetime import tzinfo

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    clip,
    decode_text,
    epoch,
    history_event,
    read_lines,
)
from desktop.core.models import Direction

SOURCE = "twinkle"
HEADER = (
    "# time_start|time_answer|time_end|direction|from_display|from_uri|from_organization|"
    "to_display|to_uri|to_organization|reply_to_display|reply_to_uri|referred_by_display|"
    "referred_by_uri|subject|rel_cause|invite_resp_code|invite_resp_reason|far_end_device|"
    "user_profile"
)
FIELDS = 20


def split_record(line: str) -> list[str]:
    """Split at unescaped ``|`` and undo the escapes (util.cpp escape/unescape)."""
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def parse_line(
    line: str, line_no: int, tz: tzinfo | None = None
) -> HistoryEvent | LogProblem | None:
    """One line of twinkle.ch; None for the header, comments and blank lines."""
    del tz  # Twinkle writes Unix time
    if not line.strip() or line.startswith("#"):
        return None
    fields = split_record(line)
    if len(fields) != FIELDS:
        return LogProblem(
            f"expected Twinkle's 20 |-separated fields, found {len(fields)}: {clip(line)!r}",
            line_no,
        )
    started = epoch(fields[0])
    answer_text, end_text, way = fields[1].strip(), fields[2].strip(), fields[3].strip()
    if started is None:
        return LogProblem(f"time_start {clip(fields[0])!r} is not Unix seconds", line_no)
    if epoch(answer_text) is None or epoch(end_text) is None:
        return LogProblem(
            f"time_answer/time_end {clip(answer_text)!r}/{clip(end_text)!r} are not Unix seconds",
            line_no,
        )
    if way not in ("in", "out"):
        return LogProblem(f"direction {clip(way)!r} is neither in nor out", line_no)
    direction = Direction.IN if way == "in" else Direction.OUT
    display, uri = (fields[4], fields[5]) if direction is Direction.IN else (fields[7], fields[8])
    return history_event(
        source=SOURCE,
        direction=direction,
        answered=answer_text.strip("0") != "",
        number=uri.strip(),
        name=display.strip(),
        started=started,
        ended=epoch(end_text),
        key="|".join((fields[0].strip(), fields[5].strip(), fields[8].strip())),
        where=f"line {line_no}",
    )


def sniff(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(HEADER[:40].encode())


def events_from_bytes(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    """Every complete record of a twinkle.ch."""
    header = HEADER.encode()
    if header.startswith(data.strip()) and not data.endswith(b"\n"):
        # Empty, or caught while the header itself was being written.
        incomplete = LogProblem("the header line is not complete yet", 1) if data.strip() else None
        return HistoryRead(incomplete=incomplete)
    if not sniff(data):
        first = decode_text(data[:80]).split("\n", 1)[0]
        return HistoryRead(
            unreadable=LogProblem(
                f"does not start with Twinkle's call-history header (found {clip(first)!r})", 1
            )
        )
    return read_lines(decode_text(data), parse_line, tz)
