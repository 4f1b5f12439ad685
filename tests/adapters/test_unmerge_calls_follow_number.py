"""Taking a merge back sends the calls made since to a number the merged contact brought back
with that number: its card has the reason and the history, and Callbacks lists its promise
(and the rep's Snooze on it) under the contact that has the number again. Calls on the kept
contact's own numbers stay with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters import duplicates
from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section, parse_window
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.put_off import key_of

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
DESK, MAIN = "+442079460321", "+442079460999"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def call(store: Store, contact_id: int, number: str, direction: Direction, at: datetime,
         outcome: Outcome, reason: str = "") -> int:  # fmt: skip
    attempt = Attempt(direction, at, outcome, "", reason, number_e164=number)
    attempt_id = store.record_call(contact_id, attempt, "test", f"test:{number}@{at}")
    assert attempt_id is not None
    return attempt_id


def test_undo_merge_sends_calls_promises_and_snoozes_with_their_number(store: Store) -> None:
    kept = store.add_contact(NewContact("Kestrel Logistics", company="Kestrel Logistics",
                                        numbers=(StoredNumber(DESK, DESK),)))  # fmt: skip
    other = store.add_contact(NewContact("", company="Kestrel Logistics Ltd",
                                         numbers=(StoredNumber(MAIN, MAIN),)))  # fmt: skip
    duplicates.merge(store, kept, other)
    # Since the merge: a voicemail on the desk line, which was the kept contact's own; then
    # their main line called and the rep promised a quote by Friday.
    call(store, kept, DESK, Direction.OUT, NOW - 3 * H, Outcome.VOICEMAIL, "intro")
    promise = call(store, kept, MAIN, Direction.IN, NOW - 2 * H, Outcome.TALKED, "renewal")
    by = parse_window("Fri by 12", NOW, deadline=True, cycle="24h")
    assert by is not None
    assert store.save_wrap_up(promise, Outcome.TALKED, "Quote for the renewal", "renewal",
                              (by.start, by.end))  # fmt: skip
    [entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
               if e.item.section is Section.WAITING_FOR_US]
    store.put_off(key_of(entry.item), NOW + 24 * H, NOW)

    back, _said = duplicates.undo_merge(store)

    listed = [(e.item.section, e.item.contact.id if e.item.contact else None, e.item.number)
              for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip
    assert listed == [(Section.WAITING_FOR_THEM, kept, DESK), (Section.PUT_OFF, back, MAIN)]
    theirs = store.contact(back, attempts_limit=None)
    assert theirs is not None
    assert [(a.number_e164, a.reason, a.message) for a in theirs.attempts] == [
        (MAIN, "renewal", "Quote for the renewal")]
    assert theirs.last_contacted == NOW - 2 * H
    ours = store.contact(kept, attempts_limit=None)
    assert ours is not None
    assert [(a.number_e164, a.outcome) for a in ours.attempts] == [(DESK, Outcome.VOICEMAIL)]
