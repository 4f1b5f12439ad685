"""One row per person across sources: a contact in the rep's own book that a team's CardDAV
book (a real Radicale, mirrored by `directory add`) also has is one search result, naming both
sources, in `callercard search`, the Search window and the contact view."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.people_search import search_people
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView
from desktop.qt.search_window import SearchWindow
from tests.adapters.carddav_servers import Radicale, running_radicale, vcard
from tests.conftest import REPO
from tests.test_cli import cc

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    yield from running_radicale(tmp_path / "radicale")


@pytest.fixture
def data(radicale: Radicale, tmp_path: Path) -> Path:
    """Dana in the rep's own book and in the team's book; Sam only in the team's; another
    Dana (another company, another number) only in the rep's own."""
    data = tmp_path / "data"
    mine = tmp_path / "mine.csv"
    mine.write_text("Name,Company,Phone,Why we called\n"
                    "Dana Reyes,Acme,+1 415 555 0101,Q3 bid\n"
                    "Dana Kim,Globex,+1 212 555 0177,\n", encoding="utf-8")  # fmt: skip
    assert cc("import", str(mine), "--region", "US", data_dir=data).returncode == 0
    book = f"/team-{uuid.uuid4().hex[:8]}/book/"
    radicale.make_book(book, [
        vcard("dana", "Dana Reyes", "ORG:Acme", "TITLE:Buyer", "TEL:+1 415 555 0101"),
        vcard("sam", "Sam Ortiz", "ORG:Beta", "TEL:+1 415 555 0102"),
    ])  # fmt: skip
    added = cc("directory", "add", "carddav", radicale.base + book, "--name", "team",
               "--region", "US", data_dir=data)  # fmt: skip
    assert added.returncode == 0, added.stderr
    return data


def test_search_command_lists_each_person_once_with_every_source(data: Path) -> None:
    found = cc("search", "dana", "--json", "--region", "US", data_dir=data, check=True)
    results = json.loads(found.stdout)["results"]
    assert sorted((r["name"], r["source"], r["sources"]) for r in results) == [
        ("Dana Kim", "local", ["local"]),
        ("Dana Reyes", "local", ["local", "team"]),
    ]
    reyes = next(r for r in results if r["name"] == "Dana Reyes")
    assert reyes["title"] == "Buyer" and reyes["why"] == "Q3 bid", "both sources' fields"
    sam = json.loads(cc("search", "ortiz", "--json", "--region", "US", data_dir=data,
                        check=True).stdout)["results"]  # fmt: skip
    assert [(r["name"], r["sources"]) for r in sam] == [("Sam Ortiz", ["team"])]
    text = cc("search", "reyes", "--region", "US", data_dir=data, check=True).stdout
    assert text.count("Dana Reyes") == 1
    assert "  From: your contacts, team" in text.splitlines()


def test_search_window_and_contact_view_name_the_sources(qtbot: QtBot, data: Path) -> None:
    store = Store.open(data / "callercard.sqlite3")
    try:
        window = SearchWindow(lambda query: search_people(store, query))
        qtbot.addWidget(window)
        window.resize(600, 300)
        window.open("dana")
        rows = [window.results.item(i) for i in range(window.results.count())]
        texts = [(row.data(window_role(1)), row.data(window_role(2))) for row in rows]
        assert len(texts) == 2, texts
        reyes = next(t for t in texts if t[0].startswith("Dana Reyes"))
        assert "from your contacts, team" in reyes[1]
        kim = next(t for t in texts if t[0].startswith("Dana Kim"))
        assert "from" not in kim[1], "a contact only in the rep's own book says nothing more"
        window.grab().save(str(SCREENSHOTS / "search_across_sources.png"))

        local_id = next(row.data(window_role(0)) for row in rows
                        if str(row.data(window_role(1))).startswith("Dana Reyes"))  # fmt: skip
        lookup = CallerLookup(store, NumberPolicy("US"), {})
        view = ContactView(lookup, int(local_id))
        qtbot.addWidget(view)
        view.open()
        assert view.sources.text() == "From your contacts, team"
        assert view.sources.textFormat() == Qt.TextFormat.PlainText
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        view.grab().save(str(SCREENSHOTS / "contact_view_sources.png"))
    finally:
        store.close()


def window_role(offset: int) -> int:
    """The search window's item roles: 0 the contact id, 1 the name line, 2 the details."""
    return int(Qt.ItemDataRole.UserRole) + offset
