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


def region_named(ctype: str | None = None) -> bool:
    """Whether the system's locale names a country for `system_region` to read; False on a C or
    POSIX locale, where it falls back (Python maps C.UTF-8 to en_US). `ctype`: the process's
    LC_CTYPE as the C library names it, asked when not given."""
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        value = os.environ.get(var)
        if value and not _is_c(value):
            return bool(region_from_locale(value, ""))
    if ctype is None:
        ctype = locale.setlocale(locale.LC_CTYPE)  # a query: changes nothing
    return not _is_c(ctype) and bool(region_from_locale(locale.getlocale()[0], ""))


def _is_c(name: str) -> bool:
    return name in ("C", "POSIX") or name.startswith("C.")


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
