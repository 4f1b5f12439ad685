"""Putting a callback off (Snooze): the entry waits under "Put off" until the time the rep
chose, not due (neither counted nor listed as due) until then, and back in its own section
after.

A put-off entry is known by its section, who it is (a contact, or a number nobody has) and
the call it comes from: a new missed call from them, or a newer promise, is news and is due
at once, whatever was put off before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import CallbackItem, Section, day_text, parse_window
from desktop.core.localtime import HourCycle, clock_text

LATER_TODAY = timedelta(hours=2)


@dataclass(frozen=True)
class PutOffKey:
    section: Section  # the section it was put off from
    contact_id: int | None  # None: a number nobody has, known by `number`
    number: str | None
    call_at: int  # the call it comes from (Unix seconds)


def key_of(item: CallbackItem) -> PutOffKey:
    section = item.put_off_from or item.section
    contact_id = item.contact.id if item.contact is not None else None
    # A colleague's extension nobody has is known by it ("3199"), as a number is.
    number = None if contact_id is not None else item.attempt.number_e164 or item.extension
    return PutOffKey(section, contact_id, number, int(item.attempt.at.timestamp()))


def put_off(
    items: Sequence[CallbackItem], until: Mapping[PutOffKey, datetime], now: datetime,
    cycle: HourCycle = "24h",
) -> list[CallbackItem]:  # fmt: skip
    """``items`` with those put off past ``now`` moved under Put off, the soonest first, each
    saying until when ("Until 16:30 today · Missed call 40 min ago") and not due."""
    kept: list[CallbackItem] = []
    waiting: list[tuple[datetime, CallbackItem]] = []
    for item in items:
        when = until.get(key_of(item))
        if when is None or when <= now:
            kept.append(item)
            continue
        detail = f"Until {moment_text(when, now, cycle)} · {item.detail}"
        waiting.append((when, replace(item, section=Section.PUT_OFF, detail=detail, due=False,
                                      put_off_from=item.section, until=when)))  # fmt: skip
    waiting.sort(key=lambda pair: pair[0])
    return kept + [item for _when, item in waiting]


def moment_text(moment: datetime, now: datetime, cycle: HourCycle = "24h") -> str:
    """"16:30 today", "8:00 AM tomorrow", "08:00 Mon 14 Dec", in ``now``'s zone."""
    local = moment.astimezone(now.tzinfo)
    return f"{clock_text(local, local.date(), cycle)} {day_text(local, now)}"


def business_start(moment: datetime, hours: BusinessHours) -> datetime:
    """``moment`` if it is inside business hours, else when they next begin."""
    day = moment.replace(second=0, microsecond=0)
    for _ in range(8):
        start = day.replace(hour=hours.start_hour, minute=0)
        end = day.replace(hour=0, minute=0) + timedelta(hours=hours.end_hour)
        working = hours.weekends or day.weekday() < 5
        if working and moment < end:
            return max(moment, start)
        day = start + timedelta(days=1)
        moment = day.replace(hour=0, minute=0)
    return moment  # no working day in a week: weekends off and weekdays too cannot be


def later_today(now: datetime, hours: BusinessHours) -> datetime:
    """In two hours, or when business hours next begin if that is outside them."""
    return business_start(now + LATER_TODAY, hours)


def tomorrow_morning(now: datetime, hours: BusinessHours) -> datetime:
    """The next working day's start (Monday's, said on a Friday)."""
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return business_start(tomorrow, hours)


def next_week(now: datetime, hours: BusinessHours) -> datetime:
    """The start of next week's first working day."""
    monday = now + timedelta(days=7 - now.weekday())
    return business_start(monday.replace(hour=0, minute=0, second=0, microsecond=0), hours)


@dataclass(frozen=True)
class Choice:
    label: str  # "Later today (16:30)", "Monday morning (08:00)"
    until: datetime


def choices(now: datetime, hours: BusinessHours, cycle: HourCycle = "24h") -> list[Choice]:
    """What Snooze offers, each with the time it puts the entry off to on the rep's clock."""
    later = later_today(now, hours)
    morning, week = tomorrow_morning(now, hours), next_week(now, hours)
    later_label = "Later today" if later.date() == now.date() else "Later"
    said_day = "Tomorrow" if morning.date() == (now + timedelta(days=1)).date() else (
        morning.strftime("%A"))  # fmt: skip
    # One line per moment, under the name that says it best: after hours "Later (08:00
    # tomorrow)" sat over "Tomorrow morning (08:00 tomorrow)", and on a Friday afternoon all
    # three lines read 08:00 Monday, which looked like three different choices.
    offered = []
    if later not in (morning, week):
        offered.append(Choice(f"{later_label} ({moment_text(later, now, cycle)})", later))
    offered.append(Choice(f"{said_day} morning ({moment_text(morning, now, cycle)})", morning))
    if week != morning:
        offered.append(Choice(f"Next week ({moment_text(week, now, cycle)})", week))
    return offered


def parse_until(text: str, now: datetime, hours: BusinessHours,
                cycle: HourCycle = "24h", language: str = "en") -> datetime:  # fmt: skip
    """A time the rep typed ("16:30", "tomorrow 9", "Fri", "morgen 9 Uhr" in ``language``):
    the deadline parse_window reads;
    a day alone is that day's business start. ValueError for anything else, or a time
    passed."""
    window = parse_window(text, now, deadline=True, cycle=cycle, language=language)
    if window is None:
        raise ValueError("say until when")
    until = window.end
    if not any(ch.isdigit() for ch in text):  # a day alone: from its morning
        until = business_start(max(window.start, now), hours)
    if until <= now:
        raise ValueError("that time has passed")
    return until
