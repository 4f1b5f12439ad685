"""Snooze: the times "Later today", "Tomorrow morning" and "Next week" mean on the rep's
clock and business hours, a typed time, and a put-off entry waiting under Put off, not due."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import CallbackItem, Section, due_count
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.put_off import choices, key_of, parse_until, put_off

LONDON = ZoneInfo("Europe/London")
HOURS = BusinessHours(8, 18)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)  # 9 March 2026 is a Monday


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (at(10, 10, 30), ["Later today (12:30 today)", "Tomorrow morning (08:00 tomorrow)",
                          "Next week (08:00 Mon 16 Mar)"]),
        # 19:00 is after hours: the next business hour, tomorrow's, said once, by its name
        (at(10, 17), ["Tomorrow morning (08:00 tomorrow)", "Next week (08:00 Mon 16 Mar)"]),
        (at(10, 5), ["Later today (08:00 today)", "Tomorrow morning (08:00 tomorrow)",
                     "Next week (08:00 Mon 16 Mar)"]),
        # Friday afternoon: Saturday is no working day, and all three mean 08:00 Monday
        (at(13, 16, 30), ["Monday morning (08:00 Mon 16 Mar)"]),
        # Friday morning: "Later today" is still today, Monday is both tomorrow's working
        # morning and next week's
        (at(13, 10), ["Later today (12:00 today)", "Monday morning (08:00 Mon 16 Mar)"]),
    ],
)  # fmt: skip
def test_what_snooze_offers_and_when_it_means(now: datetime, said: list[str]) -> None:
    assert [c.label for c in choices(now, HOURS)] == said


def test_a_weekend_worker_is_offered_saturday() -> None:
    [morning, week] = choices(at(13, 16, 30), BusinessHours(8, 18, weekends=True))
    assert (morning.until, week.until) == (at(14, 8), at(16, 8))
    assert morning.label == "Tomorrow morning (08:00 tomorrow)"  # "Later" meant the same


def test_twelve_hour_clock() -> None:
    assert choices(at(10, 10, 30), HOURS, "12h")[0].label == "Later today (12:30 PM today)"


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("16:30", at(10, 16, 30)),
        ("9", at(11, 9)),  # 9:00 has passed today: tomorrow's
        ("tomorrow 9", at(11, 9)),
        ("tomorrow", at(11, 8)),  # a day alone: from its morning
        ("Fri", at(13, 8)),
        ("Fri 2pm", at(13, 14)),
        ("Wed at 2", at(11, 14)),  # was 02:00 Wednesday: a snooze that woke in the night
        ("3", at(10, 15)),
    ],
)
def test_a_typed_time(typed: str, until: datetime) -> None:
    assert parse_until(typed, at(10, 10, 30), HOURS) == until


@pytest.mark.parametrize("typed", ["", "soon", "25:00"])
def test_a_typed_time_that_is_none_says_so(typed: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_until(typed, at(10, 10, 30), HOURS)


def test_a_put_off_entry_waits_under_put_off_not_due_until_its_time() -> None:
    now = at(10, 10, 30)
    dana, raj = Contact(1, "Dana"), Contact(2, "Raj")
    missed = CallbackItem(Section.WAITING_FOR_US, Attempt(Direction.IN, at(10, 9, 50),
                          Outcome.MISSED, number_e164="+14155550100"), dana,
                          "Missed call 40 min ago", True)  # fmt: skip
    other = CallbackItem(Section.WAITING_FOR_US, Attempt(Direction.IN, at(10, 9),
                         Outcome.MISSED, number_e164="+14155550101"), raj,
                         "Missed call 90 min ago", True)  # fmt: skip
    until = {key_of(missed): at(10, 12, 30)}

    listed = put_off([missed, other], until, now)
    assert [(i.section, i.contact) for i in listed] == [
        (Section.WAITING_FOR_US, raj), (Section.PUT_OFF, dana)]
    moved = listed[1]
    assert moved.detail == "Until 12:30 today · Missed call 40 min ago"
    assert not moved.due and due_count(listed) == 1
    assert key_of(moved) == key_of(missed)  # Due now finds it again

    # Its time come, it is back where it was, due
    assert put_off([missed, other], until, at(10, 12, 30)) == [missed, other]
    # A newer missed call from Dana is news: due at once
    newer = CallbackItem(Section.WAITING_FOR_US, Attempt(Direction.IN, at(10, 10, 20),
                         Outcome.MISSED, number_e164="+14155550100"), dana,
                         "Missed call 10 min ago", True)  # fmt: skip
    assert put_off([newer], until, now) == [newer]
