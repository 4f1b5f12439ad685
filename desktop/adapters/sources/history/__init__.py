"""End-of-call logs as a source of HistoryEvents: the history, never the ring popup.

Three ways these logs are written, three ways to follow them:

* LINES (Asterisk, FreeSWITCH, Yate): appended a line per call. Followed by byte offset,
  complete lines only, in bounded chunks (a 100 MB log is never in memory at once). The offset
  comes with the file's identity and a checksum of the line before it, so a rotation (a new
  file under the name; the old one's unread rest is still read, found by its identity), a
  truncation and a rewrite in place are each noticed and the file is re-read from the top,
  diffed against the newest call already seen.
* WHOLE (Twinkle, Jitsi, macOS Telephone, linphonerc): the whole file rewritten per call, often
  in several writes. Each read is diffed by record identity; a read that caught a rewrite half
  way yields its complete records and the rest is waited for.
* SQLITE (legacy Linphone call-history.db): rows only ever get higher ids; opened read-only,
  per read, so the softphone never finds it locked by us.

A restart neither re-pops nor misses: the app stores each event's ``cursor`` with the record
it made of it (one transaction) and hands the last one back through ``resume_from`` before
``start``. Whatever the log gained meanwhile is reported with ``catch_up=True``: history, never
a window. Without a cursor (a log watched for the first time) the log's current content is the
baseline and nothing in it is reported.

Callbacks run one at a time, from the watcher's thread or the caller's (start, poll_now), like
MicroSipSource's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import stat
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.adapters.regular_file import (
    NotRegularFile,
    open_regular,
    require_regular_by_name,
)
from desktop.adapters.sources.followed import FollowedSource
from desktop.core.dialects import (
    cdr,
    jitsi,
    linphone_legacy,
    telephone_plist,
    twinkle,
    yate,
)
from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LineParser,
    LogProblem,
    clip,
    end_of,
    first_line_of,
)
from desktop.core.events import CallEvent

logger = logging.getLogger(__name__)

DEFAULT_NEWS_WINDOW_S = 900.0  # a call that ended longer ago than this is history, not news
SETTLE_S = 2.0  # an unterminated last record unchanged this long is reported
RESCAN_S = 5.0  # how often a folder of files (Jitsi) is checked for a newer file
CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 64 * 1024  # no call record is near this; a longer "line" is not one
MAX_WHOLE_BYTES = 16 * 1024 * 1024  # far above any rewritten history (Jitsi: 150 calls a file)
BASELINE_TAIL_BYTES = 64 * 1024  # read to learn the newest call of a log watched the first time
# On a re-read from the top, calls that ended this close before the newest one already seen
# are offered again as catch-up (the store drops the ones it has); older ones are skipped.
MARK_SLACK_S = 120.0
RECENT_KEYS = 1024
_CURSOR_KEYS = 50
SQLITE_ROWS_PER_QUERY = 1000
SQLITE_TRIES = 10  # reads retried while the softphone is in the middle of a write
SQLITE_RETRY_S = 0.05
_MAX_PROBLEMS_PER_READ = 5
_REPORTED_LIMIT = 2000
_CURSOR_VERSION = 1


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


# --- what a read hands to the source ---------------------------------------------------------

Emit = Callable[[HistoryEvent, bool, str], None]  # event (where: in its file), fresh, file
Report = Callable[[LogProblem, str], None]  # problem, file


def _end(event: HistoryEvent) -> float:
    return end_of(event).timestamp()


class _Seen:
    """The end of the newest call seen and the keys of the last few: what a re-read from the
    top (rotation, truncation, rewrite, a new database) is diffed against. Only ``mark``
    survives a restart; the keys make re-reads within one session exact."""

    def __init__(self) -> None:
        self.mark = 0.0
        self._keys: dict[str, None] = {}

    def note(self, event: HistoryEvent) -> None:
        self.mark = max(self.mark, _end(event))
        self._keys[event.call_key] = None
        if len(self._keys) > RECENT_KEYS:
            del self._keys[next(iter(self._keys))]

    def filter(self) -> _MarkFilter:
        return _MarkFilter(self.mark, self._keys)


class _MarkFilter:
    """Which calls of a re-read are new, given what was seen before it began."""

    def __init__(self, mark: float, keys: dict[str, None]) -> None:
        self.mark = mark
        self._keys = keys

    def verdict(self, event: HistoryEvent) -> bool | None:
        """True: new; False: maybe stored already (offered as catch-up); None: skip."""
        if event.call_key in self._keys:
            return None
        end = _end(event)
        if end > self.mark:
            return True
        if end >= self.mark - MARK_SLACK_S:
            return False
        return None


# --- LINES ------------------------------------------------------------------------------------


class _LineLog:
    def __init__(self, path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> None:
        assert dialect.parse_line is not None
        self.path = path
        self.dialect = dialect
        self.parse = dialect.parse_line
        self.tz = tz
        self.has_state = False
        self.ident: tuple[int, int] | None = None
        self.offset = 0  # just after the last complete line handled
        self.line = 0  # lines before offset
        self.check = 0  # crc32 of the line that ends at offset
        self.check_len = 0
        self.seen = _Seen()
        self.skipping = False  # inside an overlong line: drop bytes up to its end
        self.pending: tuple[int, int] | None = None  # (offset, bytes) of an unterminated line

    def paths(self) -> list[Path]:
        return [self.path]

    def state(self) -> dict[str, Any]:
        dev, ino = self.ident or (0, 0)
        return {"dev": dev, "ino": ino, "offset": self.offset, "line": self.line,
                "check": self.check, "check_len": self.check_len, "mark": self.seen.mark,
                "skipping": self.skipping}  # fmt: skip

    def resume(self, state: dict[str, Any]) -> None:
        self.ident = (int(state["dev"]), int(state["ino"]))
        self.offset = int(state["offset"])
        self.line = int(state["line"])
        self.check = int(state["check"])
        self.check_len = int(state["check_len"])
        self.seen.mark = float(state["mark"])
        self.skipping = bool(state.get("skipping", False))
        self.has_state = True

    def read(self, emit: Emit, report: Report) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self.pending = None
            return
        if not stat.S_ISREG(st.st_mode):  # nothing to follow until a real file is back
            problem = NotRegularFile(self.path, st.st_mode)
            report(LogProblem(f"cannot read the file: {problem.strerror}"), str(self.path))
            return
        ident = (st.st_dev, st.st_ino)
        if not self.has_state:
            self._baseline(ident, report)
            return
        mark: _MarkFilter | None = None
        if self.ident is not None and ident != self.ident:
            self._finish_rotated(self.ident, emit, report)
            mark = self._restart()
        elif st.st_size < self.offset or not self._check_matches(self.path):
            mark = self._restart()
        self.ident = ident
        self._read_lines(self.path, emit, report, mark)

    def _restart(self) -> _MarkFilter:
        self.offset = self.line = self.check = self.check_len = 0
        self.skipping = False
        return self.seen.filter()

    def _check_matches(self, path: Path) -> bool:
        """Whether ``path`` still holds, just before our offset, the line we read last."""
        if self.check_len == 0 or self.offset < self.check_len:
            return self.offset == 0 or self.check_len == 0
        try:
            with open_regular(path) as handle:
                handle.seek(self.offset - self.check_len)
                return zlib.crc32(handle.read(self.check_len)) == self.check
        except OSError:
            return False

    def _finish_rotated(self, old: tuple[int, int], emit: Emit, report: Report) -> None:
        """Rotation renamed our file: read what it gained after our offset, under its new
        name, before starting on the new file."""
        try:
            entries = list(os.scandir(self.path.parent))
        except OSError:
            return
        for entry in entries:
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if (st.st_dev, st.st_ino) == old and entry.path != str(self.path):
                    if st.st_size > self.offset and self._check_matches(Path(entry.path)):
                        self._read_lines(Path(entry.path), emit, report, None)
                    return

    def _baseline(self, ident: tuple[int, int], report: Report) -> None:
        """First watch: the end of the last complete line, its line number, and the newest call
        near it. Counting lines streams the file once; nothing is parsed but its tail."""
        lines = 0
        last_newline = -1
        head = b""
        position = 0
        try:
            with open_regular(self.path) as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    if not head:
                        head = chunk[:4096]
                    lines += chunk.count(b"\n")
                    found = chunk.rfind(b"\n")
                    if found >= 0:
                        last_newline = position + found
                    position += len(chunk)
                end = last_newline + 1
                start = max(0, end - BASELINE_TAIL_BYTES)
                handle.seek(start)
                tail = handle.read(end - start)
        except OSError as exc:
            report(LogProblem(f"cannot read the file: {exc.strerror or exc}"), str(self.path))
            return
        self._sniff(head, report)
        pieces = tail.split(b"\n")[:-1]
        if start > 0 and pieces:
            pieces = pieces[1:]  # the first piece may be the end of a longer line
        first_line = lines - len(pieces) + 1
        for number, raw in enumerate(pieces, start=first_line):
            parsed = self.parse(_line_text(raw, number), number, self.tz)
            if isinstance(parsed, HistoryEvent):
                self.seen.note(parsed)
        self.ident = ident
        self.offset = end
        self.line = lines
        if pieces:
            last = pieces[-1] + b"\n"
            self.check, self.check_len = zlib.crc32(last), len(last)
        self.has_state = True

    def _sniff(self, head: bytes, report: Report) -> None:
        if first_line_of(head) and not self.dialect.sniff(head):
            report(
                LogProblem(
                    f"does not look like {self.dialect.title} (it starts with "
                    f"{clip(first_line_of(head))!r}); reading it anyway",
                    1,
                ),
                str(self.path),
            )

    def _read_lines(self, path: Path, emit: Emit, report: Report, mark: _MarkFilter | None) -> None:
        file = str(path)
        pending = b""
        try:
            handle = open_regular(path)
        except OSError as exc:
            report(LogProblem(f"cannot read the file: {exc.strerror or exc}"), file)
            return
        with handle:
            handle.seek(self.offset)
            if self.offset == 0:
                self._sniff(handle.read(4096), report)
                handle.seek(0)
            while chunk := handle.read(CHUNK_BYTES):
                data = pending + chunk if pending else chunk
                start = 0
                if self.skipping:
                    newline = data.find(b"\n")
                    if newline < 0:
                        self.offset += len(data)
                        pending = b""
                        continue
                    self.offset += newline + 1
                    self.line += 1
                    start = newline + 1
                    self.skipping = False
                cut = data.rfind(b"\n") + 1
                if cut > start:
                    self._handle(data, start, cut, file, emit, report, mark)
                pending = data[max(cut, start) :]
                if len(pending) > MAX_LINE_BYTES:
                    report(_overlong(self.line + 1), file)
                    self.offset += len(pending)
                    self.skipping = True
                    pending = b""
        self.pending = (self.offset, len(pending)) if pending.strip() else None

    def _handle(
        self,
        data: bytes,
        start: int,
        cut: int,
        file: str,
        emit: Emit,
        report: Report,
        mark: _MarkFilter | None,
    ) -> None:
        for raw in data[start:cut].split(b"\n")[:-1]:
            self.line += 1
            self.offset += len(raw) + 1
            self.check = zlib.crc32(raw + b"\n")
            self.check_len = len(raw) + 1
            if len(raw) > MAX_LINE_BYTES:
                report(_overlong(self.line), file)
                continue
            parsed = self.parse(_line_text(raw, self.line), self.line, self.tz)
            if isinstance(parsed, LogProblem):
                report(parsed, file)
            elif isinstance(parsed, HistoryEvent):
                verdict = True if mark is None else mark.verdict(parsed)
                self.seen.note(parsed)
                if verdict is not None:
                    emit(parsed, verdict, file)

    def incomplete(self) -> LogProblem | None:
        if self.pending is None:
            return None
        return LogProblem(
            "the last line has no line end: its writer stopped half-way through a record; "
            "it is read once the rest arrives",
            self.line + 1,
        )

    def pending_token(self) -> object:
        return self.pending


def _overlong(line: int) -> LogProblem:
    return LogProblem(
        f"is longer than {MAX_LINE_BYTES // 1024} KiB: not a call record; skipped", line
    )


def _line_text(raw: bytes, number: int) -> str:
    text = raw.decode("utf-8", errors="replace")
    if number == 1:
        text = text.lstrip("\ufeff")
    return text[:-1] if text.endswith("\r") else text


# --- WHOLE ------------------------------------------------------------------------------------


class _WholeLog:
    def __init__(
        self, path: Path, dialect: HistoryDialect, tz: tzinfo | None, *, follow_folder: bool = True
    ) -> None:
        assert dialect.parse_whole is not None
        self.dialect = dialect
        self.parse = dialect.parse_whole
        self.tz = tz
        self.folder: Path | None = None
        if dialect.folder_glob and (follow_folder or path.is_dir()):
            self.folder = path if path.is_dir() or not path.suffix else path.parent
        self.path = path
        self.has_state = False
        self.diffing = False  # True once a read has filled `seen`: later reads diff against it
        self.seen: dict[str, float] = {}  # call key -> end (Unix seconds)
        self.mark = 0.0
        self.last_crc: dict[str, int] = {}
        self.unfinished: tuple[str, int, LogProblem] | None = None  # file, crc, problem
        self.current: Path | None = None if self.folder else path

    def paths(self) -> list[Path]:
        return [self.current] if self.current is not None else []

    def state(self) -> dict[str, Any]:
        # The calls at the mark, so a restart does not offer them again.
        near = [key for key, end in self.seen.items() if end >= self.mark - MARK_SLACK_S]
        return {"mark": self.mark, "keys": near[-_CURSOR_KEYS:]}

    def resume(self, state: dict[str, Any]) -> None:
        self.mark = float(state["mark"])
        self.seen = dict.fromkeys((str(key) for key in state.get("keys", ())), self.mark)
        self.has_state = True

    def newest(self) -> Path | None:
        if self.folder is None:
            return self.path
        try:
            files = [p for p in self.folder.glob(self.dialect.folder_glob) if p.is_file()]
        except OSError:
            return None
        return max(files, key=_file_order) if files else None

    def read(self, emit: Emit, report: Report) -> None:
        if not self.has_state:
            for path in self._all_files():
                read = self._parse(path, report)
                if read is not None:
                    for event in read.events:
                        self.seen[event.call_key] = _end(event)
                        self.mark = max(self.mark, _end(event))
            self.has_state = self.diffing = True
            self.current = self.newest()
            return
        if not self.diffing:  # the first read after resume: everything since the mark
            newest = self.newest()
            files = [
                p
                for p in self._all_files()
                if p == newest or _modified(p) >= self.mark - MARK_SLACK_S
            ]  # the newest always: later reads diff against what it holds
            mark: _MarkFilter | None = _MarkFilter(self.mark, {})
        else:
            newest = self.newest()
            files = [p for p in (self.current, newest) if p is not None]
            files = list(dict.fromkeys(files))
            self.current = newest
            mark = None
        for path in files:
            read = self._parse(path, report)
            if read is None:
                continue
            for event in read.events:
                if event.call_key in self.seen:
                    continue
                self.seen[event.call_key] = _end(event)
                verdict = True if mark is None else mark.verdict(event)
                self.mark = max(self.mark, _end(event))
                if verdict is not None:
                    emit(event, verdict, str(path))
        self.diffing = True
        if self.folder is not None:
            self.current = self.newest()

    def _all_files(self) -> list[Path]:
        if self.folder is None:
            return [self.path]
        try:
            files = [p for p in self.folder.glob(self.dialect.folder_glob) if p.is_file()]
        except OSError:
            return []
        return sorted(files, key=_file_order)

    def _parse(self, path: Path, report: Report) -> HistoryRead | None:
        file = str(path)
        try:
            with open_regular(path) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_WHOLE_BYTES:
                    report(
                        LogProblem(
                            f"is {size} bytes, far more than any {self.dialect.title}; "
                            "not reading it"
                        ),
                        file,
                    )
                    return None
                data = handle.read(MAX_WHOLE_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            report(LogProblem(f"cannot read the file: {exc.strerror or exc}"), file)
            return None
        crc = zlib.crc32(data)
        if self.last_crc.get(file) == crc and self.diffing:
            return None  # several events per write are usual; the later ones find no change
        self.last_crc[file] = crc
        read = self.parse(data, self.tz)
        if read.unreadable is not None:
            report(read.unreadable, file)
            return None
        for problem in read.problems:
            report(problem, file)
        if read.incomplete is not None:
            self.unfinished = (file, crc, read.incomplete)
        elif self.unfinished is not None and self.unfinished[0] == file:
            self.unfinished = None
        return read

    def incomplete(self) -> LogProblem | None:
        return self.unfinished[2] if self.unfinished is not None else None

    def pending_token(self) -> object:
        return self.unfinished[:2] if self.unfinished is not None else None


def _file_order(path: Path) -> tuple[int, str]:
    stem = path.stem
    return (int(stem) if stem.isdigit() and len(stem) < 20 else -1, path.name)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# --- SQLITE -------------------------------------------------------------------------------------


class _SqliteLog:
    def __init__(self, path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> None:
        del tz  # the database holds Unix time
        self.path = path
        self.dialect = dialect
        self.has_state = False
        self.last_id = 0
        self.seen = _Seen()

    def paths(self) -> list[Path]:
        # A commit writes the database itself in rollback-journal mode, the -wal file in WAL;
        # the journal going away is when a write that failed our read is over.
        name = self.path.name
        return [
            self.path,
            self.path.with_name(f"{name}-wal"),
            self.path.with_name(f"{name}-journal"),
        ]

    def state(self) -> dict[str, Any]:
        return {"id": self.last_id, "mark": self.seen.mark}

    def resume(self, state: dict[str, Any]) -> None:
        self.last_id = int(state["id"])
        self.seen.mark = float(state["mark"])
        self.has_state = True

    def read(self, emit: Emit, report: Report) -> None:
        file = str(self.path)
        for attempt in range(SQLITE_TRIES):
            try:
                # SQLite's own open would wait on a FIFO for good.
                require_regular_by_name(self.path)
            except FileNotFoundError:
                return
            except OSError as exc:
                report(LogProblem(f"cannot read the file: {exc.strerror or exc}"), file)
                return
            try:
                with contextlib.closing(_open_read_only(self.path)) as conn:
                    self._read(conn, emit, report)
                return
            except sqlite3.OperationalError as exc:
                if not _being_written(exc):
                    report(LogProblem(f"cannot read it as an SQLite database ({exc})"), file)
                    return
                if attempt + 1 < SQLITE_TRIES:
                    time.sleep(SQLITE_RETRY_S)
                    continue
                report(
                    LogProblem(
                        f"is in the middle of a write ({exc}); it is read again when the "
                        "write completes (its -journal file goes away)"
                    ),
                    file,
                )
            except sqlite3.DatabaseError as exc:
                report(
                    LogProblem(f"is not a readable SQLite database ({exc}); is the file damaged?"),
                    file,
                )
                return

    def _read(self, conn: sqlite3.Connection, emit: Emit, report: Report) -> None:
        file = str(self.path)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(call_history)")}
        if not columns:
            report(
                LogProblem(
                    "has no call_history table: not Linphone's legacy call history "
                    "(linphone.db, from Linphone 5.2 on, is another format)"
                ),
                file,
            )
            return
        wanted = [c for c in linphone_legacy.COLUMNS if c in columns]
        query = linphone_legacy.QUERY.format(columns=", ".join(wanted))
        newest = conn.execute("SELECT max(id) FROM call_history").fetchone()[0]
        newest = int(newest) if isinstance(newest, int) else 0
        if not self.has_state:
            self.last_id = newest
            row = conn.execute(
                "SELECT max(CAST(start_time AS INTEGER) + coalesce(duration, 0)) FROM call_history"
            ).fetchone()
            self.seen.mark = float(row[0]) if isinstance(row[0], int | float) else 0.0
            self.has_state = True
            return
        mark: _MarkFilter | None = None
        if newest < self.last_id:  # a new database under the old name
            self.last_id = 0
            mark = self.seen.filter()
        while True:
            rows = conn.execute(query, (self.last_id, SQLITE_ROWS_PER_QUERY)).fetchall()
            for values in rows:
                row = dict(zip(wanted, values, strict=True))
                parsed = linphone_legacy.row_event(row)
                row_id = row.get("id")
                if isinstance(row_id, int):
                    self.last_id = max(self.last_id, row_id)
                if isinstance(parsed, LogProblem):
                    report(parsed, file)
                    continue
                verdict = True if mark is None else mark.verdict(parsed)
                self.seen.note(parsed)
                if verdict is not None:
                    emit(parsed, verdict, file)
            if len(rows) < SQLITE_ROWS_PER_QUERY:
                return

    def incomplete(self) -> LogProblem | None:
        return None

    def pending_token(self) -> object:
        return None


def _being_written(exc: sqlite3.OperationalError) -> bool:
    """Locked, busy, or a journal a read-only reader cannot roll back ("attempt to write a
    readonly database"): the writer is at it, and finishes within milliseconds."""
    text = str(exc).lower()
    return any(word in text for word in ("locked", "busy", "readonly"))


def _open_read_only(path: Path) -> sqlite3.Connection:
    uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=0.2, check_same_thread=False)
    conn.execute("PRAGMA query_only=ON")
    return conn


_Log = _LineLog | _WholeLog | _SqliteLog


def _log_for(path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> _Log:
    if dialect.layout is Layout.LINES:
        return _LineLog(path, dialect, tz)
    if dialect.layout is Layout.WHOLE:
        return _WholeLog(path, dialect, tz)
    return _SqliteLog(path, dialect, tz)


# --- the source -------------------------------------------------------------------------------


class HistorySource(FollowedSource):
    """Follows one end-of-call log and reports each call in it once, as a HistoryEvent.

    Call ``resume_from(cursor)`` before ``start()`` with the cursor of the last event the app
    stored (None the first time). ``cursor`` is where the source stands now; store it once
    after start() when there was none, so a restart before the first new call still catches
    up. Pass a shared ``watcher`` to serve several sources from one observer thread.
    """

    def __init__(
        self,
        path: Path,
        dialect: HistoryDialect,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        *,
        watcher: FileWatcher | None = None,
        clock: Callable[[], float] = time.time,
        news_window_s: float = DEFAULT_NEWS_WINDOW_S,
        tz: tzinfo | None = None,
        settle_s: float = SETTLE_S,
        rescan_s: float = RESCAN_S,
    ) -> None:
        super().__init__(Path(path).expanduser().absolute(), on_event, on_problem, watcher, clock)
        self._dialect = dialect
        self._news_window_s = news_window_s
        self._settle_s = settle_s
        self._rescan_s = rescan_s
        self._log = _log_for(self._path, dialect, tz)
        self._in_start = False
        self._watched: dict[Path, WatchedFile] = {}
        self._reported: set[str] = set()
        self._problem_count = 0
        self._settle_timer: threading.Timer | None = None
        self._settle_token: object = None
        self._settle_reported: object = None
        self._settle_since = 0.0
        self._rescan_stop = threading.Event()
        self._rescan_thread: threading.Thread | None = None

    @property
    def dialect(self) -> HistoryDialect:
        return self._dialect

    @property
    def origin(self) -> str:
        """The key the app stores this log's cursor under."""
        return f"{self._dialect.name}:{self._path}"

    @property
    def cursor(self) -> str:
        with self._lock:
            return self._cursor()

    def _cursor(self) -> str:
        if not self._log.has_state:
            return ""
        state = {"v": _CURSOR_VERSION, "layout": self._dialect.layout.value,
                 **self._log.state()}  # fmt: skip
        return json.dumps(state, separators=(",", ":"))

    def resume_from(self, cursor: str | None) -> None:
        """Continue after a stored cursor; one that does not fit this log is ignored (the
        log's current content becomes the baseline) and said so in the app's log."""
        if not cursor:
            return
        with self._lock:
            try:
                state = json.loads(cursor)
                if state.get("v") != _CURSOR_VERSION or state.get("layout") != (
                    self._dialect.layout.value
                ):
                    raise ValueError("written for another layout")
                self._log.resume(state)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                logger.warning("%s: ignoring the stored position %r (%s)", self.origin, cursor, exc)

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._stopped = False
            self._in_start = True
        try:
            self.poll_now()  # the baseline, or the catch-up since the stored cursor
        finally:
            with self._lock:
                self._in_start = False
        self._rewatch()
        if self._owns_watcher:
            self._watcher.start()
        self.poll_now()  # whatever changed between the first read and the watch
        if self._dialect.folder_glob:
            self._rescan_stop.clear()
            thread = threading.Thread(
                target=self._rescan, name=f"history-rescan-{self._dialect.name}", daemon=True
            )
            self._rescan_thread = thread
            thread.start()

    def stop(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
            self._stopped = True
            watched = list(self._watched.values())
            self._watched = {}
            timer, self._settle_timer = self._settle_timer, None
        if timer is not None:
            timer.cancel()
        self._rescan_stop.set()
        rescan = self._rescan_thread
        if rescan is not None and rescan is not threading.current_thread():
            rescan.join(5)
        for one in watched:
            self._watcher.unwatch(one)
        if self._owns_watcher:
            self._watcher.stop()

    def poll_now(self) -> int:
        """Read the log now and report what it gained; returns how many events were reported."""
        with self._lock:
            if self._stopped:
                return 0
            self._problem_count = 0
            counter = [0]
            catch_up_all = self._in_start
            read_ns = time.monotonic_ns()
            now = self._clock()

            # The cursor goes on the last event of a read only: a position must never be
            # stored ahead of a call still queued for the store, and one behind costs only a
            # re-read (the store drops calls it has). It also keeps a long catch-up cheap.
            held: list[HistoryEvent] = []

            def deliver(event: HistoryEvent) -> None:
                counter[0] += 1
                self._deliver(event)

            def emit(event: HistoryEvent, fresh: bool, file: str) -> None:
                if held:
                    deliver(held.pop())
                late = now - _end(event) > self._news_window_s
                held.append(
                    _completed(
                        event,
                        where=f"{file} {event.where}",
                        catch_up=catch_up_all or not fresh or late,
                        origin=self.origin,
                        read_ns=read_ns,
                    )
                )

            self._log.read(emit, self._report_problem)
            if held:
                deliver(replace(held.pop(), cursor=self._cursor()))
            self._summarise_problems()
            self._arm_settle()
            return counter[0]

    # -- helpers (lock held) -----------------------------------------------------------------

    def _report_problem(self, problem: LogProblem, file: str) -> None:
        text = problem.describe(file)
        if text in self._reported:
            return
        if len(self._reported) >= _REPORTED_LIMIT:
            self._reported.clear()
        self._reported.add(text)
        self._problem_count += 1
        if self._problem_count < _MAX_PROBLEMS_PER_READ:
            self._report(text)

    def _summarise_problems(self) -> None:
        hidden = self._problem_count - (_MAX_PROBLEMS_PER_READ - 1)
        if hidden > 0:
            self._report(f"{self._path}: {hidden} more unreadable records not shown")

    def _arm_settle(self) -> None:
        """An unterminated last record is normal for a moment (the writer is at it); one
        unchanged for settle_s is reported, once. A timer makes sure it is looked at again."""
        token = self._log.pending_token()
        if token is None:
            self._settle_token = None
            return
        if token == self._settle_token:
            waited = time.monotonic() - self._settle_since
            if waited >= self._settle_s * 0.9 and self._settle_reported != token:
                incomplete = self._log.incomplete()
                if incomplete is not None:
                    self._settle_reported = token
                    self._report(incomplete.describe(self._log_file_for_incomplete()))
                return
            if self._settle_reported == token:
                return
        else:
            self._settle_token = token
            self._settle_since = time.monotonic()
        if self._settle_timer is not None:
            self._settle_timer.cancel()
        delay = max(0.01, self._settle_s - (time.monotonic() - self._settle_since))
        timer = threading.Timer(delay, self._on_change)
        timer.daemon = True
        self._settle_timer = timer
        timer.start()

    def _log_file_for_incomplete(self) -> str:
        unfinished = getattr(self._log, "unfinished", None)
        if isinstance(unfinished, tuple):
            return str(unfinished[0])
        return str(self._path)

    def _rewatch(self) -> None:
        wanted = set(self._log.paths())
        with self._lock:
            if not self._started:
                return
            gone = [p for p in self._watched if p not in wanted]
            new = [p for p in wanted if p not in self._watched]
            for path in gone:
                self._watcher.unwatch(self._watched.pop(path))
            for path in new:
                self._watched[path] = self._watcher.watch(path, self._on_change, self._report)

    def _rescan(self) -> None:
        """A folder of files (Jitsi) gains a new file after every 150 calls, which no watch on
        the current file can see. Watches change here, never in watchdog's own thread."""
        while not self._rescan_stop.wait(self._rescan_s):
            log = self._log
            if not isinstance(log, _WholeLog):
                return
            if log.newest() != log.current or set(log.paths()) != set(self._watched):
                self._on_change()
                self._rewatch()


def _completed(
    event: HistoryEvent, *, where: str, catch_up: bool, origin: str, read_ns: int
) -> HistoryEvent:
    # A direct call: dataclasses.replace costs four times as much, per call of a long catch-up.
    return HistoryEvent(
        source=event.source,
        direction=event.direction,
        state=event.state,
        number=event.number,
        name=event.name,
        time=event.time,
        call_key=event.call_key,
        where=where,
        read_ns=read_ns,
        ended=event.ended,
        answered=event.answered,
        catch_up=catch_up,
        origin=origin,
    )


def read_history_file(
    path: Path, dialect: HistoryDialect, tz: tzinfo | None = None
) -> Iterator[HistoryEvent | str]:
    """Every call in a log, and every problem as text, for the ``events`` verb: no watching,
    no cursor. Line logs are streamed; whole files are read once."""
    problems: list[str] = []
    events: list[HistoryEvent] = []
    log = (
        _WholeLog(Path(path), dialect, tz, follow_folder=False)
        if dialect.layout is Layout.WHOLE
        else _log_for(Path(path), dialect, tz)
    )
    if isinstance(log, _LineLog):
        log.has_state = True  # read from the top instead of taking a baseline
        log.ident = None
    elif isinstance(log, _WholeLog):
        log.has_state = True
    else:
        log.has_state = True
        log.last_id = 0

    def emit(event: HistoryEvent, fresh: bool, file: str) -> None:
        del fresh
        events.append(replace(event, where=f"{file} {event.where}"))

    def report(problem: LogProblem, file: str) -> None:
        problems.append(problem.describe(file))

    log.read(emit, report)
    incomplete = log.incomplete()
    if incomplete is not None:
        problems.append(incomplete.describe(str(path)))
    yield from events
    yield from problems
