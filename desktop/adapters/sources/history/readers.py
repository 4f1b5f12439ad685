"""The reader each layout gets, and one read of a whole log without following it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

from desktop.adapters.sources.history.dialects import HistoryDialect, Layout
from desktop.adapters.sources.history.line_log import LineLog
from desktop.adapters.sources.history.sqlite_log import SqliteLog
from desktop.adapters.sources.history.whole_log import WholeLog
from desktop.core.dialects.end_of_call import HistoryEvent, LogProblem

Log = LineLog | WholeLog | SqliteLog


def log_for(path: Path, dialect: HistoryDialect, tz: tzinfo | None) -> Log:
    if dialect.layout is Layout.LINES:
        return LineLog(path, dialect, tz)
    if dialect.layout is Layout.WHOLE:
        return WholeLog(path, dialect, tz)
    return SqliteLog(path, dialect, tz)


def read_history_file(
    path: Path, dialect: HistoryDialect, tz: tzinfo | None = None
) -> Iterator[HistoryEvent | str]:
    """Every call in a log, and every problem as text, for the ``events`` verb: no watching,
    no cursor. Line logs are streamed; whole files are read once."""
    problems: list[str] = []
    events: list[HistoryEvent] = []
    log = (
        WholeLog(Path(path), dialect, tz, follow_folder=False)
        if dialect.layout is Layout.WHOLE
        else log_for(Path(path), dialect, tz)
    )
    if isinstance(log, LineLog):
        log.has_state = True  # read from the top instead of taking a baseline
        log.ident = None
    elif isinstance(log, WholeLog):
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
