"""One enormous cell costs its row, never the file: a notes cell of 200 KB imports (cut to the
notes limit, with a warning), one over MAX_CELL_CHARS rejects that row alone and says where."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.importing.text_tables import MAX_CELL_CHARS
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

DE = ImportOptions(NumberPolicy("DE"))


def _file(path: Path, cell_chars: int) -> Path:
    lines = cell_chars // 200
    path.write_text(
        "Name,Phone,Notes\nAnna Weber,+49 30 90182055,short\n"
        'Ben Ott,+49 30 90182056,"' + ("x" * 199 + "\n") * lines + '"\n'
        "Cleo Park,+49 30 90182057,ok\n",
        encoding="utf-8",
    )
    return path


def test_a_cell_too_big_rejects_its_row_only(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    report = import_file(store, _file(tmp_path / "huge.csv", MAX_CELL_CHARS + 200_000), DE)
    assert (report.imported, len(report.rejected)) == (2, 1)
    assert [report.where(p) for p in report.rejected] == [
        "line 3, Notes: a cell of 1,200,000 characters (more than 1,000,000); this row is not"
        " imported. Shorten the cell, or check that its quotes close where they should"
    ]
    assert store.contacts_for_number("+493090182057")  # the row after it is there

    # Over csv's default limit (128 KB) but under ours: imported, the notes cut with a warning.
    report = import_file(Store.open(tmp_path / "b.sqlite3"), _file(tmp_path / "big.csv", 200_000),
                         DE)  # fmt: skip
    assert (report.imported, report.rejected) == (3, [])
    assert [str(w) for w in report.warnings] == [
        "line 3, Notes: 199,999 characters; kept the first 20,000"
    ]
