"""Merging two contacts keeps the rep's Snooze on the merged-in contact's Callbacks entry: it
was left under the old contact's key, matched nothing, and the entry came back due at once.
Undo merge gives the Snooze back with the entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters import duplicates
from desktop.adapters.callbacks import count_due, load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.put_off import key_of

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
DESK, MOBILE = "+442079460321", "+447700900123"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def missed(store: Store, contact_id: int, number: str, at: datetime) -> None:
    attempt = Attempt(Direction.IN, at, Outcome.MISSED, "", number_e164=number)
    assert store.record_call(contact_id, attempt, "test", f"test:{number}@{at}") is not None


def listed(store: Store) -> list[tuple[Section, int | None, str]]:
    return [(e.item.section, e.item.contact.id if e.item.contact else None,
             e.item.detail.partition(" · ")[0])
            for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip


def snooze(store: Store, contact_id: int, until: datetime) -> None:
    [entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
               if e.item.contact is not None and e.item.contact.id == contact_id]  # fmt: skip
    store.put_off(key_of(entry.item), until, NOW)


def two(store: Store) -> tuple[int, int]:
    kept = store.add_contact(NewContact("Astrid Lindqvist", numbers=(StoredNumber(DESK, DESK),)))
    other = store.add_contact(NewContact("Lindqvist", numbers=(StoredNumber(MOBILE, MOBILE),)))
    return kept, other


def test_a_merged_in_contacts_snooze_stays_and_goes_back_on_undo(store: Store) -> None:
    kept, other = two(store)
    missed(store, other, MOBILE, NOW - 2 * H)
    snooze(store, other, NOW + 24 * H)
    assert count_due(store, NOW) == 0

    duplicates.merge(store, kept, other)

    assert listed(store) == [(Section.PUT_OFF, kept, "Until 10:30 tomorrow")]
    assert count_due(store, NOW) == 0

    back, _said = duplicates.undo_merge(store)

    assert listed(store) == [(Section.PUT_OFF, back, "Until 10:30 tomorrow")]
    assert count_due(store, NOW) == 0


def test_the_later_of_two_snoozes_holds_the_merged_entry_and_each_has_its_own_back(
    store: Store,
) -> None:
    kept, other = two(store)
    missed(store, kept, DESK, NOW - 3 * H)
    missed(store, other, MOBILE, NOW - 2 * H)
    snooze(store, kept, NOW + 48 * H)  # the kept contact's, the later
    snooze(store, other, NOW + 4 * H)

    duplicates.merge(store, kept, other)

    assert listed(store) == [(Section.PUT_OFF, kept, "Until 10:30 Thu 12 Mar")]
    assert count_due(store, NOW) == 0

    back, _said = duplicates.undo_merge(store)

    assert listed(store) == [  # the soonest first
        (Section.PUT_OFF, back, "Until 14:30 today"),
        (Section.PUT_OFF, kept, "Until 10:30 Thu 12 Mar"),
    ]
    assert count_due(store, NOW) == 0
