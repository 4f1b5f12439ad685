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


def test_removing_a_directory_gives_its_persons_calls_to_the_reps_contact_on_that_number(
    tmp_path: Path,
) -> None:
    """Maya is in the rep's own book and the team's directory, on one number; her missed
    call was filed under the team's Maya. Removing the directory left it under nobody
    ("Unknown" in Callbacks) while her number's card named the rep's Maya."""
    from datetime import UTC, datetime

    from desktop.core.models import Attempt, Direction, Outcome

    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        own = store.add_contact(NewContact("Maya Okafor", numbers=(MAYA,)))
        for server in running_radicale(tmp_path / "radicale"):
            url = server.make_book("/team/sales/", [
                vcard("maya", "Maya O.", "TEL:+1 415 555 0142"),
            ])  # fmt: skip
            target = mirror.add_directory(store, "sales", "carddav", url, url, "")
            sync_directory(store, target, "", NumberPolicy("US"))
        [team] = [c.id for c, _ in store.contacts_for_number("+14155550142") if c.id != own]
        missed = Attempt(Direction.IN, datetime.now(UTC), Outcome.MISSED,
                         number_e164="+14155550142")  # fmt: skip
        assert store.record_call(team, missed, "hook", "hook:maya@1") is not None

        mirror.remove_directory(store, "sales")

        assert [c.contact.id if c.contact else None for c in store.calls(limit=5)] == [own]
    finally:
        store.close()
