"""A German sheet's "4915123456789" (Excel dropped the "+") is imported as +49 1512 3456789 and
the row is flagged with both readings, in the preview and in the report."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

DE = ImportOptions(NumberPolicy("DE"))
WARNING = ("'4915123456789' read as +49 1512 3456789: a spreadsheet may have dropped its +;"
           " as a national number it is 0491 5123456789")


def test_a_number_that_lost_its_plus_is_read_international_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "kunden.csv"
    path.write_text("Name;Telefon\nAnna Weber;4915123456789\nBen Ott;030 90182056\n",
                    encoding="utf-8")
    store = Store.open(tmp_path / "cc.sqlite3")
    anna, ben = preview_file(path, DE, store).planned.rows[:2]
    assert [n.text() for n in anna.numbers] == ["+49 1512 3456789"]
    assert anna.checks == (f"Telefon: {WARNING}",)
    assert (ben.checks, [n.text() for n in ben.numbers]) == ((), ["+49 30 90182056"])

    report = import_file(store, path, DE)
    assert [str(w) for w in report.warnings] == [f"line 2, Telefon: {WARNING}"]
    [(contact, _how)] = store.contacts_for_number("+4915123456789")
    assert contact.name == "Anna Weber"
