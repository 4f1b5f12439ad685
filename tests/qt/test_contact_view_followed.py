"""The contact view of a followed file's person, open while the file is saved again: it stays
the same contact (it greyed out as "no longer exists" on every save), keeps what the rep typed,
and says what the file changed over the rep's own value. Real files, a real SQLite store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.contact_edits import numbers_of
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.importing.following import follow, refresh
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView
from tests.adapters.test_followed_files import Loop
from tests.adapters.test_followed_merged_numbers import (
    MAYA,
    OLA,
    OUTLOOK,
    SOREN,
    SOREN_DIRECT,
    soren,
)
from tests.adapters.test_followed_merged_numbers import excel_save as leads_save

OPTIONS = ImportOptions(NumberPolicy("US"))
BOOK = "Name,Title,Company,Phone\r\nDana Reyes,Buyer,Acme,+1 415 555 0101\r\n"


def excel_save(path: Path, text: str) -> None:
    temporary = path.with_name("~$" + path.name)
    temporary.write_bytes(text.encode("utf-8-sig"))
    os.replace(temporary, path)


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
    store.close()


def test_the_view_stays_open_and_says_what_the_file_changed(
    qtbot: QtBot, lookup: CallerLookup, tmp_path: Path
) -> None:
    book = tmp_path / "prospects.csv"
    excel_save(book, BOOK)
    follow(lookup.store, book, OPTIONS)
    ((dana, _),) = lookup.store.contacts_for_number("+14155550101")
    view = ContactView(lookup, dana.id)
    qtbot.addWidget(view)
    view.open()
    title = view.editors["title"]
    assert isinstance(title, QLineEdit)
    title.selectAll()
    qtbot.keyClicks(title, "Head buyer")  # the rep types; the view saves it
    qtbot.waitUntil(lambda: _title(lookup, dana.id) == "Head buyer")
    assert view.file_changes.isHidden()

    excel_save(book, BOOK.replace("Buyer", "Purchasing lead"))
    assert refresh(lookup.store, book, OPTIONS).problem == ""
    assert view.load(), view.status.text()

    assert title.text() == "Purchasing lead", "the cell changed after the rep"
    assert title.isEnabled()
    assert view.file_changes.isVisibleTo(view)
    assert view.file_changes.text().startswith("Title: prospects.csv changed it to "
                                               "'Purchasing lead' on ")  # fmt: skip
    assert view.file_changes.text().endswith("you had 'Head buyer'.")


def _title(lookup: CallerLookup, contact_id: int) -> str:
    contact = lookup.store.contact(contact_id, attempts_limit=0)
    return contact.title if contact is not None else ""


def test_a_number_the_file_added_to_the_reps_contact_is_editable_across_a_save(
    qtbot: QtBot, lookup: CallerLookup, tmp_path: Path
) -> None:
    """Søren's view open on his direct line (leads.csv's row added it to his Outlook contact)
    while Excel saves the report, his row unchanged: the rep's label is saved. It answered
    'That number was removed meanwhile' (every save took the line back and added it again)."""
    store = lookup.store
    outlook = tmp_path / "outlook.csv"
    outlook.write_bytes(OUTLOOK.encode("cp1252"))
    import_file(store, outlook, OPTIONS)
    leads = tmp_path / "leads.csv"
    leads_save(leads, [SOREN, MAYA, OLA])
    follow(store, leads, OPTIONS)
    him = soren(store)
    view = ContactView(lookup, him)
    qtbot.addWidget(view)
    view.open()
    (row,) = [i for i, n in enumerate(numbers_of(store, him)) if n.number.e164 == SOREN_DIRECT]
    edit = view.findChild(QToolButton, f"editNumber{row}")
    assert edit is not None
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    assert view.number_editor.isVisible()

    with Loop.running(store.path) as watching:
        leads_save(leads, [SOREN, MAYA, OLA.replace("CFO", "CEO")])  # his row unchanged
        assert watching.wait_results(1).problem == ""

    view.number_editor.label.setCurrentText("direct")
    qtbot.mouseClick(view.number_editor.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == "+44 20 7946 0432 is now labelled direct.", (
        view.number_editor.message.text())
    assert [(n.number.e164, n.number.label) for n in numbers_of(store, him)
            if n.number.e164 == SOREN_DIRECT] == [(SOREN_DIRECT, "direct")]  # fmt: skip
