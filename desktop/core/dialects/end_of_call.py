"""What every end-of-call log dialect parses into, and the few readings they share.

Twinkle, Jitsi, legacy Linphone, the PBX CDR files, Yate and macOS Telephone write a call only
once it is over (softphones.md §1). They cannot pop a card while the phone rings; they feed the
history: missed calls, and outbound calls that become attempts with a wrap-up. Each dialect
module turns its format into HistoryEvents (CallEvents that also say when the call ended and
whether it was answered) plus LogProblems that name the place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction

_MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
_CLIP = 80


@dataclass(frozen=True)
class HistoryEvent(CallEvent):
    """A call read from an end-of-call log. ``state`` is ENDED or MISSED, never RINGING."""

    ended: datetime | None = None  # None when the log does not say
    answered: bool | None = None  # None when the log does not say
    # Set by the source that read it, not by the dialect:
    catch_up: bool = False  # it ended while nothing watched the log: history, never a window
    cursor: str = ""  # where the source resumes once this record is stored (opaque)
    origin: str = ""  # which watched log the cursor belongs to


@dataclass(frozen=True, slots=True)
class LogProblem:
    """Why one record (or the whole file) cannot be read, and where."""

    message: str
    line: int | None = None  # 1-based
    key: str = ""  # a record's name when the format has no lines: "record 3", "row id 7"

    def describe(self, file: str) -> str:
        where = file
        if self.line is not None:
            where += f" line {self.line}"
        if self.key:
            where += f" ({self.key})" if self.line is not None else f" {self.key}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class HistoryRead:
    """One read of a whole log: its complete records and what could not be read."""

    events: tuple[HistoryEvent, ...] = ()
    problems: tuple[LogProblem, ...] = ()
    # Set when the data ends inside a record: the writer is still at it (or died). That record
    # is waited for, never read half.
    incomplete: LogProblem | None = None
    # Set when the data is not this format at all; events and problems are then empty.
    unreadable: LogProblem | None = None


LineParser = Callable[[str, int, "tzinfo | None"], "HistoryEvent | LogProblem | None"]


# --- building events --------------------------------------------------------------------------


def history_event(
    *,
    source: str,
    direction: Direction,
    answered: bool | None,
    number: str,
    name: str,
    started: datetime,
    ended: datetime | None,
    key: str,
    where: str,
) -> HistoryEvent:
    """An incoming call nobody answered is MISSED; every other call that is over is ENDED."""
    missed = direction is Direction.IN and answered is False
    if ended is not None and ended < started:
        ended = None  # a damaged record: an end before the start says nothing about the end
    return HistoryEvent(
        source=source,
        direction=direction,
        state=CallState.MISSED if missed else CallState.ENDED,
        number=number,
        name=name,
        time=started,
        call_key=f"{source}:{key}",
        where=where,
        ended=ended,
        answered=answered,
    )


def end_of(event: CallEvent) -> datetime:
    """When the call ended, or started when the log does not say."""
    ended = getattr(event, "ended", None)
    return ended if isinstance(ended, datetime) else event.time


# --- values ---------------------------------------------------------------------------------


def epoch(text: str) -> datetime | None:
    """Unix seconds as written ("1773151331", "1773151331.204"); None when not a date."""
    value = text.strip()
    if not _EPOCH.fullmatch(value):
        return None
    seconds = float(value)
    if seconds > _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(seconds, UTC)


_EPOCH = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")
_STAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})")


def stamp(text: str, tz: tzinfo | None) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` in ``tz`` (None: this machine's local time, with its DST
    rules); None when empty or not a date."""
    match = _STAMP.fullmatch(text.strip())
    if match is None:
        return None
    try:
        naive = datetime.fromisoformat(match.group(0))  # validated above: naive, no offset
    except ValueError:
        return None
    if tz is not None:
        return naive.replace(tzinfo=tz).astimezone(UTC)
    try:
        return naive.astimezone(UTC)  # a naive datetime is taken as local time
    except (OverflowError, OSError, ValueError):
        return None


def after(start: datetime, seconds: float) -> datetime | None:
    try:
        return start + timedelta(seconds=seconds)
    except OverflowError:
        return None


def number_value(text: str) -> float | None:
    """A duration as written ("321", "321.402"); None when it is not one."""
    value = text.strip()
    return float(value) if _EPOCH.fullmatch(value) else None


_NAME_ADDR = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^"<]*?))\s*<([^<>]*)>\s*(?:;.*)?')
_QUOTED_PAIR = re.compile(r"\\(.)")
# Asterisk's CDR clid quotes the caller's name without escaping the quotes inside it:
# "Dr. "Ray" Castellanos" <+14155550142>. The name runs to the last quote before the <.
_LOOSE_NAME_ADDR = re.compile(r'\s*"(.*)"\s*<([^<>]*)>\s*(?:;.*)?')


def split_name_addr(text: str) -> tuple[str, str]:
    """``"Jane Doe" <sip:+1415…@host>`` -> ("Jane Doe", "sip:+1415…@host"); a bare URI or
    number comes back as ("", text)."""
    match = _NAME_ADDR.fullmatch(text)
    if match is None:
        loose = _LOOSE_NAME_ADDR.fullmatch(text)
        if loose is None:
            return "", text.strip()
        return loose.group(1), loose.group(2).strip()
    quoted, token, uri = match.groups()
    name = _QUOTED_PAIR.sub(r"\1", quoted) if quoted is not None else (token or "").strip()
    return name, uri.strip()


_EXTENSION = re.compile(r"[0-9*#]{1,6}")


def looks_internal(number: str) -> bool:
    """A PBX extension ("1001", "200"), as opposed to an outside number: six digits at most.

    PBX logs say which leg called which, not which side is ours; an extension on one side is
    the best sign of it when the dialplan context does not tell.
    """
    return bool(_EXTENSION.fullmatch(number.strip()))


def clip(text: str, limit: int = _CLIP) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def complete_lines(text: str) -> tuple[list[str], str]:
    """The complete lines of ``text`` (without their ends) and the unterminated rest."""
    cut = text.rfind("\n") + 1
    body, rest = text[:cut], text[cut:]
    lines = body.split("\n")[:-1] if body else []
    return [line[:-1] if line.endswith("\r") else line for line in lines], rest


def decode_text(data: bytes) -> str:
    """UTF-8 as these programs write it; caller-ID bytes that are not UTF-8 (Asterisk and
    FreeSWITCH pass them through raw) become U+FFFD instead of failing the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def read_lines(
    text: str, parse_line: LineParser, tz: tzinfo | None, *, first_line: int = 1
) -> HistoryRead:
    """Every complete line of ``text`` through ``parse_line``; an unterminated last line is
    reported as ``incomplete``, never parsed."""
    lines, rest = complete_lines(text)
    events: list[HistoryEvent] = []
    problems: list[LogProblem] = []
    for number, line in enumerate(lines, start=first_line):
        parsed = parse_line(line, number, tz)
        if isinstance(parsed, HistoryEvent):
            events.append(parsed)
        elif isinstance(parsed, LogProblem):
            problems.append(parsed)
    incomplete = None
    if rest.strip():
        incomplete = LogProblem(
            f"the last line has no line end yet (…{clip(rest[-40:], 41)!r}); "
            "waiting for the rest of it",
            first_line + len(lines),
        )
    return HistoryRead(tuple(events), tuple(problems), incomplete)


def first_line_of(head: bytes) -> str:
    """The first non-empty line of a file's head, decoded; "" when there is none yet."""
    for raw in head.split(b"\n")[:-1]:
        line = decode_text(raw).strip()
        if line:
            return line
    return ""


def joined(values: Sequence[str]) -> str:
    return ", ".join(v for v in values if v)
