"""The other end's clock: whether now is a decent time to ring them.

A number whose zones disagree (localtime.py) gets a warning when any of its zones is outside
the hours, and says "several time zones" rather than guessing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.core.localtime import HourCycle, clock_text, clocks_for, hour_text

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class BusinessHours:
    start_hour: int = 8
    end_hour: int = 18
    weekends: bool = False  # True: Saturday and Sunday count as working days

    def problem(self, clock: datetime, cycle: HourCycle = "24h") -> str:
        """"" inside the hours, else why not: "weekend", "before 8:00", "after 18:00" ("after
        6 PM" on a 12-hour clock, the one their time is written in beside it)."""
        if not self.weekends and clock.weekday() >= 5:
            return "weekend"
        minutes = clock.hour * 60 + clock.minute
        if minutes < self.start_hour * 60:
            return f"before {hour_text(self.start_hour, cycle)}"
        if minutes >= self.end_hour * 60:
            return f"after {hour_text(self.end_hour, cycle)}"
        return ""


@dataclass(frozen=True)
class TheirClock:
    text: str  # "14:05", "7:45 AM", "several time zones: 10:05–11:05"; "" when unknown
    warning: str  # "" or "outside business hours there (before 8:00)"
    several_zones: bool
    problem: str = ""  # the warning in short: "before 8:00", "weekend in some"
    # Their day and time for a sentence, "Saturday 11:12 AM": "weekend" alone does not say
    # which day it is there. "" with several zones.
    said: str = ""


def their_clock(e164: str, now: datetime, hours: BusinessHours, cycle: HourCycle) -> TheirClock:
    """Their time at ``now`` (aware, in the rep's zone: it decides when a weekday is shown)."""
    clocks = clocks_for(e164, now)
    if not clocks:
        return TheirClock("", "", several_zones=False)
    today = now.date()
    offsets = {c.utcoffset() for c in clocks}
    problems = [p for p in (hours.problem(c, cycle) for c in clocks) if p]
    if len(offsets) == 1:
        warning = f"outside business hours there ({problems[0]})" if problems else ""
        there = clocks[0]
        said = f"{_DAYS[there.weekday()]} {clock_text(there, there.date(), cycle)}"
        return TheirClock(clock_text(there, today, cycle), warning, several_zones=False,
                          problem=problems[0] if problems else "", said=said)  # fmt: skip
    ordered = sorted(clocks, key=lambda c: c.utcoffset() or timedelta(0))
    spread = f"{clock_text(ordered[0], today, cycle)}–{clock_text(ordered[-1], today, cycle)}"
    warning = problem = ""
    if problems:
        everywhere = len(problems) == len(clocks)
        warning = ("outside business hours there" if everywhere
                   else "outside business hours in some of them") + f" ({problems[0]})"  # fmt: skip
        problem = problems[0] if everywhere else f"{problems[0]} in some"
    return TheirClock(f"several time zones: {spread}", warning, several_zones=True,
                      problem=problem)  # fmt: skip
