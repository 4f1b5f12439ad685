"""Fixing contacts by hand on a real database: numbers, deleting, merging duplicates, undo."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters import contact_edits, duplicates
from desktop.adapters.contact_undo import UndoRefused
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import NewContact, Store, StoreError
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.number_edit import NumberRefused
from desktop.core.numbers import NumberPolicy

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    yield s
    s.close()


def everything(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row a contact is made of, read through a second connection."""
    conn = sqlite3.connect(store.path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in ("contacts", "phone_numbers", "attempts", "import_changes")
        }
    finally:
        conn.close()


def index_is_right(store: Store) -> None:
    for table in ("contact_search", "number_search"):
        store.connection.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")


def found(store: Store, e164: str) -> list[str]:
    return [c.name for c, _n in store.contacts_for_number(e164)]


def two_priyas(store: Store) -> tuple[int, int]:
    """Two "Priya Raman" rows, as a spreadsheet and a vCard left them, with calls on both."""
    sheet = store.create_batch("Import of prospects.csv", "/tmp/prospects.csv")
    a = store.add_contact(NewContact(
        "Priya Raman", company="Fenwick Robotics", notes="Wants the Q4 pricing.",
        numbers=(StoredNumber("+1 415 555 0158", "+14155550158", label="work"),),
        attempts=(Attempt(Direction.OUT, NOW - timedelta(days=3), Outcome.VOICEMAIL,
                          "Left a message", "pricing", "+14155550158"),),
    ), batch_id=sheet)  # fmt: skip
    cards = store.create_batch("Import of priya.vcf", "/tmp/priya.vcf")
    b = store.add_contact(NewContact(
        "Priya Raman", title="EMEA Sales", company="Fenwick Robotics",
        email="priya.raman@example.com", notes="Owns the EMEA robotics budget.",
        numbers=(StoredNumber("tel:+1-415-555-0158", "+14155550158", label="cell"),
                 StoredNumber("+44-20-7946-0158", "+442079460158", "204", "work")),
        attempts=(Attempt(Direction.IN, NOW - timedelta(days=1), Outcome.MISSED,
                          number_e164="+442079460158"),),
    ), batch_id=cards)  # fmt: skip
    store.connection.execute(
        "INSERT INTO import_changes(batch_id, contact_id, field, new_value) "
        "VALUES (?, ?, 'title', 'EMEA Sales')", (cards, b))  # fmt: skip
    return a, b


def test_a_wrong_number_is_fixed_and_calls_follow_the_new_one(store: Store) -> None:
    work = StoredNumber("(415) 555-0142", "+14155550142", label="work")
    contact_id = store.add_contact(NewContact("Mike Kowalski", numbers=(work,)))
    number_id = contact_edits.numbers_of(store, contact_id)[0].id
    said = contact_edits.change_number(store, contact_id, number_id, "415 555 0199", "mobile", "US")
    assert said == "Changed +1 415-555-0142 to +1 415-555-0199."
    assert found(store, "+14155550199") == ["Mike Kowalski"]
    assert found(store, "+14155550142") == []
    assert [c.name for c in store.search_simple("5550199")] == ["Mike Kowalski"]
    assert store.search_simple("5550142") == []
    said = contact_edits.change_number(store, contact_id, number_id, "415 555 0199", "direct", "US")
    assert said == "+1 415-555-0199 is now labelled direct."
    index_is_right(store)


def test_added_and_removed_numbers_match_calls_at_once(store: Store) -> None:
    london = StoredNumber("+44 20 7946 0873", "+442079460873")
    contact_id = store.add_contact(NewContact("Astrid Lindqvist", numbers=(london,)))
    # An unknown caller rang from her new number before anyone knew it was hers.
    store.add_attempt(None, Attempt(Direction.IN, NOW, Outcome.MISSED, number_e164="+442079460958"))
    # Typed the way a London number is written: read as a GB number, from a US desk too.
    said = contact_edits.add_number(store, contact_id, "020 7946 0958", "direct", "US")
    assert said == "Added +44 20 7946 0958."
    assert found(store, "+442079460958") == ["Astrid Lindqvist"]
    contact = store.contact(contact_id)
    assert contact is not None and len(contact.attempts) == 1, "the unknown call is hers now"
    with pytest.raises(NumberRefused, match="not a number in use"):
        contact_edits.add_number(store, contact_id, "+44 7700 900123", "", "US")
    first = contact_edits.numbers_of(store, contact_id)[0].id
    assert contact_edits.remove_number(store, contact_id, first) == "Removed +44 20 7946 0873."
    assert found(store, "+442079460873") == []
    assert store.search_simple("79460873") == []
    index_is_right(store)


def test_a_deleted_contact_comes_back_exactly(store: Store) -> None:
    a, b = two_priyas(store)
    before = everything(store)
    undo_id, said = contact_edits.delete_contact(store, a)
    assert said == "Deleted Priya Raman."
    assert store.contact(a) is None
    calls = store.calls(limit=10)
    assert [c.contact.id if c.contact else None for c in calls
            if c.attempt.message == "Left a message"] == [b], (
        "the call stays in the history, of the other Priya, who has its number too"
    )  # fmt: skip
    contact_id, said = contact_edits.undo_delete(store, undo_id)
    assert (contact_id, said) == (a, "Brought back Priya Raman.")
    assert everything(store) == before
    index_is_right(store)
    with pytest.raises(UndoRefused, match="taken back already"):
        contact_edits.undo_delete(store, undo_id)


def test_merging_two_priyas_and_taking_it_back_restores_both_exactly(store: Store) -> None:
    a, b = two_priyas(store)
    pairs = duplicates.find(store)
    assert [(p.ids, p.reasons) for p in pairs] == [
        ((a, b), ("same number", "same name at the same company"))
    ]
    before = everything(store)
    plan = duplicates.preview(store, a, b, kept=a)
    assert [n.e164 for n in plan.numbers_moved] == ["+442079460158"]
    done = duplicates.merge(store, a, b)
    assert done.summary == "Merged the two Priya Raman contacts."
    merged = store.contact(a, attempts_limit=None)
    assert merged is not None and store.contact(b) is None
    assert merged.title == "EMEA Sales" and merged.email == "priya.raman@example.com"
    assert merged.notes == "Wants the Q4 pricing.\n\nOwns the EMEA robotics budget."
    assert [n.e164 for n in merged.numbers] == ["+14155550158", "+442079460158"]
    assert len(merged.attempts) == 2, "both call histories"
    assert found(store, "+442079460158") == ["Priya Raman"]
    assert duplicates.find(store) == []
    index_is_right(store)

    other_id, said = duplicates.undo_merge(store)
    assert other_id == b
    assert said == "Separated the two Priya Raman contacts again."
    assert everything(store) == before
    index_is_right(store)
    assert [p.ids for p in duplicates.find(store)] == [(a, b)]


def test_merging_keeps_the_others_second_email_in_the_notes_until_undone(store: Store) -> None:
    a, b = two_priyas(store)
    store.connection.execute(
        "UPDATE contacts SET email = 'priya@fenwick.example' WHERE id = ?", (a,))
    before = everything(store)
    plan = duplicates.preview(store, a, b, kept=b)
    assert [(c.field, c.other) for c in plan.fields if c.to_notes] == [
        ("email", "priya@fenwick.example")]
    duplicates.merge(store, b, a)
    merged = store.contact(b)
    assert merged is not None and merged.email == "priya.raman@example.com"
    assert merged.notes == ("Owns the EMEA robotics budget.\n\nWants the Q4 pricing.\n\n"
                            "Other e-mail: priya@fenwick.example")  # fmt: skip
    duplicates.undo_merge(store)
    assert everything(store) == before
    index_is_right(store)


def test_undoing_the_import_after_a_merge_still_empties_its_fields(store: Store) -> None:
    a, b = two_priyas(store)
    duplicates.merge(store, a, b)
    result = store.undo_import(2)  # the vCard's batch: it filled in the title
    assert result.fields_restored == 1
    contact = store.contact(a)
    assert contact is not None and contact.title == ""


def test_a_dismissed_pair_stays_dismissed(store: Store) -> None:
    a, b = two_priyas(store)
    duplicates.dismiss(store, a, b)
    assert duplicates.find(store) == []


def test_lindqvist_from_two_real_exports_is_suggested_and_merged(
    store: Store, samples: Path
) -> None:
    options = ImportOptions(NumberPolicy("US"))
    for name in ("salesforce_leads_report.csv", "apple_ios_contacts_v30.vcf"):
        import_file(store, samples / "contacts" / name, options)
    [pair] = [p for p in duplicates.find(store) if "Lindqvist" in p.first.name + p.second.name]
    assert {pair.first.name, pair.second.name} == {"Lindqvist", "Astrid Lindqvist"}
    plan = duplicates.preview(store, *pair.ids)
    assert plan.value("name") == "Astrid Lindqvist"
    done = duplicates.merge(store, plan.kept.id, plan.other.id)
    merged = store.contact(done.contact_id)
    assert merged is not None and merged.name == "Astrid Lindqvist"
    assert "+14155550173" in {n.e164 for n in merged.numbers}, "the CRM's number came along"


def test_a_locked_database_is_a_sentence_and_nothing_half_done(store: Store) -> None:
    a, b = two_priyas(store)
    before = everything(store)
    store.set_busy_timeout(50)
    other = sqlite3.connect(store.path)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked"):
            duplicates.merge(store, a, b)
        with pytest.raises(StoreError, match="locked"):
            contact_edits.add_number(store, a, "+1 415 555 0100", "", "US")
    finally:
        other.rollback()
        other.close()
    assert everything(store) == before


SHEET = ("Name,Company,Phone,Mobile,Fax\n"
         "Tomás Herrera,Cobalt Freight,+1 415 555 0151,+1 415 555 0152,+1 415 555 0153\n")


def test_a_number_fixed_by_hand_is_not_brought_back_by_the_next_import(
    tmp_path: Path, store: Store
) -> None:
    """The sheet has Tomás' mobile wrong and a fax he no longer has. The rep corrects the one
    and removes the other; importing the same sheet again adds neither back (its preview says
    so too), and the next call from either does not pop his card."""
    from desktop.adapters.importing import preview_file
    from desktop.adapters.importing.dry_run import Fate

    sheet = tmp_path / "prospects.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    options = ImportOptions(NumberPolicy("US"))
    import_file(store, sheet, options)
    [tomas] = found(store, "+14155550151")
    tomas_id = store.contacts_for_number("+14155550151")[0][0].id
    rows = {r.number.e164: r.id for r in contact_edits.numbers_of(store, tomas_id)}
    contact_edits.change_number(store, tomas_id, rows["+14155550152"], "(415) 555-0162",
                                "mobile", "US")  # fmt: skip
    contact_edits.remove_number(store, tomas_id, rows["+14155550153"])

    [planned] = preview_file(sheet, options, store).planned.rows
    assert planned.fate is Fate.UNCHANGED, planned.note
    report = import_file(store, sheet, options)
    assert (report.merged, report.unchanged) == (0, 1)
    assert found(store, "+14155550152") == [] and found(store, "+14155550153") == []
    assert found(store, "+14155550162") == [tomas]
    index_is_right(store)

