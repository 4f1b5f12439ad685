"""A ring read after its hook stopped waiting: recorded by the app at the ring's own time, as
its hook records it (one row, whichever writes first), and a card only while its call may
still ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.adapters.instance_socket import DEFAULT_TIMEOUT
from desktop.core.ipc import End, EndOutcome, Ring, Show
from desktop.core.ipc_line import LATE_RING_S
from desktop.core.late_ring import (
    STALE_RING_S,
    LateRing,
    read_late,
    still_ringing,
    with_end_read,
)
from desktop.core.numbers import NumberPolicy, parse_number
from desktop.core.ring_input import from_late_ring

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
NOW_NS = 5_000_000_000_000
S = 1_000_000_000


def us_e164(caller_id: str) -> str | None:
    return parse_number(caller_id, NumberPolicy("US")).e164


def test_a_ring_is_late_once_its_hook_may_have_stopped_waiting_never_before() -> None:
    ring = Ring("+14155550142", t_ns=NOW_NS)
    assert not read_late(ring, NOW_NS + int(LATE_RING_S * S))
    assert read_late(ring, NOW_NS + int(LATE_RING_S * S) + 1)
    assert not read_late(Ring("+14155550142"), NOW_NS)  # no stamp: not a hook's ring
    # The app's late answer must reach a hook that still waits (it then records the call).
    assert LATE_RING_S < DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("ring", "after", "ended"),
    [
        (Ring("+14155550142"), [End(caller_id="+14155550142", outcome=EndOutcome.MISSED)], True),
        (Ring("+14155550142"), [End(caller_id="+14155550199")], False),  # another caller's
        (Ring("+14155550142"), [Show()], False),
        (Ring("anonymous"), [End(call_key="hook:")], True),  # a withheld ring and its end
        (Ring("1001", call_key="twinkle:abc"), [End(call_key="twinkle:abc")], True),
        (Ring("1001", call_key="twinkle:abc"), [End(call_key="twinkle:xyz")], False),
        # One number spelled two ways is one call, as the pipeline keys it (by its E.164).
        (Ring("+1 (415) 555-0142"), [End(caller_id="+14155550142")], True),
        (Ring("+14155550142"), [End(caller_id="(415) 555-0142")], True),
        (Ring("+1 (415) 555-0142"), [End(caller_id="+14155550199")], False),
    ],
)
def test_an_end_read_after_the_late_ring_marks_its_call_over(
    ring: Ring, after: list[object], ended: bool
) -> None:
    read = with_end_read(LateRing(ring, NOW_NS), after, us_e164)
    assert read.ended is ended


@pytest.mark.parametrize(
    ("ended", "age_s", "card"),
    [(False, 5, True), (True, 5, False), (False, STALE_RING_S + 1, False)],
)
def test_a_late_ring_pops_only_while_its_call_may_ring_and_is_recorded_when_it_rang(
    ended: bool, age_s: int, card: bool
) -> None:
    ring = Ring("+14155550142", "Dana", "microsip", t_ns=NOW_NS - age_s * S)
    call = from_late_ring(LateRing(ring, NOW_NS, ended), NOW, NOW_NS)
    assert (call.rings, call.recorded, call.ends) == (card, True, False)
    assert call.call_key == "hook:+14155550142"
    # The time its hook records it at, from the same stamp: the call's one row either way.
    assert (call.event.time, call.event.late) == (NOW - timedelta(seconds=age_s), True)


def test_a_late_ring_read_hours_late_is_still_recorded_when_it_rang() -> None:
    """The app was stopped (a debugger, a stuck modal) for longer than a plain ring's stamp is
    trusted: the stamp is still the machine's clock, and the hook's row has that time."""
    read_ns = 10 * 24 * 3600 * S  # the machine has been up for ten days
    ring = Ring("+14155550142", t_ns=read_ns - 3 * 3600 * S)
    call = from_late_ring(LateRing(ring, read_ns), NOW, read_ns)
    assert (call.recorded, call.event.time) == (True, NOW - timedelta(hours=3))


def test_a_late_ring_whose_stamp_says_nothing_of_when_it_rang_is_left_to_its_hook() -> None:
    """Written at the time it was read, it would be a second row beside the hook's."""
    read_ns = 10 * 24 * 3600 * S
    ring = Ring("+14155550142", t_ns=read_ns - 3 * 24 * 3600 * S)  # not a stopped app's
    call = from_late_ring(LateRing(ring, read_ns), NOW, read_ns)
    assert call.recorded is False


@pytest.mark.parametrize(
    ("rang_s_ago", "card"),
    [(0, True), (STALE_RING_S, True), (STALE_RING_S + 1, False), (600, False),
     (-1, True), (-30, False)],  # a stamp a moment ahead of our clock; one from elsewhere
)  # fmt: skip
def test_a_ring_from_the_inbox_rings_on_as_long_as_a_late_ring_does(
    rang_s_ago: int, card: bool
) -> None:
    assert still_ringing(NOW - timedelta(seconds=rang_s_ago), NOW) is card
