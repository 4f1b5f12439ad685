"""WHOLE (Twinkle, Jitsi, macOS Telephone, linphonerc): the whole file rewritten per call.

Often in several writes. Each read is diffed by record identity; a read that caught a rewrite
half way yields its complete records and the rest is waited for.
"""

from __future__ import annotations

import os
import zlib
from datetime import tzinfo
from pathlib import Path
from typing import Any

from desktop.adapters.regular_file import open_regular
from desktop.adapters.sources.history.dialects import HistoryDialect
from desktop.adapters.sources.history.seen import (
    MARK_SLACK_S,
    Emit,
    MarkFilter,
    Report,
    end_seconds,
)
from desktop.core.dialects.end_of_call import HistoryRead, LogProblem

MAX_WHOLE_BYTES = 16 * 1024 * 1024  # far above any rewritten history (Jitsi: 150 calls a file)
_CURSOR_KEYS = 50


class WholeLog:
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
        self.since: float | None = None  # unused: a first read always leaves a baseline
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
                        self.seen[event.call_key] = end_seconds(event)
                        self.mark = max(self.mark, end_seconds(event))
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
            mark: MarkFilter | None = MarkFilter(self.mark, {})
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
                self.seen[event.call_key] = end_seconds(event)
                verdict = True if mark is None else mark.verdict(event)
                self.mark = max(self.mark, end_seconds(event))
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
