"""Every way a call arrives becomes one RingInput: what pops, what closes, what is logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Direction
from desktop.core.ring_input import (
    RING_AGE_MAX_S,
    RingInput,
    demo_call,
    from_call_event,
    from_end_message,
    from_ring_message,
    hook_wall_time,
    welcome_test_ring,
)

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
NOW_NS = 5_000_000_000_000


def _event(direction: Direction, state: CallState) -> CallEvent:
    return CallEvent("microsip", direction, state, "+14155550142", "", NOW, call_key="microsip:3",
                     read_ns=123)  # fmt: skip


@pytest.mark.parametrize(
    ("direction", "state", "rings", "ends", "missed"),
    [
        (Direction.IN, CallState.RINGING, True, False, False),
        (Direction.IN, CallState.ANSWERED, False, False, False),
        (Direction.IN, CallState.ENDED, False, True, False),
        (Direction.IN, CallState.MISSED, False, True, True),
        (Direction.OUT, CallState.RINGING, False, False, False),
        (Direction.OUT, CallState.ENDED, False, False, False),
    ],
)  # fmt: skip
def test_a_sources_event_pops_or_closes_only_incoming_calls(
    direction: Direction, state: CallState, rings: bool, ends: bool, missed: bool
) -> None:
    call = from_call_event(_event(direction, state))
    assert (call.rings, call.ends, call.missed) == (rings, ends, missed)
    assert (call.read_ns, call.recorded, call.call_key) == (123, True, "microsip:3")


def test_an_end_of_call_log_line_is_recorded_never_shown() -> None:
    line = HistoryEvent("history", Direction.IN, CallState.MISSED, "+14155550142", "", NOW)
    call = from_call_event(line)
    assert not call.rings and not call.ends and not call.missed
    assert call.recorded and call.event is line


def test_a_hooks_ring_is_keyed_by_its_caller_and_logged_at_its_own_time() -> None:
    call = from_ring_message(Ring("+14155550142", "M K", t_ns=NOW_NS - 2_000_000_000),
                             NOW, NOW_NS)  # fmt: skip
    assert call.rings and call.call_key == "hook:+14155550142"
    assert call.read_ns == NOW_NS - 2_000_000_000
    assert call.event.time == NOW - timedelta(seconds=2)
    assert call.event.hook and call.event.where == "callercard ring (hook:+14155550142)"


def test_a_hooks_ring_without_a_stamp_is_read_now() -> None:
    call = from_ring_message(Ring("", call_key="line1"), NOW, NOW_NS)
    assert (call.read_ns, call.event.time, call.call_key) == (NOW_NS, NOW, "line1")


@pytest.mark.parametrize(
    ("outcome", "state"),
    [(EndOutcome.MISSED, CallState.MISSED), (EndOutcome.ANSWERED, CallState.ENDED),
     (EndOutcome.UNKNOWN, CallState.ENDED)],
)  # fmt: skip
def test_a_hooks_end_says_missed_only_when_told(outcome: EndOutcome, state: CallState) -> None:
    call = from_end_message(End(caller_id="anonymous", outcome=outcome), NOW, NOW_NS)
    # Keyed as every withheld caller ID is, so an end with none closes it too.
    assert call.ends and call.event.state is state and call.call_key == "hook:"
    assert call.missed is (state is CallState.MISSED)


def test_the_demo_ring_is_logged_and_the_test_ring_is_not() -> None:
    demo = demo_call("+14155550142", "M K", NOW, NOW_NS)
    test = welcome_test_ring("+14155550142", "M K", NOW, NOW_NS)
    assert demo.rings and demo.recorded and demo.call_key == "demo"
    assert test.rings and not test.recorded and test.call_key == "test-ring"
    assert isinstance(test, RingInput)


@pytest.mark.parametrize(
    "t_ns", [0, -5, NOW_NS + 1_000_000_000, NOW_NS - (RING_AGE_MAX_S + 1) * 1_000_000_000]
)
def test_a_stamp_from_another_clock_or_too_old_is_not_trusted(t_ns: int) -> None:
    assert hook_wall_time(t_ns, NOW, NOW_NS) == NOW


@pytest.mark.parametrize(
    ("caller_id", "call_key", "keyed"),
    [
        ("+1 (415) 555-0142", "", "hook:+14155550142"),  # one caller, however spelled
        ("4155550142", "", "hook:+14155550142"),
        ("+14155550142", "", "hook:+14155550142"),
        ("Reception", "", "hook:reception"),  # not a number: as the hook keyed it
        ("anonymous", "", "hook:"),  # every withheld caller alike
        ("+1 (415) 555-0142", "twinkle:abc", "twinkle:abc"),  # the phone's own call ID
    ],
)
def test_a_hooks_call_is_keyed_by_its_number_however_the_hook_spelled_it(
    caller_id: str, call_key: str, keyed: str
) -> None:
    from desktop.core.numbers import NumberPolicy, parse_number
    from desktop.core.ring_input import keyed_by_number

    ring = from_ring_message(Ring(caller_id, "", call_key=call_key), NOW, 0)
    got = keyed_by_number(ring, lambda raw: parse_number(raw, NumberPolicy("US")).e164)
    assert got.call_key == keyed
