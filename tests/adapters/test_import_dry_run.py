"""The import's dry run behind the Import window's preview: each row as the contact it will be
stored as, the merges it will make and why, flagged numbers, corrections, and no writes."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.importing.dry_run import Fate
from desktop.adapters.store import Store
from desktop.core.import_mapping import Field
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))


def test_the_preview_shows_stored_forms_and_merges(samples: Path, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    import_file(store, samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv", US)
    before = (store.count_contacts(), len(store.batches()))
    preview = preview_file(samples / "contacts" / "google_contacts.csv", US, store)
    rows = {r.name or r.company: r for r in preview.planned.rows}
    maya = rows["Maya Okafor"]
    assert [n.text() for n in maya.numbers] == ["+1 415-555-0142 · mobile",
                                                "+1 415-555-0100 ext. 217 · work"]
    assert maya.fate is Fate.NEW and maya.note == "New contact"
    tomas = [n.text() for n in rows["Tomás Herrera"].numbers]
    assert tomas[-1] == "+1 415-555-0161 ext. 44 · Direct line"
    assert [n.text() for n in rows["Bo"].numbers] == ["+1 415-555-0199"]
    jurgen = rows["Jürgen Schäfer"]
    assert jurgen.fate is Fate.MERGE
    assert jurgen.note == (
        "Will merge into Jürgen Schäfer: same e-mail (adds number +49 30 90182059)")
    assert preview.planned.summary() == (
        "Importing will add 4 new contacts, merge 1 into contacts you have."
    )
    # A dry run: nothing written, and the import does what the preview said.
    assert (store.count_contacts(), len(store.batches())) == before
    report = import_file(store, samples / "contacts" / "google_contacts.csv", US)
    assert (report.imported, report.merged) == (4, 1)


def test_a_second_row_of_one_person_merges_into_the_first(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Name,Phone,Email\nAnn Lee,+1 415 555 0144,ann@example.com\n"
                    "Ann Lee,+1 415 555 0145,ANN@example.com\n", encoding="utf-8")
    store = Store.open(tmp_path / "cc.sqlite3")
    rows = preview_file(path, US, store).planned.rows
    assert rows[1].note == (
        "Will merge into Ann Lee (line 2): same e-mail (adds number +1 415-555-0145)"
    )
    assert store.count_contacts() == 0


def test_a_flagged_number_corrected_in_the_preview_is_what_gets_imported(
    samples: Path, tmp_path: Path
) -> None:
    path = samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"
    store = Store.open(tmp_path / "cc.sqlite3")
    preview = preview_file(path, US, store)
    jurgen = preview.planned.rows[0]
    flagged = [n for n in jurgen.numbers if n.problem]
    assert [n.text() for n in flagged] == ["4,93091E+11 (kept as text)"]
    assert "lost its last digits" in flagged[0].problem and jurgen.flagged
    assert preview.planned.flagged == 1
    # The correction is an edit of the file's cell: (line, column) -> text.
    fixed = ImportOptions(NumberPolicy("US"), edits={(jurgen.line, flagged[0].column):
                                                     "030 9018 2056"})
    again = preview_file(path, fixed, store).planned.rows[0]
    assert [n.text() for n in again.numbers] == ["+49 30 90182055", "+49 30 90182056 · mobile"]
    assert not again.flagged
    import_file(store, path, fixed)
    assert [c.name for c, _n in store.contacts_for_number("+493090182056")] == ["Jürgen Schäfer"]


def test_a_chosen_column_changes_what_the_rows_become(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("Kunde,Rufnummer\nAnn Lee,+1 415 555 0144\n", encoding="utf-8")
    chosen = ImportOptions(NumberPolicy("US"), mapping={0: Field.NAME, 1: Field.MOBILE})
    row = preview_file(path, chosen).planned.rows[0]
    assert (row.name, [n.text() for n in row.numbers]) == ("Ann Lee", ["+1 415-555-0144 · mobile"])


def test_demo_contacts_are_not_merged_into(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store, datetime.now(UTC))
    demo = store.contact(min(store.demo_contact_ids()), attempts_limit=0)
    assert demo is not None and demo.numbers
    path = tmp_path / "same.csv"
    path.write_text(f"Name,Phone\n{demo.name},{demo.numbers[0].e164}\n", encoding="utf-8")
    row = preview_file(path, US, store).planned.rows[0]
    assert row.fate is Fate.NEW  # the import removes the demo book before it matches


def test_a_merge_names_the_extension_it_adds(samples: Path, tmp_path: Path) -> None:
    """Maya's "(415) 555-0142 x217" was said as "adds number +14155550142", a number she
    already had; preview and import report now both name the extension."""
    store = Store.open(tmp_path / "cc.sqlite3")
    import_file(store, samples / "contacts" / "google_contacts.csv", US)
    us_excel = samples / "contacts" / "excel_prospects_us_cp1252.csv"
    rows = {r.name: r for r in preview_file(us_excel, US, store).planned.rows}
    # Her notes in this file differ from Google's: they are added, never dropped (s18).
    assert rows["Maya Okafor"].note == (
        "Will merge into Maya Okafor: same e-mail (adds a line to notes, number +1 415-555-0142"
        " ext. 217); kept its company 'Brightline Analytics, Inc.' (the file has 'Brightline"
        " Analytics')"
    )
    report = import_file(store, us_excel, US)
    assert ("line 2: merged into 'Maya Okafor' (added a line to notes, number +1 415-555-0142"
            " ext. 217); kept its company 'Brightline Analytics, Inc.' (the file has"
            " 'Brightline Analytics')") in report.merges


def test_the_reports_summary_counts_one_skipped_row_in_the_singular() -> None:
    """Used as a rep: LinkedIn's export read "1 empty or footer rows skipped"."""
    from desktop.adapters.importing.report import ImportReport

    one = ImportReport(Path("Connections.csv"), skipped=1).summary()
    assert "1 empty or footer row skipped" in one
    assert "2 empty or footer rows skipped" in ImportReport(Path("c.csv"), skipped=2).summary()
