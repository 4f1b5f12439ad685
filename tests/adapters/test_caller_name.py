"""The name an unknown caller's caller ID gave ("MIKE CELL") is kept with the call: a database
of the previous schema is migrated in place, and the history writes the name (one line, capped,
never a withheld caller's), keeping it when a softphone's log takes over a hook's row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CALLER_NAME_MAX, CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.dialects.end_of_call import history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

NOW = datetime.now(UTC).replace(microsecond=0)
MIKE = "+14155550142"
VERSION_BEFORE = 12  # the schema without attempts.caller_name


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def history_for(store: Store) -> CallHistory:
    return CallHistory(store, CallerLookup(store, NumberPolicy("US"), default_opener_templates()))


def hook_ring(number: str, name: str, at: datetime = NOW) -> CallEvent:
    return CallEvent("zoiper", Direction.IN, CallState.RINGING, number, name, at,
                     call_key=f"hook:{number}", hook=True)  # fmt: skip


def missed(number: str, name: str, key: str = "k1", at: datetime = NOW) -> CallEvent:
    return history_event(
        source="microsip", direction=Direction.IN, answered=False, number=number, name=name,
        started=at, ended=at + timedelta(seconds=20), key=key, where="microsip.ini [Calls]",
    )


def names(store: Store) -> dict[str | None, str]:
    return {c.attempt.number_e164: c.attempt.caller_name for c in store.calls()}


def test_a_database_of_the_previous_schema_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:VERSION_BEFORE]:
        conn.executescript(migration)
    conn.execute(f"PRAGMA user_version={VERSION_BEFORE}")
    conn.execute("INSERT INTO attempts(number_e164, direction, at, outcome, source, call_key) "
                 "VALUES (?, 'in', ?, 'missed', 'microsip', 'old@1')",
                 (MIKE, int(NOW.timestamp()) - 3600))  # fmt: skip
    conn.commit()
    conn.close()

    store = Store.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION > VERSION_BEFORE
        (old,) = store.calls()
        assert (old.attempt.number_e164, old.attempt.caller_name) == (MIKE, "")
        history_for(store).record(missed("+14155550199", "NORTHWIND HLTH", key="k2"))
        assert names(store) == {MIKE: "", "+14155550199": "NORTHWIND HLTH"}
    finally:
        store.close()


def test_an_unknown_callers_call_keeps_the_caller_id_name(store: Store) -> None:
    history = history_for(store)
    history.record(missed(MIKE, "  MIKE\n CELL  "))  # one line, trimmed
    history.record(hook_ring("+14155550177", "NORTHWIND HLTH", NOW + timedelta(minutes=5)))
    history.record(missed("+14155550166", "Z" * 500, key="k3"))
    history.record(missed("+14155550155", "+1 415 555 0155", key="k4"))  # the number again
    assert names(store) == {
        MIKE: "MIKE CELL", "+14155550177": "NORTHWIND HLTH",
        "+14155550166": "Z" * CALLER_NAME_MAX, "+14155550155": "",
    }  # fmt: skip


def test_a_withheld_callers_made_up_name_is_not_kept(store: Store) -> None:
    history = history_for(store)
    history.record(missed("Anonymous", "Anonymous"))
    history.record(missed("", "Private Caller", key="k2", at=NOW + timedelta(minutes=3)))
    calls = store.calls()
    assert len(calls) == 2
    assert [c.attempt.caller_name for c in calls] == ["", ""]


def test_a_softphone_taking_over_a_hooks_row_keeps_whichever_gave_a_name(store: Store) -> None:
    history = history_for(store)
    history.record(hook_ring(MIKE, "MIKE CELL"))
    history.record(missed(MIKE, ""))  # MicroSIP's log of the same call, without a name
    history.record(hook_ring("+14155550177", "", NOW + timedelta(minutes=5)))
    history.record(missed("+14155550177", "NORTHWIND HLTH", key="k2",
                          at=NOW + timedelta(minutes=5)))  # fmt: skip
    calls = store.calls()
    assert [c.source for c in calls] == ["microsip", "microsip"]  # one row per call
    assert names(store) == {MIKE: "MIKE CELL", "+14155550177": "NORTHWIND HLTH"}


def test_calls_are_found_by_the_caller_ids_name_or_the_contacts(store: Store) -> None:
    """"All the Mikes": a contact called Mike and an unknown caller whose caller ID said MIKE."""
    store.add_contact(NewContact("Mike Kowalski", company="Harbor Freight",
                                 numbers=(StoredNumber("+14155550100", "+14155550100"),)))
    history = history_for(store)
    history.record(missed("+14155550100", "HARBOR FRT", key="k1"))
    history.record(missed(MIKE, "MIKE CELL", key="k2", at=NOW + timedelta(minutes=2)))
    history.record(missed("+14155550199", "NORTHWIND HLTH", key="k3",
                          at=NOW + timedelta(minutes=4)))  # fmt: skip
    found = [c.attempt.number_e164 for c in store.calls(named="  mike ")]
    assert found == [MIKE, "+14155550100"]
    assert [c.attempt.number_e164 for c in store.calls(named="harbor")] == ["+14155550100"]
    assert len(store.calls(named="")) == 3


def test_recent_calls_name_a_call_back_to_a_number_known_by_its_caller_id(tmp_path: Path) -> None:
    """Used as a rep: Call back on WIRELESS CALLER's missed call was listed in Recent calls
    (and `callercard calls`) as "Unknown · +1 312-555-0188"; Search named it, they did not."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    calls = [
        (Direction.IN, "+13125550188", 30, "WIRELESS CALLER", Outcome.MISSED),
        (Direction.OUT, "+13125550188", 10, "", Outcome.UNKNOWN),
        (Direction.OUT, "+13125550199", 5, "", Outcome.UNKNOWN),  # nobody ever named it
    ]  # fmt: skip
    for i, (direction, number, minutes, name, outcome) in enumerate(calls):
        attempt = Attempt(direction, NOW - timedelta(minutes=minutes), outcome,
                          number_e164=number, caller_name=name)  # fmt: skip
        store.record_call(None, attempt, "test", f"k{i}")
    named = [(c.attempt.number_e164, c.attempt.caller_name) for c in store.calls()]
    assert named == [("+13125550199", ""), ("+13125550188", "WIRELESS CALLER"),
                     ("+13125550188", "WIRELESS CALLER")]  # fmt: skip
    # The call back alone on the page (Outgoing) is named too, from its number's calls.
    outgoing = store.calls(since=NOW - timedelta(minutes=15))
    assert [c.attempt.caller_name for c in outgoing] == ["", "WIRELESS CALLER"]
    store.close()
