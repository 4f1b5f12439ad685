"""A followed file's next save updates the same contacts in place: same ids, the rep's typing
kept unless the file's cell changed since, a number fixed by hand fixed for good.

Real files written as Excel saves a German "CSV (Trennzeichen-getrennt)" (cp1252, ';', CRLF,
a temporary file renamed over the old one), a real SQLite store, and watchdog's real inotify
observer driving the re-imports (FollowLoop).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.contact_edits import change_number, save_field
from desktop.adapters.duplicates import merge, undo_merge
from desktop.adapters.import_history import batch_records
from desktop.adapters.importing import ImportOptions
from desktop.adapters.importing.followed_rows import told_about
from desktop.adapters.importing.following import follow
from desktop.adapters.store import NewContact, Store
from desktop.core.callbacks import Section
from desktop.core.import_history import batch_line
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.put_off import PutOffKey
from tests.adapters.test_followed_files import Loop

OPTIONS = ImportOptions(NumberPolicy("DE"))
HEADER = "Name;Firma;Position;Telefon;Notizen"
BAERBEL = "Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Montag"
UENAL = "Ünal Öztürk;Straßenbau AG;Bauleiter;4,93091E+11;"
OTTO = "Otto Brandt;Brandt & Söhne;;030 90182046;"


def excel_save(path: Path, rows: list[str]) -> None:
    """As Excel saves a CSV: a temporary file in the folder, renamed over the old one."""
    temporary = path.with_name("~$" + path.name)
    temporary.write_bytes("\r\n".join([HEADER, *rows, ""]).encode("cp1252"))
    os.replace(temporary, path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    yield store
    store.close()


@pytest.fixture
def loop(store: Store) -> Iterator[Loop]:
    with Loop.running(store.path) as watching:
        yield watching


@pytest.fixture
def book(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "Liste.csv"
    excel_save(path, [BAERBEL, UENAL, OTTO])
    follow(store, path, OPTIONS)
    return path


def contact_id(store: Store, name: str) -> int:
    row = store.connection.execute("SELECT id FROM contacts WHERE name = ?", (name,)).fetchone()
    assert row is not None, f"{name} is not in the book"
    return int(row[0])


def field(store: Store, contact: int, name: str) -> str:
    row = store.connection.execute(
        f"SELECT {name} FROM contacts WHERE id = ?", (contact,)
    ).fetchone()
    assert row is not None, f"contact {contact} is gone"
    return str(row[0])


def test_a_save_keeps_the_contact_and_what_the_rep_typed(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    save_field(store, baerbel, "notes", "Rückruf: Montag",
               "Rückruf: Montag\nEntscheiderin, Budget 50k", multiline=True)  # fmt: skip
    save_field(store, baerbel, "title", "", "Einkaufsleiterin", multiline=False)
    now = datetime.now(UTC)
    missed = now - timedelta(hours=1)
    store.add_attempt(baerbel, Attempt(Direction.IN, missed, Outcome.MISSED,
                                       number_e164="+493090182045"))  # fmt: skip
    store.put_off(PutOffKey(Section.WAITING_FOR_US, baerbel, None, int(missed.timestamp())),
                  now + timedelta(days=1), now)  # fmt: skip
    assert store.callbacks_due(now) == 0, "put off until tomorrow"

    excel_save(book, [BAERBEL, UENAL, OTTO, "Neue Person;Neu GmbH;;030 90182047;"])
    result = loop.wait_results(1)

    assert result.problem == ""
    assert contact_id(store, "Bärbel Kühn") == baerbel, "the same contact, not a copy"
    assert field(store, baerbel, "notes") == "Rückruf: Montag\nEntscheiderin, Budget 50k"
    assert field(store, baerbel, "title") == "Einkaufsleiterin"
    (contact, _), = store.contacts_for_number("+493090182045")
    assert [a.outcome for a in contact.attempts] == [Outcome.MISSED], "her call is still hers"
    assert store.callbacks_due(now) == 0, "what the rep put off stays put off"
    assert "1 imported" in result.summary and "3 already there" in result.summary
    assert told_about(store, baerbel) == "", "nothing of hers was changed"
    assert [c.name for c in store.search_simple("Neue")] == ["Neue Person"], "searchable"
    assert [c.id for c in store.search_simple("Einkaufsleiterin")] == [baerbel]


def test_a_cell_the_file_changed_since_the_rep_typed_there(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    save_field(store, baerbel, "notes", "Rückruf: Montag",
               "Rückruf: Montag\nEntscheiderin, Budget 50k", multiline=True)  # fmt: skip
    uenal = contact_id(store, "Ünal Öztürk")
    save_field(store, uenal, "title", "Bauleiter", "Bauleiter Nord", multiline=False)
    otto = contact_id(store, "Otto Brandt")

    excel_save(book, [
        "Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Dienstag",
        "Ünal Öztürk;Straßenbau AG;Oberbauleiter;4,93091E+11;",
        "Otto Brandt;Brandt & Söhne;Inhaber;030 90182046;",
    ])  # fmt: skip
    result = loop.wait_results(1)

    assert result.problem == ""
    assert field(store, baerbel, "notes") == (
        "Entscheiderin, Budget 50k\nRückruf: Dienstag"
    ), "the rep's lines, then the file's new one (its old one was not the rep's)"
    assert "Notes: Liste.csv changed them" in told_about(store, baerbel)
    assert field(store, uenal, "title") == "Oberbauleiter", "the cell changed after the rep"
    assert "you had 'Bauleiter Nord'" in told_about(store, uenal)
    assert field(store, otto, "title") == "Inhaber", "untouched by the rep: the file's"
    assert told_about(store, otto) == ""
    assert "3 updated" in result.summary, result.summary
    assert [c.id for c in store.search_simple("Oberbauleiter")] == [uenal], "found as it is now"
    assert store.search_simple("Bauleiter Nord") == []


def test_a_number_fixed_by_hand_replaces_its_broken_cell_for_good(
    store: Store, book: Path, loop: Loop
) -> None:
    uenal = contact_id(store, "Ünal Öztürk")
    (broken,) = store.connection.execute(
        "SELECT id FROM phone_numbers WHERE contact_id = ? AND raw = '4,93091E+11'", (uenal,)
    ).fetchone()
    change_number(store, uenal, broken, "+49 30 90182099", "mobile", "DE")

    excel_save(book, [BAERBEL, UENAL, OTTO, "Neue Person;Neu GmbH;;030 90182047;"])
    loop.wait_results(1)
    excel_save(book, [BAERBEL, UENAL, OTTO])  # and again, the new row taken out
    loop.wait_results(2)

    numbers = store.connection.execute(
        "SELECT raw, e164, by_hand FROM phone_numbers WHERE contact_id = ? ORDER BY id", (uenal,)
    ).fetchall()
    assert numbers == [("+49 30 90182099", "+493090182099", 1)], "no '4,93091E+11' beside it"
    assert contact_id(store, "Ünal Öztürk") == uenal
    assert store.connection.execute(
        "SELECT count(*) FROM contacts WHERE name = 'Neue Person'"
    ).fetchone() == (0,), "a row gone from the file goes"


def test_a_merge_into_a_followed_contact_survives_the_next_save(
    store: Store, book: Path, loop: Loop
) -> None:
    otto = contact_id(store, "Otto Brandt")
    mobile = store.add_contact(NewContact(name="Otto Brandt (Handy)", numbers=(
        StoredNumber("+49 171 5550100", "+491715550100", "", "mobile"),)))  # fmt: skip
    merge(store, otto, mobile)

    excel_save(book, [BAERBEL, UENAL, "Otto Brandt;Brandt & Söhne;Inhaber;030 90182046;"])
    result = loop.wait_results(1)

    assert result.problem == "", "the file is re-imported, not refused over the merge"
    assert field(store, otto, "title") == "Inhaber"
    assert [c.id for c, _ in store.contacts_for_number("+491715550100")] == [otto]
    _other, said = undo_merge(store)
    assert [c.name for c, _ in store.contacts_for_number("+491715550100")] == [
        "Otto Brandt (Handy)"
    ], said
    assert contact_id(store, "Otto Brandt") == otto


def test_a_contact_followed_before_its_file_values_were_kept(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    otto = contact_id(store, "Otto Brandt")
    store.connection.execute("DELETE FROM followed_rows")  # as a book followed before schema 24
    store.connection.execute("UPDATE contacts SET created_at = created_at - 3600, "
                             "updated_at = updated_at - 3600")  # followed an hour ago
    save_field(store, baerbel, "notes", "Rückruf: Montag", "Rückruf: Montag, 10 Uhr",
               multiline=True)  # fmt: skip

    excel_save(book, [
        "Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Dienstag",
        UENAL,
        "Otto Brandt;Brandt & Söhne;Inhaber;030 90182046;",
    ])  # fmt: skip
    loop.wait_results(1)

    assert field(store, baerbel, "notes") == "Rückruf: Montag, 10 Uhr\nRückruf: Dienstag", (
        "the rep's work stays, the file's new line after it"
    )
    assert field(store, otto, "title") == "Inhaber", "a contact nobody changed: the file's"
    assert contact_id(store, "Bärbel Kühn") == baerbel
    assert store.connection.execute("SELECT count(*) FROM followed_rows").fetchone() == (3,)


def test_a_row_gone_from_the_file_keeps_the_contact_the_rep_worked_on(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    save_field(store, baerbel, "title", "", "Einkaufsleiterin", multiline=False)
    save_field(store, baerbel, "notes", "Rückruf: Montag", "Rückruf: Montag\nmag Vormittage",
               multiline=True)  # fmt: skip
    uenal = contact_id(store, "Ünal Öztürk")
    store.add_attempt(uenal, Attempt(Direction.OUT, datetime.now(UTC) - timedelta(hours=1),
                                     Outcome.TALKED, number_e164="+493091000000"))  # fmt: skip

    excel_save(book, [OTTO])  # Bärbel's and Ünal's rows deleted (or filtered out) in Excel
    result = loop.wait_results(1)

    assert result.problem == ""
    assert contact_id(store, "Bärbel Kühn") == baerbel, "kept: the rep had typed on her"
    assert field(store, baerbel, "title") == "Einkaufsleiterin"
    assert field(store, baerbel, "notes") == "Rückruf: Montag\nmag Vormittage"
    assert contact_id(store, "Ünal Öztürk") == uenal, "kept: the rep had called him"
    assert store.connection.execute(
        "SELECT count(*) FROM attempts WHERE contact_id = ?", (uenal,)
    ).fetchone() == (1,), "his call is still his"
    mine = store.connection.execute(
        "SELECT count(*) FROM contacts WHERE id IN (?, ?) AND import_batch_id IS NULL",
        (baerbel, uenal),
    ).fetchone()
    assert mine == (2,), "the rep's own now: undoing the file's import leaves them"
    said = "Bärbel Kühn and Ünal Öztürk kept: you had worked on them; remove them by hand"
    assert said in result.summary, result.summary
    (newest, *_older) = batch_records(store)
    assert said in batch_line(newest, datetime.now(UTC)), "Import history says so too"

    excel_save(book, [OTTO, "Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Dienstag"])
    result = loop.wait_results(2)

    assert result.problem == ""
    assert store.connection.execute(
        "SELECT id FROM contacts WHERE name = 'Bärbel Kühn'"
    ).fetchall() == [(baerbel,)], "her row back updates her in place, no second Bärbel"
    assert field(store, baerbel, "title") == "Einkaufsleiterin"
    assert field(store, baerbel, "notes") == "mag Vormittage\nRückruf: Dienstag"
    assert store.connection.execute(
        "SELECT import_batch_id FROM contacts WHERE id = ?", (baerbel,)
    ).fetchone() == (result.batch,), "the file's again"
    assert [c.id for c, _ in store.contacts_for_number("+493090182045")] == [baerbel]
    assert contact_id(store, "Ünal Öztürk") == uenal, "still kept, said once"


def test_a_contact_nobody_worked_on_goes_with_its_row(
    store: Store, book: Path, loop: Loop
) -> None:
    excel_save(book, [BAERBEL, UENAL])
    result = loop.wait_results(1)

    assert result.problem == ""
    assert store.connection.execute(
        "SELECT count(*) FROM contacts WHERE name = 'Otto Brandt'"
    ).fetchone() == (0,)
    assert "kept" not in result.summary, result.summary


def test_the_files_old_notes_line_goes_when_the_file_changes_it(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    save_field(store, baerbel, "notes", "Rückruf: Montag", "Rückruf: Montag\nmag Vormittage",
               multiline=True)  # fmt: skip

    excel_save(book, ["Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Dienstag", UENAL, OTTO])
    loop.wait_results(1)

    assert field(store, baerbel, "notes") == "mag Vormittage\nRückruf: Dienstag", (
        "the rep's line, then the file's new one; not the file's old 'Rückruf: Montag'"
    )


def test_undoing_a_followed_files_save_asks_about_all_it_would_remove(
    store: Store, book: Path, loop: Loop
) -> None:
    baerbel = contact_id(store, "Bärbel Kühn")
    store.add_attempt(baerbel, Attempt(Direction.IN, datetime.now(UTC) - timedelta(hours=1),
                                       Outcome.MISSED, number_e164="+493090182045"))  # fmt: skip

    excel_save(book, [BAERBEL, UENAL, OTTO, "Neue Person;Neu GmbH;;030 90182047;"])
    result = loop.wait_results(1)

    (newest, _first) = batch_records(store)
    assert "1 added" in batch_line(newest, datetime.now(UTC)), "the row counts the save's new one"
    assert result.batch is not None
    warning = store.undo_import_check(result.batch).warning()
    assert warning.startswith("1 of the 4 contacts Undo removes has calls"), (
        f"not 'the 4 contacts it added' beside '1 added': {warning}"
    )


@pytest.fixture
def team(tmp_path: Path, store: Store, book: Path) -> Path:
    """A second followed file, kept by someone else, that may have the same people."""
    path = tmp_path / "Team.csv"
    excel_save(path, [ANNA])
    follow(store, path, OPTIONS)
    return path


ANNA = "Anna Schmidt;Schmidt GmbH;;030 90182050;"


def kept_by_the_rep(store: Store, book: Path, loop: Loop, *, saves: int = 1) -> int:
    """Bärbel, on whom the rep typed, kept as the rep's own when her row left Liste.csv."""
    baerbel = contact_id(store, "Bärbel Kühn")
    save_field(store, baerbel, "title", "", "Einkaufsleiterin", multiline=False)
    save_field(store, baerbel, "notes", "Rückruf: Montag", "Rückruf: Montag\nmag Vormittage",
               multiline=True)  # fmt: skip
    excel_save(book, [UENAL, OTTO])
    result = loop.wait_results(saves)
    assert "Bärbel Kühn kept" in result.summary, result.summary
    return baerbel


def test_another_followed_file_with_a_kept_contact_does_not_take_her_over(
    store: Store, book: Path, team: Path, loop: Loop
) -> None:
    """Used as a rep would: Bärbel's row left Liste.csv and she stayed as the rep's own; the
    team's Team.csv then listed her too. Its save claimed her as Team.csv's and wrote its title
    over the one the rep typed; its next save without her row treated her as its own to
    remove. A kept contact is the rep's: another file's row fills only what is empty there,
    and that row going takes back only what it brought."""
    baerbel = kept_by_the_rep(store, book, loop)

    excel_save(team, [ANNA, "Bärbel Kühn;Kühn Logistik;Geschäftsführerin;030 90182045;"
                            "Rückruf: Freitag"])  # fmt: skip
    result = loop.wait_results(2)

    assert result.problem == ""
    assert store.connection.execute(
        "SELECT id, import_batch_id FROM contacts WHERE name = 'Bärbel Kühn'"
    ).fetchall() == [(baerbel, None)], "the same Bärbel, still the rep's own"
    assert field(store, baerbel, "title") == "Einkaufsleiterin", "the rep typed it"
    assert "mag Vormittage" in field(store, baerbel, "notes")

    excel_save(team, [ANNA])  # her row deleted from Team.csv
    result = loop.wait_results(3)

    assert result.problem == ""
    assert contact_id(store, "Bärbel Kühn") == baerbel, "not Team.csv's to remove"
    assert field(store, baerbel, "title") == "Einkaufsleiterin"
    assert field(store, baerbel, "notes") == "Rückruf: Montag\nmag Vormittage", (
        "Team.csv's line went with its row; the rep's stay"
    )
    assert "Bärbel" not in result.summary, f"Team.csv never had her to keep: {result.summary}"

    excel_save(book, [UENAL, OTTO, "Bärbel Kühn;Kühn Logistik;;030 90182045;Rückruf: Dienstag"])
    result = loop.wait_results(4)

    assert store.connection.execute(
        "SELECT id, import_batch_id FROM contacts WHERE name = 'Bärbel Kühn'"
    ).fetchall() == [(baerbel, result.batch)], "her row back in Liste.csv: Liste.csv's again"
    assert field(store, baerbel, "title") == "Einkaufsleiterin"
    assert field(store, baerbel, "notes") == "mag Vormittage\nRückruf: Dienstag"


def test_a_kept_contact_only_called_gets_what_another_file_knows_until_its_row_goes(
    store: Store, book: Path, team: Path, loop: Loop
) -> None:
    otto = contact_id(store, "Otto Brandt")
    store.add_attempt(otto, Attempt(Direction.OUT, datetime.now(UTC) - timedelta(hours=1),
                                    Outcome.TALKED, number_e164="+493090182046"))  # fmt: skip
    excel_save(book, [BAERBEL, UENAL])
    assert "Otto Brandt kept" in loop.wait_results(1).summary

    excel_save(team, [ANNA, "Otto Brandt;Brandt & Söhne;Inhaber;030 90182046;"])
    loop.wait_results(2)
    assert store.connection.execute(
        "SELECT id, import_batch_id, title FROM contacts WHERE name = 'Otto Brandt'"
    ).fetchall() == [(otto, None, "Inhaber")], "an empty field filled, Otto still the rep's"

    excel_save(team, [ANNA])
    loop.wait_results(3)
    assert store.connection.execute(
        "SELECT id, import_batch_id, title FROM contacts WHERE name = 'Otto Brandt'"
    ).fetchall() == [(otto, None, "")], "what Team.csv filled went with its row; Otto stays"
    assert store.connection.execute(
        "SELECT count(*) FROM attempts WHERE contact_id = ?", (otto,)
    ).fetchone() == (1,), "his call is still his"


def as_followed_before_schema_24(store: Store) -> None:
    """The book as CallerCard kept it before followed_rows: no record of what the file said,
    the import an hour old (the rep's edits came later, as they do)."""
    store.connection.execute("DELETE FROM followed_rows")
    store.connection.execute("UPDATE contacts SET created_at = created_at - 3600, "
                             "updated_at = updated_at - 3600, edited_at = NULL")  # fmt: skip


def test_the_first_save_after_the_upgrade_keeps_a_number_fixed_by_hand_fixed(
    store: Store, book: Path, loop: Loop
) -> None:
    """A book followed before schema 24: its first save after the upgrade put Excel's broken
    '4,93091E+11' back beside the number the rep had typed in its place (nothing said it had
    been the file's). Later saves did not, so the rep saw it once, and kept it."""
    uenal = contact_id(store, "Ünal Öztürk")
    (broken,) = store.connection.execute(
        "SELECT id FROM phone_numbers WHERE contact_id = ? AND raw = '4,93091E+11'", (uenal,)
    ).fetchone()
    change_number(store, uenal, broken, "+49 30 90182099", "mobile", "DE")
    as_followed_before_schema_24(store)

    excel_save(book, [BAERBEL, UENAL, OTTO, "Neue Person;Neu GmbH;;030 90182047;"])
    result = loop.wait_results(1)

    assert result.problem == ""
    assert contact_id(store, "Ünal Öztürk") == uenal
    assert store.connection.execute(
        "SELECT raw, e164, by_hand FROM phone_numbers WHERE contact_id = ? ORDER BY id", (uenal,)
    ).fetchall() == [("+49 30 90182099", "+493090182099", 1)], "no '4,93091E+11' beside it"


def test_the_first_save_after_the_upgrade_keeps_the_reps_notes_and_the_files_news(
    store: Store, book: Path, loop: Loop
) -> None:
    """A book followed before schema 24 cannot tell which field the rep typed in: the first
    save kept every value of a contact the rep had changed anything on, so Bärbel's new
    'Rückruf: Dienstag' and the file's new Position were lost for her, for good (the next
    saves took them as the file's own and unchanged). Now her Notes keep the rep's lines and
    then the file's new one, an empty field takes the file's value, and a field the rep may
    have typed in keeps the rep's."""
    baerbel = contact_id(store, "Bärbel Kühn")
    as_followed_before_schema_24(store)
    save_field(store, baerbel, "company", "Kühn Logistik", "Kühn Logistik GmbH",
               multiline=False)  # fmt: skip

    excel_save(book, ["Bärbel Kühn;Kühn Logistik KG;Prokuristin;030 90182045;Rückruf: Dienstag",
                      UENAL, OTTO])  # fmt: skip
    loop.wait_results(1)

    assert contact_id(store, "Bärbel Kühn") == baerbel
    assert field(store, baerbel, "company") == "Kühn Logistik GmbH", "perhaps the rep's: kept"
    assert field(store, baerbel, "title") == "Prokuristin", "empty: the file's"
    assert field(store, baerbel, "notes") == "Rückruf: Montag\nRückruf: Dienstag"
    assert "Notes: Liste.csv changed them" in told_about(store, baerbel)

    excel_save(book, ["Bärbel Kühn;Kühn Logistik KG;Prokuristin;030 90182045;Rückruf: Mittwoch",
                      UENAL, OTTO])  # fmt: skip
    loop.wait_results(2)
    assert field(store, baerbel, "notes") == "Rückruf: Montag\nRückruf: Mittwoch", (
        "from then on as any followed contact: the file's old line goes"
    )


def test_a_row_gone_from_the_file_leaves_a_contact_another_file_still_has(
    store: Store, book: Path, tmp_path: Path
) -> None:
    """Otto's row deleted from Liste.csv deleted Otto, whom Team.csv, imported too, still
    listed (nobody had worked on him): undoing Liste.csv would have left him, as Team.csv's,
    and its save must too. He becomes Team.csv's, with the number both files have; undoing
    Team.csv then takes him."""
    team = tmp_path / "Team.csv"
    excel_save(team, ["Otto Brandt;Brandt & Söhne;Inhaber;030 90182046;"])
    follow(store, team, OPTIONS)
    otto = contact_id(store, "Otto Brandt")
    team_batch = store.connection.execute(
        "SELECT batch_id FROM followed_files WHERE path LIKE '%Team.csv'"
    ).fetchone()[0]
    watching = Loop(store.path)
    watching.loop.start()
    try:
        watching.wait_looks(2)
        excel_save(book, [BAERBEL, UENAL])  # Otto's row deleted
        result = watching.wait_results(1)
    finally:
        watching.loop.stop()
        watching.watcher.stop()

    assert result.problem == ""
    assert store.connection.execute(
        "SELECT id, import_batch_id, title FROM contacts WHERE name = 'Otto Brandt'"
    ).fetchall() == [(otto, team_batch, "Inhaber")], "Team.csv's now"
    assert store.connection.execute(
        "SELECT e164, import_batch_id FROM phone_numbers WHERE contact_id = ?", (otto,)
    ).fetchall() == [("+493090182046", team_batch)]
    check = store.undo_import_check(team_batch)
    assert (check.contacts, check.changed) == (1, 0), "nothing of the rep's on him"
    store.undo_import(team_batch)
    assert store.connection.execute(
        "SELECT count(*) FROM contacts WHERE name = 'Otto Brandt'"
    ).fetchone() == (0,)
