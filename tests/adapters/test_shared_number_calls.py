"""A call out to a number two contacts share is filed under the contact it was for, whoever
reports it (a softphone's log, a Call button): Bo and Michael Brandt share +1 415-555-0199.
Real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import DIAL_KEY_PREFIX, DIAL_SOURCE, CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.dialects.end_of_call import history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

NOW = datetime.now(UTC).replace(microsecond=0)
SHARED = "+14155550199"
BO_MOBILE = "+14155550177"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


@pytest.fixture
def history(store: Store) -> CallHistory:
    return CallHistory(store, CallerLookup(store, NumberPolicy("US"), default_opener_templates()))


@pytest.fixture
def people(store: Store) -> tuple[int, int]:
    """Bo (the lower id, contacted most recently, on his mobile) and Michael."""
    bo = store.add_contact(NewContact("Bo", numbers=(StoredNumber("(415) 555-0199", SHARED),
                                                     StoredNumber("(415) 555-0177", BO_MOBILE))))
    michael = store.add_contact(NewContact("Michael Brandt", company="Acme Corp",
                                           numbers=(StoredNumber("+1 415 555 0199", SHARED),)))
    return bo, michael


def call_in(store: Store, contact_id: int, number: str, outcome: Outcome, minutes_ago: int,
            key: str) -> None:  # fmt: skip
    at = NOW - timedelta(minutes=minutes_ago)
    attempt = Attempt(Direction.IN, at, outcome, number_e164=number)
    assert store.record_call(contact_id, attempt, "hook", key) is not None


def softphone_called(history: CallHistory, number: str, *, key: str = "1") -> None:
    started = NOW - timedelta(minutes=1)
    history.record(history_event(
        source="twinkle", direction=Direction.OUT, answered=False, number=number, name="",
        started=started, ended=started + timedelta(seconds=30), key=key, where="twinkle.ch",
    ))  # fmt: skip


def whose_calls_out(store: Store) -> list[int | None]:
    rows = store.connection.execute(
        "SELECT contact_id FROM attempts WHERE direction = 'out' ORDER BY id").fetchall()
    return [r[0] for r in rows]


def test_a_softphone_s_call_to_the_number_returns_the_missed_call_that_is_due(
    store: Store, history: CallHistory, people: tuple[int, int]
) -> None:
    bo, michael = people
    call_in(store, michael, SHARED, Outcome.MISSED, 10, "m")
    call_in(store, bo, BO_MOBILE, Outcome.TALKED, 5, "b")  # Bo in touch since, elsewhere

    softphone_called(history, SHARED)

    assert whose_calls_out(store) == [michael]
    # It rang out: still his to return, in Callbacks.
    assert [c.contact.id for c in store.missed_not_returned(NOW)] == [michael]


def test_with_no_missed_call_due_the_one_last_in_touch_on_that_number(
    store: Store, history: CallHistory, people: tuple[int, int]
) -> None:
    bo, michael = people
    call_in(store, michael, SHARED, Outcome.TALKED, 10, "m")
    call_in(store, bo, BO_MOBILE, Outcome.TALKED, 5, "b")  # on another number

    softphone_called(history, SHARED)

    assert whose_calls_out(store) == [michael]


def test_a_call_button_s_contact_stands_when_the_softphone_reports_the_call(
    store: Store, history: CallHistory, people: tuple[int, int]
) -> None:
    bo, michael = people
    call_in(store, michael, SHARED, Outcome.MISSED, 10, "m")  # due, but Bo's card was used

    history.record(CallEvent(DIAL_SOURCE, Direction.OUT, CallState.RINGING, SHARED, "",
                             NOW - timedelta(minutes=1), call_key=f"{DIAL_KEY_PREFIX}{SHARED}",
                             for_contact=bo))  # fmt: skip
    assert whose_calls_out(store) == [bo]
    softphone_called(history, SHARED)

    assert whose_calls_out(store) == [bo]  # taken over, one row, still Bo's
    assert [c.contact.id for c in store.missed_not_returned(NOW)] == [michael]
