"""Linphone's linphone.db rows: what each means, and which calls pop, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.dialects.linphone import (
    CallStatus,
    CallTracker,
    LinphoneCall,
    LogProblem,
    call_event,
    change_event,
    format_utc,
    parse_call_row,
    parse_utc,
)
from desktop.core.events import CallState
from desktop.core.models import Direction

NOW = 1_800_000_000.0
ME = ("sip:alex@sip.example.com", "Alex Seller")
JANE = ("sip:+14155550123@sip.example.com;user=phone", "Jane Doe")


def stamp(seconds_ago: float) -> str:
    return format_utc(datetime.fromtimestamp(NOW - seconds_ago, tz=UTC))


def row(
    row_id: int = 7,
    *,
    direction: object = 1,
    status: object = 1,
    start: object = None,
    connected: object = "1970-01-01 00:00:00",
    duration: object = 0,
    call_id: object = "a84b4c76e66710@10.0.0.5",
    remote: tuple[object, object] = JANE,
) -> tuple[object, ...]:
    """A row as the adapter selects it (CALL_COLUMNS), for a call started 5 s ago."""
    me_value, me_name = ME
    other_value, other_name = remote
    incoming = direction == 1
    return (
        row_id,
        direction,
        status,
        stamp(5) if start is None else start,
        connected,
        duration,
        call_id,
        other_value if incoming else me_value,
        other_name if incoming else me_name,
        me_value if incoming else other_value,
        me_name if incoming else other_name,
    )


def call(*, ended: bool = False, **fields: object) -> LinphoneCall:
    parsed = parse_call_row(row(**fields), ended_event=ended)  # type: ignore[arg-type]
    assert isinstance(parsed, LinphoneCall), parsed
    return parsed


def tracked(*reads: list[LinphoneCall | LogProblem], now: float = NOW) -> list[tuple[int, str]]:
    """Feed reads to a tracker that has taken an empty snapshot; the changes reported."""
    tracker = CallTracker()
    tracker.update([], now)
    seen = []
    for rows in reads:
        seen += [(c.call.id, c.state.value) for c in tracker.update(rows, now).changes]
    return seen


# --- what a row means -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "ended", "expected"),
    [
        ({}, False, (Direction.IN, CallState.RINGING)),
        (
            {"status": 0, "connected": stamp(2)},
            False,
            (Direction.IN, CallState.ANSWERED),
        ),
        (
            {"status": 0, "connected": stamp(2), "duration": 60},
            True,
            (Direction.IN, CallState.ENDED),
        ),
        ({"status": 2}, True, (Direction.IN, CallState.MISSED)),
        ({"status": 3}, True, (Direction.IN, CallState.MISSED)),  # declined here: call back
        ({"status": 1}, True, (Direction.IN, CallState.MISSED)),  # the caller gave up
        ({"status": 5}, True, (Direction.IN, CallState.ENDED)),  # answered on another device
        ({"status": 6}, True, (Direction.IN, CallState.ENDED)),
        # Statuses written only at the end mean ended even before the "ended" event is seen.
        ({"status": 2}, False, (Direction.IN, CallState.MISSED)),
        ({"direction": 0}, False, (Direction.OUT, CallState.RINGING)),
        ({"direction": 0, "status": 1}, True, (Direction.OUT, CallState.ENDED)),
        (
            {"direction": 0, "status": 0, "connected": stamp(1)},
            True,
            (Direction.OUT, CallState.ENDED),
        ),
    ],
)
def test_what_each_stored_state_means(
    fields: dict[str, object], ended: bool, expected: tuple[Direction, CallState]
) -> None:
    parsed = call(ended=ended, **fields)
    assert (parsed.direction, parsed.state) == expected


def test_the_remote_party_is_from_for_incoming_and_to_for_outgoing() -> None:
    incoming = call()
    outgoing = call(direction=0, remote=("sip:5550147@sip.example.com", None))
    assert (incoming.remote, incoming.remote_name) == JANE
    assert (outgoing.remote, outgoing.remote_name) == ("sip:5550147@sip.example.com", "")


def test_times_are_utc_text_as_soci_writes_them() -> None:
    assert parse_utc("2026-03-10 14:02:11") == datetime(2026, 3, 10, 14, 2, 11, tzinfo=UTC)
    assert parse_utc("2026-03-10T14:02:11.250") == datetime(2026, 3, 10, 14, 2, 11, tzinfo=UTC)
    assert format_utc(datetime(2026, 3, 10, 14, 2, 11, tzinfo=UTC)) == "2026-03-10 14:02:11"
    for bad in ("2026-02-30 10:00:00", "yesterday", "", 1773151331, None, "2026-03-10"):
        assert parse_utc(bad) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"row_id": "7"}, "id '7' is not a number"),
        ({"direction": 2}, "direction 2 is not 0 (outgoing) or 1 (incoming)"),
        ({"direction": True}, "direction True is not 0"),
        ({"status": 9}, "status 9 is not a call status"),
        ({"status": "1"}, "status '1' is not a call status"),
        ({"start": "10/03/2026"}, "start_time '10/03/2026' is not a date"),
        ({"connected": "soon"}, "connected_time 'soon' is not a date"),
        ({"duration": -4}, "duration -4 is not a number of seconds"),
        ({"remote": (None, None)}, "the from address is missing from sip_address"),
    ],
)
def test_an_unreadable_row_says_which_field(fields: dict[str, object], expected: str) -> None:
    parsed = parse_call_row(row(**fields), ended_event=False)  # type: ignore[arg-type]
    assert isinstance(parsed, LogProblem)
    assert expected in parsed.message
    if "row_id" not in fields:
        assert parsed.describe("/x/linphone.db").startswith("/x/linphone.db conference_call id 7: ")


def test_a_call_event_carries_the_uri_the_name_and_a_utc_time() -> None:
    event = call_event(call(), file="/home/a/.local/share/linphone/linphone.db", read_ns=9)
    assert event.source == "linphone"
    assert (event.number, event.name) == JANE
    assert event.time == datetime.fromtimestamp(NOW - 5, tz=UTC)
    assert event.time.utcoffset() is not None
    assert event.where == "/home/a/.local/share/linphone/linphone.db conference_call id 7"
    assert event.call_key.startswith("linphone:7:")
    assert event.read_ns == 9


# --- following calls ------------------------------------------------------------------------


def test_the_snapshot_reports_nothing_even_with_a_call_ringing() -> None:
    tracker = CallTracker()
    assert tracker.update([call()], NOW).changes == ()
    assert tracker.open_ids() == [7]
    # ... but what happens to that call afterwards is followed.
    ended = tracker.update([call(status=2, ended=True)], NOW).changes
    assert [(c.call.id, c.state) for c in ended] == [(7, CallState.MISSED)]
    assert tracker.open_ids() == []


def test_a_missed_call_reports_ringing_then_missed_once() -> None:
    assert tracked([call()], [call()], [call(status=2)], [call(status=2, ended=True)]) == [
        (7, "ringing"),
        (7, "missed"),
    ]


def test_an_answered_call_reports_ringing_answered_ended() -> None:
    answered = {"status": 0, "connected": stamp(3)}
    assert tracked([call()], [call(**answered)], [call(ended=True, duration=2, **answered)]) == [
        (7, "ringing"),
        (7, "answered"),
        (7, "ended"),
    ]


def test_a_call_first_seen_ended_reports_its_end() -> None:
    # A late-offer INVITE (no SDP) gets its row only when the call is over.
    assert tracked([call(status=2, ended=True)]) == [(7, "missed")]


def test_states_never_go_backwards() -> None:
    assert tracked([call(status=0, connected=stamp(1))], [call()]) == [(7, "answered")]


def test_a_row_id_reused_for_a_new_call_is_a_new_call() -> None:
    first = call(status=2, ended=True, call_id="one")
    second = call(call_id="two", start=stamp(1))
    assert tracked([first], [second]) == [(7, "missed"), (7, "ringing")]


def test_calls_first_seen_long_after_they_happened_are_history() -> None:
    """Over long ago and first seen now (a database restored or copied in; Linphone 5.2's
    first start imports the whole legacy history): recorded as history, never a card. A ring
    first seen long after it started is no call to pop: nothing."""
    old = [call(row_id=i, status=2, ended=True, start=stamp(86_400 + i)) for i in range(1, 50)]
    tracker = CallTracker()
    tracker.update([], NOW - 2 * 86_400)  # first watched before those calls
    changes = tracker.update(old, NOW).changes
    assert [(c.call.id, c.state, c.caught_up) for c in changes] == [
        (i, CallState.MISSED, True) for i in range(1, 50)
    ]
    assert all(isinstance(e, HistoryEvent) and e.catch_up
               for e in (change_event(c, file="linphone.db") for c in changes))  # fmt: skip
    assert tracked([call(start=stamp(901))]) == []
    assert tracked([call(start=stamp(899))]) == [(7, "ringing")]


def test_a_legacy_history_copied_in_after_the_first_watch_is_not_recorded() -> None:
    """Linphone 5.2's first start copies the whole legacy call-history.db into linphone.db:
    years of calls, every one over before the database was first watched. They are its past,
    as a first watch's snapshot takes it: none is recorded, no missed call becomes due. A call
    over after the first watch (a database restored from after it) is recorded as history."""
    legacy = [call(row_id=i, status=2, ended=True, start=stamp(86_400 * i)) for i in range(1, 40)]
    later = call(row_id=50, status=2, ended=True, start=stamp(3000))
    tracker = CallTracker()
    tracker.file_missing(since=NOW - 3600)  # watched from then on; Linphone 5.2 not yet run
    changes = tracker.update([*legacy, later], NOW).changes
    assert [(c.call.id, c.state, c.caught_up) for c in changes] == [
        (50, CallState.MISSED, True)
    ]


def test_a_copy_over_the_watched_database_brings_in_no_past() -> None:
    """The first read is the first watch: rows of a copy read later that ended before it
    (ten minutes before: recent, yet the log's past) are not recorded; one that ended after
    it is news."""
    tracker = CallTracker()
    tracker.update([], NOW)
    before = call(row_id=3, status=2, ended=True, start=stamp(600))
    after = call(row_id=4, status=2, ended=True, start=stamp(-5))
    changes = tracker.update([before, after], NOW + 20).changes
    assert [(c.call.id, c.state, c.caught_up) for c in changes] == [
        (4, CallState.MISSED, False)
    ]


def test_the_first_watch_of_a_database_that_had_no_file_is_kept() -> None:
    """A database watched before it existed: its first watch is when the watch began, what
    the stored position keeps, not the first read once the file is there."""
    tracker = CallTracker()
    tracker.file_missing(since=NOW - 3600)
    tracker.file_missing(since=NOW - 60)  # later reads still find no file
    tracker.update([], NOW)
    assert tracker.since == NOW - 3600


def test_without_a_file_at_start_everything_recent_is_news() -> None:
    tracker = CallTracker()
    tracker.file_missing(since=NOW - 60)
    assert [c.state for c in tracker.update([call()], NOW).changes] == [CallState.RINGING]


def test_a_bad_row_is_reported_once_and_the_good_rows_still_pop() -> None:
    tracker = CallTracker()
    tracker.update([], NOW)
    bad = parse_call_row(row(8, status=42), ended_event=False)
    first = tracker.update([bad, call()], NOW)
    again = tracker.update([bad], NOW)
    assert [p.row for p in first.problems] == [8]
    assert [c.state for c in first.changes] == [CallState.RINGING]
    assert again.problems == ()


def test_a_flood_of_bad_rows_is_summarised() -> None:
    tracker = CallTracker()
    bad = [parse_call_row(row(i, status=42), ended_event=False) for i in range(30)]
    problems = tracker.update(bad, NOW).problems
    assert len(problems) == 5
    assert problems[-1].message == "26 more unreadable call rows"


def test_rows_deleted_from_the_history_stop_being_followed() -> None:
    tracker = CallTracker()
    tracker.update([call()], NOW)
    tracker.forget([7])
    assert tracker.open_ids() == []


def test_status_values_are_liblinphones() -> None:
    assert [s.value for s in CallStatus] == list(range(7))
