"""Undoing an import that takes back a merge sends the calls on the number it takes away with
that number, as undo-merge does: to nobody (Callbacks, the card and lookup agree), or to
whoever else has it; the rep's Snooze on such a call goes with it.

h-rep6 #4: two Kestrel contacts merged (Outlook's, with 0998/0999, and Google's, with 0321),
0321 rang and was missed, then the Google import was undone: lookup and the card said
'Unknown number' while Callbacks and calls --json still filed the call under Kestrel (id 3).
Real CSV files imported, a real SQLite store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters import duplicates
from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.put_off import key_of

NOW = datetime.now(ZoneInfo("Europe/London")).replace(microsecond=0)
OPTIONS = ImportOptions(NumberPolicy("GB"))
DESK, MAIN, OTHER = "+442079460321", "+442079460999", "+442079460998"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def imported(store: Store, path: Path, rows: list[str]) -> int:
    path.write_text("\n".join(["Company,Phone", *rows, ""]), encoding="utf-8")
    report = import_file(store, path, OPTIONS)
    assert report.batch_id is not None
    return report.batch_id


def holder(store: Store, number: str) -> int | None:
    found = store.contacts_for_number(number)
    return found[0][0].id if found else None


def calls_on(store: Store, number: str) -> list[int | None]:
    return [row[0] for row in store.connection.execute(
        "SELECT contact_id FROM attempts WHERE number_e164 = ? ORDER BY id", (number,)
    )]  # fmt: skip


def test_undoing_an_import_sends_a_call_since_the_merge_with_its_number(
    store: Store, tmp_path: Path
) -> None:
    imported(store, tmp_path / "outlook.csv",
             ["Kestrel Logistics Ltd,+44 20 7946 0999", "Kestrel Logistics Ltd,+44 20 7946 0998"])
    google = imported(store, tmp_path / "google.csv", ["Kestrel Logistics Ltd,+44 20 7946 0321"])
    kept, other = holder(store, MAIN), holder(store, DESK)
    assert kept is not None and other is not None and kept != other
    duplicates.merge(store, kept, other)
    assert holder(store, DESK) == kept
    # Since the merge: 0321 rang and was missed (the rep snoozed it); the main line too.
    for number, at in ((MAIN, NOW - 2 * H), (DESK, NOW - H)):
        assert store.record_call(kept, Attempt(Direction.IN, at, Outcome.MISSED,
                                               number_e164=number),
                                 "test", f"test:{number}") is not None  # fmt: skip
    [desk_entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
                    if e.item.number == DESK]  # fmt: skip
    store.put_off(key_of(desk_entry.item), NOW + 24 * H, NOW)

    store.undo_import(google)

    assert holder(store, DESK) is None, "0321 went with the Google import"
    assert calls_on(store, DESK) == [None], "its call goes with it: nobody has the number"
    assert calls_on(store, MAIN) == [kept], "the main line's call stays Kestrel's"
    listed = {(e.item.section, e.item.contact.id if e.item.contact else None, e.item.number)
              for e in load_callbacks(store, NOW, BusinessHours(), "24h")}  # fmt: skip
    assert (Section.PUT_OFF, None, DESK) in listed, f"still snoozed, under its number: {listed}"
    assert (Section.WAITING_FOR_US, kept, MAIN) in listed, listed


def test_a_call_on_a_number_someone_else_has_goes_to_them(
    store: Store, tmp_path: Path
) -> None:
    imported(store, tmp_path / "outlook.csv", ["Kestrel Logistics Ltd,+44 20 7946 0999"])
    google = imported(store, tmp_path / "google.csv", ["Kestrel Logistics Ltd,+44 20 7946 0321"])
    kept, other = holder(store, MAIN), holder(store, DESK)
    assert kept is not None and other is not None
    duplicates.merge(store, kept, other)
    # The rep's own contact for the front desk has 0321 too (typed in by hand).
    store.add_contact(NewContact("Tessa Lind", company="Kestrel Logistics Ltd",
                                 numbers=(StoredNumber(DESK, DESK),)))  # fmt: skip
    assert store.record_call(kept, Attempt(Direction.IN, NOW - H, Outcome.MISSED,
                                           number_e164=DESK), "test", "test:desk") is not None
    [entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
               if e.item.number == DESK]  # fmt: skip
    store.put_off(key_of(entry.item), NOW + 24 * H, NOW)

    store.undo_import(google)

    reception = holder(store, DESK)
    assert reception is not None and reception != kept, "Tessa keeps 0321"
    assert calls_on(store, DESK) == [reception], "the call goes to who has 0321 now"
    listed = [(e.item.section, e.item.contact.id if e.item.contact else None, e.item.number)
              for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip
    assert listed == [(Section.PUT_OFF, reception, DESK)], "snoozed, under Tessa"


@pytest.mark.parametrize("someone_else", [False, True], ids=["nobody", "reception"])
def test_a_snoozed_missed_call_of_a_contact_the_undo_deletes_stays_snoozed(
    store: Store, tmp_path: Path, someone_else: bool
) -> None:
    """Undoing the import deletes the contact the call was filed under: the call stays under
    its number (or goes to whoever else has it), and the rep's Snooze stays with it. Keyed by
    the contact gone, the snoozed missed call was back in 'waiting for us' at once."""
    google = imported(store, tmp_path / "google.csv", ["Kestrel Logistics Ltd,+44 20 7946 0321"])
    kestrel = holder(store, DESK)
    assert kestrel is not None
    if someone_else:
        store.add_contact(NewContact("Tessa Lind", company="Kestrel Logistics Ltd",
                                     numbers=(StoredNumber(DESK, DESK),)))  # fmt: skip
    assert store.record_call(kestrel, Attempt(Direction.IN, NOW - H, Outcome.MISSED,
                                              number_e164=DESK), "test", "test:desk") is not None
    [entry] = [e for e in load_callbacks(store, NOW, BusinessHours(), "24h")
               if e.item.number == DESK and e.item.contact and e.item.contact.id == kestrel]
    store.put_off(key_of(entry.item), NOW + 24 * H, NOW)

    store.undo_import(google)

    heir = holder(store, DESK)
    assert (heir is not None) == someone_else and heir != kestrel
    listed = [(e.item.section, e.item.contact.id if e.item.contact else None, e.item.number)
              for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip
    assert listed == [(Section.PUT_OFF, heir, DESK)], listed


def test_a_snoozed_call_stays_snoozed_when_the_undone_file_is_imported_again(
    store: Store, tmp_path: Path
) -> None:
    """h-rep8: Tomás's missed call snoozed, his import undone (the call stays put off, under
    its number), the same file imported again: the call is his again, and was back in
    'waiting for us' at once, its Snooze left under the number."""
    rows = ["Kestrel Logistics Ltd,+44 20 7946 0321"]
    first = imported(store, tmp_path / "google.csv", rows)
    kestrel = holder(store, DESK)
    assert store.record_call(kestrel, Attempt(Direction.IN, NOW - H, Outcome.MISSED,
                                              number_e164=DESK), "test", "test:desk") is not None
    [entry] = load_callbacks(store, NOW, BusinessHours(), "24h")
    store.put_off(key_of(entry.item), NOW + 24 * H, NOW)
    store.undo_import(first)

    imported(store, tmp_path / "google.csv", rows)

    again = holder(store, DESK)
    assert again is not None
    listed = [(e.item.section, e.item.contact.id if e.item.contact else None, e.item.number)
              for e in load_callbacks(store, NOW, BusinessHours(), "24h")]  # fmt: skip
    assert listed == [(Section.PUT_OFF, again, DESK)], listed
