"""A ring-time call log's stored position: the first read after a restart reports the calls
over since then as catch-up history, never older ones, and a position that does not fit
is not used."""

from __future__ import annotations

import pytest

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.dialects.microsip import CallLogTracker, CallType, call_event
from desktop.core.events import CallState
from desktop.core.ring_log_position import CATCH_UP_SLACK_S, OPEN_LIMIT, Position, load_position
from tests.softphone_writers import render_call, render_ini

QUIT = 1_800_000_000.0
NIGHT = QUIT + 8 * 3600  # the next start


def ini(calls: dict[int, str]) -> str:
    return render_ini({"callsLastKey": str(max(calls))}, calls)


def position_at_quit(calls: dict[int, str]) -> str:
    tracker = CallLogTracker()
    tracker.update(ini(calls), QUIT)
    position = tracker.position(QUIT)
    assert position is not None
    return position.dump()


def caught_up(cursor: str, calls: dict[int, str]) -> list[tuple[str, CallState, bool | None]]:
    tracker = CallLogTracker(ringing_since=NIGHT - 60)
    position = load_position(cursor, "microsip")
    assert position is not None
    tracker.resume(position)
    events = [call_event(c, file="microsip.ini", read_ns=0)
              for c in tracker.update(ini(calls), NIGHT).changes]  # fmt: skip
    assert all(isinstance(e, HistoryEvent) and e.catch_up for e in events)  # never a card
    return [(e.call_key, e.state, getattr(e, "answered", None)) for e in events]


def test_calls_logged_while_closed_are_reported_as_history_and_older_ones_are_not() -> None:
    before = {0: render_call("+14155550100", "", CallType.MISSED, int(QUIT) - 3600, 0, "Missed")}
    cursor = position_at_quit(before)
    night = {
        **before,
        1: render_call("+14155550142", "Dana", CallType.MISSED, int(NIGHT) - 600, 0, "Missed"),
        2: render_call("+14155550177", "Mike", CallType.INCOMING, int(NIGHT) - 300, 95, "Ended"),
        3: render_call("+14155550188", "", CallType.ELSEWHERE, int(NIGHT) - 200, 12, "Elsewhere"),
    }
    assert caught_up(cursor, night) == [
        (f"microsip:1:{int(NIGHT) - 600}", CallState.MISSED, False),
        (f"microsip:2:{int(NIGHT) - 300}", CallState.ENDED, True),
        (f"microsip:3:{int(NIGHT) - 200}", CallState.ENDED, False),
    ]


def test_a_call_ringing_at_the_quit_is_reported_when_its_end_was_written_meanwhile() -> None:
    rang = int(QUIT) - 1800  # rang half an hour before the quit, talked on since
    calls = {
        0: render_call("+14155550142", "Dana", CallType.INCOMING, rang),
        1: render_call("+14155550177", "", CallType.MISSED, rang + 60, 0, "Missed"),
    }
    cursor = position_at_quit(calls)
    calls[0] = render_call("+14155550142", "Dana", CallType.INCOMING, rang, 2400, "Ended")
    assert caught_up(cursor, calls) == [(f"microsip:0:{rang}", CallState.ENDED, True)]


def test_a_call_that_ended_just_before_the_quit_is_offered_again() -> None:
    # It was read as it was written and may not have been recorded yet: the store drops it if
    # it has it.
    ended = int(QUIT - CATCH_UP_SLACK_S / 2)
    before = {0: render_call("+14155550100", "", CallType.MISSED, int(QUIT) - 7200, 0, "Missed")}
    calls = {**before, 1: render_call("+14155550142", "", CallType.MISSED, ended, 0, "Missed")}
    tracker = CallLogTracker()
    tracker.update(ini(before), QUIT - 3600)  # the first watch, an hour before
    assert len(tracker.update(ini(calls), ended + 1).changes) == 1  # read as it happened
    position = tracker.position(QUIT)
    assert position is not None
    assert caught_up(position.dump(), calls) == [(f"microsip:1:{ended}", CallState.MISSED, False)]


def test_a_call_over_just_before_the_first_watch_is_never_offered_at_the_next_start() -> None:
    """The first watch took it as the log's past; the app quit a minute later (well within
    the slack for calls read just before a quit): it was never news, so never history."""
    ended = int(QUIT) - 70
    calls = {0: render_call("+14155550188", "", CallType.ELSEWHERE, ended - 30, 30, "")}
    tracker = CallLogTracker()
    tracker.update(ini(calls), QUIT - 60)
    position = tracker.position(QUIT)
    assert position is not None
    assert position.since == QUIT - 60
    assert caught_up(position.dump(), calls) == []
    # Kept from start to start: the next position still says when the log was first watched.
    again = CallLogTracker()
    again.resume(position)
    again.update(ini(calls), NIGHT)
    later = again.position(NIGHT + 60)
    assert later is not None and later.since == QUIT - 60


def test_a_row_gained_since_the_quit_but_over_before_the_first_watch_is_not_offered() -> None:
    """Linphone's rows gained since the quit are told as open: in a bigger database put in
    place meanwhile they are anyone's, and one over before the first watch is the log's past.
    A missed call's end is only its start: up to the slack before the first watch still
    counts, as for a call first seen while the app runs."""
    since = QUIT - 3600
    position = Position("linphone", mark=QUIT - 60, taken=QUIT, open=("7",), since=since)
    assert not position.catches_up("7", since - 400 * 86_400, since - 400 * 86_400)
    assert position.catches_up("7", since - 60, since - 60)
    assert position.catches_up("7", QUIT - 600, QUIT + 300)


def test_a_position_kept_before_it_said_when_the_log_was_first_watched_still_loads() -> None:
    position = load_position('{"v":1,"kind":"microsip","mark":5,"taken":9,"open":[],"ids":[]}',
                             "microsip")  # fmt: skip
    assert position == Position("microsip", 5.0, 9.0, since=0.0)


def test_a_stale_ringing_line_never_grows_the_position() -> None:
    calls = {k: render_call(f"+1415555{k:04d}", "", CallType.INCOMING, int(QUIT) - 60 - k)
             for k in range(OPEN_LIMIT + 30)}  # fmt: skip
    calls[999] = render_call("+14155559999", "", CallType.INCOMING, int(QUIT) - 13 * 3600)
    position = load_position(position_at_quit(calls), "microsip")
    assert position is not None
    assert len(position.open) == OPEN_LIMIT
    assert f"microsip:999:{int(QUIT) - 13 * 3600}" not in position.open


@pytest.mark.parametrize("cursor", ["{", "[]", '{"v":1,"kind":"linphone","mark":1,"taken":1}',
                                    '{"v":2,"kind":"microsip","mark":1,"taken":1}'])  # fmt: skip
def test_a_position_that_does_not_fit_is_refused(cursor: str) -> None:
    with pytest.raises(ValueError):
        load_position(cursor, "microsip")


def test_no_position_is_a_first_watch() -> None:
    assert load_position(None, "microsip") is None
    assert load_position("", "microsip") is None
    assert Position("microsip", 1.0, 2.0).dump().startswith('{"v":1')
