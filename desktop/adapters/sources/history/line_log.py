"""LINES (Asterisk, FreeSWITCH, Yate): a line appended per call.

Followed by byte offset, complete lines only, in bounded chunks (a 100 MB log is never in
memory at once). The offset comes with the file's identity and a checksum of the line before
it, so a rotation (a new file under the name; the old one's unread rest is still read, found by
its identity), a truncation and a rewrite in place are each noticed and the file is re-read
from the top, diffed against the newest call already seen.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from datetime import tzinfo
from pathlib import Path
from typing import Any

from desktop.adapters.regular_file import NotRegularFile, open_regular
from desktop.adapters.sources.history.dialects import HistoryDialect
from desktop.adapters.sources.history.seen import Emit, MarkFilter, Report, Seen
from desktop.core.dialects.end_of_call import HistoryEvent, LogProblem, clip, first_line_of

CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 64 * 1024  # no call record is near this; a longer "line" is not one
BASELINE_TAIL_BYTES = 64 * 1024  # read to learn the newest call of a log watched the first time


class LineLog:
    def __init__(self, path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> None:
        assert dialect.parse_line is not None
        self.path = path
        self.dialect = dialect
        self.parse = dialect.parse_line
        self.tz = tz
        self.has_state = False
        # Set when the first read found no readable log: the baseline taken once it appears
        # keeps the calls that ended since then (a log is created with its first call).
        self.since: float | None = None
        self.ident: tuple[int, int] | None = None
        self.offset = 0  # just after the last complete line handled
        self.line = 0  # lines before offset
        self.check = 0  # crc32 of the line that ends at offset
        self.check_len = 0
        self.seen = Seen()
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
            if self.since is None:
                self._baseline(ident, report)
                return
            self.has_state = True
            self.ident = ident
            self._read_lines(self.path, emit, report, MarkFilter(self.since, {}))
            return
        mark: MarkFilter | None = None
        if self.ident is not None and ident != self.ident:
            self._finish_rotated(self.ident, emit, report)
            mark = self._restart()
        elif st.st_size < self.offset or not self._check_matches(self.path):
            mark = self._restart()
        self.ident = ident
        self._read_lines(self.path, emit, report, mark)

    def _restart(self) -> MarkFilter:
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

    def _read_lines(self, path: Path, emit: Emit, report: Report, mark: MarkFilter | None) -> None:
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
        mark: MarkFilter | None,
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
