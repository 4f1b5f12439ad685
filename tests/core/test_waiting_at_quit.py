"""A ring or an end a hook handed over just before a quit is still written; what is no call,
or a late ring its hook records itself, is not."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.core.events import CallState
from desktop.core.ipc import End, EndOutcome, Ring, Show
from desktop.core.late_ring import LateRing
from desktop.core.waiting_at_quit import recorded_at_quit

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def test_rings_and_ends_waiting_at_quit_are_recorded_oldest_first() -> None:
    ring = Ring("+14155550142", "Mike K", call_key="c1", t_ns=5_000)
    waiting = [ring, Show(), End("c1", outcome=EndOutcome.MISSED),
               LateRing(ring, read_ns=9_000, ended=True)]  # fmt: skip
    ticks = iter([(NOW, 10_000), (NOW, 11_000)])

    calls = recorded_at_quit(waiting, lambda: next(ticks))

    assert [(c.event.call_key, c.event.state) for c in calls] == [
        ("c1", CallState.RINGING), ("c1", CallState.MISSED)]
    assert calls[1].event.time == NOW  # an end is written when it is taken
