"""Every kind of call source the app can watch, by the name used in settings and --watch.

Adding a source means adding one entry here; the app, the settings window and the --watch
parser all read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.microsip import MicroSipSource
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


def _microsip(path: Path, on_event: EventSink, on_problem: ProblemSink,
              watcher: FileWatcher) -> CallSource:  # fmt: skip
    return MicroSipSource(path, on_event, on_problem, watcher=watcher)


SOURCE_KINDS: dict[str, SourceKind] = {
    "microsip": SourceKind(
        "microsip", "MicroSIP (microsip.ini)", "MicroSIP settings (*.ini)", True, _microsip
    ),
}
