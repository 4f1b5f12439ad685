"""The app's Call buttons follow Settings as they are when the rep looks or clicks: the
softphone chosen and the other end's time, with no restart (qt/click_to_call.click_to_call_for)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from desktop.adapters.settings import Settings
from desktop.core.dialers import Dialer
from desktop.qt.click_to_call import click_to_call_for

DANA = "+14155550142"


def run_now(work: Callable[[], None]) -> None:
    work()


def test_the_call_button_says_the_softphone_settings_choose_now(qtbot: QtBot) -> None:
    settings = Settings(dialer=Dialer.TWINKLE.value)
    calls = click_to_call_for(lambda: settings, list, run_now)

    first = calls.tooltip(DANA)
    assert first.startswith("Call +1 415-555-0142 with Twinkle\nTheir time: ")

    settings = settings.with_changes(dialer=Dialer.AUTOMATIC.value)
    assert calls.tooltip(DANA).startswith("Call +1 415-555-0142 with your softphone\n")


def test_their_time_is_judged_by_the_business_hours_saved_now(qtbot: QtBot) -> None:
    settings = Settings(business_start_hour=0, business_end_hour=24, business_weekends=True)
    calls = click_to_call_for(lambda: settings, list, run_now)
    assert " — " not in calls.tooltip(DANA)  # any hour, any day: no warning

    settings = settings.with_changes(business_start_hour=0, business_end_hour=0,
                                     business_weekends=False)  # fmt: skip
    assert "outside business hours there" in calls.tooltip(DANA)
