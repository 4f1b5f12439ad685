"""A missed call from a number nobody has waits in Callbacks like a contact's: named by its
caller ID, with how many times it tried, until that number is called back or answered; a
withheld caller never (nobody can call them back)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory, Recorded
from desktop.adapters.callbacks import count_due, entry_json, load_callbacks
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.dialects.end_of_call import history_event
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

# Noon of a day that has had its noon: "50 min ago" and "Tried 23:48" never cross midnight,
# which made these tests fail when run just after it ("Tried yesterday 23:48").
_NOON = datetime.now(ZoneInfo("Europe/London")).replace(hour=12, minute=0, second=0, microsecond=0)
NOW = _NOON if datetime.now(ZoneInfo("Europe/London")) >= _NOON else _NOON - timedelta(days=1)
MIKE = "+14155550177"  # in nobody's book
m = timedelta(minutes=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def rang(store: Store, number: str | None, ago: timedelta, outcome: Outcome = Outcome.MISSED,
         name: str = "", direction: Direction = Direction.IN) -> None:  # fmt: skip
    attempt = Attempt(direction, NOW - ago, outcome, number_e164=number, caller_name=name)
    key = f"test:{number}@{int(attempt.at.timestamp())}"
    assert store.record_call(None, attempt, "test", key) is not None


def waiting(store: Store) -> list[tuple[str | None, str, str]]:
    return [(e.item.number, e.item.attempt.caller_name, e.item.detail)
            for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip


def test_an_unknown_callers_missed_calls_wait_with_their_tries(store: Store) -> None:
    rang(store, MIKE, 50 * m, name="MIKE CELL")
    rang(store, MIKE, 20 * m, name="MIKE CELL")
    rang(store, "+13125550100", 5 * m)  # gave no name
    rang(store, None, 3 * m)  # withheld: nobody can call them back
    assert waiting(store) == [
        ("+13125550100", "", "Missed call 5 min ago"),
        (MIKE, "MIKE CELL", "Missed call 20 min ago (2 tries)"),
    ]
    assert count_due(store, NOW) == 2
    [entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
               if e.item.number == MIKE]  # fmt: skip
    said = entry_json(entry)
    assert (said["contact"], said["caller_name"], said["tries"]) == (None, "MIKE CELL", 2)
    assert entry.clock.text  # their time, as for a contact's number


def test_calling_back_or_answering_the_number_settles_it(store: Store) -> None:
    rang(store, MIKE, 50 * m, name="MIKE CELL")
    rang(store, "+13125550100", 40 * m)
    rang(store, MIKE, 30 * m, direction=Direction.OUT, outcome=Outcome.TALKED)
    rang(store, "+13125550100", 10 * m, outcome=Outcome.TALKED)  # they rang again; answered
    assert waiting(store) == []
    assert count_due(store, NOW) == 0
    rang(store, MIKE, 5 * m, name="MIKE CELL")  # a new miss after the callback: one try
    assert waiting(store) == [(MIKE, "MIKE CELL", "Missed call 5 min ago")]


def test_a_call_back_to_a_stranger_who_called_is_kept_and_settles_them(store: Store) -> None:
    """The history keeps no call out to a number nobody has (nothing to wrap up), except one
    returning their call: without it the number would wait in Callbacks for ever."""
    history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                              default_opener_templates()))  # fmt: skip
    rang(store, MIKE, 50 * m, name="MIKE CELL")

    def out(number: str, key: str) -> Recorded | None:
        started = NOW - 2 * m
        return history.record(history_event(
            source="twinkle", direction=Direction.OUT, answered=True, number=number, name="",
            started=started, ended=started + m, key=key, where="twinkle.ch"))  # fmt: skip

    assert out("+12125550123", "a") is None  # a stranger who never called: not kept
    recorded = out(MIKE, "b")
    assert recorded is not None
    assert (recorded.contact_id, recorded.wrap_up) == (None, False)
    assert waiting(store) == []


def test_a_contacts_missed_calls_say_their_tries_as_an_unknown_numbers_do(store: Store) -> None:
    """Dana tried three times; the first of them before we last called her: two tries since."""
    dana = store.add_contact(NewContact("Dana Whitfield", numbers=(
        StoredNumber("+13125550111", "+13125550111"),)))  # fmt: skip

    def dana_rang(ago: timedelta, direction: Direction = Direction.IN,
                  outcome: Outcome = Outcome.MISSED) -> None:  # fmt: skip
        attempt = Attempt(direction, NOW - ago, outcome, number_e164="+13125550111")
        assert store.record_call(dana, attempt, "test", f"test:dana@{ago}") is not None

    dana_rang(90 * m)
    dana_rang(60 * m, Direction.OUT, Outcome.TALKED)  # we called back: that try is settled
    dana_rang(40 * m)
    dana_rang(10 * m)
    rang(store, MIKE, 5 * m, name="MIKE CELL")
    assert waiting(store) == [
        (MIKE, "MIKE CELL", "Missed call 5 min ago"),
        ("+13125550111", "", "Missed call 10 min ago (2 tries)"),
    ]
    entry = load_callbacks(store, NOW, BusinessHours(), "24h")[1]
    assert entry_json(entry)["tries"] == 2
    dana_rang(2 * m, outcome=Outcome.TALKED)  # she got through: nothing waits
    assert [number for number, _n, _d in waiting(store)] == [MIKE]


def test_an_unknown_callers_calls_become_theirs_when_their_sheet_is_imported(
    store: Store, tmp_path: Path
) -> None:
    """"MIKE CELL" called twice and nobody had the number; the rep then imports the sheet
    that has him. Callbacks, the history and his card now say Mike Brennan, as after linking
    the number by hand. A number two people share (a switchboard) is the call of the one a
    ring from it names, as the card and Callbacks then agree (it stayed nobody's: "Unknown"
    in Callbacks beside a card naming Ann Lee)."""
    from desktop.adapters.importing import ImportOptions, import_file

    rang(store, MIKE, 50 * m, name="MIKE CELL")
    rang(store, MIKE, 20 * m, name="MIKE CELL")
    rang(store, "+13125550100", 5 * m, name="ACME")
    sheet = tmp_path / "prospects.csv"
    sheet.write_text("Name,Company,Phone\nMike Brennan,Acme Tooling,+1 415 555 0177\n"
                     "Ann Lee,Acme,+1 312 555 0100\nBo Ode,Acme,+1 312 555 0100\n",
                     encoding="utf-8")  # fmt: skip
    import_file(store, sheet, ImportOptions(NumberPolicy("US")))

    [mike] = [c for c, _ in store.contacts_for_number(MIKE, attempts_limit=5)]
    assert [a.outcome for a in mike.attempts] == [Outcome.MISSED, Outcome.MISSED]
    assert mike.last_contacted is not None
    assert [(e.item.contact.name if e.item.contact else None, e.item.number)
            for e in load_callbacks(store, NOW, BusinessHours(), "24h")] == [
        ("Ann Lee", "+13125550100"), ("Mike Brennan", MIKE)]  # fmt: skip


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.FAILED])
def test_a_call_back_that_reached_nobody_leaves_the_missed_call_due_and_says_so(
    store: Store, outcome: Outcome
) -> None:
    """A call back that rang out (or failed) took the missed call off Callbacks and the tray's
    count: the rep still owes them the call. It stays due, with the try beside it, for a
    number nobody has and for a contact alike; a call back that reached them settles it."""
    dana = store.add_contact(NewContact("Dana Whitfield", numbers=(
        StoredNumber("+13125550111", "+13125550111"),)))  # fmt: skip
    for who, number in ((None, MIKE), (dana, "+13125550111")):
        missed = Attempt(Direction.IN, NOW - 50 * m, Outcome.MISSED, number_e164=number)
        assert store.record_call(who, missed, "test", f"in:{number}") is not None
        back = Attempt(Direction.OUT, NOW - 20 * m, outcome, number_e164=number)
        assert store.record_call(who, back, "test", f"out:{number}") is not None
    how = "no answer" if outcome is Outcome.NO_ANSWER else "call failed"
    tried = f"Tried {(NOW - 20 * m).astimezone(NOW.tzinfo):%H:%M}, {how}"
    assert sorted(waiting(store)) == [
        ("+13125550111", "", f"Missed call 50 min ago · {tried}"),
        (MIKE, "", f"Missed call 50 min ago · {tried}"),
    ]
    assert count_due(store, NOW) == 2
    reached = Attempt(Direction.OUT, NOW - 5 * m, Outcome.VOICEMAIL, number_e164=MIKE)
    assert store.record_call(None, reached, "test", "out2") is not None
    # Settled: the rep left a message, and waits for them now, as for a contact.
    assert sorted(waiting(store)) == [
        ("+13125550111", "", f"Missed call 50 min ago · {tried}"),
        (MIKE, "", "Voicemail left 5 min ago"),
    ]
    assert count_due(store, NOW) == 1


def test_a_call_back_in_the_same_second_as_the_missed_call_is_its_try_or_settles_it(
    store: Store,
) -> None:
    """Times are whole seconds: a call back placed from the missed card the moment the call
    was missed is logged in its second. One that rang out was no try at all ("Missed call"
    with nothing beside it); one that reached them settled nothing either. Logged after the
    missed call, it is its call back, as one a second later is."""
    dana = store.add_contact(NewContact("Dana Whitfield", numbers=(
        StoredNumber("+13125550111", "+13125550111"),)))  # fmt: skip
    for who, number in ((None, MIKE), (dana, "+13125550111")):
        missed = Attempt(Direction.IN, NOW - 50 * m, Outcome.MISSED, number_e164=number)
        assert store.record_call(who, missed, "test", f"in:{number}") is not None
        back = Attempt(Direction.OUT, NOW - 50 * m, Outcome.NO_ANSWER, number_e164=number)
        assert store.record_call(who, back, "test", f"out:{number}") is not None
    tried = f"Tried {(NOW - 50 * m).astimezone(NOW.tzinfo):%H:%M}, no answer"
    assert sorted(waiting(store)) == [
        ("+13125550111", "", f"Missed call 50 min ago · {tried}"),
        (MIKE, "", f"Missed call 50 min ago · {tried}"),
    ]
    assert count_due(store, NOW) == 2
    for who, number in ((None, MIKE), (dana, "+13125550111")):
        reached = Attempt(Direction.OUT, NOW - 50 * m, Outcome.TALKED, number_e164=number)
        assert store.record_call(who, reached, "test", f"out2:{number}") is not None
    assert waiting(store) == []
    assert count_due(store, NOW) == 0
