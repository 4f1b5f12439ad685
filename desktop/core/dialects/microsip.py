"""MicroSIP's ``microsip.ini`` call log: decode it, parse it, follow its calls across rewrites.

MicroSIP (Calls.cpp) keeps its call history in the ``[Calls]`` section of its settings file, one
line per call, ``<key>=<number>;<name>;<type>;<time>;<duration>;<info>`` (CallEncode,
``"%s;%s;%d;%d;%d;%s"``)::

    [Settings]
    callsLastKey=7
    [Calls]
    7=+33199001234;Élodie Martin;1;1773222065;0;

type 0 outgoing, 1 incoming, 2 missed, 3 answered elsewhere; time in Unix seconds; duration in
seconds; info a status text in the user's language. Keys 0..999 are a ring buffer whose newest key
is ``[Settings] callsLastKey``, and ``null`` is a deleted entry.

How one call unfolds in the file (mainDlg.cpp onCallState, MessagesDlg.cpp OnEndCall) and what is
reported for it:

* The line is written when the call starts, with duration 0 and an empty info: an incoming call
  at EARLY (right after ``180 Ringing``), an outgoing one at CALLING. MicroSIP up to 3.19 wrote an
  incoming ring as type 2 and changed it to 1 on answer; 3.20 and later write type 1 from the
  start. So duration 0 with an empty info means "in progress" for types 0-2: RINGING.
* At the end MicroSIP rewrites the same key in up to three writes: the type (2 missed, 3 answered
  elsewhere, sometimes with a different spelling of the number), then the duration, then the
  info. Type 2 with a duration or an info is MISSED; type 3 is ENDED (answered elsewhere); types 0
  and 1 with a duration or an info are ENDED.
* Nothing is written when a call is answered, so ANSWERED is never reported.
* Outgoing calls get direction OUT and the same pair: RINGING while dialling or talking, ENDED;
  one over with 0 s (the duration is the time connected) is a CallUnanswered: nobody answered.

A call is known by its key and time: the ring buffer reuses keys, and the number can change
spelling between the ring and the end of the same call, so neither identifies it alone.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import IntEnum
from functools import partial

from desktop.core.events import CallEvent, CallGone, CallState, CallUnanswered
from desktop.core.first_read import pops_at_first_read
from desktop.core.models import Direction
from desktop.core.ring_log_position import (
    Position,
    caught_up,
    open_calls,
    over_before_first_watch,
)

SOURCE = "microsip"

# A call first seen after start-up is news only if it started (still ringing) or ended this
# recently; older ones are history that reached us late (a file restored or copied in, or a
# snapshot read while MicroSIP was half-way through rewriting the file): recorded, no card.
DEFAULT_NEWS_WINDOW_S = 900.0

# "ANSI" is the Windows code page of the machine that wrote the file; Western Europe and the
# Americas use cp1252. MicroSIP converts such files to UTF-16 the first time it runs.
ANSI_ENCODING = "cp1252"

_MAX_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
_MAX_PROBLEMS_PER_READ = 5
# More changed lines than this in one read: the read spans several writes, and the unchanged
# lines between their changes are left out before parsing (CallLogTracker.update).
_FEW_LINES = 8
_REPORTED_LINES_LIMIT = 2000


class CallType(IntEnum):
    OUTGOING = 0
    INCOMING = 1
    MISSED = 2
    ELSEWHERE = 3  # answered on another device


@dataclass(frozen=True, slots=True)
class CallEntry:
    key: int
    number: str  # exactly as written: "+14155550123", "user@host;user=phone", "anonymous"
    name: str
    type: CallType
    time: int  # Unix seconds, when the call started
    duration: int  # seconds
    info: str

    @property
    def direction(self) -> Direction:
        return Direction.OUT if self.type is CallType.OUTGOING else Direction.IN

    @property
    def state(self) -> CallState:
        if self.type is CallType.ELSEWHERE:
            return CallState.ENDED
        if self.duration == 0 and not self.info:
            return CallState.RINGING
        if self.type is CallType.MISSED:
            return CallState.MISSED
        return CallState.ENDED

    @property
    def call_key(self) -> str:
        return f"{SOURCE}:{self.key}:{self.time}"

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.time, tz=UTC)


@dataclass(frozen=True, slots=True)
class DeletedEntry:
    key: int


@dataclass(frozen=True, slots=True)
class LogProblem:
    message: str
    key: int | None = None
    line: int | None = None  # 1-based line of the file

    def describe(self, file: str) -> str:
        where = file
        if self.key is not None:
            where += f" [Calls] key {self.key}"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


# --- bytes to text --------------------------------------------------------------------------


def decode_ini(data: bytes, ansi_encoding: str = ANSI_ENCODING) -> str:
    """The file's text, whatever MicroSIP or its predecessors left: never raises.

    UTF-16LE with BOM is what MicroSIP writes; UTF-8 (with or without BOM) and the ANSI code page
    are what it converts from. A read that caught a write half-way can end in half a character;
    that part is dropped or replaced, and it lies on the last, unterminated line anyway.
    """
    if data.startswith(codecs.BOM_UTF16_LE):
        return _decode_utf16(data[2:], "utf-16-le")
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode_utf16(data[2:], "utf-16-be")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if codecs.BOM_UTF8.startswith(data) or data in (b"\xff", b"\xfe"):
        return ""  # empty, or only the start of a byte-order mark written so far
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return _decode_utf16(data, "utf-16-le")  # UTF-16LE that lost its BOM
    try:
        # final=False keeps a multi-byte character cut by a write in progress out of the text
        # instead of calling the whole file invalid UTF-8.
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return data.decode(ansi_encoding, errors="replace")


def _decode_utf16(body: bytes, codec: str) -> str:
    if len(body) % 2:
        body = body[:-1]  # half a code unit: the writer is in the middle of a character
    return body.decode(codec, errors="replace")


def complete_part(text: str) -> str:
    """Text up to and including the last line terminator.

    MicroSIP ends every line with CRLF, so a last line without one is still being written. It
    must not be read yet: a line cut right after "…;2;1773222065;0;" is a valid ringing entry
    although the full line goes on to say "Missed Call", and a lenient number parser (MicroSIP's
    own uses atoi) would read a time or duration cut short ("1773") as a real, small value.
    """
    return text[: text.rfind("\n") + 1]


def content_problem(text: str) -> LogProblem | None:
    """Why ``text`` (complete lines) cannot be MicroSIP's settings file at all, or None."""
    if "\x00" in text:
        return LogProblem(
            "contains NUL characters: binary data, not MicroSIP's settings file "
            "(a file zero-filled by a crash looks like this)"
        )
    first = _FIRST_CONTENT.search(text)
    if first is not None and first.group(1) not in "[;#":
        return LogProblem(
            f"does not start with a [section] line (found {_clip(first.group(0).strip())!r}): "
            "not MicroSIP's settings file"
        )
    return None


_FIRST_CONTENT = re.compile(r"^[ \t\r\ufeff]*(\S)[^\n]*", re.MULTILINE)


# --- one [Calls] line ---------------------------------------------------------------------

# From the right: info (anything), duration, time, type; the rest is "number;name". The greedy
# rest puts the match on the last ";digits;digits;digits;" of the line, so an info that contains
# ";" still ends up in the info. ASCII digits only (``\d`` would take "٣" too), and few of them,
# so junk never reaches int() as a 5000-digit string.
_FIELDS = re.compile(r"(.*);([0-9]{1,9});([0-9]{1,15});([0-9]{1,12});(.*)", re.DOTALL)

# A SIP URI parameter after the number ("user=phone", "transport=tcp"): token "=" value without
# spaces. Valueless parameters are rare in From/P-Asserted-Identity URIs; these are the ones seen.
_URI_PARAM = re.compile(r"[!%'*+\-.0-9A-Z_`a-z~]+=[^\s;]*")
_FLAG_PARAMS = frozenset({"lr", "ob", "npdi"})


def split_number_name(rest: str) -> tuple[str, str]:
    """Split "number;name" where both may contain ";".

    MicroSIP writes the number as the SIP user part, or as ``user@host`` followed by the URI's
    parameters (``;user=phone``) and headers (``?h=v``). So after the first segment, segments
    shaped like URI parameters belong to the number, and the name starts at the first segment
    that is not one. The last segment always belongs to the name, because CallEncode always
    writes a name field, even an empty one. A display name whose first ";"-part looks like
    ``token=value`` would be read as part of the number; MicroSIP's own reader (it splits at
    every ";") gets all of these cases wrong.
    """
    parts = rest.split(";")
    i = 1
    last = len(parts) - 1
    while i < last and (_URI_PARAM.fullmatch(parts[i]) or parts[i].lower() in _FLAG_PARAMS):
        i += 1
    return ";".join(parts[:i]), ";".join(parts[i:])


def parse_call_value(key: int, value: str) -> CallEntry | LogProblem:
    match = _FIELDS.fullmatch(value)
    if match is None:
        return LogProblem(_explain_bad_value(value), key)
    rest, type_text, time_text, duration_text, info = match.groups()
    type_number = int(type_text)
    if type_number > CallType.ELSEWHERE:
        return LogProblem(f"unknown call type {type_number} (expected 0-3)", key)
    time_value = int(time_text)
    if time_value > _MAX_TIME:
        return LogProblem(f"time {time_value} is not a date", key)
    number, name = split_number_name(rest)
    return CallEntry(
        key=key,
        number=number,
        name=name,
        type=CallType(type_number),
        time=time_value,
        duration=int(duration_text),
        info=info,
    )


def _explain_bad_value(value: str) -> str:
    fields = value.rsplit(";", 4)
    if len(fields) < 5:
        return (
            "expected number;name;type;time;duration;info, "
            f"found {len(fields)} field{'s' if len(fields) > 1 else ''}: {_clip(value)!r}"
        )
    for label, field in zip(("type", "time", "duration"), fields[1:4], strict=True):
        if not (field.isascii() and field.isdigit()):
            return f"{label} {_clip(field)!r} is not a number"
    return f"a type, time or duration is too long to be real: {_clip(value)!r}"


def parse_calls_line(line: str) -> CallEntry | DeletedEntry | LogProblem | None:
    """One line of the [Calls] section; None for blank and comment lines."""
    text = line.rstrip("\r\n")
    stripped = text.strip()
    if not stripped or stripped[0] in ";#":
        return None
    key_text, sep, value = text.partition("=")
    if not sep:
        return LogProblem(f"not a key=value line: {_clip(stripped)!r}")
    key_text = key_text.strip()
    if not (key_text.isascii() and key_text.isdigit() and len(key_text) <= 6):
        return LogProblem(f"key {_clip(key_text)!r} is not a call number (0-999)")
    key = int(key_text)
    if value == "null":
        return DeletedEntry(key)
    return parse_call_value(key, value)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the whole file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MicroSipIni:
    sections: dict[str, dict[str, str]]  # every section but [Calls], names and keys as written
    calls: dict[int, CallEntry]
    deleted: frozenset[int]
    problems: tuple[LogProblem, ...]

    @property
    def settings(self) -> dict[str, str]:
        for name, values in self.sections.items():
            if name.lower() == "settings":
                return values
        return {}

    @property
    def calls_last_key(self) -> int | None:
        value = self.settings.get("callsLastKey", "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def parse_ini(text: str) -> MicroSipIni:
    """Every complete line of the file, for tools and tests; following calls uses CallLogTracker."""
    complete = complete_part(text)
    problem = content_problem(complete)
    if problem is not None:
        return MicroSipIni({}, {}, frozenset(), (problem,))
    sections: dict[str, dict[str, str]] = {}
    calls: dict[int, CallEntry] = {}
    deleted: set[int] = set()
    problems: list[LogProblem] = []
    current: dict[str, str] | None = None
    in_calls = False
    for number, line in enumerate(complete.split("\n")[:-1], start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            name = stripped[1:-1].strip()
            in_calls = name.lower() == "calls"
            current = None if in_calls else sections.setdefault(name, {})
        elif in_calls:
            parsed = parse_calls_line(line)
            if isinstance(parsed, LogProblem):
                problems.append(replace(parsed, line=number))
            elif isinstance(parsed, DeletedEntry):
                deleted.add(parsed.key)
            elif parsed is not None:
                calls.setdefault(parsed.key, parsed)  # Windows reads the first of duplicate keys
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current.setdefault(key.strip(), value.strip())
    return MicroSipIni(sections, calls, frozenset(deleted), tuple(problems))


_CALLS_HEADER = re.compile(r"^[ \t]*\[[ \t]*calls[ \t]*\][ \t]*\r?$", re.IGNORECASE | re.MULTILINE)


def _calls_section(text: str) -> tuple[int, str]:
    """Offset and body of the first [Calls] section of ``text`` (complete lines), or (-1, "")."""
    start = text.find("[Calls]")
    while start > 0 and text[start - 1] != "\n":
        start = text.find("[Calls]", start + 1)
    if start < 0:
        match = _CALLS_HEADER.search(text)
        if match is None:
            return -1, ""
        start = match.start()
    body = text.find("\n", start) + 1
    # The next section header. A one-character find runs at memchr speed; "\n[" would scan
    # ten times slower, and a "[" inside a name only costs one more turn of the loop.
    end = text.find("[", body)
    while end > 0 and text[end - 1] != "\n":
        end = text.find("[", end + 1)
    return body, text[body:end] if end >= 0 else text[body:]


def changed_lines(old: str, new: str) -> list[str]:
    """The lines of ``new`` (complete lines) that overlap what differs from ``old``.

    A rewrite of a 1000-call file changes one line, either appended (a new key) or in place (an
    entry updated, or a key reused by the ring buffer). Finding the common prefix and suffix
    with C-level comparisons costs a few microseconds; splitting and comparing 1000 lines
    costs a few hundred.
    """
    if new.startswith(old):
        start = len(old)
        stop = len(new)
    else:
        start = _common_prefix_length(old, new)
        suffix = _common_suffix_length(old, new, min(len(old), len(new)) - start)
        stop = len(new) - _line_aligned(old, new, suffix)
        # Text removed from inside a line leaves nothing in between; that line changed too.
        stop = max(stop, start + 1)
    if start >= len(new):
        return []
    first = new.rfind("\n", 0, start) + 1
    last = new.find("\n", stop - 1)
    return new[first : last + 1 if last >= 0 else len(new)].split("\n")


def _common_prefix_length(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low]; each probe copies half the previous probe
        middle = (low + high + 1) // 2
        if b.startswith(a[low:middle], low):
            low = middle
        else:
            high = middle - 1
    return low


def _line_aligned(a: str, b: str, suffix: int) -> int:
    """Shorten a common suffix so it starts at a line start in both texts.

    Characters match, lines may not: "0l" rewritten as "l" shares "l" with it, yet "l" is a
    new line. Inside the common suffix newlines sit at the same places in both texts, so one
    step to the first newline in it is enough.
    """
    if suffix <= 0:
        return 0
    at_a, at_b = len(a) - suffix, len(b) - suffix
    if (at_a == 0 or a[at_a - 1] == "\n") and (at_b == 0 or b[at_b - 1] == "\n"):
        return suffix
    newline = b.find("\n", at_b)
    return 0 if newline < 0 else len(b) - (newline + 1)


def _common_suffix_length(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:  # a[len(a) - low:] == b[len(b) - low:]
        middle = (low + high + 1) // 2
        if b.endswith(a[len(a) - middle : len(a) - low], 0, len(b) - low):
            low = middle
        else:
            high = middle - 1
    return low


# --- following calls across rewrites ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallChange:
    entry: CallEntry
    state: CallState
    # Over only because its key now holds another call (the 1000-entry ring buffer wrapped) or
    # was deleted while it still rang: MicroSIP never wrote how it ended (it crashed, or was
    # closed, during the ring).
    gone: bool = False
    # Logged while the app was closed, found by the first read after a restart, or over for
    # longer than the news window when first seen: history.
    caught_up: bool = False


@dataclass(frozen=True, slots=True)
class TrackerUpdate:
    changes: tuple[CallChange, ...] = ()
    problems: tuple[LogProblem, ...] = ()


_NOTHING = TrackerUpdate()


@dataclass(slots=True)
class _Followed:
    time: int
    state: CallState
    entry: CallEntry  # what its end reports when the key is reused before MicroSIP wrote one
    # Its ring was not reported (first seen too old to pop, or ringing before the start at
    # the first read): its end is judged as a call first seen over, not as a live end.
    unseen: bool = False


class CallLogTracker:
    """Turns successive reads of microsip.ini into call state changes, each reported once.

    Every read is diffed against what has been seen, so a rewrite that changes nothing, a
    duplicate filesystem event or a repeated read reports nothing. The first read with complete
    lines is a snapshot: it reports only a call still ringing that started at or after
    ``ringing_since`` (desktop.core.first_read), and nothing without it. Calls missing from a
    read are not forgotten: a file caught empty or cut short in the middle of a rewrite must
    not make them new when they reappear. A key's call is replaced only when the key is seen
    holding another call or null; one still ringing then is reported over (`gone`: how it
    ended is not known), so its card does not stay up for a call MicroSIP has forgotten.
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
        self._followed: dict[int, _Followed] = {}
        # The [Calls] section last read whole: every line of it has been handled, so a read
        # parses only the lines that differ from it (a ring in a 1000-call file: one line).
        self._last_section = ""
        self._reported_lines: set[str] = set()
        self._content_problem = ""
        self._resumed: Position | None = None
        # When the log was first watched (ring_log_position.Position.since): kept from the
        # stored position, else the time of this run's first read.
        self._since = 0.0

    @property
    def has_baseline(self) -> bool:
        return self._has_baseline

    def resume(self, position: Position) -> None:
        """Before the first read: the position stored at the last run. That read then
        reports the calls over since then as catch-up (desktop.core.ring_log_position)."""
        if not self._has_baseline:
            self._resumed = position

    def position(self, now: float) -> Position | None:
        """Where the log stands at `now` (Unix seconds), to store; None before the first
        read."""
        if not self._has_baseline:
            return None
        mark = max((f.time for f in self._followed.values()), default=0)
        if self._resumed is not None:
            mark = max(mark, int(self._resumed.mark))
        ringing = ((f.entry.call_key, float(f.time)) for f in self._followed.values()
                   if f.state is CallState.RINGING)  # fmt: skip
        return Position(SOURCE, float(mark), now, open_calls(ringing, mark), since=self._since)

    def file_missing(self, since: float) -> None:
        """The file does not exist. Before any read that means an empty log, first watched at
        `since` (Unix seconds, when the watch began): whatever the file holds when it appears
        is new (within the news window), but for calls over before `since`, the log's past."""
        if not self._has_baseline:
            self._since = self._resumed.since if self._resumed is not None else since
        self._has_baseline = True

    def update(self, text: str, now: float) -> TrackerUpdate:
        """Diff one read of the file (decoded text) against what was seen; ``now`` in Unix
        seconds decides whether a call seen for the first time is news or history."""
        complete = complete_part(text)
        if not complete:
            return _NOTHING  # empty, or the first line still being written
        problem = content_problem(complete)
        if problem is not None:
            if problem.message == self._content_problem:
                return _NOTHING
            self._content_problem = problem.message
            return TrackerUpdate(problems=(problem,))
        self._content_problem = ""
        emit = self._has_baseline
        if not emit:
            self._since = self._resumed.since if self._resumed is not None else now
        self._has_baseline = True
        offset, section = _calls_section(complete)
        previous = self._last_section
        if section == previous:
            return _NOTHING
        candidates = changed_lines(previous, section)
        if not previous.startswith(section):
            # A section that is a prefix of the last one is a read that caught a rewrite half
            # way; diffing the next read against the full one keeps that read cheap.
            self._last_section = section
        if len(candidates) > _FEW_LINES:
            # Changes far apart (a read that caught several writes at once, or a file edited
            # by hand): the lines between them were handled when they were read before. The
            # set is built only here: the tracker keeps no set of every line it has seen.
            handled = set(previous.split("\n"))
            fresh = [line for line in candidates if line and line not in handled]
        else:
            fresh = [line for line in candidates if line]
        changes: list[CallChange] = []
        problems: list[LogProblem] = []
        for line in fresh:
            parsed = parse_calls_line(line)
            if isinstance(parsed, CallEntry):
                change = self._follow(parsed, now, emit=emit, changes=changes)
                if change is not None:
                    changes.append(change)
            elif isinstance(parsed, DeletedEntry):
                self._replaced(self._followed.pop(parsed.key, None), now, emit, changes)
            elif isinstance(parsed, LogProblem) and self._first_report(line):
                problems.append(replace(parsed, line=_line_number(complete, offset, line)))
        changes.sort(key=lambda change: (change.entry.time, change.entry.key))
        return TrackerUpdate(tuple(changes), _capped(problems))

    def _follow(
        self, entry: CallEntry, now: float, *, emit: bool, changes: list[CallChange]
    ) -> CallChange | None:
        state = entry.state
        followed = self._followed.get(entry.key)
        if followed is None or followed.time != entry.time:
            self._replaced(followed, now, emit, changes)
            followed = _Followed(entry.time, state, entry)
            self._followed[entry.key] = followed
            if emit:
                change = self._first_seen(entry, state, now)
                followed.unseen = change is None
                return change
            if self._caught_up(entry, state):
                return CallChange(entry, state, caught_up=True)
            if pops_at_first_read(entry.direction, state, entry.time, self._ringing_since):
                return CallChange(entry, state)
            followed.unseen = True
            return None
        # Never back to RINGING: a call that has ended does not ring again.
        if state is followed.state or state is CallState.RINGING:
            return None
        followed.state = state
        if followed.unseen:
            # A ring nobody was shown: its end from an ini put back in place may be of last
            # week, and would be taken for a call that just ended (a missed card, a wrap-up).
            return self._first_seen(entry, state, now)
        return CallChange(entry, state)

    def _first_seen(self, entry: CallEntry, state: CallState, now: float) -> CallChange | None:
        """A call first read after the first read, or first read over after a ring that was
        not reported: news if it rings or ended within the news window; over long ago,
        history; nothing when it was over before the log was first watched."""
        if state is not CallState.RINGING and over_before_first_watch(
            entry.time + entry.duration, self._since
        ):
            return None  # the log's past, copied or restored in: the snapshot left it out
        if self._is_news(entry, state, now):
            return CallChange(entry, state)
        if state is not CallState.RINGING:
            # Over long ago, first seen now (an ini restored or copied in): history the
            # app never had, without a card. The store drops a call it has already.
            return CallChange(entry, state, caught_up=True)
        return None

    def _caught_up(self, entry: CallEntry, state: CallState) -> bool:
        resumed = self._resumed
        return (
            resumed is not None
            and state is not CallState.RINGING
            and resumed.catches_up(entry.call_key, entry.time, entry.time + entry.duration)
        )

    def _replaced(
        self, followed: _Followed | None, now: float, emit: bool, changes: list[CallChange]
    ) -> None:
        """A key's call gave way to another call or to null: an incoming one that still rang
        is over (a call out has no card to take down, and a wrap-up for it would come late).
        Not a ring nobody was shown that rang before the first watch or long ago (MicroSIP
        killed mid-ring last week): that would wait in Callbacks as a call of now."""
        if not (emit and followed is not None and followed.state is CallState.RINGING
                and followed.entry.direction is Direction.IN):  # fmt: skip
            return
        entry = followed.entry
        if followed.unseen and (over_before_first_watch(entry.time, self._since)
                                or not self._is_news(entry, CallState.RINGING, now)):  # fmt: skip
            return
        changes.append(CallChange(entry, CallState.ENDED, gone=True))

    def _is_news(self, entry: CallEntry, state: CallState, now: float) -> bool:
        if self._news_window_s is None:
            return True
        happened = entry.time if state is CallState.RINGING else entry.time + entry.duration
        return now - happened <= self._news_window_s

    def _first_report(self, line: str) -> bool:
        if line in self._reported_lines:
            return False
        if len(self._reported_lines) >= _REPORTED_LINES_LIMIT:
            self._reported_lines.clear()
        self._reported_lines.add(line)
        return True


def _line_number(text: str, section_offset: int, line: str) -> int | None:
    position = text.find(line, section_offset)
    return None if position < 0 else text.count("\n", 0, position) + 1


def _capped(problems: list[LogProblem]) -> tuple[LogProblem, ...]:
    if len(problems) <= _MAX_PROBLEMS_PER_READ:
        return tuple(problems)
    kept = problems[: _MAX_PROBLEMS_PER_READ - 1]
    hidden = len(problems) - len(kept)
    return (*kept, LogProblem(f"{hidden} more unreadable lines in [Calls]"))


def call_event(change: CallChange, *, file: str, read_ns: int) -> CallEvent:
    entry = change.entry
    event = _live_event(change, file=file, read_ns=read_ns)
    if not change.caught_up:
        return event
    # Answered elsewhere or missed: not here. A call talked on has a duration.
    answered = entry.type in (CallType.OUTGOING, CallType.INCOMING) and entry.duration > 0
    return caught_up(event, duration_s=entry.duration, answered=answered)


def _live_event(change: CallChange, *, file: str, read_ns: int) -> CallEvent:
    entry = change.entry
    kind: Callable[..., CallEvent] = CallGone if change.gone else CallEvent
    if not change.gone and _rang_out(entry, change.state):
        kind = partial(CallUnanswered, why=entry.info)
    return kind(
        source=SOURCE,
        direction=entry.direction,
        state=change.state,
        number=entry.number,
        name=entry.name,
        time=entry.started_at,
        call_key=entry.call_key,
        where=f"{file} [Calls] key {entry.key}",
        read_ns=read_ns,
    )


def _rang_out(entry: CallEntry, state: CallState) -> bool:
    """A call of ours MicroSIP logged over with 0 s talked: nobody answered (its duration is
    the time connected, written before the info that ends the line). Taken for a call of
    unknown outcome, it kept the "call them back by" it was meant to keep, and its wrap-up,
    easily skipped, was the only way to say it rang out."""
    return entry.type is CallType.OUTGOING and state is CallState.ENDED and entry.duration == 0
