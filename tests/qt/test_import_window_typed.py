"""The Import window's File field takes a typed or pasted path: Enter reads it (it was
read-only, and a pasted path did nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_window import ImportWindow
from tests.qt.test_import_window import write_csv

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> ImportWindow:
    w = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


def test_a_pasted_path_is_read_at_enter_and_a_wrong_one_is_said(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    export = write_csv(tmp_path / "my leads.csv",
                       [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"]])  # fmt: skip
    field = window.path_edit
    assert not field.isReadOnly()
    field.setFocus()
    qtbot.keyClicks(field, str(tmp_path / "nothing-here.csv"))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.summary.text().startswith(f"No file at {tmp_path / 'nothing-here.csv'}")
    assert window.table.rowCount() == 0

    field.clear()
    qtbot.keyClicks(field, f'"{export}"')  # as Windows' "Copy as path" puts it
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        qtbot.keyClick(field, Qt.Key.Key_Return)  # reads the file: it does not import
    assert field.text() == str(export)
    assert window.table.item(1, 0).text() == "Ann Lee"
    assert window.report is None
    store = Store.open(tmp_path / "cc.sqlite3")
    assert store.count_contacts() == 0  # Enter in the field read the file, imported nothing
    store.close()


def test_enter_on_the_file_shown_imports_it_as_everywhere_in_the_window(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    """The field has the focus when the window opens: a rep who presses Enter to import (the
    window's Return) must not have the file read again instead."""
    export = write_csv(tmp_path / "leads.csv", [["Name", "Phone"], ["Bo Diaz", "+1 415 555 0177"]])
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.load(export)
    qtbot.waitUntil(lambda: window.import_button.isEnabled(), timeout=30_000)
    window.path_edit.setFocus()
    with qtbot.waitSignal(window.imported, timeout=30_000):
        qtbot.keyClick(window.path_edit, Qt.Key.Key_Return)
    store = Store.open(tmp_path / "cc.sqlite3")
    assert store.count_contacts() == 1
    store.close()
