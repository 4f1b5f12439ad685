"""Deleting a team directory's person hides them from this rep's cards for good: the team's
book keeps them, a later sync of a changed entry does not bring them back, and Show hidden
(or Undo) does. Real Radicale and LDAP-less: the same mirror code serves both kinds."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard
from tests.conftest import python_env

US = NumberPolicy("US")
DANA = vcard("dana", "Dana Reyes", "TITLE:Buyer", "TEL:+1 646 555 0101")
DANA_PROMOTED = vcard("dana", "Dana Reyes", "TITLE:Head of Purchasing", "TEL:+1 646 555 0101")
MIA = vcard("mia", "Mia Wong", "TEL:(212) 555-0199")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Radicale]:
    started = Radicale(tmp_path / "server").start()
    yield started
    started.stop()


def names(store: Store, number: str) -> list[str]:
    return [c.name for c, _ in store.contacts_for_number(number)]


def sync(store: Store) -> None:
    target = mirror.directory(store, "sales")
    assert target is not None
    sync_directory(store, target, "", US)


def test_a_hidden_team_contact_stays_hidden_when_the_server_changes_it(
    tmp_path: Path, server: Radicale
) -> None:
    """Seen using the app: the rep deleted Dana (the team book's, not theirs to delete); the
    next time anyone edited Dana's card on the server, she was back in the rep's cards."""
    data = tmp_path / "data"
    url = server.make_book("/team/sales/", [DANA, MIA])
    store = Store.open(data / "callercard.sqlite3")
    try:
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        sync_directory(store, target, "", US)
        [(dana, _)] = store.contacts_for_number("+16465550101")
        undo_id, said = contact_edits.delete_contact(store, dana.id)
        server.put("/team/sales/dana.vcf", DANA_PROMOTED)
        sync(store)
        assert names(store, "+16465550101") == []
        assert names(store, "+12125550199") == ["Mia Wong"]
        assert said == "Hid Dana Reyes from your cards."
        # From a terminal, in another process: the directory says what is hidden.
        listed = subprocess.run(
            [sys.executable, "-m", "desktop", "directory", "list", "--json", "--data-dir",
             str(data)], capture_output=True, text=True, env=python_env(), timeout=60,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        [entry] = json.loads(listed.stdout)["directories"]
        assert (entry["contacts"], entry["hidden"]) == (1, 1)
        # Undo right after: Dana is back and the next sync follows her card again.
        contact_edits.undo_delete(store, undo_id)
        assert names(store, "+16465550101") == ["Dana Reyes"]
        server.put("/team/sales/dana.vcf", DANA)
        sync(store)
        [(back, _)] = store.contacts_for_number("+16465550101")
        assert back.title == "Buyer"
        assert mirror.directory(store, "sales").hidden == 0  # type: ignore[union-attr]
    finally:
        store.close()


def test_show_hidden_brings_the_person_back_as_the_server_has_them_now(
    tmp_path: Path, server: Radicale
) -> None:
    url = server.make_book("/team/sales/", [DANA, MIA])
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        sync_directory(store, target, "", US)
        [(dana, _)] = store.contacts_for_number("+16465550101")
        contact_edits.delete_contact(store, dana.id)
        server.put("/team/sales/dana.vcf", DANA_PROMOTED)
        sync(store)
        assert names(store, "+16465550101") == []
        assert mirror.show_hidden(store, "sales") == 1
        sync(store)  # even an entry unchanged since it was hidden is read afresh
        [(back, _)] = store.contacts_for_number("+16465550101")
        assert (back.name, back.title) == ("Dana Reyes", "Head of Purchasing")
        assert names(store, "+12125550199") == ["Mia Wong"]  # not doubled by the full read
        assert store.count_contacts() == 2
    finally:
        store.close()
