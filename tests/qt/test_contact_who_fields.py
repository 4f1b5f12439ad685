"""Fixing who a contact is (name, title, company, e-mail) in the contact view.

Used as a rep: "Dan Webb" was Daniel, and Frank Miller's company had changed, but the contact
view could change numbers only; the card went on saying the name wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocumentFragment
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import read_cards
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
    store.close()


def open_view(qtbot: QtBot, lookup: CallerLookup, contact_id: int) -> ContactView:
    view = ContactView(lookup, contact_id)
    qtbot.addWidget(view)
    view.open()
    return view


def test_a_misspelt_name_and_a_new_company_are_fixed_in_the_view(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    dan = lookup.store.add_contact(NewContact(
        "Dan Webb", title="CFO", company="Harbor Medical",
        numbers=(StoredNumber("(617) 555-0134", "+16175550134"),)))  # fmt: skip
    view = open_view(qtbot, lookup, dan)
    assert view.editors["name"].isEnabled() and not view.editors["name"].isReadOnly()  # type: ignore[union-attr]

    name = view.editors["name"]
    name.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(name, "Daniel Webb")
    company = view.editors["company"]
    company.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(company, "Harbor Health")

    with closing(Store.open(lookup.store.path)) as other:  # as the next ring's process reads it
        saved = other.contact(dan)
        assert saved is not None
        assert (saved.name, saved.company, saved.title) == ("Daniel Webb", "Harbor Health", "CFO")
        assert [c.name for c in other.search_simple("daniel")] == ["Daniel Webb"]
    # The head, the title bar and the opener follow at once
    assert view.name.text() == "Daniel Webb"
    assert view.role.text() == "CFO · Harbor Health"
    assert view.windowTitle() == "CallerCard — Daniel Webb"
    assert view.opener.text().startswith("Hi Daniel")
    assert view.status.text() == "Saved."
    card = lookup.card_for("+16175550134")  # what the next ring's card says
    assert card.contacts[0].name == "Daniel Webb" and card.opener.startswith("Hi Daniel")


def test_a_team_directorys_person_keeps_the_directorys_name(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """Its next sync would write the directory's name back over the rep's."""
    target = mirror.add_directory(lookup.store, "Team", "carddav", "http://127.0.0.1:1/",
                                  "http://127.0.0.1:1/book/", "")  # fmt: skip
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nORG:Contoso\r\n"
            "TEL:+1 212 555 0101\r\nEND:VCARD\r\n")  # fmt: skip
    read = read_cards({"dana.vcf": ("e1", card)}, NumberPolicy("US"))
    rows = {h: (etag, row if not isinstance(row, str) else None)
            for h, (etag, row) in read.items()}  # fmt: skip
    mirror.apply_changes(lookup.store, target, "t1", rows, [])
    [dana] = lookup.store.search_simple("dana")
    view = open_view(qtbot, lookup, dana.id)

    for field in ("name", "title", "company", "email"):
        assert view.editors[field].isReadOnly(), field  # type: ignore[union-attr]
        tip = QTextDocumentFragment.fromHtml(view.editors[field].toolTip()).toPlainText()
        assert tip == "Kept by Team: change it there."
        # An empty one (Dana's card has no title) invites no typing.
        assert view.editors[field].placeholderText() == "", field
    assert not view.editors["notes"].isReadOnly()  # what only the rep keeps stays theirs
    assert view.editors["name"].text() == "Dana Reyes"  # type: ignore[union-attr]
