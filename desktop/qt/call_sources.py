"""The call logs followed (Settings → Softphones, and what this run's command line adds): each
made from its kind in the source registry, resuming where the history says the last reader
stood, read by the one file watcher. Started again whenever the settings change."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.sources.registry import SOURCE_KINDS, CallSource

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.adapters.filewatch import FileWatcher
    from desktop.adapters.settings import WatchedSource
    from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource
    from desktop.core.events import CallEvent
    from desktop.qt.log_positions import LogPositions
    from desktop.qt.tray import TrayMenu

log = logging.getLogger("callercard")


class CallSources:
    def __init__(
        self, watcher: FileWatcher, tray: TrayMenu, *, ringing_since: float,
        on_event: Callable[[CallEvent], None], on_problem: Callable[[str], None],
        problem_over: Callable[[str], None],
    ) -> None:  # fmt: skip
        """`ringing_since`: a call ringing since then, read at the first start, still pops;
        `on_event`, `on_problem` and `problem_over` are said from the sources' threads."""
        self._watcher = watcher
        self._tray = tray
        self._ringing_since = ringing_since
        self._on_event = on_event
        self._on_problem = on_problem
        self._problem_over = problem_over
        self._started = False
        self.sources: list[CallSource] = []
        self.watched_specs: list[WatchedSource] = []  # the logs followed now
        self.watched_formats: set[str] = set()  # the kinds of call source being followed

    def start(self, specs: list[WatchedSource], log_positions: LogPositions) -> None:
        """Follow `specs` (from the ones followed until now, which stop)."""
        self.stop()
        log_positions.stop()  # where the old ones stand: the new ones resume there
        if self._started:  # settings applied: earlier rings were the old sources' to pop
            self._ringing_since = float(int(time.time()))  # MicroSIP stamps whole seconds
        self._started = True
        self.sources = []
        self.watched_formats = {spec.format for spec in specs}
        # A log no longer watched takes its problem with it: a linphone.db the rep had swapped
        # for the right log still said "not the call history" under the buttons.
        for gone in set(self.watched_specs) - set(specs):
            self._tray.problem_over(f"{Path(gone.path).expanduser()}: ")
        self.watched_specs = specs
        for spec in dict.fromkeys(specs):
            kind = SOURCE_KINDS[spec.format]
            source = kind.create(Path(spec.path).expanduser(), self._on_event, self._on_problem,
                                 self._watcher, ringing_since=self._ringing_since)  # fmt: skip
            if hasattr(source, "on_problem_over"):  # baresip: connected again
                source.on_problem_over = self._problem_over
            log_positions.start_source(source, ring_time=kind.ring_time)
            self.sources.append(source)
            log.info("watching %s: %s", spec.format, spec.path)
        if self.sources:
            self._watcher.start()

    def watch_hook_inbox(self, inbox: Path, changed: Callable[[], None]) -> None:
        """A call a hook could neither hand over nor write (the database held by an import)
        lands in its inbox: `changed` records it the moment it does (adapters/hook_inbox.py).
        Watched as the call logs are, through the one watcher: no polling."""
        try:
            inbox.parent.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:  # watched from the data folder until a hook creates it
            log.info("no folder for the hooks' inbox: %s", exc)
        self._watcher.watch(inbox, changed)

    def stop(self) -> None:
        for source in self.sources:
            source.stop()

    def baresip_channels(self) -> list[BaresipCtrlSource]:
        """The baresip event streams followed: a dial goes through one (ctrl_tcp has room for
        a single client)."""
        from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource

        return [s for s in self.sources if isinstance(s, BaresipCtrlSource)]
