"""Contact groups in a team address book, against a real Radicale: Apple Contacts and iCloud
keep a group as a card of its own (X-ADDRESSBOOKSERVER-KIND:group), vCard 4 as KIND:group.
A group is nobody to call: it must not become a contact the rep finds in search."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import Store
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
