"""Possible duplicates leave team directories' contacts alone: merging the rep's contact with
a mirrored one handed it to the directory, and removing the directory then deleted it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters import duplicates
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import NewContact, Store, StoreError
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import running_radicale, vcard

MAYA = StoredNumber("+1 415 555 0142", "+14155550142")


def test_a_mirrored_contact_is_never_offered_or_merged(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        own = store.add_contact(NewContact("Maya Okafor", email="maya@example.com",
                                           notes="Met at SaaStr", numbers=(MAYA,)))  # fmt: skip
        twin = store.add_contact(NewContact("Maya Okafor", email="maya@example.com",
                                            numbers=(MAYA,)))  # fmt: skip
        for server in running_radicale(tmp_path / "radicale"):
            url = server.make_book("/team/sales/", [
                vcard("maya", "Maya Okafor", "TEL:+1 415 555 0142", "EMAIL:maya@example.com"),
            ])  # fmt: skip
            target = mirror.add_directory(store, "sales", "carddav", url, url, "")
            sync_directory(store, target, "", NumberPolicy("US"))
        [mirrored] = [c for c, _ in store.contacts_for_number("+14155550142")
                      if c.id not in (own, twin)]  # fmt: skip

        pairs = duplicates.find(store)
        assert [sorted(p.ids) for p in pairs] == [sorted((own, twin))], "the rep's own pair only"
        with pytest.raises(StoreError, match="comes from the team directory 'sales'"):
            duplicates.merge(store, own, mirrored.id)
        with pytest.raises(StoreError, match="cannot be merged"):
            duplicates.preview(store, own, mirrored.id)
        mirror.remove_directory(store, "sales")
        kept = store.contact(own)
        assert kept is not None and kept.notes == "Met at SaaStr"
    finally:
        store.close()
