"""Every time of day in the windows follows the desktop's locale: a US desktop reads "9:50 AM"
in Callbacks, Recent calls, the contact view, the wrap-up and the card alike (before, Recent
calls said "09:50" while Callbacks said "9:50 AM", both decided by the home region), and a
German desktop reads "09:50" everywhere, whatever the home region."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import LoggedCall, NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.localtime import hour_cycle_of_format
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList
from desktop.qt.contact_view import ContactView
from desktop.qt.import_history_window import ImportHistoryWindow
from desktop.qt.system_clock import hour_cycle
from desktop.qt.wrap_up import WrapUp

HOME = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 16, 30, tzinfo=HOME)
CALLED = NOW.replace(hour=9, minute=50)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def windows_text(qtbot: QtBot, store: Store) -> dict[str, str]:
    cid = store.add_contact(NewContact(
        "Dana", numbers=(StoredNumber("+49 30 1234567", "+49301234567"),)))  # fmt: skip
    attempt = Attempt(Direction.IN, CALLED, Outcome.TALKED, number_e164="+49301234567")
    aid = store.record_call(cid, attempt, "test", "k1")
    assert aid is not None
    # The rep is to call them back by noon tomorrow (the wrap-up after their call).
    tomorrow = NOW + timedelta(days=1)
    store.save_wrap_up(aid, Outcome.TALKED, "", "", (tomorrow.replace(hour=9, minute=0),
                                                     tomorrow.replace(hour=12, minute=0)))
    contact = store.contact(cid)
    assert contact is not None

    calls = CallList(lambda: [LoggedCall(aid, attempt, contact, "test")], clock=lambda: NOW)
    qtbot.addWidget(calls)
    calls.reload()
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates(),
                          hour_cycle=hour_cycle())  # fmt: skip
    view = ContactView(lookup, cid, clock=lambda: NOW + timedelta(hours=1))
    qtbot.addWidget(view)
    view.open()
    history = next(t for t in view.findChildren(QTreeWidget) if t.topLevelItemCount())
    wrap_up = WrapUp(aid, contact, attempt, now=NOW, hour_cycle=hour_cycle())
    qtbot.addWidget(wrap_up)
    [callback] = load_callbacks(store, NOW, BusinessHours(), hour_cycle())
    with store.transaction():
        batch = store.create_batch("Import of prospects.csv", "/home/rep/prospects.csv")
    store.connection.execute("UPDATE import_batches SET created_at = ? WHERE id = ?",
                             (int(CALLED.timestamp()), batch))  # fmt: skip
    imports = ImportHistoryWindow(store, clock=lambda: NOW)
    qtbot.addWidget(imports)
    imports.reload()
    return {
        "import history": imports.table.item(0, 1).text(),
        "callbacks": f"{callback.item.detail} | {callback.clock.text}",
        "recent calls": calls.table.topLevelItem(0).text(0),
        "contact view": history.topLevelItem(0).text(0),
        "wrap-up": wrap_up.call.text(),
        "card": lookup.card_for("+49301234567", now=NOW).local_time.text,
    }


def test_a_12_hour_desktop_reads_am_pm_in_every_window(
    qtbot: QtBot, store: Store, desktop_locale: Callable[[str], None]
) -> None:
    desktop_locale("en_US")
    shown = windows_text(qtbot, store)
    assert shown == {
        "import history": "10 Mar, 9:50 AM",
        "callbacks": "Call them back by 12:00 PM tomorrow | 4:30 PM",
        "recent calls": "Today 9:50 AM",  # as the card says a call of today
        "contact view": "Today 9:50 AM",  # as Recent calls says it
        "wrap-up": "They called from +49 30 1234567, today 9:50 AM",
        "card": "4:30 PM",
    }


def test_a_24_hour_desktop_reads_24_hours_in_every_window_even_with_a_us_home_region(
    qtbot: QtBot, store: Store, desktop_locale: Callable[[str], None]
) -> None:
    desktop_locale("de_DE")
    shown = windows_text(qtbot, store)
    assert shown == {
        "import history": "10 Mar, 09:50",
        "callbacks": "Call them back by 12:00 tomorrow | 16:30",
        "recent calls": "Today 09:50",
        "contact view": "Today 09:50",
        "wrap-up": "They called from +49 30 1234567, today 09:50",
        "card": "16:30",
    }


@pytest.mark.parametrize(("pattern", "cycle"), [
    ("h:mm\u202fAp", "12h"), ("Ap h:mm", "12h"), ("HH:mm", "24h"), ("H:mm", "24h"),
    ("h:mm a", "12h"), ("%I:%M %p", "12h"), ("%H:%M", "24h"), ("HH'h'mm", "24h"),
])  # fmt: skip
def test_the_cycle_is_read_from_the_locales_time_pattern(pattern: str, cycle: str) -> None:
    assert hour_cycle_of_format(pattern) == cycle


def test_the_time_a_collapsed_call_rang_follows_the_desktop_too(
    desktop_locale: Callable[[str], None],
) -> None:
    from desktop.qt.system_clock import time_now_text

    desktop_locale("en_US")
    assert time_now_text().endswith((" AM", " PM"))
    desktop_locale("de_DE")
    assert len(time_now_text()) == 5 and time_now_text()[2] == ":"


def test_every_locale_qt_knows_reads_the_clock_qt_gives_it() -> None:
    """The command line cannot ask Qt: its table of CLDR's clocks agrees with Qt's own."""
    from PySide6.QtCore import QLocale

    from desktop.core.locale_clock import hour_cycle_of_locale

    every = QLocale.matchingLocales(QLocale.Language.AnyLanguage, QLocale.Script.AnyScript,
                                    QLocale.Country.AnyCountry)  # fmt: skip
    names = {locale.name() for locale in every} | {"C", "POSIX", "xx_YY", "de_US"}
    disagree = {
        name for name in names
        if hour_cycle_of_locale(f"{name}.UTF-8") != hour_cycle_of_format(
            QLocale(name).timeFormat(QLocale.FormatType.ShortFormat))
    }  # fmt: skip
    assert len(names) > 600 and disagree == set()


@pytest.mark.parametrize(("name", "region"), [("de_DE", "US"), ("en_US", "DE")])
def test_the_command_line_prints_a_calls_time_as_the_windows_do_whatever_the_home_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    desktop_locale: Callable[[str], None], name: str, region: str,
) -> None:  # fmt: skip
    from desktop.cli import main as cli_main
    from desktop.core.call_summary import call_line

    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    try:
        cid = store.add_contact(NewContact(
            "Dana Becker", numbers=(StoredNumber("+49 30 1234567", "+49301234567"),)))  # fmt: skip
        called = datetime.now().astimezone().replace(hour=16, minute=5) - timedelta(days=2)
        attempt = Attempt(Direction.IN, called, Outcome.TALKED, number_e164="+49301234567")
        assert store.record_call(cid, attempt, "test", "k1") is not None
        contact = store.contact(cid, attempts_limit=0)
    finally:
        store.close()
    desktop_locale(name)
    assert cli_main(["search", "dana", "--region", region, "--data-dir", str(data)]) == 0
    printed = capsys.readouterr().out.splitlines()
    # The Search window writes a call with this very line and the windows' clock.
    window = call_line(attempt, contact, datetime.now().astimezone(), hour_cycle())
    assert f"  {window}" in printed
    assert window.endswith(" PM" if name == "en_US" else "16:05")
