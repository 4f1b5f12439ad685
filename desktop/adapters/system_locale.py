"""The home region and the clock the system suggests, read without Qt so command-line verbs stay
light."""

from __future__ import annotations

import locale
import os

from desktop.core.locale_clock import hour_cycle_of_locale
from desktop.core.localtime import HourCycle
from desktop.core.numbers import region_from_locale


def system_region(fallback: str = "US") -> str:
    # LC_TELEPHONE is the category that literally means "how phone numbers are written here".
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return region_from_locale(value, fallback)
    name, _encoding = locale.getlocale()
    return region_from_locale(name, fallback)


def time_locale() -> str:
    """The locale times of day are written in, as C and Qt read it on Unix: LC_ALL, else LC_TIME,
    else LANG (an empty variable does not count); "" when none is set (Windows, macOS)."""
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(var)
        if value:
            return value
    return ""


def system_hour_cycle() -> HourCycle:
    """12-hour or 24-hour for the command line, by the rule the windows follow
    (desktop.core.locale_clock on `time_locale()`); where no variable names a locale, by
    Python's idea of the system's."""
    return hour_cycle_of_locale(time_locale() or locale.getlocale()[0] or "")
