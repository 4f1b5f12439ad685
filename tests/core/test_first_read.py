"""The first read of a ring-time call log: a call still ringing that began around the app's
start pops (it rang while the app was starting, or was ringing when it restarted); every
other call in it is history, so a restart never pops a call that is over."""

from __future__ import annotations

import pytest

from desktop.core.dialects.linphone import CallTracker
from desktop.core.dialects.microsip import CallLogTracker, CallType
from desktop.core.events import CallState
from desktop.core.first_read import RINGING_AT_START_S, rings_since
from tests.core.test_linphone_dialect import NOW as LINPHONE_NOW
from tests.core.test_linphone_dialect import call, stamp
from tests.softphone_writers import render_call, render_ini

STARTED = 1_800_000_000.0  # the app's start
SINCE = rings_since(STARTED)


def microsip_first_read(*calls: str, now: float = STARTED + 0.6) -> list[tuple[str, CallState]]:
    text = render_ini({"callsLastKey": str(len(calls) - 1)}, dict(enumerate(calls)))
    tracker = CallLogTracker(ringing_since=SINCE)
    return [(c.entry.call_key, c.state) for c in tracker.update(text, now).changes]


def ring(number: str, started: float, call_type: CallType = CallType.INCOMING) -> str:
    return render_call(number, "", call_type, int(started))


@pytest.mark.parametrize("started", [STARTED + 0.3, STARTED - 1, STARTED - 59])
def test_a_microsip_call_ringing_at_start_pops(started: float) -> None:
    # Written in the app's first 0.6 s, or ringing when it (re)started.
    assert microsip_first_read(ring("+14155550142", started)) == [
        (f"microsip:0:{int(started)}", CallState.RINGING)
    ]


def test_microsip_calls_that_are_over_or_old_never_pop_at_start() -> None:
    assert microsip_first_read(
        render_call("+14155550100", "", CallType.MISSED, int(STARTED - 30), 0, "Missed Call"),
        render_call("+14155550101", "", CallType.INCOMING, int(STARTED - 20), 12, "Call Ended"),
        render_call("+14155550102", "", CallType.ELSEWHERE, int(STARTED - 10)),
        # A line still "ringing" from before the margin: a call being talked on (MicroSIP
        # writes nothing on answer) or one a crash never closed.
        ring("+14155550103", STARTED - RINGING_AT_START_S - 1),
        # The rep's own call going out is no card.
        ring("+14155550104", STARTED - 5, CallType.OUTGOING),
    ) == []


def test_a_microsip_ring_popped_at_start_is_followed_to_its_end() -> None:
    tracker = CallLogTracker(ringing_since=SINCE)
    lines = {0: ring("+14155550142", STARTED)}
    popped = tracker.update(render_ini({"callsLastKey": "0"}, lines), STARTED + 0.5).changes
    assert [c.state for c in popped] == [CallState.RINGING]
    lines[0] = render_call("+14155550142", "", CallType.MISSED, int(STARTED), 0, "Missed Call")
    ended = tracker.update(render_ini({"callsLastKey": "0"}, lines), STARTED + 9).changes
    assert [c.state for c in ended] == [CallState.MISSED]


def test_without_a_start_time_the_first_read_pops_nothing() -> None:
    text = render_ini({"callsLastKey": "0"}, {0: ring("+14155550142", STARTED)})
    assert CallLogTracker().update(text, STARTED).changes == ()


def test_a_linphone_call_ringing_at_start_pops_and_one_answered_or_old_does_not() -> None:
    since = rings_since(LINPHONE_NOW)
    tracker = CallTracker(ringing_since=since)
    rows = [
        call(row_id=1),  # ringing, started 5 s ago
        call(row_id=2, status=1, connected=stamp(3)),  # answered: being talked on
        call(row_id=3, start=stamp(RINGING_AT_START_S + 5)),  # "ringing" for too long
        call(row_id=4, direction=0),  # the rep dialling out
        call(row_id=5, status=2, ended=True),  # missed already
    ]
    changes = tracker.update(rows, LINPHONE_NOW).changes
    assert [(c.call.id, c.state) for c in changes] == [(1, CallState.RINGING)]
    assert CallTracker().update(rows, LINPHONE_NOW).changes == ()
