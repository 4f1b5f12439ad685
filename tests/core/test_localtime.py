"""The caller's local time on the card: right when it is certain, honest when it is not."""

from __future__ import annotations

import sys
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.core.localtime import LocalTime, hour_cycle_for, local_time_for

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")

# Tuesday 13 January 2026, 15:05 UTC: winter in the north, summer (DST) in Australia.
TUESDAY = datetime(2026, 1, 13, 15, 5, tzinfo=UTC)

GB_MOBILE_ZONES = ("Europe/Guernsey", "Europe/Isle_of_Man", "Europe/Jersey", "Europe/London")


@pytest.mark.parametrize(
    ("e164", "home", "home_zone", "zones", "text"),
    [
        # US landline, single zone, seen from New York: 12-hour clock, same day.
        ("+14155552671", "US", NEW_YORK, ("America/Los_Angeles",), "7:05 AM"),
        ("+442079460958", "GB", LONDON, ("Europe/London",), "15:05"),
        # A GB mobile may be in any of four zones, but they all agree: a time, not a guess.
        ("+447400123456", "GB", LONDON, GB_MOBILE_ZONES, "15:05"),
        ("+493012345678", "DE", BERLIN, ("Europe/Berlin",), "16:05"),
        ("+493012345678", "US", NEW_YORK, ("Europe/Berlin",), "4:05 PM"),
        # Already Wednesday in Sydney while it is Tuesday in London: the weekday says so.
        ("+61212345678", "GB", LONDON, ("Australia/Sydney",), "02:05 Wed"),
        ("+61212345678", "AU", SYDNEY, ("Australia/Sydney",), "2:05 AM"),
    ],
)
def test_a_number_with_one_time_shows_it(
    e164: str, home: str, home_zone: ZoneInfo, zones: tuple[str, ...], text: str
) -> None:
    local = local_time_for(e164, TUESDAY, home, home_zone=home_zone)

    assert local == LocalTime(zones=zones, text=text, place="", ambiguous=False)


def test_us_toll_free_says_how_many_zones_and_the_spread_instead_of_guessing() -> None:
    local = local_time_for("+18005550100", TUESDAY, "US", home_zone=NEW_YORK)

    assert local.ambiguous
    assert len(local.zones) == 42
    # Pago Pago (UTC-11) to Guam (UTC+10), already Wednesday there.
    assert local.text == "10 time zones: 4:05 AM–1:05 AM Wed"


def test_an_area_code_split_between_two_zones_is_ambiguous() -> None:
    local = local_time_for("+12085550100", TUESDAY, "US", home_zone=NEW_YORK)  # Idaho

    assert local.zones == ("America/Boise", "America/Los_Angeles")
    assert local.ambiguous
    assert local.text == "2 time zones: 7:05 AM–8:05 AM"


def test_an_australian_mobile_spans_the_continent_and_the_days() -> None:
    local = local_time_for("+61412345678", TUESDAY, "AU", home_zone=SYDNEY)

    assert local.ambiguous
    # Cocos Islands (UTC+6:30) is still on Tuesday; Sydney's own date, Wednesday, is not named.
    assert local.text == "7 time zones: 9:35 PM Tue–2:05 AM"


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "00:59"),  # the last minute of GMT
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "02:00"),  # clocks went forward to BST
        (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "01:59"),  # the last minute of BST
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "01:00"),  # back to GMT
    ],
)
def test_london_time_follows_daylight_saving_to_the_minute(now: datetime, text: str) -> None:
    assert local_time_for("+442079460958", now, "GB", home_zone=LONDON).text == text


def test_between_the_us_and_eu_clock_changes_berlin_is_five_hours_ahead_not_six() -> None:
    # 10 March 2026: New York is on EDT since 8 March, Berlin on CET until 29 March.
    before_eu_change = datetime(2026, 3, 10, 16, 5, tzinfo=UTC)  # 12:05 in New York
    after_eu_change = datetime(2026, 3, 30, 16, 5, tzinfo=UTC)

    assert local_time_for("+493012345678", before_eu_change, "US", home_zone=NEW_YORK).text == (
        "5:05 PM"
    )
    assert local_time_for("+493012345678", after_eu_change, "US", home_zone=NEW_YORK).text == (
        "6:05 PM"
    )


def test_the_clock_style_follows_the_home_region_unless_told() -> None:
    assert hour_cycle_for("us") == "12h"
    assert hour_cycle_for("DE") == "24h"
    forced = local_time_for("+493012345678", TUESDAY, "US", home_zone=NEW_YORK, hour_cycle="24h")
    assert forced.text == "16:05"


@pytest.mark.parametrize("e164", ["+80012345678", "+12345", "", "not a number"])
def test_numbers_without_a_zone_show_no_time(e164: str) -> None:
    assert local_time_for(e164, TUESDAY, "US", home_zone=NEW_YORK) == LocalTime()


def test_the_place_comes_from_the_lookup_it_is_given() -> None:
    places = {"+442079460958": "London, United Kingdom"}
    asked: list[str] = []

    def lookup(e164: str) -> str:
        asked.append(e164)
        return places.get(e164, "")

    local = local_time_for("+442079460958", TUESDAY, "US", lookup, home_zone=NEW_YORK)

    assert asked == ["+442079460958"]
    assert local.place == "London, United Kingdom"
    assert local.text == "3:05 PM"
    assert local_time_for("+442079460958", TUESDAY, "US", home_zone=NEW_YORK).place == ""


def test_a_naive_now_is_refused_rather_than_read_in_some_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_time_for("+442079460958", datetime(2026, 1, 13, 15, 5), "GB")


def _london_tzif() -> bytes:
    for root in zoneinfo.TZPATH:
        candidate = Path(root) / "Europe" / "London"
        if candidate.is_file():
            return candidate.read_bytes()
    return (resources.files("tzdata.zoneinfo.Europe") / "London").read_bytes()


@pytest.fixture
def tz_database_with_only_london(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose tz database knows Europe/London but not the Channel Islands."""
    (tmp_path / "Europe").mkdir()
    (tmp_path / "Europe" / "London").write_bytes(_london_tzif())
    # zoneinfo falls back to the tzdata package when the tz path lacks a zone; this machine
    # has none, as on most Linux systems.
    for name in [m for m in sys.modules if m == "tzdata" or m.startswith("tzdata.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tzdata", None)
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    ZoneInfo.clear_cache()
    try:
        yield
    finally:
        zoneinfo.reset_tzpath()
        ZoneInfo.clear_cache()


@pytest.mark.usefixtures("tz_database_with_only_london")
def test_a_zone_missing_from_the_tz_database_means_no_time_not_a_crash() -> None:
    mobile = local_time_for("+447400123456", TUESDAY, "GB", home_zone=LONDON)
    landline = local_time_for("+442079460958", TUESDAY, "GB", home_zone=LONDON)

    # One of the four zones is unknown, so agreement cannot be checked: no time at all.
    assert mobile == LocalTime(zones=GB_MOBILE_ZONES, text="", place="", ambiguous=False)
    assert landline.text == "15:05"
