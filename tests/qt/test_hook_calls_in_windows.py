"""A call that only a ring/end hook reported is in Recent calls and in the contact's history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList
from desktop.qt.contact_view import ContactView

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
JANE = "+14155550123"
STRANGER = "+14155550188"


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    store.close()


def hook(state: CallState, number: str, minutes: float) -> CallEvent:
    return CallEvent("zoiper", Direction.IN, state, number, "", NOW + timedelta(minutes=minutes),
                     call_key=f"hook:{number}", hook=True)  # fmt: skip


@pytest.fixture
def jane(lookup: CallerLookup) -> int:
    jane = lookup.store.add_contact(
        NewContact("Jane Doe", company="Acme", numbers=(StoredNumber("415 555 0123", JANE),))
    )
    history = CallHistory(lookup.store, lookup)
    history.record(hook(CallState.RINGING, JANE, -10))
    history.record(hook(CallState.ENDED, JANE, -7))
    history.record(hook(CallState.RINGING, STRANGER, -2))  # Jitsi: a ring and no end
    return jane


def test_recent_calls_list_hook_calls_with_how_they_went(qtbot: QtBot, lookup: CallerLookup,
                                                          jane: int) -> None:  # fmt: skip
    window = CallList(lookup.store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()

    rows = []
    for i in range(window.table.topLevelItemCount()):
        item = window.table.topLevelItem(i)
        assert item is not None
        rows.append(tuple(item.text(c) for c in range(1, 5)))
    assert rows == [("In", "Unknown", "+1 415-555-0188", "Rang"),
                    ("In", "Jane Doe", "+1 415-555-0123", "Talked")]  # fmt: skip


def test_the_contacts_history_has_the_hook_call(qtbot: QtBot, lookup: CallerLookup,
                                               jane: int) -> None:  # fmt: skip
    view = ContactView(lookup, jane, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.open()

    assert view.history_title.text() == "History (1 call)"
    item = view.history.topLevelItem(0)
    assert item is not None and item.text(1) == "In"
