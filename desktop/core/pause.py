"""Pausing popups for a while: when a pause ends, and how the tray says so.

A pause has an end ("for 1 hour", "until tomorrow", which is the start of tomorrow's working
day) or none (until the rep turns popups back on). Calls are still logged while paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where the text is made: localtime loads phonenumbers, and the tray, shown
    # before anything else at start-up, needs only PauseLength from here.
    from desktop.core.localtime import HourCycle

RESUME_HOUR = 8  # "until tomorrow" ends when the working day starts


class PauseLength(StrEnum):
    HOUR = "hour"
    TOMORROW = "tomorrow"


def pause_end(length: PauseLength, now: datetime) -> datetime:
    """When a pause of ``length`` begun at ``now`` (aware, in the user's zone) ends."""
    if length is PauseLength.HOUR:
        return now + timedelta(hours=1)
    tomorrow = (now + timedelta(days=1)).date()
    return now.replace(year=tomorrow.year, month=tomorrow.month, day=tomorrow.day,
                       hour=RESUME_HOUR, minute=0, second=0, microsecond=0)  # fmt: skip


def pause_over(until: datetime | None, now: datetime) -> bool:
    """Whether a pause that ends at ``until`` (None: no end) is over at ``now``."""
    return until is not None and now >= until


def pause_text(until: datetime | None, now: datetime, cycle: HourCycle) -> str:
    """"Popups paused until 15:42 (47 min left)", "… until 8:00 AM Tue", or with no end,
    "Popups paused until you resume them"."""
    if until is None:
        return "Popups paused until you resume them"
    local = until.astimezone(now.tzinfo)
    from desktop.core.localtime import clock_text

    text = f"Popups paused until {clock_text(local, now.date(), cycle)}"
    minutes = max(1, round((until - now).total_seconds() / 60))
    if minutes < 60:
        return f"{text} ({minutes} min left)"
    hours, rest = divmod(minutes, 60)
    return f"{text} ({hours} h {rest:02d} min left)"
