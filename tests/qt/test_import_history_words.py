"""The Import history window says what Undo takes back: the numbers a merge added too."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.contact_edits import save_field
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.importing.following import follow, refresh
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


def test_the_demo_book_is_named_once(qtbot: QtBot, tmp_path: Path) -> None:
    """A re-seeded demo book read 'the demo contacts · the demo contact book'."""
    from desktop.adapters.demo_book import seed_demo_book

    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        store.undo_import(seed_demo_book(store))
        seed_demo_book(store)
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        rows = [" · ".join(window.table.item(r, c).text() for c in (0, 2))
                for r in range(window.table.rowCount())]  # fmt: skip
        assert len(rows) == 2
        assert all(row.count("demo") == 1 for row in rows), rows
    finally:
        store.close()


def test_a_long_file_name_leaves_what_the_import_did_readable(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    """File took its longest name's width whatever the window's: a long export name pushed
    'What it did' out of a 2× screen's window."""
    long = tmp_path / ("Salesforce leads report - Q4 pipeline, all regions, exported "
                       "2026-12-01 by Dana Whitfield for the Monday review.csv")  # fmt: skip
    long.write_bytes((samples / "contacts" / "google_contacts.csv").read_bytes())
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        import_file(store, samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv",
                    ImportOptions(NumberPolicy("US")))  # fmt: skip
        import_file(store, long, ImportOptions(NumberPolicy("US")))
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.resize(784, 420)
        window.open()
        table = window.table
        qtbot.waitUntil(lambda: table.columnWidth(2) >= table.sizeHintForColumn(2))
        used = sum(table.columnWidth(c) for c in range(4))
        assert used <= table.viewport().width() + 1  # nothing off the window's edge
        assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(
            "excel_prospects_de_semicolon_cp1252.csv")  # the shorter name whole
    finally:
        store.close()


def test_the_window_says_who_a_followed_files_save_left_out_but_kept(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Dana's row deleted in Excel: she stays for the rep's typing, and the window says so."""
    leads = tmp_path / "leads.csv"
    leads.write_text("Name,Company,Phone\nDana Whitfield,Acme Corp,+1 415 555 0122\n"
                     "Raj Patel,Acme Corp,+1 415 555 0133\n", encoding="utf-8")  # fmt: skip
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    try:
        options = ImportOptions(NumberPolicy("US"))
        follow(store, leads, options)
        (dana, _), = store.contacts_for_number("+14155550122")
        save_field(store, dana.id, "title", "", "Head of Ops", multiline=False)
        temporary = leads.with_name("~$leads.csv")  # saved as Excel saves: renamed over it
        temporary.write_text("Name,Company,Phone\nRaj Patel,Acme Corp,+1 415 555 0133\n",
                             encoding="utf-8")  # fmt: skip
        os.replace(temporary, leads)
        assert refresh(store, leads, options).problem == ""
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        did = window.table.item(0, 2)
        assert did is not None
        assert did.text() == (
            "0 added, 1 already there · Dana Whitfield kept: you had worked on them; remove "
            "them by hand if they should go"
        )
        assert did.toolTip() != "", "the whole sentence, however narrow the column"
    finally:
        store.close()


def test_a_followed_files_earlier_versions_are_replaced_not_undone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The rep never undid leads.csv: each save replaced the version before it."""
    leads = tmp_path / "leads.csv"
    leads.write_text("Name,Company,Phone\nDana Whitfield,Acme Corp,+1 415 555 0122\n",
                     encoding="utf-8")  # fmt: skip
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    try:
        options = ImportOptions(NumberPolicy("US"))
        follow(store, leads, options)
        temporary = leads.with_name("~$leads.csv")
        temporary.write_text("Name,Company,Phone\nDana Whitfield,Acme Corp,+1 415 555 0122\n"
                             "Raj Patel,Acme Corp,+1 415 555 0133\n", encoding="utf-8")  # fmt: skip
        os.replace(temporary, leads)
        assert refresh(store, leads, options).problem == ""
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        assert window.table.rowCount() == 2
        assert window.table.cellWidget(0, 3) is not None, "the newest version: Undo"
        state = window.table.item(1, 3)
        assert state is not None
        assert state.text() == "Replaced by the next save"
    finally:
        store.close()
