"""A workbook's rows are reported by the numbers Excel shows, blank rows above the header too."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy


def test_a_rejected_row_below_blank_rows_is_named_by_its_own_row_number(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    # Rows 1 and 2 left blank, as people leave them above a table.
    sheet["B3"], sheet["C3"] = "Name", "Phone"
    sheet["B4"], sheet["C4"] = "Ann Lee", "+1 415 555 0142"
    sheet["C5"] = "+1 415 555 0143"  # a number without a name: rejected
    path = tmp_path / "prospects.xlsx"
    book.save(path)
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    finally:
        store.close()

    assert report.imported == 1
    assert [problem.line for problem in report.rejected] == [5]
