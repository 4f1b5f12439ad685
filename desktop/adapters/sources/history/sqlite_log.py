"""SQLITE (legacy Linphone call-history.db): rows only ever get higher ids.

Opened read-only, per read, so the softphone never finds it locked by us.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import urllib.parse
from datetime import tzinfo
from pathlib import Path
from typing import Any

from desktop.adapters.regular_file import require_regular_by_name
from desktop.adapters.sources.history.dialects import HistoryDialect
from desktop.adapters.sources.history.seen import Emit, MarkFilter, Report, Seen
from desktop.core.dialects import linphone_legacy
from desktop.core.dialects.end_of_call import LogProblem

SQLITE_ROWS_PER_QUERY = 1000
SQLITE_TRIES = 10  # reads retried while the softphone is in the middle of a write
SQLITE_RETRY_S = 0.05


class SqliteLog:
    def __init__(self, path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> None:
        del tz  # the database holds Unix time
        self.path = path
        self.dialect = dialect
        self.has_state = False
        # Set when the first read found no readable database: the baseline taken later keeps
        # calls that ended since then (a call landing as the database appears is news).
        self.since: float | None = None
        self.last_id = 0
        self.seen = Seen()

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
        mark: MarkFilter | None = None
        if not self.has_state:
            self.has_state = True
            if self.since is not None:  # readable only now: its rows from 0, by their end
                mark = MarkFilter(self.since, {})
            else:
                self.last_id = newest
                row = conn.execute(
                    "SELECT max(CAST(start_time AS INTEGER) + coalesce(duration, 0)) "
                    "FROM call_history"
                ).fetchone()
                self.seen.mark = float(row[0]) if isinstance(row[0], int | float) else 0.0
                return
        elif newest < self.last_id:  # a new database under the old name
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
