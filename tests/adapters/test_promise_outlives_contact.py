"""A "call them back by" the rep promised outlives its contact: deleted, or gone with an
undone import, the contact's calls stay under their numbers, and so does the promise, in
Callbacks and its due count, until a call back to that number keeps it. Delete contact's Undo
gives it back to the contact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.callbacks import count_due, load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section, parse_window, stays_text
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
FRIDAY = datetime(2026, 3, 13, 9, 0, tzinfo=ZoneInfo("Europe/London"))
CHIDI = "+14155550111"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def promised(store: Store) -> int:
    """Chidi called, and the wrap-up said "Call them back by Fri by 12"."""
    chidi = store.add_contact(NewContact("Chidi Okafor", numbers=(StoredNumber(CHIDI, CHIDI),)))
    attempt = Attempt(Direction.IN, NOW - H, Outcome.TALKED, number_e164=CHIDI)
    call = store.record_call(chidi, attempt, "test", "test:chidi-in")
    assert call is not None
    by = parse_window("Fri by 12", NOW, deadline=True, cycle="24h")
    assert by is not None
    assert store.save_wrap_up(call, Outcome.TALKED, "Promised quote for 3 trucks", "",
                              (by.start, by.end))  # fmt: skip
    return chidi


def listed(store: Store, now: datetime) -> list[tuple[str | None, str | None, str, str, bool]]:
    return [(e.item.contact.name if e.item.contact is not None else None, e.item.number,
             e.item.detail, e.item.attempt.message, e.item.due)
            for e in load_callbacks(store, now, BusinessHours(), "24h")
            if e.item.section is Section.WAITING_FOR_US]  # fmt: skip


def test_a_deleted_contacts_promise_stays_under_its_number_until_undo(store: Store) -> None:
    chidi = promised(store)
    promise = store.open_window_of(chidi, NOW)
    assert promise is not None
    assert stays_text(promise, "+1 415-555-0111", NOW) == (
        "Your promise to call them back by 12:00 Fri 13 Mar stays in Callbacks, "
        "under +1 415-555-0111.")

    undo_id, _said = contact_edits.delete_contact(store, chidi)

    assert listed(store, NOW) == [
        (None, CHIDI, "Call them back by 12:00 Fri 13 Mar", "Promised quote for 3 trucks", False)]
    assert count_due(store, NOW) == 0
    assert count_due(store, FRIDAY) == 1, "due on Friday, as it was on the contact"
    # A call back that rang out keeps it open, and is said beside it
    store.add_attempt(None, Attempt(Direction.OUT, FRIDAY, Outcome.NO_ANSWER, number_e164=CHIDI))
    assert [d for _c, _n, d, _m, _due in listed(store, FRIDAY + H)] == [
        "Call them back by 12:00 today · Tried 09:00, no answer"]

    contact_id, _said = contact_edits.undo_delete(store, undo_id)
    assert contact_id == chidi
    assert [(c, n, m, due) for c, n, _d, m, due in listed(store, FRIDAY + H)] == [
        ("Chidi Okafor", CHIDI, "Promised quote for 3 trucks", True)]
    assert count_due(store, FRIDAY + H) == 1


def test_a_call_back_to_the_number_keeps_a_gone_contacts_promise(store: Store) -> None:
    chidi = promised(store)
    contact_edits.delete_contact(store, chidi)
    store.add_attempt(None, Attempt(Direction.OUT, FRIDAY, Outcome.TALKED, number_e164=CHIDI))

    assert listed(store, FRIDAY + H) == []
    assert count_due(store, FRIDAY + H) == 0


def test_the_delete_question_says_where_the_promise_goes() -> None:
    window = parse_window("tomorrow 9-12", NOW, cycle="24h")
    assert window is not None
    ours = Attempt(Direction.OUT, NOW, Outcome.VOICEMAIL, number_e164=CHIDI,
                   callback_from=window.start, callback_until=window.end)  # fmt: skip
    assert stays_text(ours, "+1 415-555-0111", NOW) == (
        "The window you gave them (9–12 tomorrow) stays in Callbacks, under +1 415-555-0111.")
    assert stays_text(ours, "", NOW) == "The window you gave them (9–12 tomorrow) goes with them."
