"""The contact view of a followed file's person, open while the file is saved again: it stays
the same contact (it greyed out as "no longer exists" on every save), keeps what the rep typed,
and says what the file changed over the rep's own value. Real files, a real SQLite store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.importing import ImportOptions
from desktop.adapters.importing.following import follow, refresh
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView

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
