"""The Import window's waiting preview follows the contacts while the rep keeps the window in
front: another process's change (a CLI import, a directory sync, the tray's Fix contact) has
the plan worked out again with the rep's corrections and column choices kept, and an import
whose plan went stale in between writes nothing and shows the new plan to press Import on.

The second process is a second connection to the same database file, as a CLI import's is
(test_import_window.py runs the real `callercard import`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import ImportOptions, ImportReport, import_file
from desktop.adapters.store import Store
from desktop.core.import_mapping import Field
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_window import ImportWindow
from tests.qt.test_import_preview import cell_texts
from tests.qt.test_import_window import load, write_csv

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
US = ImportOptions(NumberPolicy("US"))
ANN = ["Ann Lee", "+1 415 555 0177", "555-01"]
BO = ["Bo Chen", "+1 415 555 0188", ""]
CY = ["Cy Diaz", "+1 415 555 0166", ""]


def in_front(qtbot: QtBot, database: Path, path: Path) -> ImportWindow:
    w = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    load(qtbot, w, path)
    return w


def other_process_imports(database: Path, path: Path) -> None:
    other = Store.open(database)
    try:
        import_file(other, path, US)
    finally:
        other.close()


def correct(qtbot: QtBot, w: ImportWindow, row: int, column: int, text: str) -> None:
    item = w.results.item(row, column)
    w.results.setFocus()
    w.results.setCurrentItem(item)
    w.results.editItem(item)
    editor = w.results.open_editor
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, text)
    with qtbot.waitSignal(w.planned, timeout=10_000):
        QTest.keyClick(editor, Qt.Key.Key_Return)


def test_the_plan_follows_another_process_and_keeps_the_reps_choices(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The preview went on offering Bo Chen as new after another process added him, until
    the window was left and came back to the front."""
    database = tmp_path / "cc.sqlite3"
    path = write_csv(tmp_path / "p.csv", [["Name", "Phone", "Mobile"], ANN, BO, CY])
    w = in_front(qtbot, database, path)
    correct(qtbot, w, 0, 4, "+1 415 555 0199")
    combo = w.table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    with qtbot.waitSignal(w.planned, timeout=10_000):
        combo.setCurrentIndex(combo.findData(Field.WORK_PHONE.value))
    assert cell_texts(w)[1][5] == "New contact"
    with qtbot.waitSignal(w.planned, timeout=10_000):
        other_process_imports(database, write_csv(tmp_path / "bo.csv", [["Name", "Phone"], BO]))
    assert w.isActiveWindow()
    ann, bo, cy = cell_texts(w)
    assert bo[5].startswith("Already there as Bo Chen") and cy[5] == "New contact"
    assert ann[3:6] == ["+1 415-555-0177 · work", "+1 415-555-0199 · mobile", "New contact"]
    assert w.results.item(0, 4).font().italic(), "the correction is still shown as the rep's"
    assert w.plan_summary.text().endswith(
        "You corrected 1 cell. Double-click a number to correct it. Worked out again: your "
        "contacts changed while this was open."
    )
    # A number being typed when the next change lands is not swept away with its editor;
    # the plan catches up once it is taken.
    w.results.editItem(w.results.item(2, 4))
    editor = w.results.open_editor
    assert isinstance(editor, QLineEdit)
    QTest.keyClicks(editor, "+1 415 555 0167")
    other_process_imports(database, write_csv(tmp_path / "cy.csv", [["Name", "Phone"], CY]))
    qtbot.wait(800)  # the watch's settling time and the check, three times over
    assert w.results.editing() and editor.text() == "+1 415 555 0167"
    with qtbot.waitSignal(w.planned, timeout=10_000):
        QTest.keyClick(editor, Qt.Key.Key_Return)
    cy = cell_texts(w)[2]
    assert cy[4] == "+1 415-555-0167 · mobile" and cy[5].startswith("Will merge into Cy Diaz")
    with qtbot.waitSignal(w.imported, timeout=30_000) as done:
        w.import_button.click()
    report = done.args[0]
    assert isinstance(report, ImportReport)
    assert (report.imported, report.merged, report.unchanged) == (1, 1, 1)
    assert "Worked out again" not in w.plan_summary.text()  # done: that is history now
    store = Store.open(database)
    (ann_stored, _n), = store.contacts_for_number("+14155550199")
    assert {(n.e164, n.label) for n in ann_stored.numbers} == {
        ("+14155550177", "work"), ("+14155550199", "mobile")}  # fmt: skip
    store.close()


def test_an_import_whose_plan_went_stale_shows_the_new_plan_and_imports_nothing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Import pressed right after another process's import, before the window heard of it:
    the window's import went ahead with a plan that still counted Ann as new and offered to
    remove demo contacts already gone."""
    database = tmp_path / "cc.sqlite3"
    store = Store.open(database)
    seed_demo_book(store, datetime.now(UTC))
    path = write_csv(tmp_path / "p.csv", [["Name", "Phone"], ANN[:2], BO[:2]])
    w = in_front(qtbot, database, path)
    assert "7 demo contacts" in w.demo_note.text()
    assert w.plan_summary.text().startswith("Importing will add 2 new contacts.")
    other_process_imports(database, write_csv(tmp_path / "ann.csv", [["Name", "Phone"],
                                                                    ANN[:2]]))  # fmt: skip
    with qtbot.waitSignal(w.planned, timeout=10_000):
        w.import_button.click()
    assert w.summary.text().startswith("Nothing was imported: your contacts changed")
    assert store.count_contacts() == 1 and len(store.batches()) == 2  # the demo's and Ann's
    assert not w.remove_demo_button.isVisible()
    assert cell_texts(w)[0][4].startswith("Already there as Ann Lee")
    assert w.plan_summary.text().startswith("Importing will add 1 new contact, find 1 already")
    assert w.import_button.isEnabled()
    with qtbot.waitSignal(w.imported, timeout=30_000) as done:
        w.import_button.click()
    report = done.args[0]
    assert isinstance(report, ImportReport) and (report.imported, report.unchanged) == (1, 1)
    assert store.count_contacts() == 2
    store.close()
