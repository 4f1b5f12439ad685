"""What another process asks of the running app through the single-instance socket: a hook's
ring, late ring or end (each through the one ring pipeline), a second launch's Show, `quit`,
`import FILE` and `call NUMBER`. The socket and its acks are desktop/qt/single_instance.py."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.ipc import Dial, End, OpenImport, Quit, Ring, Show, ShowTarget
from desktop.core.late_ring import LateRing
from desktop.core.ring_input import from_end_message, from_late_ring, from_ring_message

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.adapters.trace import RingTrace
    from desktop.core.ipc import Message
    from desktop.qt.click_to_call import ClickToCall
    from desktop.qt.ring_pipeline import RingPipeline
    from desktop.qt.tray import TrayMenu


class HookMessages:
    def __init__(
        self, pipeline: RingPipeline, tray: TrayMenu, trace: RingTrace, *,
        missed_seen: Callable[[], None], open_settings: Callable[[], None],
        open_search: Callable[[str], None], open_import: Callable[[Path], None],
        quit_app: Callable[[], None], placer: Callable[[], ClickToCall],
    ) -> None:  # fmt: skip
        """`missed_seen`: the rep has seen what was missed while the app was closed (the
        no-tray window says it); `placer`: the Call buttons' ClickToCall, made on first use."""
        self._pipeline = pipeline
        self._tray = tray
        self._trace = trace
        self._missed_seen = missed_seen
        self._open_settings = open_settings
        self._open_search = open_search
        self._open_import = open_import
        self._quit = quit_app
        self._placer = placer

    def handle(self, message: Message | LateRing) -> None:
        if isinstance(message, Ring):
            self._pipeline.arrive(from_ring_message(message, datetime.now(UTC),
                                                    time.monotonic_ns()))  # fmt: skip
        elif isinstance(message, LateRing):
            # Read after its hook gave up waiting: recorded unless its hook has done so
            # (desktop.core.late_ring), and a card only while the call may still ring.
            call = from_late_ring(message, datetime.now(UTC), time.monotonic_ns())
            self._trace.write("late_ring", call.caller_id, call_key=call.call_key,
                              card=call.rings, ended=message.ended)  # fmt: skip
            self._pipeline.arrive(call)
        elif isinstance(message, End):
            self._pipeline.arrive(from_end_message(message, datetime.now(UTC),
                                                   time.monotonic_ns()))  # fmt: skip
        elif isinstance(message, Show):
            self._tray.offer_window()
            if self._tray.fallback.isVisible():  # its status line says what was missed
                self._missed_seen()
            if message.window is ShowTarget.SETTINGS:
                self._open_settings()
            else:
                self._open_search("")
        elif isinstance(message, Quit):
            self._quit()
        elif isinstance(message, OpenImport):
            self._open_import(Path(message.path))
        elif isinstance(message, Dial):
            # From `callercard call`: whoever ran it meant now, so no question about the hour.
            self._placer().call(message.number, None, asked=True)
