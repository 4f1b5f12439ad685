"""A whole hour of the day (0-24) picked in Settings, written on the desktop's clock: "8 AM"
to "6 PM" on a 12-hour desktop, "8:00" to "18:00" on a 24-hour one, as Callbacks and the
contact view then write "outside business hours there (after 6 PM)"."""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

from desktop.core.localtime import HourCycle, hour_text

_TYPED = re.compile(r"\s*(\d{1,2})(?::00)?\s*([ap])?\.?\s*m?\.?\s*", re.IGNORECASE)


class HourBox(QSpinBox):
    """`midnight` is the hour "midnight" means in this box: 0 for a start, 24 for an end."""

    def __init__(self, cycle: HourCycle, midnight: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cycle = cycle
        self.midnight = midnight
        self.setRange(0, 24)

    def textFromValue(self, value: int) -> str:
        return hour_text(value, self.cycle)

    def valueFromText(self, text: str) -> int:
        hour = _typed_hour(text, self.midnight)
        return self.value() if hour is None else hour

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if _typed_hour(text, self.midnight) is not None:
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


def _typed_hour(text: str, midnight: int) -> int | None:
    """"6 PM", "6pm", "18", "18:00", "midnight", "noon" as an hour 0-24; None for anything
    else."""
    word = text.strip().lower()
    if word == "midnight":
        return midnight
    if word == "noon":
        return 12
    match = _TYPED.fullmatch(text)
    if match is None:
        return None
    hour, half = int(match.group(1)), (match.group(2) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return hour if 0 <= hour <= 24 else None
