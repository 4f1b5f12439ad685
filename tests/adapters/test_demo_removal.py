"""The demo book never mixes with real contacts: the first real import takes it out whole,
before anything is matched against it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card import card_json
from desktop.core.card_text import card_lines
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import parse_query
from desktop.qt.search_window import result_lines
from tests.conftest import python_env

# Mike Kowalski's demo number (415) 555-0142 belongs to a real prospect in this file.
REAL = """\
Name,Company,Phone
Maya Okafor,Brightline Analytics,(415) 555-0142
"""


def test_first_real_import_removes_the_demo_book_and_imports_the_real_prospect(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    assert store.search_simple("Kowalski")
    path = tmp_path / "prospects.csv"
    path.write_text(REAL, encoding="utf-8")
    report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert (report.imported, report.merged, report.unchanged) == (1, 0, 0)
    assert report.demo_removed == 7 and report.to_json()["demo_contacts_removed"] == 7
    [(maya, _number)] = store.contacts_for_number("+14155550142")
    assert (maya.name, maya.company) == ("Maya Okafor", "Brightline Analytics")
    assert store.count_contacts() == 1
    assert store.connection.execute("SELECT count(*) FROM attempts").fetchone() == (0,)
    assert store.search_simple("Kowalski") == []
    assert store.search_simple("Harbor") == []
    # A second import has no demo left to remove.
    again = import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert (again.demo_removed, again.unchanged) == (0, 1)


def test_demo_contacts_are_marked_on_the_card_and_in_search(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    [(mike, _number)] = store.contacts_for_number("+14155550142")
    assert mike.demo
    [hit] = store.search(parse_query("Kowalski"))
    primary, _secondary = result_lines(hit, datetime.now(UTC))
    assert primary.startswith("Demo · Mike Kowalski")
    card = CallerLookup(store, NumberPolicy("US"), {}).card_for("(415) 555-0142")
    assert card_json(card)["contacts"][0]["demo"] is True  # type: ignore[index]
    assert any(line.startswith("Demo: ") for line in card_lines(card))
    store.add_contact(NewContact(name="Real Person", numbers=()))
    [real] = store.search(parse_query("Real Person"))
    assert not real.contact.demo and not result_lines(real, datetime.now(UTC))[0].startswith("Demo")


def test_remove_demo_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    store = Store.open(data / "callercard.sqlite3")
    seed_demo_book(store)
    store.close()
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "import", "--remove-demo", "--json", "--data-dir",
         str(data)], capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"demo_contacts_removed": 7}
    assert Store.open(data / "callercard.sqlite3").count_contacts() == 0


def test_a_real_call_from_a_demo_number_outlives_the_demo_book(tmp_path: Path) -> None:
    """Seen using the app: a hook ring from (415) 555-0142 while the demo book was still there
    was logged against demo Mike Kowalski; the first real import (a CLI import from another
    shell) then removed the demo and the call with it. `calls` said nothing had happened."""
    from desktop.core.models import Attempt, Direction, Outcome

    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    [(mike, _number)] = store.contacts_for_number("+14155550142")
    at = datetime.now(UTC).replace(microsecond=0)
    with store.transaction():
        store.record_call(mike.id, Attempt(Direction.IN, at, Outcome.TALKED,
                                           number_e164="+14155550142"),
                          "hook", "hook:+14155550142")  # fmt: skip
    path = tmp_path / "prospects.csv"
    path.write_text(REAL, encoding="utf-8")
    assert import_file(store, path, ImportOptions(NumberPolicy("US"))).demo_removed == 7
    calls = store.connection.execute(
        "SELECT contact_id, number_e164, outcome, source FROM attempts"
    ).fetchall()
    # The call stays, and is now the call of the real prospect who has that number.
    [(maya, _number)] = store.contacts_for_number("+14155550142")
    assert maya.name == "Maya Okafor"
    assert calls == [(maya.id, "+14155550142", "talked", "hook")]
    assert store.search_simple("Kowalski") == []


def test_a_team_directorys_first_contacts_take_the_demo_book_out(tmp_path: Path) -> None:
    """A rep whose contacts live in the team's address book adds it at once: the demo's Mike
    Kowalski no longer pops cards beside the team's people. An empty book leaves the demo."""
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import add_directory
    from desktop.adapters.secrets import SecretStore
    from tests.adapters.carddav_servers import Radicale, vcard

    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    seed_demo_book(store)
    server = Radicale(tmp_path / "server").start()
    try:
        server.make_book("/team/empty/", [])
        server.make_book("/team/sales/", [vcard("dana", "Dana Reyes", "TEL:+1 646 555 0101")])
        policy = NumberPolicy("US")
        add_directory(store, DirectoryForm("carddav", "empty", server.base + "/team/empty/"),
                      policy, SecretStore.open)  # fmt: skip
        assert store.demo_contact_count() == 7
        store.close()
        # From a terminal, as a rep would: it says what went.
        added = subprocess.run(
            [sys.executable, "-m", "desktop", "directory", "add", "carddav",
             server.base + "/team/sales/", "--name", "sales", "--data-dir", str(data),
             "--region", "US"],
            capture_output=True, text=True, env=python_env(), timeout=60,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert added.stdout.splitlines()[-1] == "The 7 demo contacts were removed."
        store = Store.open(data / "callercard.sqlite3")
        assert store.demo_contact_count() == 0
        assert not store.search_simple("Kowalski")
        assert [c.name for c, _ in store.contacts_for_number("+16465550101")] == ["Dana Reyes"]
    finally:
        store.close()
        server.stop()


def test_a_team_book_whose_first_sync_failed_takes_the_demo_out_when_it_fills_later(
    tmp_path: Path,
) -> None:
    """Seen using the app: the team's book was added while its server answered nonsense, so
    the first sync failed; the next sync (from a terminal, as the background loop's would)
    brought Dana and the others, and the demo's Mike Kowalski stayed among them, popping
    cards for nobody. Only the sync that added a book looked at the demo."""
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import add_directory
    from desktop.adapters.secrets import SecretStore
    from desktop.core.models import Attempt, Direction, Outcome
    from tests.adapters.carddav_servers import MisbehavingProxy, Radicale, vcard

    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    seed_demo_book(store)
    [(mike, _number)] = store.contacts_for_number("+14155550142")
    with store.transaction():  # a real call from the number demo Mike has
        store.record_call(mike.id, Attempt(Direction.IN, datetime.now(UTC), Outcome.TALKED,
                                           number_e164="+14155550142"),
                          "hook", "hook:+14155550142")  # fmt: skip
    server = Radicale(tmp_path / "server").start()
    proxy = MisbehavingProxy(server.port)
    try:
        server.make_book("/team/sales/", [
            vcard("dana", "Dana Reyes", "TEL:+1 646 555 0101"),
            vcard("maya", "Maya Okafor", "TEL:(415) 555-0142"),
        ])  # fmt: skip
        proxy.mode = "garbage"  # the address book is found; its listing is nonsense
        added = add_directory(store, DirectoryForm("carddav", "sales",
                                                   proxy.base + "/team/sales/"),
                              NumberPolicy("US"), SecretStore.open)  # fmt: skip
        assert added.report is None and added.sync_error is not None
        assert store.demo_contact_count() == 7
        store.close()
        proxy.mode = "pass"
        synced = subprocess.run(
            [sys.executable, "-m", "desktop", "directory", "sync", "sales", "--data-dir",
             str(data), "--region", "US"],
            capture_output=True, text=True, env=python_env(), timeout=60,
        )  # fmt: skip
        assert synced.returncode == 0, synced.stderr
        assert synced.stdout.splitlines()[-1] == "The 7 demo contacts were removed."
        store = Store.open(data / "callercard.sqlite3")
        assert store.demo_contact_count() == 0
        assert not store.search_simple("Kowalski")
        assert store.count_contacts() == 2
        # The call stays, now the call of the team's contact who has that number.
        [(maya, _number)] = store.contacts_for_number("+14155550142")
        assert store.connection.execute(
            "SELECT contact_id, source FROM attempts").fetchall() == [(maya.id, "hook")]
    finally:
        store.close()
        proxy.close()
        server.stop()
