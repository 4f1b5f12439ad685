"""12-hour or 24-hour clock, as the desktop's locale says: the one answer every window uses.

Every time of day the app shows (the card's local time, Recent calls, Callbacks, the contact
view, the wrap-up, the tray's pause and problem lines, when a collapsed call rang) is written
by desktop.core.localtime.clock_text with this cycle, so a US desktop reads "9:50 AM"
everywhere and a German one "09:50" everywhere. Where the environment names the locale (LC_ALL,
LC_TIME, LANG: Linux) the command line's rule decides (adapters.system_locale), so `callercard
search` prints the times the windows show; elsewhere QLocale's time format, which is the
system's setting there.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QLocale

from desktop.adapters.system_locale import time_locale
from desktop.core.locale_clock import hour_cycle_of_locale
from desktop.core.localtime import HourCycle, clock_text, hour_cycle_of_format
from desktop.core.time_words import language_of


def hour_cycle() -> HourCycle:
    name = time_locale()
    if name:
        return hour_cycle_of_locale(name)
    return hour_cycle_of_format(QLocale().timeFormat(QLocale.FormatType.ShortFormat))


def time_language() -> str:
    """The language callback times are typed in besides English, by the locale that
    decides the clock (core/time_words.py)."""
    return language_of(time_locale() or QLocale().name())


def time_now_text() -> str:
    """The time of day now, on the rep's clock: "9:50 AM" or "09:50"."""
    now = datetime.now().astimezone()
    return clock_text(now, now.date(), hour_cycle())
