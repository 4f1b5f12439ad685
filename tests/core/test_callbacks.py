"""Callbacks: the windows the rep types, the four sections, and the other end's clock, all at
a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop.core.business_hours import BusinessHours, their_clock
from desktop.core.callbacks import (
    OpenPromise,
    Section,
    Unreached,
    Window,
    ago_text,
    callback_items,
    due_count,
    parse_window,
    promise_line,
    window_text,
)
from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)  # a Tuesday morning for the rep


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("9-12", at(10, 9), at(10, 12)),  # still open at 10:30: today
        ("8-9", at(11, 8), at(11, 9)),  # over for today: tomorrow
        ("tomorrow 9–12", at(11, 9), at(11, 12)),
        ("9–12 tomorrow", at(11, 9), at(11, 12)),
        ("Fri 2-4pm", at(13, 14), at(13, 16)),
        ("friday 10am to 11:30am", at(13, 10), at(13, 11, 30)),
        ("today 14:00 - 16:30", at(10, 14), at(10, 16, 30)),
        ("by 17:00", NOW, at(10, 17)),
        ("Tue 9-12", at(10, 9), at(10, 12)),  # today's weekday is today
        ("Fr 14-16", at(13, 14), at(13, 16)),  # a calendar's two letters (refused, as a rep)
        ("th. 9-12", at(12, 9), at(12, 12)),
    ],
)  # fmt: skip
def test_a_window_is_read_from_the_reps_words(said: str, start: datetime, end: datetime) -> None:
    assert parse_window(said, NOW) == Window(start, end)


@pytest.mark.parametrize(
    ("said", "end"),
    [("5pm", at(10, 17)), ("tomorrow 5pm", at(11, 17)), ("at 16:30", at(10, 16, 30)),
     ("by 17:00", at(10, 17)), ("9-12", at(10, 12))],
)  # fmt: skip
def test_call_them_back_by_reads_a_bare_time_as_the_deadline(said: str, end: datetime) -> None:
    window = parse_window(said, NOW, deadline=True)
    assert window is not None and window.end == end


@pytest.mark.parametrize(
    ("said", "end"),
    [("Fri", at(13, 18)), ("tomorrow", at(11, 18)), ("by tomorrow", at(11, 18)),
     ("by Thursday", at(12, 18)), ("today", at(10, 18))],
)  # fmt: skip
def test_call_them_back_by_a_day_alone_is_by_the_end_of_that_working_day(
    said: str, end: datetime
) -> None:
    """Used as a rep: "Wed" in "Call them back by" was refused, Save stayed grey."""
    window = parse_window(said, NOW, deadline=True)
    assert window is not None and window.end == end
    late = at(10, 19, 30)  # "today" said after the working day: by the day's end still
    assert parse_window("today", late, deadline=True) == Window(late, at(10, 23, 59))
    with pytest.raises(ValueError, match="say when"):  # a window to be in needs its hours
        parse_window(said, NOW)


@pytest.mark.parametrize(
    ("said", "deadline", "start", "end"),
    [("Thursday at 2", True, at(12, 0), at(12, 14)), ("by 5", False, NOW, at(10, 17)),
     ("Thu 2-4", False, at(12, 14), at(12, 16)), ("1-5", False, at(10, 13), at(10, 17)),
     ("9-5", False, at(10, 9), at(10, 17)), ("11-1", False, at(10, 11), at(10, 13)),
     ("by 02:00", True, at(11, 0), at(11, 2)), ("Thu 2am", True, at(12, 0), at(12, 2))],
)  # fmt: skip
def test_a_bare_one_to_six_oclock_is_the_afternoons(
    said: str, deadline: bool, start: datetime, end: datetime
) -> None:
    """Used as a rep: "call me back Thursday at 2" was due at 02:00 Thursday, "Thu 2-4" a
    window in the night."""
    assert parse_window(said, NOW, deadline=deadline) == Window(start, end)


def test_a_bare_time_is_no_window_to_be_in() -> None:
    with pytest.raises(ValueError, match="say when"):
        parse_window("5pm", NOW)


@pytest.mark.parametrize("said", ["soon", "12-9", "25-26", "9-13pm"])
def test_words_that_are_not_a_window_say_so(said: str) -> None:
    with pytest.raises(ValueError):
        parse_window(said, NOW)


def test_an_empty_field_is_no_window() -> None:
    assert parse_window("  ", NOW) is None


def test_window_text_names_the_day() -> None:
    assert window_text(Window(at(10, 9), at(10, 12)), NOW) == "9–12 today"
    assert window_text(Window(at(11, 9, 30), at(11, 12)), NOW) == "9:30–12 tomorrow"
    assert window_text(Window(at(13, 14), at(13, 16)), NOW) == "14–16 Fri 13 Mar"


def promised(start: datetime, end: datetime, at_: datetime | None = None) -> Attempt:
    return Attempt(Direction.OUT, at_ or at(9, 15), Outcome.VOICEMAIL,
                   number_e164="+14155550142", callback_from=start, callback_until=end)  # fmt: skip


def test_the_card_says_the_promise_only_inside_the_window() -> None:
    attempts = [promised(at(10, 9), at(10, 12))]
    assert promise_line(attempts, NOW) == "You said you'd be in 9–12 today"
    assert promise_line(attempts, at(10, 12, 1)) == ""
    assert promise_line(attempts, at(10, 8, 59)) == ""
    assert promise_line([Attempt(Direction.OUT, at(9, 15))], NOW) == ""


def contact(name: str, cid: int) -> Contact:
    return Contact(id=cid, name=name, numbers=(StoredNumber("+14155550142", "+14155550142"),))


def test_sections_say_who_waits_for_whom_and_what_is_due() -> None:
    dana, raj, mike, anna = (contact(n, i) for i, n in enumerate(
        ("Dana", "Raj", "Mike", "Anna"), start=1))  # fmt: skip
    missed = [(Attempt(Direction.IN, NOW - timedelta(minutes=40), Outcome.MISSED), dana)]
    voicemails = [(Attempt(Direction.OUT, NOW - timedelta(days=3), Outcome.VOICEMAIL), raj)]
    windows = [(promised(at(11, 9), at(11, 12)), mike), (promised(at(9, 9), at(9, 12)), anna)]
    items = callback_items(missed, voicemails, windows, NOW)
    assert [(i.section, i.contact.name, i.detail, i.due) for i in items] == [
        (Section.WAITING_FOR_US, "Dana", "Missed call 40 min ago", True),
        (Section.WAITING_FOR_THEM, "Raj", "Voicemail left 3 days ago", False),
        (Section.PROMISED, "Mike", "You said you'd be in 9–12 tomorrow", False),
        (Section.FOLLOW_UPS, "Anna", "No call in 9–12 yesterday: call them", True),
    ]
    assert due_count(items) == 2
    assert items[0].number == "+14155550142"  # the contact's number when the call had none


def test_an_open_window_says_so() -> None:
    items = callback_items([], [], [(promised(at(10, 9), at(10, 12)), contact("M", 1))], NOW)
    assert items[0].detail == "You said you'd be in 9–12 today — open now"


def asked_back_by(end: datetime, at_: datetime) -> Attempt:
    return Attempt(Direction.IN, at_, Outcome.TALKED, number_e164="+14155550142",
                   callback_from=at_, callback_until=end)  # fmt: skip


def test_call_them_back_by_is_listed_soonest_due_first() -> None:
    """Used as a rep: the calls came Maya (by 11:30 today), Priya (by 12:00 tomorrow), Julia
    (by 17:00 Wed), and Waiting for us listed them Julia, Priya, Maya: newest call first,
    the one due within the hour at the bottom."""
    maya, priya, julia = (contact(n, i) for i, n in enumerate(("Maya", "Priya", "Julia"), 1))
    windows = [  # as the store hands them: the newest call first
        (asked_back_by(at(12, 17), NOW - timedelta(minutes=1)), julia),
        (asked_back_by(at(11, 12), NOW - timedelta(minutes=5)), priya),
        (asked_back_by(at(10, 11, 30), NOW - timedelta(minutes=9)), maya),
    ]
    missed = [(Attempt(Direction.IN, NOW - timedelta(minutes=2), Outcome.MISSED),
               contact("Dana", 4))]  # fmt: skip
    items = callback_items(missed, [], windows, NOW)
    assert [(i.contact.name, i.detail) for i in items] == [
        ("Dana", "Missed call 2 min ago"),
        ("Maya", "Call them back by 11:30 today"),
        ("Priya", "Call them back by 12:00 tomorrow"),
        ("Julia", "Call them back by 17:00 Thu 12 Mar"),
    ]
    # Past its time, a promise heads the section, above the missed calls
    late = callback_items(missed, [], windows, at(10, 11, 45))
    assert [(i.contact.name, i.detail) for i in late][:2] == [
        ("Maya", "Call them back by 11:30 today — overdue"), ("Dana", "Missed call 1 h ago")]


def test_ago_text() -> None:
    assert ago_text(NOW - timedelta(seconds=5), NOW) == "just now"
    assert ago_text(NOW - timedelta(hours=5), NOW) == "5 h ago"
    assert ago_text(NOW - timedelta(days=9), NOW) == "9 days ago"


HOURS = BusinessHours()


@pytest.mark.parametrize(
    ("clock", "problem"),
    [
        (datetime(2026, 3, 10, 7, 45), "before 8:00"),
        (datetime(2026, 3, 10, 8, 0), ""),
        (datetime(2026, 3, 10, 17, 59), ""),
        (datetime(2026, 3, 10, 18, 0), "after 18:00"),
        (datetime(2026, 3, 14, 11, 0), "weekend"),  # a Saturday
    ],
)  # fmt: skip
def test_business_hours_default_to_8_to_18_on_weekdays(clock: datetime, problem: str) -> None:
    assert HOURS.problem(clock) == problem


@pytest.mark.parametrize(("hours", "clock", "problem"), [
    (HOURS, datetime(2026, 3, 10, 7, 45), "before 8 AM"),
    (HOURS, datetime(2026, 3, 10, 18, 0), "after 6 PM"),
    (BusinessHours(0, 12), datetime(2026, 3, 10, 12, 30), "after 12 PM"),
    (BusinessHours(9, 24), datetime(2026, 3, 10, 8, 0), "before 9 AM"),
])  # fmt: skip
def test_a_12_hour_desktop_reads_business_hours_on_its_clock(
    hours: BusinessHours, clock: datetime, problem: str
) -> None:
    assert hours.problem(clock, "12h") == problem


def test_business_hours_are_configurable() -> None:
    assert BusinessHours(7, 20, weekends=True).problem(datetime(2026, 3, 14, 7, 30)) == ""


def test_their_clock_warns_when_it_is_early_there() -> None:
    # 15:45 in London is 7:45 AM in San Francisco (PST until 8 March, PDT after: 8:45)
    now = datetime(2026, 3, 2, 15, 45, tzinfo=LONDON)
    clock = their_clock("+14155550142", now, HOURS, "12h")
    assert clock.text == "7:45 AM"
    assert clock.warning == "outside business hours there (before 8 AM)"  # the same clock
    assert clock.problem == "before 8 AM"
    assert not clock.several_zones
    later = their_clock("+14155550142", now + timedelta(hours=2), HOURS, "12h")
    assert later.text == "9:45 AM" and later.warning == ""


def test_their_clock_says_several_time_zones_when_they_disagree() -> None:
    # +1 800 is toll-free across the US: every zone from Hawaii to the East Coast
    now = datetime(2026, 3, 10, 13, 0, tzinfo=LONDON)
    clock = their_clock("+18005550100", now, HOURS, "24h")
    assert clock.several_zones
    assert clock.text.startswith("several time zones: ")
    assert clock.warning == "outside business hours in some of them (before 8:00)"
    assert clock.problem == "before 8:00 in some"


def test_no_clock_for_a_number_without_a_zone() -> None:
    clock = their_clock("+999", NOW, HOURS, "24h")
    assert (clock.text, clock.warning) == ("", "")


def test_window_text_on_a_12_hour_clock() -> None:
    assert window_text(Window(at(10, 9), at(10, 12)), NOW, "12h") == "9 AM–12 PM today"
    assert window_text(Window(at(11, 9, 30), at(11, 11)), NOW, "12h") == "9:30–11 AM tomorrow"
    assert window_text(Window(at(13, 14), at(13, 16)), NOW, "12h") == "2–4 PM Fri 13 Mar"
    assert window_text(Window(at(13, 12), at(13, 13)), NOW, "12h") == "12–1 PM Fri 13 Mar"


def test_the_card_of_a_caller_we_were_to_call_back_says_so() -> None:
    asked = Attempt(Direction.IN, at(10, 9), Outcome.TALKED, number_e164="+14155550111",
                    callback_from=at(10, 9), callback_until=at(10, 17))  # fmt: skip
    assert promise_line([asked], NOW) == "You said you'd call them back by 17:00 today"


def test_the_card_says_only_the_newest_window_while_it_is_open() -> None:
    ours = Attempt(Direction.OUT, at(10, 8), Outcome.VOICEMAIL,
                   callback_from=at(10, 9), callback_until=at(10, 12))  # fmt: skip
    assert promise_line([ours], NOW) == "You said you'd be in 9–12 today"
    # They rang in it since (and talked): the window did its job.
    rang = Attempt(Direction.IN, at(10, 9, 30), Outcome.TALKED)
    assert promise_line([rang, ours], NOW) == ""
    # A later window replaced it: the one that holds now is not the rep's word any more.
    later = Attempt(Direction.OUT, at(10, 8, 30), Outcome.VOICEMAIL,
                    callback_from=at(11, 9), callback_until=at(11, 12))  # fmt: skip
    assert promise_line([later, ours], NOW) == ""


def test_the_card_says_a_call_them_back_by_from_when_it_was_made_until_it_is_due() -> None:
    """h-rep5: 'by 17:00 tomorrow' is kept from tomorrow 00:00; Dana rang again tonight and
    the card said nothing, while that call's wrap-up listed the promise as still open."""
    made = at(10, 9)
    by_tomorrow = Attempt(Direction.IN, made, Outcome.TALKED, number_e164="+14155550142",
                          callback_from=at(11, 0), callback_until=at(11, 17))  # fmt: skip
    assert promise_line([by_tomorrow], NOW) == "You said you'd call them back by 17:00 tomorrow"
    assert promise_line([by_tomorrow], at(11, 16)) == "You said you'd call them back by 17:00 today"
    kept = Attempt(Direction.OUT, at(10, 11), Outcome.TALKED, number_e164="+14155550142")
    assert promise_line([kept, by_tomorrow], NOW) == ""


def test_the_wrap_ups_open_promise_keeps_the_notes_lines_apart() -> None:
    """h-rep5: 'Call them back by 17:00 tomorrow · Sent the quote Budget 40k Decision: Sam
    (CFO)' read as one sentence, where the card and Recent calls keep the lines apart."""
    made = Attempt(Direction.IN, at(10, 9), Outcome.TALKED, number_e164="+14155550142",
                   message="Sent the quote\nBudget 40k\n\nDecision: Sam (CFO)",
                   callback_from=at(11, 0), callback_until=at(11, 17))  # fmt: skip
    assert OpenPromise(made).text(NOW) == (
        "Call them back by 17:00 tomorrow · Sent the quote · Budget 40k · Decision: Sam (CFO)"
    )


def test_a_call_back_whose_outcome_nobody_logged_does_not_keep_the_promise() -> None:
    """h-rep6: MicroSIP logged the call back and its wrap-up was skipped; the card (and
    Callbacks) dropped 'call them back by' though nobody knew whether it reached them."""
    asked = Attempt(Direction.IN, at(10, 9), Outcome.TALKED, number_e164="+14155550111",
                    callback_from=at(10, 9), callback_until=at(10, 17))  # fmt: skip
    unknown = Attempt(Direction.OUT, at(10, 10), Outcome.UNKNOWN, number_e164="+14155550111")
    assert promise_line([unknown, asked], NOW) == "You said you'd call them back by 17:00 today"
    talked = replace(unknown, outcome=Outcome.TALKED)  # its wrap-up said Talked
    assert promise_line([talked, asked], NOW) == ""


def test_a_call_back_of_unknown_outcome_is_said_beside_the_promise() -> None:
    assert Unreached(at(10, 10, 2), Outcome.UNKNOWN).text(NOW) == (
        "Called 10:02, outcome not logged")
    assert Unreached(at(9, 14, 2), Outcome.UNKNOWN, 2).text(NOW, "12h") == (
        "Called yesterday 2:02 PM, outcome not logged (2 tries)")
