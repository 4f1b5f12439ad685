"""A rep in New York reads every window's times on New York's clock. Recent calls, Search and
the contact view took "now" as UTC when nobody passed a clock, so a call at 10:30 in New York
read "15:30" there while the card and Callbacks said 10:30 (this machine runs in UTC, which
hid it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList
from desktop.qt.contact_view import ContactView
from desktop.qt.search_window import SearchWindow

MIKE = "+14155550142"


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # a 24-hour clock: "10:30", whatever the hour
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path, new_york: None) -> Iterator[tuple[Store, int, str]]:
    """Mike, called an hour ago; and what that reads on New York's clock."""
    store = Store.open(tmp_path / "cc.sqlite3")
    called = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    mike = store.add_contact(NewContact(
        "Mike Kowalski", company="Initech",
        numbers=(StoredNumber("(415) 555-0142", MIKE),)))  # fmt: skip
    store.add_attempt(mike, Attempt(Direction.OUT, called, Outcome.VOICEMAIL, "Left a message",
                                    number_e164=MIKE), "wrap-up")  # fmt: skip
    yield store, mike, called.astimezone().strftime("%H:%M")
    store.close()


def test_recent_calls_say_the_time_on_the_reps_clock(
    qtbot: QtBot, store: tuple[Store, int, str]
) -> None:
    book, _mike, local = store
    assert local != datetime.now(UTC).replace(second=0).strftime("%H:%M")
    window = CallList(book.calls)
    qtbot.addWidget(window)
    window.open()
    row = window.table.topLevelItem(0)
    assert local in row.text(0), row.text(0)


def test_search_and_the_contact_view_say_it_on_the_reps_clock_too(
    qtbot: QtBot, store: tuple[Store, int, str]
) -> None:
    book, mike, local = store
    search = SearchWindow(lambda q: book.search(q))
    qtbot.addWidget(search)
    search.open()
    qtbot.keyClicks(search.query, "Kowalski")
    qtbot.waitUntil(lambda: search.results.count() > 0, timeout=3000)
    person = search.results.item(0).toolTip()  # the row's two lines, as painted
    assert "last contact " in person and local in person, person

    lookup = CallerLookup(book, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, mike)
    qtbot.addWidget(view)
    view.open()
    history = view.history.topLevelItem(0).text(0)
    assert local in history, history


def test_the_contact_views_history_says_today_as_recent_calls_do(
    qtbot: QtBot, store: tuple[Store, int, str]
) -> None:
    """"Tue 8 Dec 00:49" in the contact view beside "Today 00:49" in Recent calls read as two
    days."""
    book, mike, local = store
    called = datetime.now().astimezone() - timedelta(hours=1)
    lookup = CallerLookup(book, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, mike)
    qtbot.addWidget(view)
    view.open()
    day = "Today" if called.date() == datetime.now().astimezone().date() else called.strftime("%a")
    assert view.history.topLevelItem(0).text(0).startswith(f"{day} "), local
