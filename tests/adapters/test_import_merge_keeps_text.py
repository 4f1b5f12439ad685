"""A merge never costs a rep's text: a row's notes for a contact that has other notes are
appended on their own line (once), other differing values are said, and undo takes it back."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.importing.dry_run import Fate
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

DE = ImportOptions(NumberPolicy("DE"))
HEADER = "Name,Phone,Company,Title,Notes\n"


def _csv(path: Path, row: str) -> Path:
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    return path


def test_an_imported_note_is_appended_once_and_undo_takes_it_out(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    first = _csv(tmp_path / "a.csv", "Anna Weber,+49 30 90182055,Acme,CTO,prefers mornings")
    second = _csv(tmp_path / "b.csv",
                  "Anna Weber,+49 30 90182055,Acme GmbH,VP Sales,met at trade show")
    import_file(store, first, DE)

    planned = preview_file(second, DE, store).planned.rows[0]
    assert planned.fate is Fate.MERGE
    assert planned.note == (
        "Will merge into Anna Weber: same number +49 30 90182055 (adds a line to notes);"
        " kept its title 'CTO' (the file has 'VP Sales'); kept its company 'Acme'"
        " (the file has 'Acme GmbH')"
    )

    report = import_file(store, second, DE)
    assert (report.merged, report.unchanged) == (1, 0)
    assert report.merges == [
        "line 2: merged into 'Anna Weber' (added a line to notes); kept its title 'CTO'"
        " (the file has 'VP Sales'); kept its company 'Acme' (the file has 'Acme GmbH')"
    ]
    assert _fields(store) == ("Anna Weber", "CTO", "prefers mornings\nmet at trade show")

    again = import_file(store, second, DE)  # the same file again appends nothing
    assert (again.merged, again.unchanged, again.batch_id) == (0, 1, None)
    assert again.merges[0].startswith("line 2: already there as 'Anna Weber'; kept its title")
    assert _fields(store)[2] == "prefers mornings\nmet at trade show"

    assert report.batch_id is not None
    undone = store.undo_import(report.batch_id)
    assert undone.summary().endswith("and took out 1 note it had added to existing contacts.")
    assert _fields(store)[2] == "prefers mornings"


def test_two_rows_of_one_person_in_a_file_keep_both_notes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + "Ben Ott,+49 30 90182056,Acme,,called in May\n"
                    "Ben Ott,+49 30 90182056,Acme,,met at trade show\n", encoding="utf-8")
    assert preview_file(path, DE, store).planned.rows[1].fate is Fate.MERGE
    report = import_file(store, path, DE)
    assert (report.imported, report.merged) == (1, 1)
    assert _fields(store) == ("Ben Ott", "", "called in May\nmet at trade show")


def _fields(store: Store) -> tuple[str, str, str]:
    contact = store.contact(1, attempts_limit=0)
    assert contact is not None
    return contact.name, contact.title, contact.notes
