"""Followed contact files: re-imported when saved, replacing their batch in one transaction.

Real files, a real SQLite store, watchdog's real inotify observer (FollowLoop).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.follow_loop import FollowLoop, FollowResult
from desktop.adapters.followed_list import followed_file, followed_files, undo_import
from desktop.adapters.importing import ImportFailed, ImportOptions
from desktop.adapters.importing.following import follow, refresh, unfollow
from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

OPTIONS = ImportOptions(NumberPolicy("US"))
TIMEOUT_S = 20.0
BOOK = (
    "Name,Company,Phone\n"
    "Dana Reyes,Acme,+1 415 555 0101\n"
    "Sam Ortiz,Beta,+1 415 555 0102\n"
)
DANA_MOVED = BOOK.replace("+1 415 555 0101", "+1 415 555 0199")


def vcard(name: str, number: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nTEL;TYPE=WORK:{number}\r\nEND:VCARD\r\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    yield store
    store.close()


def names_at(store: Store, e164: str) -> list[str]:
    return [contact.name for contact, _number in store.contacts_for_number(e164)]


def save(path: Path, text: str) -> None:
    """As Excel and LibreOffice save: a temporary file beside it, renamed over it."""
    temporary = path.with_name(f".~{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_a_saved_change_replaces_the_old_number_and_keeps_calls_and_notes(
    tmp_path: Path, store: Store
) -> None:
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    first = follow(store, book, OPTIONS)
    assert first.report is not None and first.report.imported == 2
    (dana, _), = store.contacts_for_number("+14155550101")
    store.add_attempt(dana.id, Attempt(Direction.OUT, datetime.now(UTC), Outcome.VOICEMAIL,
                                       number_e164="+14155550101"))  # fmt: skip
    store.update_contact_field(dana.id, "next_step", "send the Q3 quote")
    store.link_number(dana.id, StoredNumber("+1 646 555 0100", "+16465550100"))  # from a card

    book.write_text(DANA_MOVED, encoding="utf-8")
    result = refresh(store, book, OPTIONS)

    assert result.problem == ""
    assert result.replaced_batch == first.report.batch_id
    assert names_at(store, "+14155550199") == ["Dana Reyes"]
    assert names_at(store, "+14155550101") == [], "the old number is gone with the old batch"
    assert store.count_contacts() == 2, "replaced, not added to"
    (moved, _), = store.contacts_for_number("+14155550199")
    assert [a.outcome for a in moved.attempts] == [Outcome.VOICEMAIL], "her call stays hers"
    assert moved.next_step == "send the Q3 quote", "what only the rep keeps stays"
    assert names_at(store, "+16465550100") == ["Dana Reyes"], "a number linked by hand stays"
    assert result.calls_kept == 1
    assert moved.id == dana.id, "the same contact, updated in place"


def test_an_unchanged_save_imports_nothing(tmp_path: Path, store: Store) -> None:
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    follow(store, book, OPTIONS)
    batches = store.batches()
    book.write_text(BOOK, encoding="utf-8")  # saved again, same bytes
    result = refresh(store, book, OPTIONS)
    assert not result.changed and result.report is None
    assert store.batches() == batches


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("Name,Company,Phone\n", "no contacts in this file"),  # cut off after the header
        (DANA_MOVED + ",,+1 415 555 0177\n", "line 4: no name and no company"),
    ],
    ids=["half-written", "a row rejected"],
)
def test_a_broken_save_keeps_the_old_batch_and_says_where(
    tmp_path: Path, store: Store, broken: str, expected: str
) -> None:
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    follow(store, book, OPTIONS)
    batches = store.batches()
    book.write_text(broken, encoding="utf-8")
    result = refresh(store, book, OPTIONS)
    assert str(book) in result.problem and expected in result.problem
    assert result.replaced_batch is None, "nothing was replaced"
    assert "stay" in result.problem
    assert names_at(store, "+14155550101") == ["Dana Reyes"]
    assert names_at(store, "+14155550199") == []
    assert store.batches() == batches
    recorded = followed_file(store, book)
    assert recorded is not None and recorded.problem == result.problem
    # The same broken bytes are not read (nor reported) again.
    assert not refresh(store, book, OPTIONS).changed


def test_a_folder_of_vcards_gaining_and_losing_a_file(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "team-cards"
    folder.mkdir()
    (folder / "dana.vcf").write_text(vcard("Dana Reyes", "+14155550101"), encoding="utf-8")
    (folder / "sam.vcf").write_text(vcard("Sam Ortiz", "+14155550102"), encoding="utf-8")
    follow(store, folder, OPTIONS)
    assert names_at(store, "+14155550102") == ["Sam Ortiz"]

    (folder / "lee.vcf").write_text(vcard("Lee Chan", "+14155550103"), encoding="utf-8")
    (folder / "sam.vcf").unlink()
    result = refresh(store, folder, OPTIONS)

    assert result.problem == ""
    assert names_at(store, "+14155550103") == ["Lee Chan"]
    assert names_at(store, "+14155550102") == []
    assert names_at(store, "+14155550101") == ["Dana Reyes"]
    assert store.count_contacts() == 2


def test_an_unreadable_card_in_a_followed_folder_is_named_by_its_file(
    tmp_path: Path, store: Store
) -> None:
    folder = tmp_path / "team-cards"
    folder.mkdir()
    (folder / "dana.vcf").write_text(vcard("Dana Reyes", "+14155550101"), encoding="utf-8")
    follow(store, folder, OPTIONS)
    nameless = "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+14155550111\r\nEND:VCARD\r\n"
    (folder / "bad.vcf").write_text(nameless, encoding="utf-8")
    result = refresh(store, folder, OPTIONS)
    assert "line 1, bad.vcf: no name and no company" in result.problem, result.problem
    assert names_at(store, "+14155550101") == ["Dana Reyes"]


def test_undo_and_unfollow(tmp_path: Path, store: Store) -> None:
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    report = follow(store, book, OPTIONS).report
    assert report is not None and report.batch_id is not None
    gone = unfollow(store, tmp_path / "." / "prospects.csv")
    assert gone is not None and followed_files(store) == []
    assert names_at(store, "+14155550101") == ["Dana Reyes"], "its contacts stay"


def test_undoing_a_followed_files_import_stops_following_it(
    tmp_path: Path, store: Store
) -> None:
    """Used as a rep: the import of a followed spreadsheet undone, and its next save brought
    back every contact just removed (the file was still followed, and Import history said
    nothing). The undo stops following it, says so, and the running app's loop stops too."""
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    report = follow(store, book, OPTIONS).report
    assert report is not None and report.batch_id is not None
    loop = Loop(store.path)
    loop.loop.start()
    try:
        loop.wait_looks(1)
        other = Store.open(store.path)  # as `callercard import --undo` does, elsewhere
        try:
            result = undo_import(other, report.batch_id)
        finally:
            other.close()
        assert result.unfollowed == str(book)
        assert result.summary().endswith(
            "prospects.csv is no longer followed: its next save is not imported (follow it "
            "again to bring its contacts back).")
        assert followed_files(store) == []
        save(book, DANA_MOVED)
        time.sleep(1.5)  # the loop's settle (0.3 s) several times over: nothing may come
    finally:
        loop.loop.stop()
        loop.watcher.stop()
    assert loop.results == [] and loop.problems == []
    assert names_at(store, "+14155550199") == [] and names_at(store, "+14155550101") == []


def test_following_a_file_that_cannot_be_imported_follows_nothing(
    tmp_path: Path, store: Store
) -> None:
    book = tmp_path / "empty.csv"
    book.write_text("Name,Company,Phone\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no contacts"):
        follow(store, book, OPTIONS)
    assert followed_files(store) == [] and store.batches() == []


class Loop:
    """A FollowLoop on a real FileWatcher; lets a test wait for its next re-import."""

    def __init__(self, database: Path) -> None:
        self._condition = threading.Condition()
        self.results: list[FollowResult] = []  # the looks that found the bytes changed
        self.looks = 0
        self.problems: list[str] = []
        self.watcher = FileWatcher()
        self.loop = FollowLoop(database, self.watcher, lambda: NumberPolicy("US"),
                               self._problem, self._refreshed, settle_s=0.3,
                               first_look_s=0.0)  # fmt: skip

    def _problem(self, message: str) -> None:
        with self._condition:
            self.problems.append(message)
            self._condition.notify_all()

    def _refreshed(self, result: FollowResult) -> None:
        with self._condition:
            self.looks += 1
            if result.changed:
                self.results.append(result)
            self._condition.notify_all()

    def wait_looks(self, count: int) -> None:
        with self._condition:
            if not self._condition.wait_for(lambda: self.looks >= count, TIMEOUT_S):
                pytest.fail(f"not looked at {count} times within {TIMEOUT_S} s")

    @classmethod
    @contextmanager
    def running(cls, database: Path) -> Iterator[Loop]:
        """Started and past its first look (the file unchanged since it was followed);
        stopped with its watcher at the end."""
        watching = cls(database)
        watching.loop.start()
        try:
            watching.wait_looks(1)
            yield watching
        finally:
            watching.loop.stop()
            watching.watcher.stop()

    def wait_results(self, count: int) -> FollowResult:
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.results) >= count, TIMEOUT_S):
                pytest.fail(f"no re-import #{count} within {TIMEOUT_S} s: {self.results}")
            return self.results[count - 1]


def test_the_loop_reimports_each_save_once_and_reports_a_broken_one_once(
    tmp_path: Path, store: Store
) -> None:
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    follow(store, book, OPTIONS)
    loop = Loop(store.path)
    loop.loop.start()
    try:
        loop.wait_looks(1)  # the first look: unchanged since the follow
        save(book, DANA_MOVED)
        first = loop.wait_results(1)
        assert first.problem == "" and first.replaced is not None and first.batch is not None
        assert first.summary.startswith(
            "prospects.csv: 0 imported, 0 merged, 1 updated, 1 already there"
        ), "the same two people: Dana's number changed, Sam did not"
        assert names_at(store, "+14155550199") == ["Dana Reyes"]
        assert names_at(store, "+14155550101") == []

        save(book, "Name,Company,Phone\n")
        assert "no contacts in this file" in loop.wait_results(2).problem
        save(book, "Name,Company,Phone\n")  # the same broken bytes, saved again
        save(book, DANA_MOVED.replace("Sam Ortiz", "Sam Ortiz-Lane"))
        third = loop.wait_results(3)
        assert third.problem == "" and third.batch is not None
    finally:
        loop.loop.stop()
        loop.watcher.stop()
    assert len(loop.problems) == 1, loop.problems
    assert str(book) in loop.problems[0]
    assert names_at(store, "+14155550102") == ["Sam Ortiz-Lane"]
    assert [r.changed for r in loop.results] == [True, True, True]


def test_the_loop_hears_of_a_file_followed_after_it_started(
    tmp_path: Path, store: Store
) -> None:
    folder = tmp_path / "team-cards"
    folder.mkdir()
    (folder / "dana.vcf").write_text(vcard("Dana Reyes", "+14155550101"), encoding="utf-8")
    loop = Loop(store.path)
    loop.loop.start()
    try:
        other = Store.open(store.path)  # as `callercard import --follow` does, elsewhere
        try:
            follow(other, folder, OPTIONS)
        finally:
            other.close()
        from desktop.adapters.followed_list import announce_change

        announce_change(store.path)
        loop.wait_looks(1)  # its first look: unchanged since the follow, so no import
        assert loop.results == []
        for number in range(3):  # a sync tool writing several cards at once
            card = vcard(f"Teammate {number}", f"+1415555020{number}")
            (folder / f"t{number}.vcf").write_text(card, encoding="utf-8")
        loop.wait_results(1)
    finally:
        loop.loop.stop()
        loop.watcher.stop()
    assert names_at(store, "+14155550202") == ["Teammate 2"]
    assert names_at(store, "+14155550101") == ["Dana Reyes"]
    assert loop.problems == []


def test_every_save_is_read_with_the_region_chosen_when_it_was_followed(
    tmp_path: Path, store: Store
) -> None:
    book = tmp_path / "kunden.csv"
    book.write_text("Name,Company,Phone\nJonas Weber,Acme,030 1234567\n", encoding="utf-8")
    follow(store, book, ImportOptions(NumberPolicy("US"), region="DE"))
    assert names_at(store, "+49301234567") == ["Jonas Weber"]
    book.write_text("Name,Company,Phone\nJonas Weber,Acme,030 7654321\n", encoding="utf-8")
    # The app looks with the rep's home region only, as the follow loop's child does.
    assert refresh(store, book, OPTIONS).problem == ""
    assert names_at(store, "+49307654321") == ["Jonas Weber"]
    recorded = followed_file(store, book)
    assert recorded is not None and recorded.region == "DE"


def test_a_number_the_rep_corrected_stays_across_the_next_save(
    tmp_path: Path, store: Store
) -> None:
    """The file has Dana's number wrong; the rep fixes it in her contact view. The next save
    of the sheet (any change, here Sam's) keeps the fixed number ringing Dana's card."""
    from desktop.adapters import contact_edits

    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    follow(store, book, OPTIONS)
    (dana, _), = store.contacts_for_number("+14155550101")
    [row] = contact_edits.numbers_of(store, dana.id)
    contact_edits.change_number(store, dana.id, row.id, "(415) 555-0111", "mobile", "US")
    assert names_at(store, "+14155550111") == ["Dana Reyes"]

    book.write_text(BOOK.replace("Sam Ortiz", "Sam Ortiz-Lee"), encoding="utf-8")
    result = refresh(store, book, OPTIONS)

    assert result.problem == ""
    assert names_at(store, "+14155550111") == ["Dana Reyes"], "the rep's fix stays"
    assert names_at(store, "+14155550101") == [], "the wrong one stays off"
    assert names_at(store, "+14155550102") == ["Sam Ortiz-Lee"]

    # The old number was right after all: given back by hand, it stays through a save.
    (dana, _), = store.contacts_for_number("+14155550111")
    contact_edits.add_number(store, dana.id, "+1 415 555 0101", "work", "US")
    book.write_text(BOOK, encoding="utf-8")
    assert refresh(store, book, OPTIONS).problem == ""
    assert names_at(store, "+14155550101") == ["Dana Reyes"]
    assert names_at(store, "+14155550111") == ["Dana Reyes"]
