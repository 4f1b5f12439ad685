"""How each end-of-call log of the softphone table (core/softphones.py) is written and read.

Three ways these logs are written (``Layout``), three ways to follow them: appended a line per
call (line_log.py), the whole file rewritten per call (whole_log.py), rows in an SQLite
database (sqlite_log.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum

from desktop.core.dialects import (
    cdr,
    jitsi,
    linphone_legacy,
    telephone_plist,
    twinkle,
    yate,
)
from desktop.core.dialects.end_of_call import HistoryRead, LineParser
from desktop.core.softphones import LogFormat, log_formats


class Layout(StrEnum):
    LINES = "lines"
    WHOLE = "whole"
    SQLITE = "sqlite"


@dataclass(frozen=True)
class HistoryDialect:
    name: str  # the source kind in settings and --watch, and the events' source
    title: str  # for people: "Twinkle call history (twinkle.ch)"
    file_filter: str
    layout: Layout
    sniff: Callable[[bytes], bool]
    parse_line: LineParser | None = None  # LINES
    parse_whole: Callable[[bytes, tzinfo | None], HistoryRead] | None = None  # WHOLE
    folder_glob: str = ""  # WHOLE: a folder of files, the newest one being written


@dataclass(frozen=True)
class Reading:
    """How one end-of-call format of the softphone table (core/softphones.py) is read."""

    layout: Layout
    sniff: Callable[[bytes], bool]
    parse_line: LineParser | None = None
    parse_whole: Callable[[bytes, tzinfo | None], HistoryRead] | None = None
    folder_glob: str = ""


READINGS: dict[str, Reading] = {
    "linphone-legacy": Reading(Layout.SQLITE, linphone_legacy.sniff),
    "linphonerc": Reading(Layout.WHOLE, linphone_legacy.rc_sniff,
                          parse_whole=linphone_legacy.rc_events_from_bytes),
    "twinkle": Reading(Layout.WHOLE, twinkle.sniff, parse_whole=twinkle.events_from_bytes),
    "jitsi": Reading(Layout.WHOLE, jitsi.sniff, parse_whole=jitsi.events_from_bytes,
                     folder_glob="*.xml"),
    "asterisk": Reading(Layout.LINES, cdr.asterisk_sniff, parse_line=cdr.asterisk_line),
    "freeswitch": Reading(Layout.LINES, cdr.freeswitch_sniff, parse_line=cdr.freeswitch_line),
    "yate": Reading(Layout.LINES, yate.sniff, parse_line=yate.parse_line),
    "telephone": Reading(Layout.WHOLE, telephone_plist.sniff,
                         parse_whole=telephone_plist.events_from_bytes),
}  # fmt: skip


def history_dialects(
    formats: tuple[LogFormat, ...], readings: Mapping[str, Reading] = READINGS
) -> dict[str, HistoryDialect]:
    """The table's end-of-call formats, in its order, each with how it is read."""
    dialects: dict[str, HistoryDialect] = {}
    for f in formats:
        if f.ring_time:
            continue
        if f.name not in readings:
            raise LookupError(f"the softphone table names {f.name!r}, which has no Reading")
        r = readings[f.name]
        dialects[f.name] = HistoryDialect(f.name, f.title, f.file_filter, r.layout, r.sniff,
                                          r.parse_line, r.parse_whole, r.folder_glob)  # fmt: skip
    return dialects


HISTORY_DIALECTS: dict[str, HistoryDialect] = history_dialects(log_formats())


def sniff_dialect(head: bytes) -> HistoryDialect | None:
    """The dialect a file's first bytes look like (for ``--format auto``), or None."""
    for dialect in HISTORY_DIALECTS.values():
        if dialect.sniff(head):
            return dialect
    return None
