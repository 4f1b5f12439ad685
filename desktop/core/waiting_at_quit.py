"""Rings and ends hooks handed over just before a quit, still waiting for their event-loop
turn: recorded (no card), as the hooks were told they were delivered. A late ring's hook
records it itself; a Show or an Import asked for is no call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from desktop.core.ipc import End, Ring
from desktop.core.ring_input import RingInput, from_end_message, from_ring_message

Clock = Callable[[], tuple[datetime, int]]  # the wall time now, and time.monotonic_ns()


def recorded_at_quit(waiting: Iterable[object], clock: Clock) -> list[RingInput]:
    """The calls among `waiting` (oldest first) that are to be written, each read at the
    clock's time as it is taken."""
    calls = []
    for message in waiting:
        if isinstance(message, Ring):
            call = from_ring_message(message, *clock())
        elif isinstance(message, End):
            call = from_end_message(message, *clock())
        else:
            continue
        if call.recorded:
            calls.append(call)
    return calls
