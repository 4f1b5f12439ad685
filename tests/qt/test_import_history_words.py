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
