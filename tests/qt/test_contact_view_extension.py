"""A colleague's calls from their internal extension in their history: the Number column said
nothing (a call from "3103" has no E.164), so the rep could not tell it from a withheld call;
it says "x3103", as the numbers above it write the extension."""

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
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView

NOW = datetime.now(UTC).replace(microsecond=0)
NUMBER = 3  # the history's Number column


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    store.close()


def ring(history: CallHistory, caller_id: str, at: datetime) -> None:
    event = CallEvent("hook", Direction.IN, CallState.RINGING, caller_id, "", at,
                      call_key=hook_call_key(caller_id), hook=True)  # fmt: skip
    assert history.record(event) is not None


def test_a_call_from_a_colleagues_extension_says_the_extension(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    store = lookup.store
    ana = store.add_contact(NewContact("Ana Silva", numbers=(
        StoredNumber("x3103", None, "3103", "work"),
        StoredNumber("+1 415 555 0100", "+14155550100", label="mobile"),
    ), attempts=(Attempt(Direction.OUT, NOW - timedelta(days=1), Outcome.TALKED,
                         number_e164="+14155550100"),)))  # fmt: skip
    history = CallHistory(store, lookup)
    ring(history, '"Ana" <sip:3103@pbx.office>', NOW - timedelta(hours=2))
    ring(history, "3103", NOW - timedelta(hours=1))

    # What the card on the next ring shows of her calls comes from the same rows.
    [(contact, _n)] = store.contacts_for_extension("3103")
    assert [a.caller_id for a in contact.attempts] == ["3103", '"Ana" <sip:3103@pbx.office>', ""]

    view = ContactView(lookup, ana, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.open()
    assert view.history.topLevelItemCount() == 3
    numbers = []
    for i in range(3):
        item = view.history.topLevelItem(i)
        assert item is not None
        numbers.append(item.text(NUMBER))
    assert numbers == ["x3103", "x3103", "+1 415-555-0100"]
