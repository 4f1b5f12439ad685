"""The home region the system suggests, read without Qt so command-line verbs stay light."""

from __future__ import annotations

import locale
import os

from desktop.core.numbers import region_from_locale


def system_region(fallback: str = "US") -> str:
    # LC_TELEPHONE is the category that literally means "how phone numbers are written here".
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return region_from_locale(value, fallback)
    name, _encoding = locale.getlocale()
    return region_from_locale(name, fallback)
