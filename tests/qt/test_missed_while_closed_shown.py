"""A call whose ring started the app is no call missed while CallerCard was closed (h-rep5:
Raj's ring launched it, his missed card came up, and the window said '1 call missed while
CallerCard was closed' too). Its hook records the ring before the app runs, so by its time
it is one of those calls; the app showed it, so it is told by its card only. A call the app
never saw in that time still counts. In process: the hook's row written as the hook writes
it (desktop.hook_record), then the same ring and its end reach the app."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Attempt, Direction, Outcome
from desktop.hook_record import record_without_app
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)

NOBODY_SAW = "+13125550199"


def test_a_call_the_app_showed_is_not_counted_as_missed_while_it_was_closed(
    start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    closed_since = datetime.now(UTC) - timedelta(minutes=5)
    unseen = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=2), Outcome.MISSED,
                     number_e164=NOBODY_SAW)  # fmt: skip
    assert app.store.record_call(None, unseen, "hook", f"hook:{NOBODY_SAW}@1") is not None

    ring = Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns() - 2 * 10**9)
    assert record_without_app(str(app.paths.data_dir), "US", ring, launching=True) == 0
    app.on_message(ring)
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: [c.attempt.outcome for c in app.store.calls()].count(
        Outcome.MISSED) == 2)  # fmt: skip
    assert len(app.popups.missed_keys()) == 1

    told = app._missed_while_closed.tell([(closed_since, datetime.now(UTC), ())])
    assert told == 1  # the call nobody saw, not Mike's
    assert len(app.popups.missed_keys()) == 2  # it gets its card; Mike's is not doubled
