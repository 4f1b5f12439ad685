"""The end-of-call logs CallerCard follows, and how each is written.

Three ways these logs are written (``Layout``), three ways to follow them: appended a line per
call (line_log.py), the whole file rewritten per call (whole_log.py), rows in an SQLite
database (sqlite_log.py).
"""

from __future__ import annotations

from collections.abc import Callable
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


HISTORY_DIALECTS: dict[str, HistoryDialect] = {
    d.name: d
    for d in (
        HistoryDialect(
            "linphone-legacy", "Linphone ≤ 5.1 call history (call-history.db)",
            "Linphone call history (call-history.db *.db)", Layout.SQLITE, linphone_legacy.sniff,
        ),
        HistoryDialect(
            "linphonerc", "Linphone 3.x call log (linphonerc)", "Linphone settings (linphonerc*)",
            Layout.WHOLE, linphone_legacy.rc_sniff,
            parse_whole=linphone_legacy.rc_events_from_bytes,
        ),
        HistoryDialect(
            "twinkle", "Twinkle call history (twinkle.ch)", "Twinkle call history (*.ch)",
            Layout.WHOLE, twinkle.sniff, parse_whole=twinkle.events_from_bytes,
        ),
        HistoryDialect(
            "jitsi", "Jitsi call history (callhistory folder)", "Jitsi call history (*.xml)",
            Layout.WHOLE, jitsi.sniff, parse_whole=jitsi.events_from_bytes, folder_glob="*.xml",
        ),
        HistoryDialect(
            "asterisk", "Asterisk CDR (cdr-csv/Master.csv)", "Asterisk CDR (*.csv)",
            Layout.LINES, cdr.asterisk_sniff, parse_line=cdr.asterisk_line,
        ),
        HistoryDialect(
            "freeswitch", "FreeSWITCH CDR (cdr-csv/Master.csv)", "FreeSWITCH CDR (*.csv)",
            Layout.LINES, cdr.freeswitch_sniff, parse_line=cdr.freeswitch_line,
        ),
        HistoryDialect(
            "yate", "Yate CDR (cdrfile)", "Yate CDR (*.csv *.cdr *.txt)",
            Layout.LINES, yate.sniff, parse_line=yate.parse_line,
        ),
        HistoryDialect(
            "telephone", "Telephone for macOS call history (CallHistories/*.plist)",
            "Telephone call history (*.plist)", Layout.WHOLE, telephone_plist.sniff,
            parse_whole=telephone_plist.events_from_bytes,
        ),
    )
}  # fmt: skip


def sniff_dialect(head: bytes) -> HistoryDialect | None:
    """The dialect a file's first bytes look like (for ``--format auto``), or None."""
    for dialect in HISTORY_DIALECTS.values():
        if dialect.sniff(head):
            return dialect
    return None
