"""Shared call notes: `callercard log-call` records an attempt here and writes it into the
contact's card on a real Radicale, so a teammate's CallerCard shows it after a sync; a
teammate's edit made while the note is being written survives (If-Match, 412, merge)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import vobject

from desktop.adapters.directories import mirror
from desktop.adapters.directories.note_writer import share_note, shared_cards
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.secrets import MemoryKeyring
from desktop.adapters.store import Store
from desktop.core.call_notes import CallNote, note_value, notes_in, with_note
from desktop.core.models import Direction, Outcome
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, running_radicale, vcard
from tests.adapters.test_carddav_sync import BO, DANA, MIA, add, keychain, lookup, run  # noqa: F401
from tests.test_cli import cc


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    yield from running_radicale(tmp_path_factory.mktemp("radicale"))


@pytest.fixture
def book(radicale: Radicale) -> str:
    path = f"/team-{uuid.uuid4().hex[:8]}/book/"
    radicale.make_book(path, [DANA, BO, MIA])
    return path


def card_text(radicale: Radicale, path: str) -> str:
    status, body = radicale.request("GET", path)
    assert status == 200
    return body.decode("utf-8")


def attempts(data: Path, number: str) -> list[dict[str, object]]:
    [contact] = lookup(data, number)["contacts"]  # type: ignore[misc]
    found: list[dict[str, object]] = contact["last_attempts"]
    return found


def test_a_call_one_rep_logs_shows_on_the_next_reps_card(
    radicale: Radicale, book: str, tmp_path: Path
) -> None:
    rep_a, rep_b = tmp_path / "a", tmp_path / "b"
    for data in (rep_a, rep_b):
        add(data, radicale.base + book, "--name", "team")
    (rep_a / "settings.json").write_text(json.dumps({"my_name": "Dana"}), encoding="utf-8")

    logged = cc("log-call", "(415) 555-0101", "--outcome", "voicemail", "--message",
                "about the Q3 bid", "--reason", "Q3 bid", "--region", "US",
                data_dir=rep_a)  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.splitlines() == ["logged voicemail for Dana Reyes", "shared on team"]

    # The card on the server: the note added, everything else as it was, still a vCard.
    text = card_text(radicale, book + "dana.vcf")
    [note] = notes_in(text)
    assert (note.rep, note.outcome, note.message, note.reason) == (
        "Dana", Outcome.VOICEMAIL, "about the Q3 bid", "Q3 bid")  # fmt: skip
    card = vobject.readOne(text)
    assert card.fn.value == "Dana Reyes" and card.title.value == "Buyer"
    assert card.tel.value == "+1 415 555 0101"

    synced = cc("directory", "sync", "--region", "US", data_dir=rep_b)
    assert "team: 0 added, 1 changed, 0 removed" in synced.stdout, synced.stderr
    [seen] = attempts(rep_b, "+14155550101")
    assert {k: seen[k] for k in ("direction", "outcome", "message", "reason", "rep")} == {
        "direction": "out", "outcome": "voicemail", "message": "about the Q3 bid",
        "reason": "Q3 bid", "rep": "Dana"}  # fmt: skip
    plain = cc("lookup", "+14155550101", "--region", "US", data_dir=rep_b).stdout
    assert "Left voicemail (Dana): about the Q3 bid" in plain

    # Rep A's own note comes back with the card once, as A's own; B's second sync adds nothing.
    cc("directory", "sync", "--region", "US", data_dir=rep_a, check=True)
    assert [a["rep"] for a in attempts(rep_a, "+14155550101")] == [""]
    cc("directory", "sync", "--region", "US", data_dir=rep_b, check=True)
    assert len(attempts(rep_b, "+14155550101")) == 1

    # The server down: the call is recorded here, and its note waits for the next sync.
    radicale.stop()
    try:
        offline = cc("log-call", "+12125550199", "--outcome", "talked", "--rep", "Bo",
                     "--message", "sent the deck", "--region", "US", data_dir=rep_b)  # fmt: skip
        assert offline.returncode == 0, offline.stderr
        assert offline.stdout.strip() == "logged talked for Mia Wong"
        assert offline.stderr.strip().endswith(
            "connection refused (is the server running?); the call is recorded here and will "
            "be shared at the next sync")  # fmt: skip
        assert [a["outcome"] for a in attempts(rep_b, "+12125550199")] == ["talked"]
        listed = json.loads(cc("directory", "list", "--json", data_dir=rep_b, check=True).stdout)
        assert listed["directories"][0]["notes_waiting"] == 1
    finally:
        radicale.start()
    resynced = cc("directory", "sync", "--region", "US", data_dir=rep_b, check=True).stdout
    assert "; 1 call note shared" in resynced
    listed = json.loads(cc("directory", "list", "--json", data_dir=rep_b, check=True).stdout)
    assert listed["directories"][0]["notes_waiting"] == 0
    assert [a["rep"] for a in attempts(rep_b, "+12125550199")] == [""]  # B's own, once
    cc("directory", "sync", "--region", "US", data_dir=rep_a, check=True)
    [shared] = attempts(rep_a, "+12125550199")
    assert (shared["rep"], shared["message"]) == ("Bo", "sent the deck")


def test_a_number_nobody_has_is_logged_locally_and_a_non_number_is_refused(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    logged = cc("log-call", "+1 646 555 0188", "--outcome", "no_answer", "--region", "US",
                data_dir=data)  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.strip() == "logged no_answer for +16465550188"
    calls = json.loads(cc("calls", "--json", data_dir=data, check=True).stdout)
    assert [(c["number"], c["outcome"]) for c in calls["calls"]] == [
        ("+16465550188", "no_answer")]  # fmt: skip
    refused = cc("log-call", "call me", "--outcome", "talked", data_dir=data)
    assert refused.returncode == 2 and "nothing recorded" in refused.stderr


def test_a_teammates_edit_during_the_write_back_survives_with_the_note(
    radicale: Radicale, book: str, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "callercard.db")
    try:
        url = radicale.base + book
        target = mirror.add_directory(store, "team", "carddav", url, url, "")
        sync_directory(store, target, "", NumberPolicy("US"))
        ids = [c.id for c, _ in store.contacts_for_number("+14155550101")]
        [card] = shared_cards(store, ids)
        assert card.url == url + "dana.vcf"
        now = datetime(2026, 12, 1, 15, 4, tzinfo=UTC)
        mine = CallNote("a1", now, Direction.OUT, Outcome.VOICEMAIL, "Dana", "about the Q3 bid")
        theirs = CallNote("b1", now, Direction.OUT, Outcome.TALKED, "Bo", "sent the deck")
        edits: list[int] = []

        def teammate_edits() -> None:
            # Between our GET and our PUT: Bo's CardDAV client changes the title and logs too.
            if not edits:
                edited = card_text(radicale, book + "dana.vcf").replace(
                    "TITLE:Buyer", "TITLE:Head of Purchasing")
                radicale.put(book + "dana.vcf", with_note(edited, theirs))
            edits.append(1)

        queued = mirror.enqueue_note(store, [(target.id, card.href)], note_value(mine))
        done = share_note(store, target, queued, "", before_put=teammate_edits)
        assert (done.shared, done.conflicts, len(edits)) == (1, 1, 2)
        text = card_text(radicale, book + "dana.vcf")
        assert "TITLE:Head of Purchasing" in text
        assert sorted(n.id for n in notes_in(text)) == ["a1", "b1"]

        target = mirror.directory(store, "team")
        assert target is not None
        sync_directory(store, target, "", NumberPolicy("US"))
        [contact] = [c for c, _ in store.contacts_for_number("+14155550101")]
        assert contact.title == "Head of Purchasing"
        assert sorted((a.rep, a.message) for a in contact.attempts) == [
            ("Bo", "sent the deck"), ("Dana", "about the Q3 bid")]  # fmt: skip
    finally:
        store.close()


def test_notes_are_added_to_the_text_as_it_is_and_read_back_whatever_they_hold() -> None:
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n BBBB\r\n"
    card = vcard("x", "Zoë Ødegård", photo.rstrip("\r\n"), "TEL:+1 415 555 0101")
    note = CallNote("n1", datetime(2026, 12, 1, tzinfo=UTC), Direction.OUT, Outcome.TALKED,
                    "Zoë; the \\ rep", "said: call back, Tuesday;\nafter 3 " + "é" * 80, "")
    written = with_note(card, note)
    assert written.startswith(card.removesuffix("END:VCARD\r\n")) and photo in written
    assert all(len(line.encode()) <= 75 for line in written.split("\r\n"))
    assert notes_in(written) == [note] and with_note(written, note) == written
    assert vobject.readOne(written).fn.value == "Zoë Ødegård"


def test_a_wrap_up_edited_later_replaces_its_note_where_it_stands() -> None:
    card = vcard("x", "Dana Reyes", "TEL:+1 415 555 0101")
    first = CallNote("wrap-1", datetime(2026, 12, 1, tzinfo=UTC), Direction.IN,
                     Outcome.TALKED, "Ann", "wants the Q3 bid", "Q3 bid")  # fmt: skip
    later = CallNote("other", datetime(2026, 12, 2, tzinfo=UTC), Direction.OUT,
                     Outcome.VOICEMAIL, "Bo", "left a message", "")  # fmt: skip
    text = with_note(with_note(card, first), later)
    edited = replace(first, outcome=Outcome.GATEKEEPER, message="wants the Q3 bid by Friday;\n"
                     "asked for the " + "long " * 30 + "version")  # fmt: skip
    rewritten = with_note(text, edited)
    assert notes_in(rewritten) == [edited, later]  # one note per call, Bo's kept
    assert rewritten.index("Bo") > rewritten.index("Friday")  # in the same place as before
    assert all(len(line.encode()) <= 75 for line in rewritten.split("\r\n"))
    assert rewritten.replace(rewritten[rewritten.index("X-CALLERCARD"):rewritten.index(
        "X-CALLERCARD", rewritten.index("X-CALLERCARD") + 1)], "") == text.replace(
        text[text.index("X-CALLERCARD"):text.index("X-CALLERCARD", text.index(
            "X-CALLERCARD") + 1)], "")  # every other line exactly as it was
    assert with_note(rewritten, edited) == rewritten


def test_a_book_that_is_read_only_for_the_rep_refuses_the_note_and_says_so(
    tmp_path: Path, keychain: MemoryKeyring,  # noqa: F811
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    server = Radicale(tmp_path / "server", users={"alice": "a-pass", "bo": "b-pass"})
    # Alice owns the book; Bo may read it, not write it.
    (server.root / "rights").write_text(
        "[owner]\nuser: .+\ncollection: {user}(/.*)?\npermissions: RrWw\n"
        "[bo-reads-alice]\nuser: bo\ncollection: alice(/.*)?\npermissions: Rr\n",
        encoding="utf-8")  # fmt: skip
    config = (server.root / "config").read_text(encoding="utf-8")
    (server.root / "config").write_text(config.replace(
        "type = owner_only", f"type = from_file\nfile = {server.root / 'rights'}"),
        encoding="utf-8")  # fmt: skip
    server.start()
    try:
        path = "/alice/book/"
        server.make_book(path, [DANA], user="alice")
        data = tmp_path / "data"
        code, _, err = run(capsys, monkeypatch, data, "directory", "add", "carddav",
                           server.base + path, "--name", "team", "--user", "bo",
                           "--password-stdin", stdin="b-pass\n")  # fmt: skip
        assert code == 0, err
        code, out, err = run(capsys, monkeypatch, data, "log-call", "+14155550101",
                             "--outcome", "talked", "--rep", "Bo")  # fmt: skip
        assert code == 1
        assert out.strip() == "logged talked for Dana Reyes"
        assert err.strip().endswith(
            "the server refused the change (403 Forbidden); is the book read-only for you?; "
            "not shared")  # fmt: skip
        status, body = server.request("GET", path + "dana.vcf", user="alice")
        assert status == 200 and notes_in(body.decode()) == []
        code, out, _ = run(capsys, monkeypatch, data, "directory", "list", "--json")
        assert json.loads(out)["directories"][0]["notes_waiting"] == 0
        code, out, _ = run(capsys, monkeypatch, data, "lookup", "+14155550101", "--json")
        [contact] = json.loads(out)["contacts"]
        assert [a["outcome"] for a in contact["last_attempts"]] == ["talked"]
    finally:
        server.stop()


def test_a_call_back_on_a_shared_number_is_noted_on_the_card_of_the_one_it_was_for(
    radicale: Radicale, book: str, tmp_path: Path
) -> None:
    """Dana's team card and the rep's own Michael Brandt share +1 415-555-0101; Michael rang
    and was missed, so the voicemail left on that number is his call: not written on Dana's
    card for the team to read as hers."""
    from tests.test_hook_without_app import hook

    data = tmp_path / "data"
    add(data, radicale.base + book, "--name", "team")
    mine = tmp_path / "mine.csv"
    mine.write_text("Name,Phone\nMichael Brandt,+1 415 555 0101\n", encoding="utf-8")
    assert cc("import", str(mine), "--region", "US", data_dir=data).returncode == 0
    assert hook(data, "ring", "+14155550101", "MIKE BRANDT").returncode == 4  # no app running
    assert hook(data, "end", "--missed", "+14155550101").returncode == 4

    logged = cc("log-call", "+14155550101", "--outcome", "voicemail", "--message", "re pricing",
                "--region", "US", data_dir=data)  # fmt: skip

    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.splitlines() == ["logged voicemail for Michael Brandt"]
    assert notes_in(card_text(radicale, book + "dana.vcf")) == []
