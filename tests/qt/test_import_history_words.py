"""The Import history window says what Undo takes back: the numbers a merge added too."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_history_window import ImportHistoryWindow


def test_the_window_says_undo_takes_the_numbers_back_too(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        import_file(store, samples / "contacts" / "google_contacts.csv",
                    ImportOptions(NumberPolicy("US")))  # fmt: skip
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        assert window.status.text() == (
            "Undo takes out the contacts and numbers an import added and clears the fields it "
            "filled in."
        )
    finally:
        store.close()


def test_an_import_undone_from_a_terminal_leaves_the_open_window(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    """`callercard import --undo 1` while Import history was open: the window went on
    offering Undo for an import that was gone."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        import_file(store, samples / "contacts" / "google_contacts.csv",
                    ImportOptions(NumberPolicy("US")))  # fmt: skip
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        assert window.table.cellWidget(0, 3) is not None  # its Undo button
        terminal = Store.open(store.path)
        try:
            terminal.undo_import(1)
        finally:
            terminal.close()
        qtbot.waitUntil(lambda: window.table.cellWidget(0, 3) is None)
        item = window.table.item(0, 3)
        assert item is not None and item.text().startswith("Undone ")
    finally:
        store.close()
