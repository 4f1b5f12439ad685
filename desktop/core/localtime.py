"""The caller's local time and place, from the number alone.

A number maps to one or more IANA zones (`phonenumbers.timezone`). When every zone has the same
UTC offset at `now` (a GB mobile: London, Guernsey, Jersey, Isle of Man) the time is certain and
shown: "14:05". When they disagree (US toll-free, an Idaho area code split between Mountain and
Pacific time) the card must not guess: `ambiguous` is set and the text gives the spread,
"2 time zones: 11:05–12:05", counting distinct offsets, not zone names.

Clock style: 12-hour ("2:05 PM") for home regions that customarily use it, else 24-hour
("14:05"); callers may force one with `hour_cycle`. The weekday is added, in English like the
rest of the card, only when the caller's date is not the user's date: "06:05 Wed" at 22:05 on
Tuesday at home. Weekdays and AM/PM are spelled out here rather than with strftime, which
follows the process locale once Qt has called setlocale().

No time is shown for numbers without a zone, or when the system's tz database lacks one of the
zones: a partial set of zones could hide a disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as number_timezone

from desktop.core.number_digits import number_type_of, parse_e164

# Looks up a human place ("San Francisco, CA", "London") for an E.164 number; "" when unknown.
PlaceLookup = Callable[[str], str]

HourCycle = Literal["12h", "24h"]

# Regions whose everyday clock is 12-hour (CLDR's preferred "h"), kept to the ones a sales team is
# likely to call from; everywhere else gets 24-hour.
TWELVE_HOUR_REGIONS = frozenset(
    {
        "US", "CA", "PR", "VI", "GU", "AS", "MP",  # NANP
        "AU", "NZ", "PH", "IN", "PK", "BD", "EG", "SA", "JO", "MY",
    }
)  # fmt: skip

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class LocalTime:
    zones: tuple[str, ...] = ()  # IANA zone names; () when unknown
    text: str = ""  # what the card shows: "14:05 Tue" or "3 time zones: 11:05–14:05"
    place: str = ""  # "San Francisco, CA", "United Kingdom", ""
    ambiguous: bool = False  # the zones disagree on the time right now


def hour_cycle_for(region: str) -> HourCycle:
    return "12h" if region.upper() in TWELVE_HOUR_REGIONS else "24h"


def hour_cycle_of_format(pattern: str) -> HourCycle:
    """The cycle of a locale's time pattern: Qt's "h:mm AP", CLDR's "h:mm a", or C's "%I:%M
    %p" are 12-hour; "HH:mm" and "%H:%M" are 24-hour."""
    text = re.sub(r"'[^']*'", "", pattern)  # quoted literals ('o''clock') say nothing
    return "12h" if re.search(r"[aA]|%[pPIlr]", text) else "24h"


def zones_for(e164: str) -> tuple[str, ...]:
    """IANA zones for the number, () when the number or its zone is unknown."""
    number = parse_e164(e164)
    if number is None:
        return ()
    # number_timezone.time_zones_for_number, with the number's type worked out once for the
    # card (its place needs it too).
    kind = number_type_of(e164)
    if kind == PhoneNumberType.UNKNOWN:
        return ()
    if phonenumbers.is_number_type_geographical(kind, number.country_code or 0):
        zones = number_timezone.time_zones_for_geographical_number(number)
    else:
        zones = number_timezone.time_zones_for_number(number)  # the country's zones
    return tuple(z for z in zones if z != number_timezone.UNKNOWN_TIMEZONE)


def local_time_for(
    e164: str,
    now: datetime,
    home_region: str,
    place_lookup: PlaceLookup | None = None,
    *,
    hour_cycle: HourCycle | None = None,
    home_zone: tzinfo | None = None,
) -> LocalTime:
    """The caller's local time at `now` (aware) and their place from `place_lookup`.

    `home_zone` is the user's zone, which decides whether the caller is on another day; by
    default the system's local zone. `hour_cycle` defaults to the home region's custom.
    """
    if now.utcoffset() is None:
        raise ValueError("local_time_for needs an aware datetime for now, e.g. datetime.now(UTC)")
    place = place_lookup(e164) if place_lookup is not None else ""
    zones = zones_for(e164)
    clocks = _clocks(zones, now)
    if not clocks:
        return LocalTime(zones=zones, place=place)
    today = now.astimezone(home_zone).date()
    cycle = hour_cycle or hour_cycle_for(home_region)
    offsets = sorted({_offset(c) for c in clocks})
    if len(offsets) == 1:
        return LocalTime(zones, _clock_text(clocks[0], today, cycle), place, ambiguous=False)
    earliest = min(clocks, key=_offset)
    latest = max(clocks, key=_offset)
    spread = f"{_clock_text(earliest, today, cycle)}–{_clock_text(latest, today, cycle)}"
    return LocalTime(zones, f"{len(offsets)} time zones: {spread}", place, ambiguous=True)


def clocks_for(e164: str, now: datetime) -> list[datetime]:
    """``now`` on the clock of each of the number's zones; [] when any zone is unknown."""
    return _clocks(zones_for(e164), now)


def _clocks(zones: tuple[str, ...], now: datetime) -> list[datetime]:
    clocks = []
    for name in zones:
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # Missing from this system's tz database (or unreadable): better no time than a time
            # that silently ignores one of the caller's possible zones.
            return []
        clocks.append(now.astimezone(zone))
    return clocks


def _offset(clock: datetime) -> timedelta:
    offset = clock.utcoffset()
    return offset if offset is not None else timedelta(0)


def hour_text(hour: int, cycle: HourCycle) -> str:
    """A whole hour of the day (0-24) on the clock: "18:00", or "6 PM"; 0 and 24 are
    "midnight" on a 12-hour clock, where "12 AM" is read both ways."""
    if cycle == "24h":
        return f"{hour}:00"
    if hour % 24 == 0:
        return "midnight"
    if hour == 12:
        return "12 PM"
    return f"{hour} AM" if hour < 12 else f"{hour - 12} PM"


def clock_text(clock: datetime, today: date, cycle: HourCycle) -> str:
    """"14:05" or "2:05 PM", with the weekday when ``clock`` is not on ``today``."""
    return _clock_text(clock, today, cycle)


def _clock_text(clock: datetime, today: date, cycle: HourCycle) -> str:
    if cycle == "12h":
        hour = clock.hour % 12 or 12
        text = f"{hour}:{clock.minute:02d} {'AM' if clock.hour < 12 else 'PM'}"
    else:
        text = f"{clock.hour:02d}:{clock.minute:02d}"
    if clock.date() != today:
        text += f" {_WEEKDAYS[clock.weekday()]}"
    return text
