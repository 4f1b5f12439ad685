"""The Import window opened with no file says what to do (choose or drop one) in place of an
empty grid under two tabs, blank "Read as:" lines and greyed boxes; a file brings them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.numbers import NumberPolicy
from desktop.qt.import_window import ImportWindow
from tests.qt.test_import_window import load, write_csv

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def test_with_no_file_the_window_says_choose_or_drop_one(qtbot: QtBot, tmp_path: Path) -> None:
    window = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.show()
    assert window.empty.isVisible()
    assert window.empty_title.text() == "Choose a contact file, or drop one on this window"
    assert "CSV, Excel or vCard" in window.empty_text.text()
    # No grid, nothing blank or greyed about a file not chosen yet
    assert not window.tabs.isVisible() and not window.results.isVisible()
    for said in (window.source_label, window.region_label, window.encoding,
                 window.region_choice, window.keep_following):  # fmt: skip
        assert not said.isVisible()
    assert window.path_edit.isVisible() and window.choose_button.isVisible()

    # A file: its preview and what it was read as, the empty state gone
    load(qtbot, window, write_csv(tmp_path / "leads.csv", [
        ["Name", "Phone"], ["Mike Kowalski", "415 555 0142"]]))  # fmt: skip
    assert window.tabs.isVisible() and window.results.isVisible(), window.hint.text()
    assert window.results.rowCount() == 1
    assert not window.empty.isVisible()
    assert window.source_label.isVisible() and window.source_label.text().startswith("CSV")
    assert window.keep_following.isVisible()

    # A file that cannot be imported: why (above), and again what to do, not an empty grid
    load(qtbot, window, tmp_path / "gone.csv")
    assert window.hint.text().startswith("This file cannot be imported.")
    assert window.empty.isVisible() and not window.tabs.isVisible()
    window.close()


def test_with_no_file_the_demo_book_is_named_and_can_be_removed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.adapters.demo_book import seed_demo_book
    from desktop.adapters.store import Store

    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    window = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.remove_demo_button.isVisible, timeout=10_000)
    assert window.demo_note.text() == ("Your contacts still include the 7 demo contacts: "
                                       "importing a file removes them, or remove them now.")
    assert window.empty.isVisible()  # still the empty state under it
    with qtbot.waitSignal(window.imported, timeout=30_000):
        window.remove_demo_button.click()
    assert window.summary.text() == "Removed the 7 demo contacts."
    assert not window.remove_demo_button.isVisible() and store.count_contacts() == 0
    window.close()
    store.close()


def test_with_no_file_the_demo_note_sits_right_under_the_file_row(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """An empty hint line kept its place and the spacing on both sides of it: a band as tall
    as a line of text between File and the demo note, which looked like something missing."""
    from PySide6.QtCore import QPoint

    from desktop.adapters.demo_book import seed_demo_book
    from desktop.adapters.store import Store

    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    window = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.demo_note.isVisible, timeout=10_000)
    row_bottom = window.path_edit.mapTo(window, QPoint(0, window.path_edit.height())).y()
    demo_top = min(w.mapTo(window, QPoint(0, 0)).y()
                   for w in (window.demo_note, window.remove_demo_button))
    spacing = window.layout().spacing()
    assert demo_top - row_bottom <= spacing + 2, (row_bottom, demo_top, spacing)
    assert not window.hint.isVisible() and not window.plan_summary.isVisible()

    # A file that cannot be imported still says why, in the same place
    load(qtbot, window, tmp_path / "gone.csv")
    assert window.hint.isVisible() and window.hint.text().startswith("This file cannot be")
    window.close()
    store.close()
