"""The Import window's preview on a real X display: a merge, a flagged number, its correction.

Run by tests/qt/test_import_preview.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_import_preview_demo DATABASE FILE OUT_DIR

The rep's home region is the US; FILE is previewed against DATABASE (already holding a contact
the file merges into). Saves OUT_DIR/import_preview.png, then corrects the first flagged number
through the cell editor, as a person would, and saves OUT_DIR/import_preview_fixed.png. Prints
one JSON report.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.core.numbers import NumberPolicy
from desktop.qt.import_preview import RAW_ROLE
from desktop.qt.import_window import ImportWindow


def wait_for(app: QApplication, flag: list[int], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not flag and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()
        time.sleep(0.02)


def main() -> None:
    database, path, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    app = QApplication(sys.argv[:1])
    window = ImportWindow(database, lambda: NumberPolicy("US"))
    window.resize(1180, 640)
    window.show()
    planned: list[int] = []
    window.planned.connect(lambda: planned.append(1))
    window.load(path)
    wait_for(app, planned)
    app.processEvents()
    window.grab().save(str(out / "import_preview.png"))
    table = window.results
    runs_past = table.horizontalScrollBar().maximum()  # pixels of the table beyond the view
    flagged = next(
        (table.item(r, c) for r in range(table.rowCount()) for c in range(table.columnCount())
         if table.item(r, c) is not None and "⚠" in table.item(r, c).text()
         and table.item(r, c).data(RAW_ROLE) is not None),
        None,
    )  # fmt: skip
    before = flagged.text() if flagged is not None else ""
    if flagged is not None:
        planned.clear()
        table.setFocus()
        table.setCurrentItem(flagged)
        table.editItem(flagged)
        app.processEvents()
        editor = table.open_editor
        assert isinstance(editor, QLineEdit)
        started = editor.text()
        editor.selectAll()
        QTest.keyClicks(editor, "030 9018 2056")
        QTest.keyClick(editor, Qt.Key.Key_Return)  # takes the correction; does not import
        wait_for(app, planned)
        window.grab().save(str(out / "import_preview_fixed.png"))
    rows = [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    print(json.dumps({"before": before, "editor_started_with": started if flagged else "",
                      "rows": rows, "summary": window.plan_summary.text(),
                      "state": window._state, "runs_past": runs_past}))  # fmt: skip


if __name__ == "__main__":
    main()
