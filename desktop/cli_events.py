"""`callercard events FILE [--format NAME|auto] [--json]`: the calls a softphone's file holds.

For checking a softphone's output against what CallerCard makes of it: one line per call event,
in the file's order, and one line on stderr per record that could not be read, naming the file
and the place. Nothing is written anywhere: the file is opened read-only and the store is not
touched.

Exit status: 0 when every record was read, 1 when some could not be (the others are printed),
2 when the file could not be read at all (missing, unknown format, damaged beyond reading).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from desktop.adapters.regular_file import open_regular
from desktop.core.events import CallEvent
from desktop.core.softphones import LogFormat, log_formats

if TYPE_CHECKING:
    from desktop.adapters.sources.history import HistoryDialect
    from desktop.core.dialects.baresip import CallFollower

SNIFF_BYTES = 64 * 1024
_CHUNK = 1 << 20
_MAX_INI_BYTES = 8 * 1024 * 1024  # as MicroSipSource: no MicroSIP ini is near this


class FileUnreadable(Exception):
    """The file as a whole cannot be read in this format; the message says why."""


@dataclass(frozen=True)
class EventFormat:
    name: str  # as given to --format
    title: str
    sniff: Callable[[Path, bytes], bool]  # (path, first bytes) -> looks like this format
    read: Callable[[Path], Iterator[CallEvent | str]]  # events and problems, in file order


# --- MicroSIP ----------------------------------------------------------------------------------


_MICROSIP_MARK = re.compile(r"^[ \t]*(?:\[calls\][ \t]*\r?$|callslastkey[ \t]*=)", re.I | re.M)


def _microsip_sniff(_path: Path, head: bytes) -> bool:
    from desktop.core.dialects.microsip import decode_ini

    return _MICROSIP_MARK.search(decode_ini(head)) is not None


def _microsip_read(path: Path) -> Iterator[CallEvent | str]:
    from desktop.core.dialects.microsip import (
        CallChange,
        call_event,
        complete_part,
        decode_ini,
        parse_ini,
    )

    data = _read_bounded(path, _MAX_INI_BYTES, "MicroSIP call log")
    text = decode_ini(data)
    parsed = parse_ini(text)
    file = str(path)
    yield from (problem.describe(file) for problem in parsed.problems)
    for entry in sorted(parsed.calls.values(), key=lambda e: (e.time, e.key)):
        yield call_event(CallChange(entry, entry.state), file=file, read_ns=0)
    complete = complete_part(text)
    if text[len(complete) :].strip():
        line = complete.count("\n") + 1
        yield (
            f"{file} line {line}: the last line has no line end (the file was cut short, or "
            "MicroSIP was still writing it); not read"
        )


# --- Linphone 5.2+ ------------------------------------------------------------------------------


def _linphone_sniff(path: Path, head: bytes) -> bool:
    from desktop.adapters.sources.linphone_db import has_call_table, looks_like_sqlite

    return looks_like_sqlite(head) and has_call_table(path)


def _linphone_read(path: Path) -> Iterator[CallEvent | str]:
    from desktop.adapters.sources.linphone_db import LinphoneDbError, read_calls
    from desktop.core.dialects.linphone import LinphoneCall, call_event

    try:
        calls = read_calls(path)
    except LinphoneDbError as exc:
        raise FileUnreadable(str(exc)) from exc
    file = str(path)
    for call in calls:
        yield call_event(call, file=file) if isinstance(call, LinphoneCall) else call.describe(file)


# --- baresip captures ---------------------------------------------------------------------------


def _baresip_sniff(_path: Path, head: bytes) -> bool:
    colon = head.find(b":", 0, 10)
    return colon > 0 and head[:colon].isdigit() and head[colon + 1 : colon + 2] == b"{"


def _baresip_read(path: Path) -> Iterator[CallEvent | str]:
    """A capture of the ctrl_tcp stream. baresip's events carry no time, so the calls are
    stamped with the capture's modification time."""
    from desktop.core.dialects.baresip import (
        CallFollower,
        NetstringDecoder,
        StreamProblem,
        parse_event,
    )

    file = str(path)
    stamp = _modified(path)
    decoder = NetstringDecoder()
    follower = CallFollower()
    frames = 0
    with _open(path) as handle:
        while chunk := handle.read(_CHUNK):
            for item in decoder.feed(chunk):
                if isinstance(item, StreamProblem):
                    yield f"{item.describe(file)}; the rest of the capture cannot be read"
                    return
                frames += 1
                where = f"{file} frame {frames} (byte {item.offset})"
                yield from _followed(parse_event(item.payload), follower, stamp, where)
    if decoder.pending:
        yield (
            f"{file} at byte {decoder.offset}: the last frame is cut short "
            f"({decoder.pending} bytes of it); not read"
        )


def _followed(
    parsed: object, follower: CallFollower, stamp: datetime, where: str
) -> Iterator[CallEvent | str]:
    """What one baresip event (or the reason it is none) adds to the call being followed."""
    from desktop.core.dialects.baresip import BaresipEvent

    if isinstance(parsed, BaresipEvent):
        event = follower.follow(parsed, stamp, where=where)
        if event is not None:
            yield event
    elif parsed is not None:
        yield f"{where}: {parsed}"


def _mqtt_sniff(_path: Path, head: bytes) -> bool:
    for line in head.splitlines():
        if line.strip() and not line.startswith(b"#"):
            topic, tab, payload = line.partition(b"\t")
            return bool(tab) and topic.endswith(b"/event") and payload.startswith(b"{")
    return False


def _mqtt_read(path: Path) -> Iterator[CallEvent | str]:
    """Lines ``topic<TAB>payload`` as baresip's mqtt module publishes them."""
    from desktop.core.dialects.baresip import CallFollower, parse_event

    file = str(path)
    stamp = _modified(path)
    follower = CallFollower()
    with _open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > 64 * 1024:
                yield f"{file} line {number}: {len(raw)} bytes, too long to be an event; skipped"
                continue
            line = raw.rstrip(b"\r\n")
            if not line.strip() or line.startswith(b"#"):
                continue
            where = f"{file} line {number}"
            _topic, tab, payload = line.partition(b"\t")
            if not tab:
                yield f"{where}: expected topic<TAB>payload"
                continue
            if not raw.endswith(b"\n"):
                yield f"{where}: the last line has no line end (cut short); not read"
                continue
            yield from _followed(parse_event(payload), follower, stamp, where)


# --- end-of-call logs (desktop.adapters.sources.history) ----------------------------------------


# The readers of the formats that report a ring, by their name in the softphone table.
_RING_READERS: dict[str, tuple[Callable[[Path, bytes], bool],
                               Callable[[Path], Iterator[CallEvent | str]]]] = {
    "microsip": (_microsip_sniff, _microsip_read),
    "linphone": (_linphone_sniff, _linphone_read),
    "baresip": (_baresip_sniff, _baresip_read),
    "baresip-mqtt": (_mqtt_sniff, _mqtt_read),
}  # fmt: skip


def event_formats(
    formats: tuple[LogFormat, ...] | None = None,
    dialects: Mapping[str, HistoryDialect] | None = None,
) -> list[EventFormat]:
    """Every format of the softphone table (all of it by default), in the order --format auto
    tries them: the ring-time ones, more specific, first."""
    from desktop.adapters.sources.history import HISTORY_DIALECTS, read_history_file

    formats = log_formats() if formats is None else formats
    dialects = HISTORY_DIALECTS if dialects is None else dialects

    def reader(dialect: HistoryDialect) -> Callable[[Path], Iterator[CallEvent | str]]:
        return lambda path: iter(read_history_file(path, dialect))

    def sniffer(dialect: HistoryDialect) -> Callable[[Path, bytes], bool]:
        return lambda _path, head: dialect.sniff(head)

    chosen: list[EventFormat] = []
    for f in formats:
        title = f.capture_title or f.title
        if f.ring_time:
            chosen.append(EventFormat(f.name, title, *_RING_READERS[f.name]))
        else:
            dialect = dialects[f.name]
            chosen.append(EventFormat(f.name, title, sniffer(dialect), reader(dialect)))
    return chosen


# --- the verb -----------------------------------------------------------------------------------


def print_events(args: argparse.Namespace) -> int:
    path = Path(args.file)
    formats = event_formats()
    try:
        chosen = _choose(path, args.format, formats)
    except FileUnreadable as exc:
        print(f"callercard: {path}: {exc}", file=sys.stderr)
        return 2
    problems = 0
    try:
        for item in chosen.read(path):
            if isinstance(item, str):
                problems += 1
                print(f"callercard: {item}", file=sys.stderr)
            elif args.json:
                print(json.dumps(event_json(item), ensure_ascii=False))
            else:
                print(event_line(item))
    except FileUnreadable as exc:
        print(f"callercard: {path}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # our reader went away, not the file: main() ends quietly
    except OSError as exc:
        print(f"callercard: {path}: cannot read the file: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"callercard: {path}: too big to read as {chosen.title}", file=sys.stderr)
        return 2
    return 1 if problems else 0


def _choose(path: Path, wanted: str, formats: list[EventFormat]) -> EventFormat:
    names = {f.name: f for f in formats}
    if wanted != "auto" and wanted not in names:
        known = ", ".join(names)
        raise FileUnreadable(f"--format {wanted!r} is not a format CallerCard reads ({known})")
    try:
        with _open(path) as handle:
            head = handle.read(SNIFF_BYTES)
    except FileUnreadable:
        raise
    except OSError as exc:
        raise FileUnreadable(f"cannot read the file: {exc.strerror or exc}") from exc
    if wanted != "auto":
        return names[wanted]
    for candidate in formats:
        try:
            if candidate.sniff(path, head):
                return candidate
        except Exception:  # noqa: S112 - a sniffer must never take the verb down
            continue
    titles = ", ".join(f.name for f in formats)
    what = "not a call log"
    if head.startswith(b"SQLite format 3\x00"):
        what = "an SQLite database, but not a call log"
    raise FileUnreadable(
        f"{what} CallerCard can read, judging by its first bytes (known formats: {titles}; "
        "name one with --format if it is one of them)"
    )


def event_json(event: CallEvent) -> dict[str, object]:
    data: dict[str, object] = {
        "source": event.source,
        "direction": event.direction.value,
        "state": event.state.value,
        "number": event.number,
        "name": event.name,
        "time": event.time.isoformat(),
        "call_key": event.call_key,
        "where": event.where,
    }
    ended = getattr(event, "ended", None)
    if isinstance(ended, datetime):
        data["ended"] = ended.isoformat()
    answered = getattr(event, "answered", None)
    if isinstance(answered, bool):
        data["answered"] = answered
    return data


def event_line(event: CallEvent) -> str:
    name = f"  {event.name!r}" if event.name else ""
    return (
        f"{event.time.isoformat()}  {event.direction.value:<3} {event.state.value:<8} "
        f"{event.number}{name}"
    )


def _open(path: Path) -> BinaryIO:
    if path.is_dir():
        raise FileUnreadable("is a folder, not a file")
    if not path.exists():
        raise FileUnreadable("no such file")
    return open_regular(path)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _read_bounded(path: Path, limit: int, what: str) -> bytes:
    with _open(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        size = path.stat().st_size
        raise FileUnreadable(f"{size} bytes is more than any {what}; not reading it")
    assert isinstance(data, bytes)
    return data
