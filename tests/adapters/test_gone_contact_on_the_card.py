"""A contact deleted since leaves their calls under their number, and with them what the rep
still owes them or waits for: the card of that number's next call says the promise ("You said
you'd call them back by …"), its wrap-up offers it to keep or call done, and the voicemail we
left them stays under "We are waiting for them" until they ring back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section, Window, by_text, parse_window
from desktop.core.card_text import card_lines
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
FRIDAY = datetime(2026, 3, 13, 9, 0, tzinfo=ZoneInfo("Europe/London"))
CHIDI = "+14155550111"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def chidi(store: Store) -> int:
    return store.add_contact(NewContact("Chidi Okafor", numbers=(StoredNumber(CHIDI, CHIDI),)))


def promised(store: Store) -> int:
    """Chidi called, the wrap-up said "Call them back by Fri by 12", and he was deleted."""
    contact = chidi(store)
    attempt = Attempt(Direction.IN, NOW - H, Outcome.TALKED, number_e164=CHIDI)
    call = store.record_call(contact, attempt, "test", "test:chidi-in")
    assert call is not None
    by = parse_window("Fri by 12", NOW, deadline=True, cycle="24h")
    assert by is not None
    assert store.save_wrap_up(call, Outcome.TALKED, "Promised quote for 3 trucks", "",
                              (by.start, by.end))  # fmt: skip
    contact_edits.delete_contact(store, contact)
    return call


def test_the_numbers_card_says_a_gone_contacts_promise(store: Store) -> None:
    promise = promised(store)
    lookup = CallerLookup(store, NumberPolicy("US", ()), {})

    card = lookup.card_for(CHIDI, now=FRIDAY)

    attempt = store.attempt_by_id(promise)
    assert attempt is not None and attempt[1].callback_until is not None
    window_start, window_end = attempt[1].callback_from, attempt[1].callback_until
    assert window_start is not None
    said = by_text(Window(window_start, window_end), FRIDAY.astimezone())
    assert card.contacts == ()
    assert card.promise == f"You said you'd call them back {said}"
    assert card.promise in card_lines(card)
    # The card built again during that call (its ring recorded) says it still.
    ring = store.record_call(None, Attempt(Direction.IN, FRIDAY, Outcome.UNKNOWN,
                                           number_e164=CHIDI), "test", "test:ring")  # fmt: skip
    assert ring is not None
    again = lookup.card_for(CHIDI, now=FRIDAY + timedelta(minutes=1), ringing_at=FRIDAY)
    assert again.promise == card.promise


def test_the_calls_wrap_up_offers_the_gone_contacts_promise(store: Store) -> None:
    promised(store)
    answered = store.record_call(None, Attempt(Direction.IN, FRIDAY, Outcome.TALKED,
                                               number_e164=CHIDI), "test", "test:fri")  # fmt: skip
    assert answered is not None

    open_promise = store.open_promise(answered)

    assert open_promise is not None
    assert open_promise.attempt.message == "Promised quote for 3 trucks"
    assert not open_promise.done
    # Done in this call's wrap-up settles it in Callbacks too.
    assert store.save_wrap_up(answered, Outcome.TALKED, "sent it", "", promise_done=True)
    assert [e.item for e in load_callbacks(store, FRIDAY + H, BusinessHours(), "24h")
            if e.item.section is Section.WAITING_FOR_US] == []  # fmt: skip
    # Another number nobody has finds nothing of Chidi's.
    other = store.record_call(None, Attempt(Direction.IN, FRIDAY, Outcome.TALKED,
                                            number_e164="+14155550199"), "test", "t:o")  # fmt: skip
    assert other is not None and store.open_promise(other) is None


def test_a_voicemail_left_for_a_gone_contact_waits_under_the_number(store: Store) -> None:
    contact = chidi(store)
    left = Attempt(Direction.OUT, NOW - 3 * H, Outcome.VOICEMAIL, number_e164=CHIDI)
    assert store.record_call(contact, left, "test", "test:vm") is not None
    contact_edits.delete_contact(store, contact)

    waiting = [(e.item.section, e.item.contact, e.item.number, e.item.detail)
               for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip

    assert waiting == [(Section.WAITING_FOR_THEM, None, CHIDI, "Voicemail left 3 h ago")]
    # They ring back: nothing left to wait for.
    store.record_call(None, Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164=CHIDI),
                      "test", "test:back")  # fmt: skip
    assert load_callbacks(store, NOW + H, BusinessHours(), "24h") == []
