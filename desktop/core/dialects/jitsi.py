"""Jitsi Desktop's call history: ``history_ver1.0/callhistory/default/default/<epoch-ms>.xml``.

CallHistoryServiceImpl.writeCall adds a ``<record>`` per call at its end; HistoryWriterImpl
rewrites the whole file each time and starts a new file after 150 records (softphones.md §3.5)::

    <history><record timestamp="…"><accountUID>SIP:1001@host</accountUID>
      <callStart>2026-03-10T15:02:11.201+0100</callStart><callEnd>…</callEnd><dir>in</dir>
      <callParticipantIDs>+14155550123@host</callParticipantIDs>
      <callParticipantStates>Connected</callParticipantStates>
      <callParticipantNames>"Jane Doe"</callParticipantNames>…</record></history>

Values are XML-escaped twice on disk (``&`` is ``&amp;amp;``), so they are unescaped once more
after parsing. Several participants are comma-joined; the first is the one shown. A missed call
keeps the state ``Incoming Call``.

The XML is parsed with expat, refusing any DOCTYPE: Jitsi never writes one, and a DTD is what
entity bombs ("billion laughs") and external entities need. A document cut short (a rewrite
caught half-way) yields its complete records and ``incomplete``; broken XML is a problem with
its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from xml.parsers import expat

from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    clip,
    history_event,
)
from desktop.core.models import Direction

SOURCE = "jitsi"
MAX_DEPTH = 8  # history > record > field is all Jitsi writes
MAX_VALUE_CHARS = 64 * 1024
_TALKING = re.compile(r"connected|hold", re.IGNORECASE)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?<history[\s>/]")
# The second unescape, in xml.sax.saxutils.unescape's order ("&amp;" last). Done here: saxutils
# imports urllib.request and http.client, ~16 ms of the app's start-up spent on nothing.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


class _Refused(Exception):
    pass


@dataclass
class _Reader:
    records: list[tuple[dict[str, str], int]] = field(default_factory=list)  # fields, line
    problems: list[LogProblem] = field(default_factory=list)
    depth: int = 0
    root_closed: bool = False
    record: dict[str, str] | None = None
    record_line: int = 0
    element: str = ""
    text: list[str] = field(default_factory=list)
    size: int = 0


def _parser(reader: _Reader) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_doctype(name: str, *_: object) -> None:
        raise _Refused(
            f"has a DOCTYPE declaration (<!DOCTYPE {clip(name, 30)}>): Jitsi never writes one, "
            "and its entities could expand a small file to gigabytes; not reading it"
        )

    def refuse_entity(name: str, *_: object) -> None:
        raise _Refused(f"declares the XML entity {clip(name, 30)!r}; not reading it")

    def start(name: str, attributes: dict[str, str]) -> None:
        del attributes
        reader.depth += 1
        if reader.depth > MAX_DEPTH:
            raise _Refused(f"nests elements deeper than {MAX_DEPTH} levels: not Jitsi's history")
        if reader.depth == 1 and name != "history":
            raise _Refused(f"the root element is <{clip(name, 30)}>, not <history>")
        if reader.depth == 2 and name == "record":
            reader.record = {}
            reader.record_line = parser.CurrentLineNumber
        elif reader.depth == 3 and reader.record is not None:
            reader.element = name
            reader.text = []
            reader.size = 0

    def characters(data: str) -> None:
        if reader.depth == 3 and reader.record is not None:
            reader.size += len(data)
            if reader.size > MAX_VALUE_CHARS:
                raise _Refused(f"a value is longer than {MAX_VALUE_CHARS} characters")
            reader.text.append(data)

    def end(name: str) -> None:
        if reader.depth == 3 and reader.record is not None:
            reader.record.setdefault(name, _unescape("".join(reader.text)))
        elif reader.depth == 2 and reader.record is not None:
            reader.records.append((reader.record, reader.record_line))
            reader.record = None
        elif reader.depth == 1:
            reader.root_closed = True
        reader.depth -= 1

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def _time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        try:
            return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return None


def _first_name(names: str) -> str:
    match = _QUOTED.search(names)
    if match is not None:
        return re.sub(r"\\(.)", r"\1", match.group(1)).strip()
    return names.split(",", 1)[0].strip()


def record_event(fields: dict[str, str], line: int) -> HistoryEvent | LogProblem:
    """One ``<record>``'s fields (already unescaped) as an event."""
    started = _time(fields.get("callStart", ""))
    if started is None:
        return LogProblem(f"callStart {clip(fields.get('callStart', ''))!r} is not a date", line)
    way = fields.get("dir", "").strip()
    if way not in ("in", "out"):
        return LogProblem(f"dir {clip(way)!r} is neither in nor out", line)
    participants = fields.get("callParticipantIDs", "").strip()
    number = participants.split(",", 1)[0].strip()
    if not number:
        return LogProblem("the record names no call participant", line)
    states = fields.get("callParticipantStates", "")
    direction = Direction.IN if way == "in" else Direction.OUT
    name = _first_name(fields.get("callParticipantNames", ""))
    return history_event(
        source=SOURCE,
        direction=direction,
        answered=bool(_TALKING.search(states.split(",", 1)[0])),
        number=number,
        name="" if name == number.split("@", 1)[0] else name,
        started=started,
        ended=_time(fields.get("callEnd", "")),
        key=f"{fields.get('callStart', '').strip()}|{participants}",
        where=f"line {line}",
    )


def events_from_bytes(data: bytes, tz: tzinfo | None = None) -> HistoryRead:
    """The complete records of one history file; ``tz`` is unused (Jitsi writes offsets)."""
    del tz
    if not data.strip():
        return HistoryRead()
    reader = _Reader()
    parser = _parser(reader)
    try:
        parser.Parse(data, False)
    except _Refused as refused:
        return HistoryRead(unreadable=LogProblem(str(refused), parser.CurrentLineNumber))
    except (LookupError, ValueError) as error:
        # The XML declaration names an encoding Python does not know, or a multi-byte one expat
        # cannot decode; Jitsi itself always writes UTF-8.
        return HistoryRead(
            unreadable=LogProblem(
                f"declares an encoding this reader cannot use ({clip(str(error), 60)}): "
                "not Jitsi's history",
                parser.CurrentLineNumber,
            )
        )
    except expat.ExpatError as error:
        return _with_records(
            reader,
            broken=LogProblem(
                f"is not well-formed XML ({expat.errors.messages[error.code]}, column "
                f"{error.offset + 1}); records after this point are not read",
                error.lineno,
            ),
        )
    if not reader.root_closed:
        line = parser.CurrentLineNumber
        return _with_records(
            reader,
            incomplete=LogProblem(
                "the file ends before </history>: being rewritten, or cut short; "
                "waiting for the rest of it",
                line,
            ),
        )
    try:
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        return _with_records(
            reader,
            broken=LogProblem(
                f"has something after </history> ({expat.errors.messages[error.code]})",
                error.lineno,
            ),
        )
    return _with_records(reader)


def _with_records(
    reader: _Reader, *, broken: LogProblem | None = None, incomplete: LogProblem | None = None
) -> HistoryRead:
    if broken is not None and not reader.records:
        return HistoryRead(unreadable=broken)
    events: list[HistoryEvent] = []
    problems: list[LogProblem] = []
    for fields, line in reader.records:
        parsed = record_event(fields, line)
        if isinstance(parsed, HistoryEvent):
            events.append(parsed)
        else:
            problems.append(parsed)
    if broken is not None:
        problems.append(broken)
    return HistoryRead(tuple(events), tuple(problems), incomplete)


def sniff(head: bytes) -> bool:
    return bool(_SNIFF.match(head))
