"""12-hour or 24-hour clock, as the desktop's locale says: the one answer every window uses.

Every time of day the app shows (the card's local time, Recent calls, Callbacks, the contact
view, the wrap-up, the tray's pause line) is written by desktop.core.localtime.clock_text with
this cycle, so a US desktop reads "9:50 AM" everywhere and a German one "09:50" everywhere.
QLocale() is the system locale unless a test set a default (QLocale.setDefault).
"""

from __future__ import annotations

from PySide6.QtCore import QLocale

from desktop.core.localtime import HourCycle, hour_cycle_of_format


def hour_cycle() -> HourCycle:
    return hour_cycle_of_format(QLocale().timeFormat(QLocale.FormatType.ShortFormat))
