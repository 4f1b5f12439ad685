"""What a rep writes in a team contact's Notes (the contact view lets them) against a real
Radicale: a teammate changing the card on the server must not wipe it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard

MINE = "Prefers calls after 2pm. Budget approved for Q1."


def notes_of(store: Store, e164: str) -> str:
    (contact, _), = store.contacts_for_number(e164)
    return contact.notes


def test_a_card_changed_on_the_server_keeps_the_notes_the_rep_wrote(tmp_path: Path) -> None:
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    policy = NumberPolicy("US")

    def sync() -> None:
        sync_directory(store, mirror.directories(store)[0], "", policy)

    try:
        dana = vcard("dana", "Dana Reyes", "ORG:Acme Freight", "TEL;TYPE=CELL:+1 415 555 0101")
        lee = vcard("lee", "Lee Park", "TEL:+1 646 555 0123", "NOTE:Gatekeeper: Sue")
        kim = vcard("kim", "Kim Ode", "TEL:+1 646 555 0124", "NOTE:Gatekeeper: Sue")
        url = server.make_book("/team/book/", [dana, lee, kim])
        mirror.add_directory(store, "team", "carddav", url, url, "")
        sync()
        assert notes_of(store, "+16465550123") == "Gatekeeper: Sue", "the card's note arrives"
        for e164 in ("+14155550101", "+16465550123"):
            (contact, _), = store.contacts_for_number(e164)
            contact_edits.save_field(store, contact.id, "notes", contact.notes,
                                     f"{contact.notes}\n{MINE}".lstrip(), multiline=True)

        # A teammate gives Dana a title (her card has no NOTE) and Lee's card a new note.
        server.put("/team/book/dana.vcf", dana.replace("ORG:", "TITLE:Head of Buying\r\nORG:"))
        server.put("/team/book/lee.vcf", lee.replace("Gatekeeper: Sue", "Moved to Chicago"))
        server.put("/team/book/kim.vcf", kim.replace("Sue", "Sue (out till May)"))
        sync()

        (contact, _), = store.contacts_for_number("+14155550101")
        assert contact.title == "Head of Buying", "the card's change arrives"
        assert contact.notes == MINE, "a card without a note leaves the rep's notes alone"
        assert notes_of(store, "+16465550123") == f"Moved to Chicago\n{MINE}", (
            "the teammate's rewritten note replaces its old text; what the rep wrote stays")

        assert notes_of(store, "+16465550124") == "Gatekeeper: Sue (out till May)", (
            "a note nobody here touched follows the card")

        sync()  # nothing changed: nothing is added twice
        assert notes_of(store, "+16465550123") == f"Moved to Chicago\n{MINE}"

        # The teammate takes the note off Lee's card: the team's text goes, the rep's stays.
        server.put("/team/book/lee.vcf", lee.replace("NOTE:Gatekeeper: Sue\r\n", ""))
        sync()
        assert notes_of(store, "+16465550123") == MINE
    finally:
        store.close()
        server.stop()


def test_a_team_note_the_rep_deleted_stays_deleted_when_the_card_changes(
    tmp_path: Path,
) -> None:
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    policy = NumberPolicy("US")
    try:
        lee = vcard("lee", "Lee Park", "TEL:+1 646 555 0123", "NOTE:Gatekeeper: Sue")
        url = server.make_book("/team/book/", [lee])
        mirror.add_directory(store, "team", "carddav", url, url, "")
        sync_directory(store, mirror.directories(store)[0], "", policy)
        (contact, _), = store.contacts_for_number("+16465550123")
        contact_edits.save_field(store, contact.id, "notes", contact.notes, MINE,
                                 multiline=True)  # fmt: skip

        server.put("/team/book/lee.vcf", lee.replace("FN:", "TITLE:Buyer\r\nFN:"))
        sync_directory(store, mirror.directories(store)[0], "", policy)
        (contact, _), = store.contacts_for_number("+16465550123")
        assert contact.title == "Buyer"
        assert contact.notes == MINE, "the note the rep took out is not put back"
    finally:
        store.close()
        server.stop()


@pytest.mark.parametrize(("local", "card", "applied", "kept"), [
    # The team's old text as a line of its own is replaced there; the rep's lines stay.
    ("Gatekeeper: Sue\nMine", "Moved to Chicago", "Gatekeeper: Sue", "Moved to Chicago\nMine"),
    ("Mine\n\nGatekeeper: Sue", "", "Gatekeeper: Sue", "Mine"),
    # Never cut out of the middle of what the rep wrote: added after it instead.
    ("VIP since 2019", "Gold account", "VIP", "VIP since 2019\n\nGold account"),
    # Its old text not known (mirrored before schema 20): nothing is taken away.
    ("Gatekeeper: Sue\nMine", "Moved to Chicago", None,
     "Gatekeeper: Sue\nMine\n\nMoved to Chicago"),
    ("Mine", "Gatekeeper: Sue", "Gatekeeper: Sue", None),  # unchanged: the rep took it out
])  # fmt: skip
def test_which_of_the_notes_a_card_change_replaces(
    local: str, card: str, applied: str | None, kept: str | None
) -> None:
    assert mirror.kept_notes(local, card, applied) == kept
