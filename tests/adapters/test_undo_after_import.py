"""Undoing an import and undoing a merge or deletion, in every order, on a real database:
nothing comes back from an import that was undone, and undoing an import takes out only what
it brought (QA: `undo-merge` after `import --undo` brought back a "Schäfer" with no numbers)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters import contact_edits, duplicates
from desktop.adapters.contact_undo import UndoRefused
from desktop.adapters.store import NewContact, Store, StoreError
from desktop.core.import_merge import merge_fields
from desktop.core.models import CONTACT_FIELDS, Attempt, Direction, Outcome, StoredNumber
from tests.adapters.test_contact_fixes import everything, found, index_is_right

BERLIN = StoredNumber("+49 30 1234567", "+49301234567")
MUNICH = StoredNumber("+49 89 7654321", "+49897654321")
ENDED = re.escape("ended when the import of crm.csv was undone")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    yield s
    s.close()


def jurgen(store: Store) -> int:
    """The rep's own contact, typed in long before any import."""
    return store.add_contact(NewContact("Jürgen Schäfer", company="Kaffee GmbH", numbers=(BERLIN,)))


def crm(store: Store, *names: str) -> tuple[int, list[int]]:
    """crm.csv imported: a contact per name, the first with an e-mail, a title, a number and
    a logged call."""
    batch = store.create_batch("Import of crm.csv", "/home/rep/crm.csv")
    ids = []
    for i, name in enumerate(names):
        ids.append(store.add_contact(NewContact(
            name, company="Kaffee GmbH", email="js@kaffee.de" if i == 0 else "",
            title="Einkauf" if i == 0 else "", numbers=(MUNICH,) if i == 0 else (),
            attempts=(Attempt(Direction.OUT, datetime(2026, 12, 1, 9, tzinfo=UTC),
                              Outcome.VOICEMAIL, number_e164="+49897654321"),) if i == 0 else (),
        ), batch_id=batch))  # fmt: skip
    return batch, ids


def test_undoing_the_import_takes_its_merged_contact_back_out_and_undo_merge_brings_no_ghost(
    store: Store,
) -> None:
    j = jurgen(store)
    before_import = everything(store)
    batch, [s] = crm(store, "Schäfer")
    done = duplicates.merge(store, j, s)
    merged = store.contact(j)
    assert merged is not None and (merged.email, merged.title) == ("js@kaffee.de", "Einkauf")

    result = store.undo_import(batch)
    assert result.merges_undone == 1
    assert result.summary().endswith("and took back 1 merge of its contacts into others.")
    assert everything(store) == before_import, "Jürgen as he was before crm.csv"
    assert found(store, "+49897654321") == []
    with pytest.raises(UndoRefused, match=ENDED):
        duplicates.undo_merge(store, done.undo_id)
    with pytest.raises(UndoRefused, match="There is no merge to take back"):
        duplicates.undo_merge(store)
    assert everything(store) == before_import
    index_is_right(store)


def test_an_edit_made_after_the_merge_stays_when_the_import_is_undone(store: Store) -> None:
    j = jurgen(store)
    batch, [s] = crm(store, "Schäfer")
    duplicates.merge(store, j, s)
    store.update_contact_field(j, "email", "juergen@kaffee.de")  # Fix contact
    store.undo_import(batch)
    contact = store.contact(j)
    assert contact is not None
    assert (contact.email, contact.title) == ("juergen@kaffee.de", ""), (
        "the rep's own e-mail stays; the title the merge brought from crm.csv goes"
    )


def test_a_merge_that_kept_the_imports_contact_must_be_taken_back_first(store: Store) -> None:
    j = jurgen(store)
    before_import = everything(store)
    batch, [s] = crm(store, "Schäfer")
    done = duplicates.merge(store, s, j)  # the rep kept crm.csv's contact
    before_undo = everything(store)
    with pytest.raises(StoreError) as refused:
        store.undo_import(batch)
    assert str(refused.value).startswith(
        "Undoing crm.csv would delete Jürgen Schäfer too, merged since into a contact it "
        "brought: Jürgen Schäfer (")
    assert str(refused.value).endswith(
        f"Take that merge back first (callercard undo-merge {done.undo_id}), then undo the "
        "import.")  # fmt: skip
    assert everything(store) == before_undo, "nothing changed: Jürgen's number and calls stay"
    assert found(store, "+49301234567") == ["Jürgen Schäfer"]

    duplicates.undo_merge(store, done.undo_id)
    assert store.undo_import(batch).contacts_removed == 1
    assert everything(store) == before_import
    index_is_right(store)


def test_a_merge_within_the_import_ends_with_it_and_blocks_no_older_merge(store: Store) -> None:
    j = jurgen(store)
    twin = store.add_contact(NewContact("Jürgen Schäfer", company="Kaffee GmbH"))
    older = duplicates.merge(store, j, twin)
    batch, [s1, s2] = crm(store, "Schäfer", "J. Schäfer")
    newer = duplicates.merge(store, s2, s1)
    store.undo_import(batch)
    assert store.contact(s1) is None and store.contact(s2) is None
    with pytest.raises(UndoRefused, match=ENDED):
        duplicates.undo_merge(store, newer.undo_id)
    # The newest merge still standing is the rep's own, and it comes apart as before.
    separated = duplicates.undo_merge(store)
    assert separated == (twin, "Separated the two Jürgen Schäfer contacts again.")
    with pytest.raises(UndoRefused, match="taken back already"):
        duplicates.undo_merge(store, older.undo_id)


def test_a_contact_deleted_before_its_import_was_undone_does_not_come_back(store: Store) -> None:
    batch, [s] = crm(store, "Schäfer")
    undo_id, _said = contact_edits.delete_contact(store, s)
    store.undo_import(batch)
    with pytest.raises(UndoRefused, match=ENDED):
        contact_edits.undo_delete(store, undo_id)
    assert store.contact(s) is None
    assert found(store, "+49897654321") == []


def test_a_deleted_contact_comes_back_without_what_an_undone_import_added(store: Store) -> None:
    j = jurgen(store)
    before_import = everything(store)
    batch = store.create_batch("Import of crm.csv", "/home/rep/crm.csv")
    with store.transaction():  # crm.csv's row for Jürgen: an e-mail and a second number
        contact = store.contact(j)
        assert contact is not None
        row = NewContact("Jürgen Schäfer", email="js@kaffee.de")
        merge = merge_fields([getattr(contact, f) for f in CONTACT_FIELDS],
                             [getattr(row, f) for f in CONTACT_FIELDS])  # fmt: skip
        store.merge_imported(j, merge, batch)
        store.add_numbers(j, (MUNICH,), batch)
    undo_id, _said = contact_edits.delete_contact(store, j)
    store.undo_import(batch)
    assert contact_edits.undo_delete(store, undo_id) == (j, "Brought back Jürgen Schäfer.")
    after = everything(store)
    assert after["phone_numbers"] == before_import["phone_numbers"]
    contact = store.contact(j)
    assert contact is not None and contact.email == ""
    assert found(store, "+49897654321") == []


def test_a_merge_recorded_before_its_import_was_undone_the_old_way_brings_no_ghost(
    store: Store,
) -> None:
    """A data folder from before this fix: the import was undone and the merge left standing."""
    j = jurgen(store)
    batch, [s] = crm(store, "Schäfer")
    duplicates.merge(store, j, s)
    store.undo_batch(batch)  # the old way: the merge is not ended
    why = "Schäfer came from crm.csv, whose import was undone since: it is not brought back"
    with pytest.raises(UndoRefused, match=re.escape(why)):
        duplicates.undo_merge(store)
    assert [c.name for c in store.search_simple("Schäfer")] == ["Jürgen Schäfer"]
    contact = store.contact(j)
    assert contact is not None and (contact.email, contact.title) == ("", "")
    with pytest.raises(UndoRefused, match="There is no merge to take back"):
        duplicates.undo_merge(store)


def test_calls_the_rep_logged_with_an_imported_contact_stay_when_the_import_goes(
    store: Store,
) -> None:
    batch, [s] = crm(store, "Schäfer")
    logged = Attempt(Direction.OUT, datetime(2026, 12, 4, 10, tzinfo=UTC), Outcome.TALKED,
                     "Wants a quote", number_e164="+49897654321")  # fmt: skip
    store.add_attempt(s, logged)
    store.undo_import(batch)
    calls = store.calls(limit=10)
    assert [(c.contact, c.attempt.message) for c in calls] == [(None, "Wants a quote")], (
        "the rep's call stays in Recent calls; the call crm.csv brought goes with it"
    )


def test_a_number_typed_on_a_contact_the_import_added_goes_with_it_and_the_undo_says_so(
    store: Store,
) -> None:
    batch, [s] = crm(store, "Schäfer")
    [row] = contact_edits.numbers_of(store, s)
    contact_edits.change_number(store, s, row.id, "+49 89 1111111", "mobile", "DE")
    check = store.undo_import_check(batch)
    assert (check.contacts, check.changed) == (1, 1), "the undo warns first: a change goes"
    store.undo_import(batch)
    assert found(store, "+49891111111") == [], (
        "the contact crm.csv added goes whole, the number typed on it too: nothing is left "
        "on a number with nobody behind it"
    )
    assert store.connection.execute("SELECT COUNT(*) FROM phone_numbers").fetchone() == (0,)


def test_a_number_typed_over_one_the_import_added_to_the_reps_own_contact_stays(
    store: Store,
) -> None:
    j = jurgen(store)
    batch = store.create_batch("Import of crm.csv", "/home/rep/crm.csv")
    store.connection.execute(
        "INSERT INTO phone_numbers(contact_id, raw, e164, extension, label, import_batch_id) "
        "VALUES (?, ?, ?, '', 'work', ?)", (j, MUNICH.raw, MUNICH.e164, batch))
    munich = next(r for r in contact_edits.numbers_of(store, j) if r.number.e164 == MUNICH.e164)
    contact_edits.change_number(store, j, munich.id, "+49 89 1111111", "mobile", "DE")
    store.undo_import(batch)
    assert found(store, "+49891111111") == ["Jürgen Schäfer"], (
        "a number the rep typed is theirs: undoing the batch that brought the old one leaves it"
    )
