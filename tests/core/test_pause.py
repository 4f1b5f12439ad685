"""When a pause ends and how the tray says so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from desktop.core.pause import PauseLength, pause_end, pause_over, pause_text

BERLIN_WINTER = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 7, 14, 30, tzinfo=BERLIN_WINTER)  # a Monday


@pytest.mark.parametrize(
    ("length", "now", "end"),
    [
        (PauseLength.HOUR, NOW, datetime(2026, 12, 7, 15, 30, tzinfo=BERLIN_WINTER)),
        (PauseLength.TOMORROW, NOW, datetime(2026, 12, 8, 8, 0, tzinfo=BERLIN_WINTER)),
        # Just after midnight, "tomorrow" is the day after, not in eight hours.
        (PauseLength.TOMORROW, NOW.replace(hour=0, minute=20),
         datetime(2026, 12, 8, 8, 0, tzinfo=BERLIN_WINTER)),
        (PauseLength.TOMORROW, datetime(2026, 12, 31, 18, 0, tzinfo=BERLIN_WINTER),
         datetime(2027, 1, 1, 8, 0, tzinfo=BERLIN_WINTER)),
    ],
)  # fmt: skip
def test_pause_end(length: PauseLength, now: datetime, end: datetime) -> None:
    assert pause_end(length, now) == end


def test_a_pause_is_over_at_its_end_and_one_without_an_end_never() -> None:
    end = NOW + timedelta(hours=1)
    assert not pause_over(end, NOW)
    assert pause_over(end, end)
    assert not pause_over(None, NOW + timedelta(days=400))


@pytest.mark.parametrize(
    ("until", "cycle", "text"),
    [
        (NOW + timedelta(minutes=47), "24h", "Popups paused until 15:17 (47 min left)"),
        (NOW + timedelta(minutes=47), "12h", "Popups paused until 3:17 PM (47 min left)"),
        (NOW + timedelta(seconds=20), "24h", "Popups paused until 14:30 (1 min left)"),
        (datetime(2026, 12, 8, 8, 0, tzinfo=BERLIN_WINTER), "24h",
         "Popups paused until 08:00 Tue (17 h 30 min left)"),
        (None, "24h", "Popups paused until you resume them"),
    ],
)  # fmt: skip
def test_pause_text_says_for_how_long(until: datetime | None, cycle: str, text: str) -> None:
    assert pause_text(until, NOW, cycle) == text  # type: ignore[arg-type]
