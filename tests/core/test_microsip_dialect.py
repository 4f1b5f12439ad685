"""MicroSIP's microsip.ini: what a user's call log says, and which calls pop, read as text."""

from __future__ import annotations

import codecs
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.dialects.microsip import (
    CallEntry,
    CallLogTracker,
    CallType,
    LogProblem,
    call_event,
    changed_lines,
    decode_ini,
    parse_calls_line,
    parse_ini,
    split_number_name,
)
from desktop.core.events import CallState
from desktop.core.models import Direction
from tests.softphone_writers import encode_appended_call, encode_ini, render_call, render_ini

NOW = 1_800_000_000  # the "current time" of every tracker test
SETTINGS = {"accountId": "1", "callsLastKey": "3"}
HISTORY = {
    0: render_call("4155550147", "Bob Okafor", CallType.OUTGOING, NOW - 9000, 95, "Call Ended"),
    1: render_call("+14155550123", "Jane Doe", CallType.INCOMING, NOW - 8000, 321, "Call Ended"),
    2: "null",
    3: render_call("02079460555", "Łukasz Wiśniewski", CallType.MISSED, NOW - 7000, 0, "Canceled"),
}


def ini(calls: dict[int, str], last_key: int | None = None) -> str:
    settings = dict(SETTINGS)
    if last_key is not None:
        settings["callsLastKey"] = str(last_key)
    return render_ini(settings, calls, sections={"Account1": {"domain": "pbx.example.com"}})


def with_call(key: int, value: str, *, bump: bool = True) -> str:
    return ini({**HISTORY, key: value}, key if bump else None)


def started(tracker_text: str = "") -> CallLogTracker:
    tracker = CallLogTracker()
    tracker.update(tracker_text or ini(HISTORY), NOW)
    return tracker


def states(
    tracker: CallLogTracker, *texts: str, now: float = NOW
) -> list[tuple[str, Direction, CallState]]:
    seen = []
    for text in texts:
        for change in tracker.update(text, now).changes:
            seen.append((change.entry.call_key, change.entry.direction, change.state))
    return seen


# --- the shared sample ----------------------------------------------------------------------


def test_the_shared_sample_reads_as_microsip_wrote_it(samples: Path) -> None:
    data = (samples / "softphones" / "microsip.ini").read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)

    parsed = parse_ini(decode_ini(data))

    assert parsed.problems == ()
    assert parsed.calls_last_key == 7
    assert parsed.settings["accountId"] == "1"
    assert parsed.sections["Account1"]["domain"] == "pbx.example.com"
    assert parsed.deleted == frozenset({3})
    assert parsed.calls == {
        0: CallEntry(
            0, "4155550147", "Bob Okafor", CallType.OUTGOING, 1773151200, 95, "Call Ended"
        ),
        1: CallEntry(
            1, "+14155550123", "Jane Doe", CallType.INCOMING, 1773151331, 321, "Call Ended"
        ),
        2: CallEntry(
            2,
            "+442079460321@trunk.example.net;user=phone",
            "Zoë Ångström",
            CallType.MISSED,
            1773151802,
            0,
            "Missed Call",
        ),
        4: CallEntry(
            4, "02079460555", "Łukasz Wiśniewski", CallType.MISSED, 1773156045, 0, "Canceled"
        ),
        5: CallEntry(5, "anonymous", "anonymous", CallType.MISSED, 1773219807, 0, "Declined"),
        6: CallEntry(
            6, "00442079460999", "Smith; Sons Ltd", CallType.INCOMING, 1773220000, 42, "Call Ended"
        ),
        7: CallEntry(7, "+33199001234", "Élodie Martin", CallType.INCOMING, 1773222065, 0, ""),
    }
    by_key = {key: (entry.direction, entry.state) for key, entry in parsed.calls.items()}
    assert by_key == {
        0: (Direction.OUT, CallState.ENDED),
        1: (Direction.IN, CallState.ENDED),
        2: (Direction.IN, CallState.MISSED),
        4: (Direction.IN, CallState.MISSED),
        5: (Direction.IN, CallState.MISSED),
        6: (Direction.IN, CallState.ENDED),
        7: (Direction.IN, CallState.RINGING),  # still ringing when the sample was taken
    }


def test_a_call_event_carries_where_and_when(samples: Path) -> None:
    data = (samples / "softphones" / "microsip.ini").read_bytes()
    entry = parse_ini(decode_ini(data)).calls[7]
    tracker = CallLogTracker(news_window_s=None)
    tracker.file_missing(since=0.0)
    (change,) = [c for c in tracker.update(decode_ini(data), NOW).changes if c.entry.key == 7]

    event = call_event(change, file="C:/Users/a/microsip.ini", read_ns=123)

    assert event.source == "microsip"
    assert (event.direction, event.state) == (Direction.IN, CallState.RINGING)
    assert (event.number, event.name) == ("+33199001234", "Élodie Martin")
    assert event.time == datetime(2026, 3, 11, 9, 41, 5, tzinfo=UTC) == entry.started_at
    assert event.call_key == "microsip:7:1773222065"
    assert event.where == "C:/Users/a/microsip.ini [Calls] key 7"
    assert event.read_ns == 123


# --- encodings and half-written files --------------------------------------------------------

TEXT = "[Settings]\r\ncallsLastKey=1\r\n[Calls]\r\n1=+33199001234;Élodie Martin;1;1773222065;0;\r\n"


@pytest.mark.parametrize(
    ("label", "data"),
    [
        (
            "UTF-16LE with BOM (what MicroSIP writes)",
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        ),
        ("UTF-16LE without BOM", TEXT.encode("utf-16-le")),
        ("UTF-16BE with BOM", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
        ("UTF-8 with BOM", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
        ("UTF-8 without BOM", TEXT.encode("utf-8")),
        ("ANSI cp1252 (converted by MicroSIP on first run)", TEXT.encode("cp1252")),
    ],
)
def test_every_encoding_microsip_may_leave_reads_the_same(label: str, data: bytes) -> None:
    entry = parse_ini(decode_ini(data)).calls[1]
    assert (entry.number, entry.name, entry.state) == (
        "+33199001234",
        "Élodie Martin",
        CallState.RINGING,
    ), label


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 50, 121, 158])
def test_a_file_caught_mid_write_never_crashes_and_hides_its_last_line(cut: int) -> None:
    data = encode_ini(TEXT)
    partial = data[: len(data) - cut]  # odd cuts end in half a UTF-16 code unit

    parsed = parse_ini(decode_ini(partial))

    assert parsed.calls == {}
    assert parsed.problems == ()


def test_a_utf8_file_cut_inside_a_character_is_still_utf8() -> None:
    data = (TEXT + "2=+3319900;Zoë").encode("utf-8")
    cut = data[: data.rindex("ë".encode()) + 1]  # the first byte of "ë" only
    assert decode_ini(cut).endswith("2=+3319900;Zo")
    assert parse_ini(decode_ini(cut)).calls[1].name == "Élodie Martin"


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None)
def test_no_bytes_at_all_make_reading_raise(data: bytes) -> None:
    parse_ini(decode_ini(data))
    CallLogTracker().update(decode_ini(data), NOW)


# --- one line ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "number", "name"),
    [
        ("+14155550123;Jane Doe", "+14155550123", "Jane Doe"),
        ("+442079460321@trunk.example.net;user=phone;Zoë Ångström", None, "Zoë Ångström"),
        ("00442079460999;Smith; Sons Ltd", "00442079460999", "Smith; Sons Ltd"),
        ("1001@pbx.example.com;transport=tcp;user=phone;A; B; C", None, "A; B; C"),
        ("+14155550123;npdi;rn=+14155559999@h;user=phone;Jo", None, "Jo"),
        ("user@h;user=phone?X-Id=7;Jo", "user@h;user=phone?X-Id=7", "Jo"),
        ("user@h;user=phone;", "user@h;user=phone", ""),  # an empty display name
        ("2001;", "2001", ""),
        ("2001;user=phone", "2001", "user=phone"),  # the last field is always the name
        ("anonymous;anonymous", "anonymous", "anonymous"),
        ('+14155550123;"The Builder"', "+14155550123", '"The Builder"'),
        ("+14155550123;Smith & Sons <Sales>", "+14155550123", "Smith & Sons <Sales>"),
    ],
)
def test_number_and_name_split_where_the_uri_ends(rest: str, number: str | None, name: str) -> None:
    expected_number = number if number is not None else rest[: len(rest) - len(name) - 1]
    assert split_number_name(rest) == (expected_number, name)


def test_an_info_with_a_semicolon_stays_the_info() -> None:
    entry = parse_calls_line("4=+14155550123;Jane;1;1773222065;12;Busy; try later\r")
    assert isinstance(entry, CallEntry)
    assert (entry.name, entry.duration, entry.info) == ("Jane", 12, "Busy; try later")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("9=+14155550123;Jane;x;1773222065;0;", "type 'x' is not a number"),
        ("9=+14155550123;Jane;1;17732a;0;", "time '17732a' is not a number"),
        ("9=+14155550123;Jane;7;1773222065;0;", "unknown call type 7"),
        ("9=+14155550123;Jane;١;1773222065;0;", "type '١' is not a number"),  # Arabic-Indic
        ("9=garbage", "expected number;name;type;time;duration;info, found 1 field"),
        ("x=+14155550123;Jane;1;1773222065;0;", "key 'x' is not a call number"),
        ("no equals sign here", "not a key=value line"),
        ("9=+1;J;1;" + "9" * 5000 + ";0;", "too long to be real"),  # never reaches int()
    ],
)
def test_an_unreadable_line_says_what_is_wrong(line: str, expected: str) -> None:
    problem = parse_calls_line(line)
    assert isinstance(problem, LogProblem)
    assert expected in problem.message


def test_problems_name_the_file_key_and_line() -> None:
    text = ini({**HISTORY, 9: "+14155550123;Jane;x;1773222065;0;"})
    (problem,) = parse_ini(text).problems
    line = text.split("\r\n").index("9=+14155550123;Jane;x;1773222065;0;") + 1
    assert problem.describe("microsip.ini") == (
        f"microsip.ini [Calls] key 9 (line {line}): type 'x' is not a number"
    )


@pytest.mark.parametrize(
    ("call_type", "duration", "info", "direction", "state"),
    [
        (CallType.INCOMING, 0, "", Direction.IN, CallState.RINGING),  # 3.20+: the ring line
        (CallType.MISSED, 0, "", Direction.IN, CallState.RINGING),  # up to 3.19: the ring line
        (CallType.INCOMING, 42, "", Direction.IN, CallState.ENDED),  # answered, info not yet
        (CallType.INCOMING, 42, "Call Ended", Direction.IN, CallState.ENDED),
        (CallType.INCOMING, 0, "Call Ended", Direction.IN, CallState.ENDED),  # under a second
        (CallType.MISSED, 0, "Missed Call", Direction.IN, CallState.MISSED),
        (CallType.MISSED, 0, "Declined", Direction.IN, CallState.MISSED),
        (CallType.ELSEWHERE, 0, "", Direction.IN, CallState.ENDED),
        (CallType.ELSEWHERE, 0, "Answered Elsewhere", Direction.IN, CallState.ENDED),
        (CallType.OUTGOING, 0, "", Direction.OUT, CallState.RINGING),  # dialling or talking
        (CallType.OUTGOING, 0, "Busy Here", Direction.OUT, CallState.ENDED),
        (CallType.OUTGOING, 95, "Call Ended", Direction.OUT, CallState.ENDED),
    ],
)
def test_what_each_written_state_means(
    call_type: CallType, duration: int, info: str, direction: Direction, state: CallState
) -> None:
    entry = CallEntry(1, "+14155550123", "Jane", call_type, NOW, duration, info)
    assert (entry.direction, entry.state) == (direction, state)


# --- following calls --------------------------------------------------------------------------


def elodie(call_type: CallType, duration: int = 0, info: str = "") -> str:
    """Élodie's call at key 4, started two seconds ago, as one of MicroSIP's writes."""
    return render_call("+33199001234", "Élodie Martin", call_type, NOW - 2, duration, info)


RING = elodie(CallType.INCOMING)
KEY = "microsip:4:" + str(NOW - 2)


def test_the_first_read_is_a_snapshot_even_with_a_call_ringing() -> None:
    tracker = CallLogTracker()
    assert tracker.update(with_call(4, RING), NOW).changes == ()
    assert tracker.update(with_call(4, RING), NOW).changes == ()


def test_a_missed_call_as_microsip_writes_it_reports_ringing_then_missed() -> None:
    tracker = started()
    ring = render_call(
        "+33199001234@trunk.example.net;user=phone", "Élodie", CallType.INCOMING, NOW - 2
    )
    writes = [
        with_call(4, ring, bump=False),  # CallSave: the ring line
        with_call(4, ring),  # SaveKey: callsLastKey=4
        # OnEndCall: Add() as missed, with the number respelled as the bare user part...
        with_call(4, elodie(CallType.MISSED)),
        with_call(4, elodie(CallType.MISSED, 0)),  # ...then SetDuration...
        with_call(4, elodie(CallType.MISSED, 0, "Missed Call")),  # ...then SetInfo
    ]
    assert states(tracker, *writes, *writes) == [
        (KEY, Direction.IN, CallState.RINGING),
        (KEY, Direction.IN, CallState.MISSED),
    ]


def test_an_answered_call_reports_ringing_then_ended() -> None:
    tracker = started()
    assert states(
        tracker,
        with_call(4, RING),
        with_call(4, elodie(CallType.INCOMING, 61)),
        with_call(4, elodie(CallType.INCOMING, 61, "Call Ended")),
    ) == [(KEY, Direction.IN, CallState.RINGING), (KEY, Direction.IN, CallState.ENDED)]


def test_a_call_answered_elsewhere_reports_ended() -> None:
    tracker = started()
    assert states(
        tracker,
        with_call(4, RING),
        with_call(4, elodie(CallType.ELSEWHERE)),
        with_call(4, elodie(CallType.ELSEWHERE, 0, "Answered Elsewhere")),
    ) == [(KEY, Direction.IN, CallState.RINGING), (KEY, Direction.IN, CallState.ENDED)]


def test_an_old_microsip_ring_written_as_type_2_still_pops_at_ring_time() -> None:
    tracker = started()
    assert states(
        tracker,
        with_call(4, elodie(CallType.MISSED)),  # EARLY
        with_call(4, RING),  # CONFIRMED: type 1
        with_call(4, elodie(CallType.INCOMING, 30)),
    ) == [(KEY, Direction.IN, CallState.RINGING), (KEY, Direction.IN, CallState.ENDED)]


def test_an_outgoing_call_reports_ringing_then_ended_with_direction_out() -> None:
    tracker = started()
    assert states(
        tracker,
        with_call(4, elodie(CallType.OUTGOING)),
        with_call(4, elodie(CallType.OUTGOING, 0, "Busy Here")),
    ) == [(KEY, Direction.OUT, CallState.RINGING), (KEY, Direction.OUT, CallState.ENDED)]


def test_a_ring_buffer_key_reused_is_a_new_call() -> None:
    tracker = started()
    first = render_call("+14155550123", "Jane", CallType.MISSED, NOW - 60, 0, "Missed Call")
    second = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    changes = states(tracker, with_call(4, first), with_call(4, second))
    assert changes == [
        (f"microsip:4:{NOW - 60}", Direction.IN, CallState.MISSED),
        (f"microsip:4:{NOW - 1}", Direction.IN, CallState.RINGING),
    ]


def test_a_ringing_key_reused_before_its_end_was_written_ends_that_call_first() -> None:
    """MicroSIP's ring buffer gave the key of a call it never wrote the end of (it crashed,
    or was closed, during the ring) to a new call: the old call is over, how is not known."""
    tracker = started()
    first = render_call("+14155550123", "Jane", CallType.INCOMING, NOW - 60)
    second = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    seen = []
    for text in (with_call(4, first), with_call(4, second)):
        seen += [(c.entry.call_key, c.state, c.gone) for c in tracker.update(text, NOW).changes]
    assert seen == [
        (f"microsip:4:{NOW - 60}", CallState.RINGING, False),
        (f"microsip:4:{NOW - 60}", CallState.ENDED, True),
        (f"microsip:4:{NOW - 1}", CallState.RINGING, False),
    ]
    change = tracker.update(with_call(4, "null"), NOW).changes
    assert [(c.entry.call_key, c.gone) for c in change] == [(f"microsip:4:{NOW - 1}", True)]
    # A call out has no card to take down.
    dialled = render_call("+14155550142", "", CallType.OUTGOING, NOW - 30)
    assert states(tracker, with_call(5, dialled), with_call(5, first)) == [
        (f"microsip:5:{NOW - 30}", Direction.OUT, CallState.RINGING),
        (f"microsip:5:{NOW - 60}", Direction.IN, CallState.RINGING),
    ]


def test_a_deleted_entry_ends_a_call_that_still_rang_and_its_key_can_be_reused() -> None:
    tracker = started(with_call(4, RING))
    assert states(tracker, with_call(4, "null")) == [(KEY, Direction.IN, CallState.ENDED)]
    assert states(tracker, with_call(4, "null")) == []
    later = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    assert states(tracker, with_call(4, later)) == [
        (f"microsip:4:{NOW - 1}", Direction.IN, CallState.RINGING)
    ]


def test_a_file_read_empty_or_short_mid_rewrite_does_not_make_old_calls_new() -> None:
    tracker = started(with_call(4, RING))
    full = with_call(4, RING)
    half = full[: full.index("\r\n1=") + 2]  # cut right after a line end
    new_ring = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    assert states(tracker, "", "[Settings]\r\n", half, full, half, full) == []
    assert states(tracker, ini({**HISTORY, 4: RING, 5: new_ring}, 5)) == [
        (f"microsip:5:{NOW - 1}", Direction.IN, CallState.RINGING)
    ]


def test_a_last_line_without_its_line_end_waits_until_complete() -> None:
    tracker = started()
    full = with_call(4, RING)
    assert states(tracker, full[:-2], full[:-1]) == []  # no CRLF yet, then only the CR
    assert states(tracker, full) == [(KEY, Direction.IN, CallState.RINGING)]


def test_a_line_cut_before_its_info_is_not_mistaken_for_a_ring() -> None:
    tracker = started()
    full = with_call(4, elodie(CallType.MISSED, 0, "Missed Call"))
    cut = full[: full.index("Missed Call")]  # "…;2;<time>;0;" is what a ring line looks like
    assert states(tracker, cut) == []
    assert states(tracker, full) == [(KEY, Direction.IN, CallState.MISSED)]


def test_calls_first_seen_long_after_they_happened_are_history() -> None:
    """Recorded as history (no card): the calls of an ini restored or copied in, over after
    the log was first watched, are calls the app never had. A ring from a day ago is a line a
    crash never closed: nothing."""
    tracker = CallLogTracker()
    # Watched since before those calls; the file appears later, e.g. restored or copied in.
    tracker.file_missing(since=NOW - 100_000)
    fresh_ring = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 3)
    stale_ring = render_call("+14155550177", "Crashed", CallType.INCOMING, NOW - 86_400)
    changes = tracker.update(ini({**HISTORY, 4: stale_ring, 5: fresh_ring}), NOW).changes
    assert [(c.entry.call_key, c.state, c.caught_up) for c in changes] == [
        (f"microsip:0:{NOW - 9000}", CallState.ENDED, True),
        (f"microsip:1:{NOW - 8000}", CallState.ENDED, True),
        (f"microsip:3:{NOW - 7000}", CallState.MISSED, True),
        (f"microsip:5:{NOW - 3}", CallState.RINGING, False),
    ]
    events = [call_event(c, file="microsip.ini", read_ns=0) for c in changes]
    assert [isinstance(e, HistoryEvent) and e.catch_up for e in events] == [True] * 3 + [False]


def test_calls_over_before_the_first_watch_are_not_recorded_when_copied_in() -> None:
    """An ini copied in while the app runs, holding calls over before the log was first
    watched: the log's past, as the first watch's snapshot took it, so nothing is recorded
    (no history, no Callbacks). A call of the copy over after the first watch is recorded."""
    tracker = CallLogTracker()
    tracker.file_missing(since=NOW - 7500)  # watched, without a file, from then on
    changes = tracker.update(ini(HISTORY), NOW).changes
    assert [(c.entry.call_key, c.state, c.caught_up) for c in changes] == [
        (f"microsip:3:{NOW - 7000}", CallState.MISSED, True),
    ]


def test_a_call_copied_in_that_ended_before_the_first_read_is_the_logs_past() -> None:
    """The first read's snapshot time is the first watch: a missed call over ten minutes
    before it, first seen in a later read (an ini copied over the one watched), is not
    recorded though it is recent; one that ended after it is news."""
    tracker = CallLogTracker()
    tracker.update(ini({0: "null"}), NOW)
    before = render_call("+14155550177", "Old", CallType.MISSED, NOW - 600, 0, "Canceled")
    after = render_call("+14155550188", "New", CallType.MISSED, NOW + 5, 0, "Canceled")
    assert states(tracker, ini({4: before, 5: after}), now=NOW + 20) == [
        ("microsip:5:" + str(NOW + 5), Direction.IN, CallState.MISSED)
    ]


def test_a_restart_keeps_the_first_watch_of_a_log_that_had_no_file() -> None:
    """A log watched before its file existed keeps that first watch across a restart: the
    calls of a copy made later that are older than it stay out."""
    first = CallLogTracker()
    first.file_missing(since=NOW - 7500)
    stored = first.position(NOW - 7400)
    assert stored is not None and stored.since == NOW - 7500
    tracker = CallLogTracker()
    tracker.resume(stored)
    tracker.file_missing(since=NOW - 100)
    changes = tracker.update(ini(HISTORY), NOW).changes
    assert [c.entry.key for c in changes] == [3]


def test_junk_is_reported_once_and_the_calls_survive_it() -> None:
    tracker = started(with_call(4, RING))
    junk = "\x00\x13PK\x03\x04 binary\n" * 20

    first = tracker.update(junk, NOW)
    again = tracker.update(junk, NOW)

    assert first.changes == ()
    assert [p.message for p in first.problems] == [
        "contains NUL characters: binary data, not MicroSIP's settings file "
        "(a file zero-filled by a crash looks like this)"
    ]
    assert again == type(again)()
    new_ring = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    assert states(tracker, ini({**HISTORY, 4: RING, 5: new_ring}, 5)) == [
        (f"microsip:5:{NOW - 1}", Direction.IN, CallState.RINGING)
    ]


def test_text_that_is_not_an_ini_is_reported() -> None:
    update = started().update("hello\nthis is a shopping list\n", NOW)
    assert update.changes == ()
    assert "does not start with a [section] line" in update.problems[0].message


def test_a_bad_line_is_reported_once_across_rewrites() -> None:
    tracker = started()
    bad = "+14155550123;Jane;x;1773222065;0;"
    text = with_call(9, bad)
    first = tracker.update(text, NOW).problems
    later = tracker.update(text.replace("callsLastKey=9", "callsLastKey=8"), NOW).problems
    assert [(p.key, p.message) for p in first] == [(9, "type 'x' is not a number")]
    assert later == ()


def test_a_flood_of_bad_lines_is_summarised() -> None:
    tracker = started()
    calls = {**HISTORY, **{key: f"junk {key}" for key in range(10, 40)}}
    problems = tracker.update(ini(calls), NOW).problems
    assert len(problems) == 5
    assert problems[-1].message == "26 more unreadable lines in [Calls]"


def test_two_calls_changed_far_apart_in_one_read_both_report_and_nothing_else() -> None:
    # A read that caught two writes at once: a ring near the top of [Calls], an end near the
    # bottom, and 80 unchanged calls in between that must not come back as news.
    calls = {
        key: render_call(f"+1415555{key:04d}", f"Caller {key}", CallType.INCOMING, NOW - 99, 30,
                         "Call Ended")
        for key in range(100)
    }  # fmt: skip
    calls[90] = render_call("+14155550090", "Caller 90", CallType.INCOMING, NOW - 5)
    tracker = CallLogTracker(news_window_s=None)
    tracker.update(ini(calls), NOW)
    calls[5] = render_call("+14155550199", "Sam", CallType.INCOMING, NOW - 1)
    calls[90] = render_call("+14155550090", "Caller 90", CallType.INCOMING, NOW - 5, 4)
    assert states(tracker, ini(calls)) == [
        (f"microsip:90:{NOW - 5}", Direction.IN, CallState.ENDED),
        (f"microsip:5:{NOW - 1}", Direction.IN, CallState.RINGING),
    ]


def test_thousands_of_rings_leave_the_tracker_no_bigger() -> None:
    # The app follows the file for days: what it keeps must not grow with the calls seen,
    # only with the file (MicroSIP keeps at most 1000 calls).
    calls = {
        key: render_call(f"+1415555{key:04d}", f"Caller {key}", CallType.INCOMING, NOW - 9999, 30,
                         "Call Ended")
        for key in range(100)
    }  # fmt: skip
    tracker = CallLogTracker(news_window_s=None)
    tracker.update(ini(calls), NOW)
    rings = 0

    def ring_and_end(ring: int) -> None:
        nonlocal rings
        key, when = ring % 100, NOW + ring
        calls[key] = render_call(f"+1628555{ring:04d}", "Bench", CallType.INCOMING, when)
        rings += len(tracker.update(ini(calls, key), NOW).changes)
        calls[key] = render_call(f"+1628555{ring:04d}", "Bench", CallType.INCOMING, when, 4,
                                 "Call Ended")  # fmt: skip
        tracker.update(ini(calls, key), NOW)

    for ring in range(200):
        ring_and_end(ring)
    tracemalloc.start()  # counts what is allocated from here on, at its peak
    try:
        for ring in range(200, 1200):
            ring_and_end(ring)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rings == 1200
    # A read's own text comes and goes (about 10 KB here); the old memory of every line seen
    # peaked at 350 KB.
    assert peak < 64 * 1024


# --- writing files like MicroSIP --------------------------------------------------------------


def test_rendered_files_read_back_and_appending_equals_a_rewrite() -> None:
    text = ini(HISTORY)
    appended = decode_ini(encode_ini(text) + encode_appended_call(4, RING))
    assert appended == text + f"4={RING}\r\n"
    parsed = parse_ini(appended)
    assert parsed.calls[4].number == "+33199001234"
    assert parsed.calls_last_key == 3
    assert parsed.deleted == frozenset({2})


# --- the diff ---------------------------------------------------------------------------------

lines_strategy = st.lists(
    st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=12),
    max_size=12,
)


@given(lines_strategy, lines_strategy)
@settings(max_examples=400, deadline=None)
@example(old=["0l"], new=["", "l"])  # a shared tail that starts mid-line in the old text
def test_changed_lines_covers_every_line_that_is_new(old: list[str], new: list[str]) -> None:
    old_text = "".join(line + "\n" for line in old)
    new_text = "".join(line + "\n" for line in new)
    assert set(new) - set(old) <= set(changed_lines(old_text, new_text))


def test_changed_lines_of_an_in_place_rewrite_is_that_line() -> None:
    old = "".join(f"{key}=+1415555{key:04d};N;2;{NOW};0;Missed Call\n" for key in range(1000))
    new = old.replace(f"500=+14155550500;N;2;{NOW};0;Missed Call", f"500={RING}")
    assert changed_lines(old, new) == [f"500={RING}", ""]
    assert changed_lines(old, old + f"1000={RING}\n") == [f"1000={RING}", ""]
    assert changed_lines(old, old) == []
    assert "c" in changed_lines("ab\nXc\n", "ab\nc\n")  # text removed inside a line
