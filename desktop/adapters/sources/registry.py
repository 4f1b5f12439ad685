"""Every kind of call source the app can watch, by the name used in settings and --watch.

Adding a source means adding one entry here; the app, the settings window and the --watch
parser all read this table. Each factory imports its source's module when it is called: the
app's start-up loads only the parsers of the softphones it follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.history import HISTORY_DIALECTS, HistoryDialect, HistorySource
from desktop.core.events import CallEvent


class CallSource(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


EventSink = Callable[[CallEvent], None]
ProblemSink = Callable[[str], None]
SourceFactory = Callable[[Path, EventSink, ProblemSink, FileWatcher], CallSource]


@dataclass(frozen=True)
class SourceKind:
    name: str  # as written in settings and --watch FORMAT:PATH
    title: str  # for people: "MicroSIP (microsip.ini)"
    file_filter: str  # for the file dialog
    ring_time: bool  # True when the source reports a call while it rings
    create: SourceFactory
    # True when the "path" is a network address (host:port), not a file: ask for an address.
    address: bool = False


def _microsip(path: Path, on_event: EventSink, on_problem: ProblemSink,
              watcher: FileWatcher) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.microsip import MicroSipSource

    return MicroSipSource(path, on_event, on_problem, watcher=watcher)


def _linphone(path: Path, on_event: EventSink, on_problem: ProblemSink,
              watcher: FileWatcher) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.linphone_db import LinphoneDbSource

    return LinphoneDbSource(path, on_event, on_problem, watcher=watcher)


def _baresip(path: Path, on_event: EventSink, on_problem: ProblemSink,
             watcher: FileWatcher) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource

    del watcher  # a socket, not a file
    return BaresipCtrlSource(str(path), on_event, on_problem)


SOURCE_KINDS: dict[str, SourceKind] = {
    "microsip": SourceKind(
        "microsip", "MicroSIP (microsip.ini)", "MicroSIP settings (*.ini)", True, _microsip
    ),
    "linphone": SourceKind(
        "linphone", "Linphone 5.2 or later (linphone.db)", "Linphone database (linphone.db *.db)",
        True, _linphone,
    ),
    "baresip": SourceKind(
        "baresip", "baresip (ctrl_tcp events, e.g. 127.0.0.1:4444)", "", True, _baresip,
        address=True,
    ),
}  # fmt: skip


def _history(dialect: HistoryDialect) -> SourceKind:
    """End-of-call logs (sources/history/): they feed the history, never a ring popup."""

    def create(path: Path, on_event: EventSink, on_problem: ProblemSink,
               watcher: FileWatcher) -> CallSource:  # fmt: skip
        return HistorySource(path, dialect, on_event, on_problem, watcher=watcher)

    return SourceKind(dialect.name, dialect.title, dialect.file_filter, False, create)


SOURCE_KINDS.update({name: _history(dialect) for name, dialect in HISTORY_DIALECTS.items()})
