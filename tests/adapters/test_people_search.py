"""Search lists each person once across the local book and a team directory (a real Radicale
on loopback), as the card does."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.people_search import search_people
from desktop.adapters.store import NewContact, Store
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import parse_query
from tests.adapters.carddav_servers import running_radicale, vcard


def test_the_same_person_in_the_book_and_a_directory_is_one_search_result(
    tmp_path: Path,
) -> None:
    """Search "maya" listed Maya twice (the rep's contact and the team card), where the
    card showed her once with both sources."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        for name, raw, e164 in (("Maya Okafor", "+1 415 555 0142", "+14155550142"),
                                ("Maya Lee", "+1 415 555 0190", "+14155550190")):  # fmt: skip
            store.add_contact(NewContact(name, numbers=(StoredNumber(raw, e164),)))
        for server in running_radicale(tmp_path / "radicale"):
            url = server.make_book("/team/sales/", [
                vcard("maya", "Maya Okafor", "TEL:+1 415 555 0142", "TITLE:VP Sales"),
                vcard("other", "Maya Okafor", "TEL:+1 415 555 0177"),  # no shared number
            ])  # fmt: skip
            target = mirror.add_directory(store, "sales", "carddav", url, url, "")
            sync_directory(store, target, "", NumberPolicy("US"))

        people = [hit.contact for hit in search_people(store, parse_query("maya"))]
        okafor = [p for p in people if p.name == "Maya Okafor"]
        assert sorted(len(p.sources) for p in okafor) == [1, 2], "her namesake stays apart"
        [both] = [p for p in okafor if len(p.sources) == 2]
        assert both.sources == ("local", "sales") and both.title == "VP Sales"
        assert len(people) == 3
        assert len(store.search(parse_query("maya"))) == 4  # what the index holds
    finally:
        store.close()
