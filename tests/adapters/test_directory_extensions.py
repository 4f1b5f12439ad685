"""A colleague's internal extension from the company directory (Active Directory's
`ipPhone: 3103`, `telephoneNumber: x3104`, a card's `TEL:3105`) finds them when the office PBX
presents their call as "3103", against a real slapd and Radicale. It was kept as text ("too
short") and never matched, so a colleague's call popped a stranger's card. An outside number
that ends in the same digits is not them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.card import MatchTier
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Direction
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard
from tests.adapters.ldap_server import BASE, Slapd, available, person, running_slapd
from tests.test_cli import cc

US = NumberPolicy("US")
ANA = person("ana", "ana.silva", "displayName: Ana Silva", "telephoneNumber: +1 415 555 0100",
             "ipPhone: 3103", ad=True)  # fmt: skip
BEN = person("ben", "ben.cole", "displayName: Ben Cole", "telephoneNumber: x3104")
ENTRIES = [ANA, BEN]


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    if not available():
        pytest.skip("needs slapd and ldap-utils (scripts/e2e_prereqs installs them)")
    yield from running_slapd(tmp_path / "slapd", ENTRIES)


def who(store: Store, caller_id: str) -> tuple[MatchTier, list[str]]:
    card = CallerLookup(store, US, default_opener_templates()).card_for(caller_id)
    return card.match, [c.name for c in card.contacts]


def sync(store: Store) -> mirror.MirrorCounts:
    return sync_directory(store, mirror.directories(store)[0], "", US).counts


def test_a_colleagues_extension_rings_their_card_and_an_outside_number_does_not(
    slapd: Slapd, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        mirror.add_directory(store, "corp", "ldap", slapd.url, BASE, "")
        assert sync(store).added == 2
        for caller_id in ("3103", "sip:3103@pbx.office", '"Ana" <sip:3103@pbx.office>'):
            assert who(store, caller_id) == (MatchTier.EXACT, ["Ana Silva"]), caller_id
        assert who(store, "3104") == (MatchTier.EXACT, ["Ben Cole"])
        assert who(store, "+1 415 555 0100") == (MatchTier.EXACT, ["Ana Silva"])
        # Outside callers whose numbers end in an extension's digits are somebody else.
        assert who(store, "+1 212 555 3103") == (MatchTier.NONE, [])
        assert who(store, "(646) 555-3104") == (MatchTier.NONE, [])
        assert who(store, "31") == (MatchTier.NONE, [])

        # The hook's ring of a call from 3103 is Ana's call in the history, as received.
        history = CallHistory(store, CallerLookup(store, US, default_opener_templates()))
        ring = CallEvent("hook", Direction.IN, CallState.RINGING, "3103", "", datetime.now(UTC),
                         call_key=hook_call_key("3103"), hook=True)  # fmt: skip
        recorded = history.record(ring)
        assert recorded is not None
        [call] = store.calls()
        assert (call.contact is not None and call.contact.name, call.attempt.caller_id) == (
            "Ana Silva", "3103")
    finally:
        store.close()


def test_a_card_with_an_extension_alone_rings_too(tmp_path: Path) -> None:
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        url = server.make_book("/team/book/", [
            vcard("cara", "Cara Diaz", "TEL;TYPE=WORK:3105"),
            vcard("dev", "Dev Rao", "TEL;TYPE=WORK:Ext. 3106", "TEL;TYPE=CELL:+1 415 555 3105"),
        ])  # fmt: skip
        mirror.add_directory(store, "team", "carddav", url, url, "")
        report = sync_directory(store, mirror.directories(store)[0], "", US)
        assert report.problems == ()
        assert who(store, "3105") == (MatchTier.EXACT, ["Cara Diaz"])
        assert who(store, "3106") == (MatchTier.EXACT, ["Dev Rao"])
        assert who(store, "+1 415 555 3105") == (MatchTier.EXACT, ["Dev Rao"])
        [cara] = [c for c, _ in store.contacts_for_extension("3105")]
        assert [(n.raw, n.e164, n.extension) for n in cara.numbers] == [("3105", None, "3105")]
        # `callercard lookup 3105` finds her and says nothing of "not a phone number".
        found = cc("lookup", "3105", "--region", "US", data_dir=tmp_path)
        assert (found.returncode, found.stdout.splitlines()[0], found.stderr) == (
            0, "Cara Diaz", "")
    finally:
        store.close()
        server.stop()


def test_a_mirror_from_before_learns_its_extensions_on_the_next_sync(
    slapd: Slapd, tmp_path: Path
) -> None:
    """Entries that never change on the server are read again once after the upgrade."""
    path = tmp_path / "callercard.sqlite3"
    store = Store.open(path)
    try:
        mirror.add_directory(store, "corp", "ldap", slapd.url, BASE, "")
        sync(store)
    finally:
        store.close()
    old = sqlite3.connect(path)  # as schema 19 kept them: the text alone
    old.executescript("DROP TABLE import_holds; DROP TABLE followed_rows; "
                      "ALTER TABLE contacts DROP COLUMN edited_at; "
                      "UPDATE phone_numbers SET extension = '' WHERE e164 IS NULL; "
                      "DROP INDEX phone_numbers_internal; "
                      "ALTER TABLE directory_cards DROP COLUMN note; "
                      "ALTER TABLE attempts DROP COLUMN promise_done; PRAGMA user_version = 19;")
    old.close()

    store = Store.open(path)
    try:
        # The upgrade itself reads the extensions kept as text (schema 22), before any sync.
        assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
        counts = sync(store)
        assert (counts.added, counts.changed, counts.removed) == (0, 0, 0)
        assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
        assert who(store, "3104") == (MatchTier.EXACT, ["Ben Cole"])
        counts = sync(store)  # read once: nothing left to read again
        assert (counts.added, counts.changed, counts.removed) == (0, 0, 0)
    finally:
        store.close()


def test_an_extension_the_rep_removed_stays_off_when_the_card_changes(tmp_path: Path) -> None:
    """The team's card still has Cara's old extension; the rep took it off her here (it is
    someone else's desk now): the card's next change brings everything but that."""
    from desktop.adapters import contact_edits

    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        card = vcard("cara", "Cara Diaz", "TEL;TYPE=WORK:3105", "TEL;TYPE=CELL:+1 415 555 3105")
        url = server.make_book("/team/book/", [card])
        mirror.add_directory(store, "team", "carddav", url, url, "")
        sync_directory(store, mirror.directories(store)[0], "", US)
        [(cara, _n)] = store.contacts_for_extension("3105")
        [row] = [r for r in contact_edits.numbers_of(store, cara.id) if r.number.extension]
        contact_edits.remove_number(store, cara.id, row.id)

        server.put("/team/book/cara.vcf", card.replace("FN:Cara Diaz", "FN:Cara Diaz\r\nTITLE:COO"))
        report = sync_directory(store, mirror.directories(store)[0], "", US)
        assert report.counts.changed == 1
        assert who(store, "3105") == (MatchTier.NONE, [])
        [(again, _n)] = store.contacts_for_number("+14155553105")
        assert again.title == "COO"
    finally:
        store.close()
        server.stop()
