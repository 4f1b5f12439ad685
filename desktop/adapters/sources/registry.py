"""Every kind of call source the app can watch, by the name used in settings and --watch.

The kinds are the softphone table's watchable formats (core/softphones.py), in its order and
with its titles; this module only says which source class follows each.
Each factory imports its source's module when it is called: the app's start-up loads only
the parsers of the softphones it follows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from desktop.adapters.filewatch import FileWatcher
from desktop.core.events import CallEvent
from desktop.core.softphones import LogFormat, log_formats

if TYPE_CHECKING:
    from desktop.adapters.sources.history import HistoryDialect


class CallSource(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


@runtime_checkable
class KeepsItsPlace(Protocol):
    """A file source that resumes where the app last stored it had read (an end-of-call log,
    MicroSIP's ini, Linphone's database): the calls its log gained while the app was closed
    are reported at start as catch-up history, never popped."""

    @property
    def origin(self) -> str: ...

    @property
    def cursor(self) -> str: ...

    def resume_from(self, cursor: str | None) -> None: ...


EventSink = Callable[[CallEvent], None]
ProblemSink = Callable[[str], None]


class SourceFactory(Protocol):
    """Makes a source; `ringing_since` (Unix seconds) lets its first read pop a call still
    ringing that started then or later (desktop.core.first_read); only ring sources use it."""

    def __call__(self, path: Path, on_event: EventSink, on_problem: ProblemSink,
                 watcher: FileWatcher, *, ringing_since: float | None = None,
                 ) -> CallSource: ...  # fmt: skip


@dataclass(frozen=True)
class SourceKind:
    name: str  # as written in settings and --watch FORMAT:PATH
    title: str  # for people: "MicroSIP (microsip.ini)"
    file_filter: str  # for the file dialog
    ring_time: bool  # True when the source reports a call while it rings
    create: SourceFactory
    # True when the "path" is a network address (host:port), not a file: ask for an address.
    address: bool = False


def _microsip(path: Path, on_event: EventSink, on_problem: ProblemSink, watcher: FileWatcher,
              *, ringing_since: float | None = None) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.microsip import MicroSipSource

    return MicroSipSource(path, on_event, on_problem, watcher=watcher,
                          ringing_since=ringing_since)  # fmt: skip


def _linphone(path: Path, on_event: EventSink, on_problem: ProblemSink, watcher: FileWatcher,
              *, ringing_since: float | None = None) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.linphone_db import LinphoneDbSource

    return LinphoneDbSource(path, on_event, on_problem, watcher=watcher,
                            ringing_since=ringing_since)  # fmt: skip


def _baresip(path: Path, on_event: EventSink, on_problem: ProblemSink, watcher: FileWatcher,
             *, ringing_since: float | None = None) -> CallSource:  # fmt: skip
    from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource

    del watcher, ringing_since  # a socket, not a file: it has no first read
    return BaresipCtrlSource(str(path), on_event, on_problem)


# The sources that report a ring, by their name in the softphone table.
RING_SOURCES: dict[str, SourceFactory] = {
    "microsip": _microsip,
    "linphone": _linphone,
    "baresip": _baresip,
}


def _history(name: str, dialects: Mapping[str, HistoryDialect] | None) -> SourceFactory:
    """End-of-call logs (sources/history/): they feed the history, never a ring popup. With
    no `dialects`, the app's own, imported with the first such source (their parsers and
    what they import, xml, csv, plistlib, hold 0.7 MB)."""

    def create(path: Path, on_event: EventSink, on_problem: ProblemSink, watcher: FileWatcher,
               *, ringing_since: float | None = None) -> CallSource:  # fmt: skip
        del ringing_since  # written at the end of a call: nothing in it rings
        from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource

        dialect = (HISTORY_DIALECTS if dialects is None else dialects)[name]
        return HistorySource(path, dialect, on_event, on_problem, watcher=watcher)

    return create


def source_kinds(
    formats: tuple[LogFormat, ...], dialects: Mapping[str, HistoryDialect] | None = None
) -> dict[str, SourceKind]:
    """The table's watchable formats, in its order, each with the source that follows it
    (end-of-call logs read with `dialects`, by default the app's own)."""
    kinds: dict[str, SourceKind] = {}
    for f in formats:
        if not f.watchable:
            continue
        create = RING_SOURCES.get(f.name) if f.ring_time else _history(f.name, dialects)
        if create is None:
            raise LookupError(f"the softphone table names {f.name!r}, which has no source")
        kinds[f.name] = SourceKind(f.name, f.title, f.file_filter, f.ring_time, create, f.address)
    return kinds


SOURCE_KINDS: dict[str, SourceKind] = source_kinds(log_formats())
