"""Contact groups in a team address book, against a real Radicale: Apple Contacts and iCloud
keep a group as a card of its own (X-ADDRESSBOOKSERVER-KIND:group), vCard 4 as KIND:group.
A group is nobody to call: it must not become a contact the rep finds in search."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from desktop.adapters.directories import mirror
from desktop.adapters.directories.managing import DirectoryForm, check_connection
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import Store
from desktop.adapters.store.schema import MIGRATIONS
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard

DANA = vcard("dana", "Dana Reyes", "ORG:Acme Freight", "TEL;TYPE=CELL:+1 415 555 0101")
APPLE_GROUP = vcard("sales-team", "Sales team", "N:Sales team;;;;",
                    "X-ADDRESSBOOKSERVER-KIND:group",
                    "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:dana")  # fmt: skip
GROUP_4 = vcard("key-accounts", "Key accounts", "kind:Group", "MEMBER:urn:uuid:dana",
                "TEL:+1 415 555 0199", version="4.0")  # fmt: skip
SHOP = vcard("shop", "Acme Freight front desk", "KIND:org", "TEL:+1 415 555 0100",
             version="4.0")  # fmt: skip


def names(store: Store) -> list[str]:
    return [str(n) for (n,) in store.connection.execute("SELECT name FROM contacts ORDER BY 1")]


def test_group_cards_are_not_mirrored_as_people(tmp_path: Path) -> None:
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    policy = NumberPolicy("US")
    try:
        url = server.make_book("/team/book/", [DANA, APPLE_GROUP, GROUP_4, SHOP])
        mirror.add_directory(store, "team", "carddav", url, url, "")
        report = sync_directory(store, mirror.directories(store)[0], "", policy)
        assert names(store) == ["Acme Freight front desk", "Dana Reyes"], (
            "people and an organisation's line, not the groups")
        assert (report.counts.added, report.counts.unreadable) == (2, 0), (
            "a group is not a card that could not be read")
        assert report.problems == ()
        assert store.contacts_for_number("+14155550199") == []
        assert mirror.directories(store)[0].cards == 2

        server.put("/team/book/sales-team.vcf", APPLE_GROUP.replace("Sales team", "Sales EMEA"))
        report = sync_directory(store, mirror.directories(store)[0], "", policy)
        assert names(store) == ["Acme Freight front desk", "Dana Reyes"]
        assert (report.counts.added, report.counts.changed, report.counts.unreadable) == (0, 0, 0)
    finally:
        store.close()
        server.stop()


def test_test_connection_counts_the_contacts_a_sync_adds(tmp_path: Path) -> None:
    """Settings' Test connection said "4 contacts" of this book, and the first sync then
    added 2: it counted the book's files, groups among them."""
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    try:
        url = server.make_book("/team/book/", [DANA, APPLE_GROUP, GROUP_4, SHOP])
        found = check_connection(DirectoryForm("carddav", "team", url))
        assert found == "Found address book 'team/book' with 2 contacts (2 groups left out)"
        mirror.add_directory(store, "team", "carddav", url, url, "")
        report = sync_directory(store, mirror.directories(store)[0], "", NumberPolicy("US"))
        assert report.counts.added == 2

        server.delete("/team/book/key-accounts.vcf")
        assert check_connection(DirectoryForm("carddav", "team", url)) == (
            "Found address book 'team/book' with 2 contacts (1 group left out)")
    finally:
        store.close()
        server.stop()


VERSION_BEFORE = 19  # the schema before cards read in an older way were read again


def test_groups_a_mirror_made_before_took_for_people_go_on_its_next_sync(
    tmp_path: Path,
) -> None:
    """A mirror synced before groups were skipped has "Sales team" and "Key accounts" as
    contacts; the group cards never change on the server, and they stayed for good."""
    server = Radicale(tmp_path / "server").start()
    path = tmp_path / "data" / "callercard.sqlite3"
    store = Store.open(path)
    policy = NumberPolicy("US")
    try:
        url = server.make_book("/team/book/", [DANA, APPLE_GROUP, GROUP_4])
        mirror.add_directory(store, "team", "carddav", url, url, "")
        sync_directory(store, mirror.directories(store)[0], "", policy)
        # What the sync of then made of the two group cards: a contact each.
        conn = store.connection
        for href, name, number in (("/team/book/sales-team.vcf", "Sales team", None),
                                   ("/team/book/key-accounts.vcf", "Key accounts",
                                    "+14155550199")):  # fmt: skip
            now = int(time.time())
            contact_id = conn.execute(
                "INSERT INTO contacts(name, created_at, updated_at) VALUES (?, ?, ?)",
                (name, now, now)).lastrowid  # fmt: skip
            if number:
                conn.execute("INSERT INTO phone_numbers(contact_id, raw, e164) VALUES (?, ?, ?)",
                             (contact_id, number, number))  # fmt: skip
            assert conn.execute("UPDATE directory_cards SET contact_id = ? WHERE href = ?",
                                (contact_id, href)).rowcount == 1  # fmt: skip
    finally:
        store.close()
    old = sqlite3.connect(path)
    old.executescript("DROP TABLE import_holds; DROP TABLE followed_rows; "
                      "ALTER TABLE contacts DROP COLUMN edited_at; "
                      "DROP INDEX phone_numbers_internal; "
                      "ALTER TABLE directory_cards DROP COLUMN note; "
                      "ALTER TABLE attempts DROP COLUMN promise_done; "
                      f"PRAGMA user_version = {VERSION_BEFORE};")
    old.close()
    assert "directory_cards ADD COLUMN note" in MIGRATIONS[VERSION_BEFORE]  # the one to run

    store = Store.open(path)
    try:
        assert names(store) == ["Dana Reyes", "Key accounts", "Sales team"]
        report = sync_directory(store, mirror.directories(store)[0], "", policy)
        assert names(store) == ["Dana Reyes"], "the groups go, though their cards never changed"
        assert store.contacts_for_number("+14155550199") == []
        c = report.counts
        assert (c.added, c.changed, c.removed, c.unreadable) == (0, 0, 2, 0), (
            "Dana's card, read again, did not change")
        assert mirror.directories(store)[0].cards == 1
    finally:
        store.close()
        server.stop()
