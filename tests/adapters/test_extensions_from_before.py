"""A colleague's internal extension the rep had before it was kept as one, and the calls from
it: "3103" imported before schema 20 stayed text (e164 NULL, extension ''), so a call from
3103 never found them; calls from 3103 logged while nobody had it stayed a stranger's when
the colleague came (only full numbers were adopted); and an extension the rep took off a
contact came back with the file's next import (only full numbers were remembered)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.importing.following import follow_file, refresh
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card import MatchTier
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Direction, StoredNumber
from desktop.core.numbers import NumberPolicy

US = NumberPolicy("US")
NOW = datetime.now(UTC).replace(microsecond=0)
SCHEMA_BEFORE = 21


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    yield s
    s.close()


def lookup(store: Store) -> CallerLookup:
    return CallerLookup(store, US, default_opener_templates())


def who(store: Store, caller_id: str) -> tuple[MatchTier, list[str]]:
    card = lookup(store).card_for(caller_id)
    return card.match, [c.name for c in card.contacts]


def ring(store: Store, caller_id: str, at: datetime) -> None:
    event = CallEvent("hook", Direction.IN, CallState.RINGING, caller_id, "", at,
                      call_key=hook_call_key(caller_id), hook=True)  # fmt: skip
    assert CallHistory(store, lookup(store)).record(event) is not None


def callers(store: Store) -> list[tuple[str, str]]:
    """Each logged call's caller ID and whose it is, the latest first (Recent calls)."""
    return [(c.attempt.caller_id, c.contact.name if c.contact else "") for c in store.calls()]


def test_an_extension_kept_as_text_before_finds_the_colleague_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cc.sqlite3"
    store = Store.open(path)
    try:
        # Calls from her extension while nobody had it, then her row as schema 19 kept it.
        ring(store, "sip:3103@pbx.office", NOW - timedelta(days=2))
        ring(store, '"Ana" <sip:3103@pbx.office>', NOW - timedelta(hours=3))
        ring(store, "3104", NOW - timedelta(hours=2))  # Ben's and Bea's: two people, nobody's
        ana = store.add_contact(NewContact("Ana Silva", numbers=(
            StoredNumber("3103", None, "", "work"),
            StoredNumber("+1 415 555 0100", "+14155550100", label="mobile"))))  # fmt: skip
        store.add_contact(NewContact("Ben Cole", numbers=(StoredNumber("x3104", None, ""),)))
        store.add_contact(NewContact("Bea Diaz", numbers=(StoredNumber("Ext. 3104", None, ""),)))
        store.add_contact(NewContact("Eve Moss", numbers=(StoredNumber("555-01", None, ""),)))
        store.add_contact(NewContact("Reception", numbers=(StoredNumber("0", None, ""),)))
    finally:
        store.close()
    old = sqlite3.connect(path)
    old.executescript("DROP TABLE import_holds; DROP TABLE followed_rows; "
                      "ALTER TABLE contacts DROP COLUMN edited_at; "
                      f"PRAGMA user_version = {SCHEMA_BEFORE};")  # 21 has promise_done  # fmt: skip
    old.close()

    store = Store.open(path)
    try:
        assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
        assert who(store, "sip:3103@pbx.office") == (MatchTier.EXACT, ["Ana Silva"])
        assert sorted(who(store, "3104")[1]) == ["Bea Diaz", "Ben Cole"]
        assert who(store, "+1 212 555 3103") == (MatchTier.NONE, [])
        assert [(n.raw, n.extension) for c, n in store.contacts_for_extension("3103")] == [
            ("3103", "3103")]
        # A number cut short and an operator's 0 are no extension: text, as they were.
        kept = {tuple(r) for r in store.connection.execute(
            "SELECT raw, extension FROM phone_numbers WHERE e164 IS NULL")}  # fmt: skip
        assert {("555-01", ""), ("0", "")} <= kept
        # Her calls from 3103 are hers, in Recent calls and as when she was last in touch.
        assert callers(store) == [("3104", ""), ('"Ana" <sip:3103@pbx.office>', "Ana Silva"),
                                  ("sip:3103@pbx.office", "Ana Silva")]  # fmt: skip
        contact = store.contact(ana)
        assert contact is not None and contact.last_contacted is not None
        assert int(contact.last_contacted.timestamp()) == int(
            (NOW - timedelta(hours=3)).timestamp())
    finally:
        store.close()


def test_calls_from_an_extension_become_the_colleagues_when_a_file_brings_them(
    store: Store, tmp_path: Path
) -> None:
    ring(store, "3103", NOW - timedelta(hours=2))
    ring(store, "sip:3105@pbx.office", NOW - timedelta(hours=1))
    path = tmp_path / "team.csv"
    path.write_text("Name,Phone\nAna Silva,x3103\nCara Diaz,+1 415 555 0100\n",
                    encoding="utf-8")  # fmt: skip
    assert import_file(store, path, ImportOptions(US)).imported == 2
    assert callers(store) == [("sip:3105@pbx.office", ""), ("3103", "Ana Silva")]

    # The extension typed into a contact by hand adopts its calls too, as a number does.
    [cara] = [c.id for c, _n in store.contacts_for_number("+14155550100")]
    assert contact_edits.add_number(store, cara, "3105", "desk", "US") == "Added 3105."
    assert callers(store) == [("sip:3105@pbx.office", "Cara Diaz"), ("3103", "Ana Silva")]


def test_an_extension_taken_off_by_hand_stays_off_when_the_file_comes_again(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "team.csv"
    path.write_text("Name,Work Phone,Mobile\nAna Silva,3103,+1 415 555 0100\n",
                    encoding="utf-8")  # fmt: skip
    import_file(store, path, ImportOptions(US))
    [(ana, _n)] = store.contacts_for_extension("3103")
    [row] = [r for r in contact_edits.numbers_of(store, ana.id) if r.number.extension]
    assert contact_edits.remove_number(store, ana.id, row.id) == "Removed 3103."

    [planned] = preview_file(path, ImportOptions(US), store).planned.rows
    assert planned.note.startswith("Already there as Ana Silva"), planned.note
    import_file(store, path, ImportOptions(US))
    assert who(store, "3103") == (MatchTier.NONE, [])
    assert who(store, "+1 415 555 0100") == (MatchTier.EXACT, ["Ana Silva"])

    # Typed again by hand, it is hers again, and the file may bring it from then on.
    contact_edits.add_number(store, ana.id, "x3103", "work", "US")
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])


def test_a_followed_files_next_version_keeps_a_removed_extension_off(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "team.csv"
    path.write_text("Name,Work Phone,Mobile\nAna Silva,3103,+1 415 555 0100\n",
                    encoding="utf-8")  # fmt: skip
    follow_file(store, path, ImportOptions(US))
    [(ana, _n)] = store.contacts_for_extension("3103")
    [row] = [r for r in contact_edits.numbers_of(store, ana.id) if r.number.extension]
    contact_edits.remove_number(store, ana.id, row.id)

    path.write_text("Name,Work Phone,Mobile,Title\nAna Silva,3103,+1 415 555 0100,Buyer\n",
                    encoding="utf-8")  # fmt: skip
    assert refresh(store, path, ImportOptions(US)).changed
    assert who(store, "3103") == (MatchTier.NONE, [])
    [(again, _n)] = store.contacts_for_number("+14155550100")
    assert again.title == "Buyer"
