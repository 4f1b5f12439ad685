"""A team card the server renames (its file deleted and put again, same UID, under another
name) is the same card: a contact the rep hid stays hidden, and a followed one keeps what this
rep added to it (an import's numbers and fields, the next step, its calls). Before, the UID was
not stored and the renamed card came back as a new contact. Real Radicale."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.importing.vcards import card_uid
from desktop.adapters.store import Store
from desktop.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard

US = NumberPolicy("US")
DANA_NUMBER = "+16465550101"
DANA = vcard("dana-uid", "Dana Reyes", "TITLE:Buyer", "TEL:+1 646 555 0101")
DANA_PROMOTED = vcard("dana-uid", "Dana Reyes", "TITLE:Head of Purchasing",
                      "TEL:+1 646 555 0101")  # fmt: skip
MIA = vcard("mia-uid", "Mia Wong", "TEL:(212) 555-0199")
VERSION_BEFORE = 16  # the schema without directory_cards.uid


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


def rename_on_server(server: Radicale, old: str, new: str, card: str) -> None:
    """What a server's move does to a card: its file gone, the same UID under a new name."""
    server.delete(f"/team/sales/{old}")
    server.put(f"/team/sales/{new}", card)


def hrefs(store: Store) -> list[str]:
    return sorted(h.rsplit("/", 1)[-1] for (h,) in store.connection.execute(
        "SELECT href FROM directory_cards"))  # fmt: skip


def test_a_hidden_team_card_stays_hidden_when_the_server_renames_it(
    tmp_path: Path, server: Radicale
) -> None:
    url = server.make_book("/team/sales/", [DANA, MIA])
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        sync_directory(store, target, "", US)
        assert hrefs(store) == ["dana-uid.vcf", "mia-uid.vcf"]
        [(dana, _)] = store.contacts_for_number(DANA_NUMBER)
        undo_id, said = contact_edits.delete_contact(store, dana.id)
        assert said == "Hid Dana Reyes from your cards."
        rename_on_server(server, "dana-uid.vcf", "dana-reyes.vcf", DANA_PROMOTED)
        sync(store)
        assert names(store, DANA_NUMBER) == []  # not back as someone new
        assert hrefs(store) == ["dana-reyes.vcf", "mia-uid.vcf"]
        synced = mirror.directory(store, "sales")
        assert synced is not None and (synced.cards, synced.hidden) == (1, 1)
        # Undo finds her card under its new name, and she follows it from there.
        contact_edits.undo_delete(store, undo_id)
        assert names(store, DANA_NUMBER) == ["Dana Reyes"]
        server.put("/team/sales/dana-reyes.vcf", DANA)
        sync(store)
        [(back, _)] = store.contacts_for_number(DANA_NUMBER)
        assert (back.id, back.title) == (dana.id, "Buyer")
        assert store.count_contacts() == 2
    finally:
        store.close()


def test_a_renamed_team_card_keeps_what_the_rep_added_to_its_contact(
    tmp_path: Path, server: Radicale
) -> None:
    """The rep's sheet merged Dana's mobile and a note into the team's Dana; the rep set a next
    step and called her. The server renames her card: all of it stays with her."""
    mail = "EMAIL:dana@acme.example"
    url = server.make_book("/team/sales/", [DANA.replace("END:", f"{mail}\r\nEND:"), MIA])
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        sync_directory(store, target, "", US)
        sheet = tmp_path / "mine.csv"
        sheet.write_text("Name,Email,Mobile,Notes\n"
                         "Dana Reyes,dana@acme.example,+1 646 555 0177,Met at SaaStr\n",
                         encoding="utf-8")  # fmt: skip
        assert import_file(store, sheet, ImportOptions(US)).merged == 1
        [(dana, _)] = store.contacts_for_number("+16465550177")
        store.update_contact_field(dana.id, "next_step", "send the Q3 quote")
        with store.transaction():
            store.add_attempt(dana.id, Attempt(Direction.OUT, datetime.now(UTC), Outcome.TALKED))
        promoted = DANA_PROMOTED.replace("END:", f"{mail}\r\nEND:")
        rename_on_server(server, "dana-uid.vcf", "dana-reyes.vcf", promoted)
        sync(store)
        [(after, _)] = store.contacts_for_number("+16465550177")
        assert after.id == dana.id
        assert (after.title, after.notes, after.next_step) == (
            "Head of Purchasing", "Met at SaaStr", "send the Q3 quote")
        assert [a.outcome for a in after.attempts] == [Outcome.TALKED]
        assert names(store, DANA_NUMBER) == ["Dana Reyes"] and store.count_contacts() == 2
    finally:
        store.close()


def test_a_mirror_from_before_uids_learns_them_on_its_next_sync(
    tmp_path: Path, server: Radicale
) -> None:
    """A database of schema 16 (no UIDs): the upgrade has the next sync read every card again,
    so a rename after it keeps a hidden card hidden, and nothing is doubled meanwhile."""
    url = server.make_book("/team/sales/", [DANA, MIA])
    path = tmp_path / "callercard.sqlite3"
    store = Store.open(path)
    target = mirror.add_directory(store, "sales", "carddav", url, url, "")
    sync_directory(store, target, "", US)
    [(dana, _)] = store.contacts_for_number(DANA_NUMBER)
    contact_edits.delete_contact(store, dana.id)
    store.close()
    # Back to schema 16 as it was written: the same rows, without the UID column (nor the
    # tables later migrations add).
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE import_holds; DROP TABLE followed_rows; "
                       "ALTER TABLE contacts DROP COLUMN edited_at; "
                       "DROP INDEX directory_cards_uid; ALTER TABLE directory_cards DROP "
                       "COLUMN uid; DROP TABLE callbacks_put_off; "
                       "ALTER TABLE attempts DROP COLUMN caller_id; "
                       "DROP INDEX phone_numbers_internal; "
                       "ALTER TABLE directory_cards DROP COLUMN note; "
                       "ALTER TABLE attempts DROP COLUMN promise_done; "
                       f"PRAGMA user_version = {VERSION_BEFORE};")
    conn.close()
    assert "directory_cards ADD COLUMN uid" in MIGRATIONS[VERSION_BEFORE]  # the one to run

    store = Store.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION > VERSION_BEFORE
        sync(store)
        assert names(store, DANA_NUMBER) == [] and store.count_contacts() == 1
        rename_on_server(server, "dana-uid.vcf", "dana-reyes.vcf", DANA_PROMOTED)
        sync(store)
        assert names(store, DANA_NUMBER) == [] and store.count_contacts() == 1
        synced = mirror.directory(store, "sales")
        assert synced is not None and synced.hidden == 1
    finally:
        store.close()


@pytest.mark.parametrize(("text", "uid"), [
    ("BEGIN:VCARD\r\nUID:urn:uuid:4fbe8971-0bc3\r\n -0bc3-4e5f\r\nEND:VCARD\r\n",
     "urn:uuid:4fbe8971-0bc3-0bc3-4e5f"),
    ("BEGIN:VCARD\nitem1.uid;VALUE=text: abc \nFN:A\nEND:VCARD\n", "abc"),
    ("BEGIN:VCARD\nX-UID:nope\nNOTE:UID:nope\nEND:VCARD\n", ""),
])  # fmt: skip
def test_a_cards_uid_is_read_unfolded_and_only_from_its_own_line(text: str, uid: str) -> None:
    assert card_uid(text) == uid
