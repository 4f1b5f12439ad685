"""Undoing one import leaves what another file still in the book also has: the contact (now
that file's), the numbers that file carried or added, and a later undo of that file takes what
it alone brought. Real `callercard import` processes on the shared samples.

Used as a rep (h-rep3 finding 1): undoing google_contacts_legacy_utf16le.csv deleted Maya
Okafor, whom android_contacts_v21.vcf and google_contacts_export.vcf had merged into, with
the numbers they added (+1 415-555-0190 from android), and Ελένη Παππά, whom android and the
Outlook text export reported "already there"; both files still said "1 merged".
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.test_cli import cc

LEGACY = "google_contacts_legacy_utf16le.csv"
ANDROID = "android_contacts_v21.vcf"
GOOGLE_VCF = "google_contacts_export.vcf"
OUTLOOK = "outlook_contacts_excel_unicode_text_utf16le.txt"


def imported(samples: Path, tmp_path: Path) -> Path:
    """The tester's order: the legacy CSV, then the three files that also have its people."""
    data = tmp_path / "data"
    folder = samples / "contacts"
    first = cc("import", str(folder / LEGACY), "--region", "US", data_dir=data)
    assert first.returncode == 0, first.stderr
    rest = cc("import", *(str(folder / f) for f in (ANDROID, GOOGLE_VCF, OUTLOOK)),
              "--region", "US", data_dir=data)  # fmt: skip
    assert rest.returncode == 0, rest.stderr
    return data


def batch_of(data: Path, file: str) -> int:
    listed = json.loads(cc("import", "--list", "--json", data_dir=data, check=True).stdout)
    [batch] = [r["batch"] for r in listed if r["file"] == file]
    return int(batch)


def who_has(data: Path, number: str) -> str:
    """The first line `callercard lookup` prints: the contact's name, or the number when
    nobody has it."""
    return cc("lookup", number, "--region", "US", data_dir=data, check=True).stdout.splitlines()[0]


def numbers_of(data: Path, name: str) -> set[tuple[str, str]]:
    conn = sqlite3.connect(data / "callercard.sqlite3")
    try:
        return {(e164, extension) for e164, extension in conn.execute(
            "SELECT p.e164, p.extension FROM phone_numbers p "
            "JOIN contacts c ON c.id = p.contact_id WHERE c.name = ?", (name,))}  # fmt: skip
    finally:
        conn.close()


def test_undoing_one_file_leaves_what_files_still_imported_also_have(
    samples: Path, tmp_path: Path
) -> None:
    data = imported(samples, tmp_path)
    maya_before = numbers_of(data, "Maya Okafor")
    legacy_only = ("+14155550100", "")  # its work number: android and the vCard have ext. 217
    assert {("+14155550143", ""), ("+14155550190", ""), legacy_only} <= maya_before

    undone = cc("import", "--undo", str(batch_of(data, LEGACY)), data_dir=data)
    assert undone.returncode == 0, undone.stderr
    said = undone.stdout.splitlines()[-1]
    assert said.startswith(f"Took back the import of {LEGACY} from ")
    assert said.endswith(
        "removed 1 number only it had from the contacts that stay. "
        f"Maya Okafor stays: {ANDROID} also has this contact. "
        f"Ελένη Παππά stays: {ANDROID} also has this contact.")  # fmt: skip
    assert who_has(data, "+442079460642") == "Ελένη Παππά"
    assert who_has(data, "+14155550143") == "Maya Okafor"  # the google vCard has it too
    assert who_has(data, "+14155550190") == "Maya Okafor"  # android added it
    assert numbers_of(data, "Maya Okafor") == maya_before - {legacy_only}
    assert cc("search", "maya", data_dir=data, check=True).stdout.startswith("Maya Okafor — ")

    # android goes next: what only it brought goes, Maya stays for the google vCard and Ελένη
    # for the Outlook export
    undone = cc("import", "--undo", str(batch_of(data, ANDROID)), data_dir=data)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.splitlines()[-1].endswith(
        f"Maya Okafor stays: {GOOGLE_VCF} also has this contact. "
        f"Ελένη Παππά stays: {OUTLOOK} also has this contact.")  # fmt: skip
    assert who_has(data, "+14155550190") == "+1 415-555-0190"  # only android had it
    assert who_has(data, "+14155550143") == "Maya Okafor"
    assert who_has(data, "+442079460642") == "Ελένη Παππά"

    # the last file that has each takes her with it
    assert cc("import", "--undo", str(batch_of(data, GOOGLE_VCF)), data_dir=data).returncode == 0
    assert who_has(data, "+14155550143") == "+1 415-555-0143"
    assert who_has(data, "+442079460642") == "Ελένη Παππά"
    assert cc("import", "--undo", str(batch_of(data, OUTLOOK)), data_dir=data).returncode == 0
    assert who_has(data, "+442079460642") == "+44 20 7946 0642"


def test_the_undo_names_who_stays_before_it_acts_and_counts_only_who_goes(
    samples: Path, tmp_path: Path
) -> None:
    data = imported(samples, tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        check = store.undo_import_check(batch_of(data, LEGACY))
    finally:
        store.close()
    assert (check.contacts, check.changed) == (0, 0), "nobody goes, so no change goes either"
    assert check.warning() == (f"Maya Okafor stays: {ANDROID} also has this contact. "
                               f"Ελένη Παππά stays: {ANDROID} also has this contact.")  # fmt: skip


def test_a_book_from_before_keeps_a_contact_another_file_merged_into(
    samples: Path, tmp_path: Path
) -> None:
    """A database of schema 22 knew nothing of what each import matched: the migration learns
    it from the numbers and fields an import added to a contact it did not bring."""
    data = imported(samples, tmp_path)
    conn = sqlite3.connect(data / "callercard.sqlite3")
    conn.executescript("DROP TABLE import_holds; DROP TABLE followed_rows; "
                       "ALTER TABLE contacts DROP COLUMN edited_at; "
                       "PRAGMA user_version = 22;")
    conn.close()

    undone = cc("import", "--undo", str(batch_of(data, LEGACY)), data_dir=data)
    assert undone.returncode == 0, undone.stderr
    assert f"Maya Okafor stays: {ANDROID} also has this contact." in undone.stdout
    assert who_has(data, "+14155550190") == "Maya Okafor"


def test_a_contact_another_file_had_already_there_stays_with_its_number(tmp_path: Path) -> None:
    """Nothing of the second file changed Ann ("already there"), yet it has her: undoing the
    first file, the old way too (undo_batch), leaves her and the number both files carry, and
    takes the number only the first file had."""
    first = tmp_path / "first.csv"
    first.write_text("Name,Phone,Mobile\nAnn Lee,+1 415 555 0142,+1 415 555 0177\n")
    second = tmp_path / "second.csv"
    second.write_text("Name,Phone\nAnn Lee,+1 415 555 0142\nBo Chen,+1 415 555 0188\n")
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        options = ImportOptions(NumberPolicy("US"))
        one = import_file(store, first, options).batch_id
        report = import_file(store, second, options)
        assert (report.imported, report.unchanged) == (1, 1)
        assert one is not None and store.undo_batch(one) == 0
        [(ann, _)] = store.contacts_for_number("+14155550142")
        assert ann.name == "Ann Lee"
        assert store.contacts_for_number("+14155550177") == []
        assert store.undo_import(report.batch_id or 0).contacts_removed == 2, "Ann goes with it"
        assert store.count_contacts() == 0
    finally:
        store.close()
