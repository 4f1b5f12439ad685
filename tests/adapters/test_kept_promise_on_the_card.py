"""The card says "You said you'd call them back by …" only while that promise is open: once
the rep called back and reached them, or a wrap-up said Done, the caller's next ring inside
the window shows no promise (Callbacks has already let it go)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.callbacks import parse_window
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

LONDON = ZoneInfo("Europe/London")
PROMISED_AT = datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)  # a Tuesday
TEN = PROMISED_AT + timedelta(hours=1)
ELEVEN = PROMISED_AT + timedelta(hours=2)
CHIDI = "+14155550111"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def promise(store: Store) -> int:
    """Chidi rang at 9:00 and the wrap-up said "call them back by 17:00"."""
    contact = store.add_contact(NewContact("Chidi Okafor",
                                           numbers=(StoredNumber(CHIDI, CHIDI),)))  # fmt: skip
    call = store.record_call(contact, Attempt(Direction.IN, PROMISED_AT, Outcome.TALKED,
                                              number_e164=CHIDI), "test", "t:9")  # fmt: skip
    assert call is not None
    by = parse_window("by 17:00", PROMISED_AT, deadline=True, cycle="24h")
    assert by is not None
    assert store.save_wrap_up(call, Outcome.TALKED, "wants a quote", "", (by.start, by.end))
    return contact


def lookup_of(store: Store) -> CallerLookup:
    return CallerLookup(store, NumberPolicy("US", ()), {})


def test_an_open_promise_is_said_when_they_ring_inside_it(store: Store) -> None:
    promise(store)
    assert lookup_of(store).card_for(CHIDI, now=ELEVEN).promise == (
        "You said you'd call them back by 17:00 today"
    )


def test_a_call_back_that_reached_them_keeps_it(store: Store) -> None:
    contact = promise(store)
    back = Attempt(Direction.OUT, TEN, Outcome.TALKED, number_e164=CHIDI)
    assert store.record_call(contact, back, "test", "t:10") is not None

    assert lookup_of(store).card_for(CHIDI, now=ELEVEN).promise == ""


def test_a_call_back_that_rang_out_keeps_it_open(store: Store) -> None:
    contact = promise(store)
    tried = Attempt(Direction.OUT, TEN, Outcome.NO_ANSWER, number_e164=CHIDI)
    assert store.record_call(contact, tried, "test", "t:10") is not None

    assert lookup_of(store).card_for(CHIDI, now=ELEVEN).promise == (
        "You said you'd call them back by 17:00 today"
    )


def test_a_wrap_up_that_said_done_keeps_it(store: Store) -> None:
    contact = promise(store)
    rang = store.record_call(contact, Attempt(Direction.IN, TEN, Outcome.TALKED,
                                              number_e164=CHIDI), "test", "t:10")  # fmt: skip
    assert rang is not None
    assert store.save_wrap_up(rang, Outcome.TALKED, "sent the quote", "", promise_done=True)

    assert lookup_of(store).card_for(CHIDI, now=ELEVEN).promise == ""
    # The ring itself recorded before the card is built (the hook's path) changes nothing.
    ring = store.record_call(contact, Attempt(Direction.IN, ELEVEN, Outcome.UNKNOWN,
                                              number_e164=CHIDI), "test", "t:11")  # fmt: skip
    assert ring is not None
    card = lookup_of(store).card_for(CHIDI, now=ELEVEN, ringing_at=ELEVEN)
    assert card.promise == ""


def test_their_call_that_did_not_say_done_leaves_it_open(store: Store) -> None:
    contact = promise(store)
    rang = store.record_call(contact, Attempt(Direction.IN, TEN, Outcome.TALKED,
                                              number_e164=CHIDI), "test", "t:10")  # fmt: skip
    assert rang is not None
    assert store.save_wrap_up(rang, Outcome.TALKED, "asked again", "")

    assert lookup_of(store).card_for(CHIDI, now=ELEVEN).promise == (
        "You said you'd call them back by 17:00 today"
    )
