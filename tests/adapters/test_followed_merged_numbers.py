"""A number a followed file's row added to one of the rep's own contacts stays on them once the rep
has had calls on it, when the row leaves the file: the next ring from it is their card, not
"Unknown number". A number nobody used goes with its row, as before.

h-rep6: Søren's direct line came from a followed Salesforce report (merged into his Outlook
contact), he was called on it and promised a call back, then his row was deleted in Excel: the
line went without a word, and his next call was an unknown caller's. Real files saved as Excel
does (a temporary file renamed over the old one), a real SQLite store, and the real follow loop
on inotify.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.call_note_log import record_note
from desktop.adapters.contact_edits import change_number, numbers_of, save_field
from desktop.adapters.followed_list import undo_import
from desktop.adapters.import_history import batch_records
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.importing.following import follow, refresh
from desktop.adapters.store import Store
from desktop.core.call_notes import CallNote
from desktop.core.import_history import batch_line
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.numbers import NumberPolicy
from tests.adapters.test_followed_files import Loop

OPTIONS = ImportOptions(NumberPolicy("US"))
OUTLOOK = (
    "First Name,Last Name,Company,Job Title,Business Phone,E-mail Address\r\n"
    "Søren,Kjær,Nordlys ApS,Head of Sales,+44 20 7946 0555,soren.kjaer@example.dk\r\n"
    "Maya,Okafor,Brightline Analytics,VP Sales,(415) 555-0171,maya.okafor@example.com\r\n"
)
HEADER = '"First Name","Last Name","Title","Company / Account","Phone","Email"'
SOREN = '"Søren","Kjær","Head of Sales","Nordlys ApS","+44 20 7946 0432","soren.kjaer@example.dk"'
MAYA = ('"Maya","Okafor","VP Sales","Brightline Analytics","(415) 555-0179",'
        '"maya.okafor@example.com"')
OLA = '"Ola","Nordmann","CFO","Fjord AS","+47 22 12 34 56",""'
SOREN_DIRECT = "+442079460432"
MAYA_OTHER = "+14155550179"


def excel_save(path: Path, rows: list[str]) -> None:
    """As Excel saves a CSV: a temporary file in the folder, renamed over the old one."""
    temporary = path.with_name("~$" + path.name)
    temporary.write_bytes("\r\n".join([HEADER, *rows, ""]).encode("utf-8"))
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
def leads(tmp_path: Path, store: Store) -> Path:
    """The rep's Outlook contacts, then a followed report whose rows add Søren's direct line
    and another number of Maya's to them ('2 merged')."""
    outlook = tmp_path / "outlook.csv"
    outlook.write_bytes(OUTLOOK.encode("cp1252"))
    import_file(store, outlook, OPTIONS)
    path = tmp_path / "leads.csv"
    excel_save(path, [SOREN, MAYA, OLA])
    report = follow(store, path, OPTIONS).report
    assert report is not None and report.merged == 2, report
    return path


def holders(store: Store, number: str) -> list[str]:
    return [contact.name for contact, _n in store.contacts_for_number(number, attempts_limit=0)]


def soren(store: Store) -> int:
    row = store.connection.execute("SELECT id FROM contacts WHERE name = 'Søren Kjær'").fetchone()
    assert row is not None
    return int(row[0])


def test_a_number_the_rep_had_calls_on_stays_when_its_row_goes(
    store: Store, leads: Path, loop: Loop
) -> None:
    assert holders(store, SOREN_DIRECT) == ["Søren Kjær"]
    ago = datetime.now(UTC) - timedelta(minutes=5)
    store.add_attempt(soren(store), Attempt(Direction.IN, ago, Outcome.TALKED,
                                            "New direct line, wants UK pricing",
                                            number_e164=SOREN_DIRECT))  # fmt: skip

    excel_save(leads, [MAYA, OLA])  # Søren's row deleted in Excel
    result = loop.wait_results(1)

    assert result.problem == ""
    assert holders(store, SOREN_DIRECT) == ["Søren Kjær"], "his next ring is his card"
    assert store.connection.execute(
        "SELECT import_batch_id FROM phone_numbers WHERE e164 = ?", (SOREN_DIRECT,)
    ).fetchall() == [(None,)], "the rep's own now: undoing the file leaves it"
    said = ("Søren Kjær keeps +44 20 7946 0432: you had calls on it; remove it by hand if it "
            "should go")  # fmt: skip
    assert said in result.summary, result.summary
    (newest, *_older) = batch_records(store)
    assert said in batch_line(newest, datetime.now(UTC)), "Import history says so too"
    assert holders(store, MAYA_OTHER) == ["Maya Okafor"], "her row is still there"

    excel_save(leads, [SOREN, MAYA, OLA])  # his row back: his line once, nothing said
    result = loop.wait_results(2)
    assert result.problem == "" and "keeps" not in result.summary, result.summary
    assert store.connection.execute(
        "SELECT count(*) FROM phone_numbers WHERE e164 = ?", (SOREN_DIRECT,)
    ).fetchone() == (1,)

    undo_import(store, result.batch or 0)
    assert holders(store, SOREN_DIRECT) == ["Søren Kjær"], "his line is the rep's, not the file's"


def test_a_number_nobody_used_goes_with_its_row(store: Store, leads: Path, loop: Loop) -> None:
    ago = datetime.now(UTC) - timedelta(minutes=5)
    # A call with Maya on her Outlook number is no call on the number the report added.
    maya = holders(store, "+14155550171")
    assert maya == ["Maya Okafor"]
    store.add_attempt(
        store.contacts_for_number("+14155550171", attempts_limit=0)[0][0].id,
        Attempt(Direction.OUT, ago, Outcome.TALKED, number_e164="+14155550171"),
    )

    excel_save(leads, [SOREN, OLA])  # Maya's row deleted
    result = loop.wait_results(1)

    assert result.problem == ""
    assert holders(store, MAYA_OTHER) == [], "nobody used it: it goes with its row"
    assert holders(store, "+14155550171") == ["Maya Okafor"]
    assert "keeps" not in result.summary, result.summary


def test_a_number_the_rep_relabelled_keeps_its_label_and_stays(
    store: Store, leads: Path, loop: Loop
) -> None:
    """The rep labelled Søren's new line 'direct': the next save of the report, his row
    unchanged, put it back unlabelled, and his row going took it off him."""
    him = soren(store)
    (line,) = [row for row in numbers_of(store, him) if row.number.e164 == SOREN_DIRECT]
    change_number(store, him, line.id, line.number.raw, "direct", "US")

    excel_save(leads, [SOREN, MAYA, '"Ola","Nordmann","CFO","Fjord AS","+47 22 12 34 57",""'])
    assert loop.wait_results(1).problem == ""
    assert [(row.number.e164, row.number.label) for row in numbers_of(store, him)
            if row.number.e164 == SOREN_DIRECT] == [(SOREN_DIRECT, "direct")]  # fmt: skip

    excel_save(leads, [MAYA, OLA])  # his row deleted
    assert loop.wait_results(2).problem == ""
    assert holders(store, SOREN_DIRECT) == ["Søren Kjær"], "the rep typed on it: it stays"


def test_a_field_a_row_filled_on_the_reps_contact_stays_once_typed_over(
    tmp_path: Path, store: Store
) -> None:
    """The same rule for the fields a row fills on a contact of the rep's: one the rep typed
    over stays theirs through the next saves and the row going; one nobody touched goes."""
    outlook = tmp_path / "outlook.csv"
    no_titles = OUTLOOK.replace("Head of Sales", "").replace("VP Sales", "")
    outlook.write_bytes(no_titles.encode("cp1252"))
    import_file(store, outlook, OPTIONS)
    leads = tmp_path / "leads.csv"
    excel_save(leads, [SOREN, MAYA, OLA])
    follow(store, leads, OPTIONS)
    him = soren(store)
    assert title(store, "Søren Kjær") == "Head of Sales", "filled by the report"
    save_field(store, him, "title", "Head of Sales", "Head of Sales EMEA", multiline=False)
    watching = Loop(store.path)
    watching.loop.start()
    try:
        watching.wait_looks(1)
        excel_save(leads, [SOREN.replace("Head of Sales", "CEO"), MAYA, OLA])
        assert watching.wait_results(1).problem == ""
        # The rep's own contact: a row fills only what is empty there.
        assert title(store, "Søren Kjær") == "Head of Sales EMEA"
        excel_save(leads, [OLA])  # his and Maya's rows deleted
        assert watching.wait_results(2).problem == ""
    finally:
        watching.loop.stop()
        watching.watcher.stop()

    assert title(store, "Søren Kjær") == "Head of Sales EMEA", "typed by the rep: it stays"
    assert title(store, "Maya Okafor") == "", "the report's, untouched: it goes with her row"


def title(store: Store, name: str) -> str:
    row = store.connection.execute("SELECT title FROM contacts WHERE name = ?", (name,)).fetchone()
    assert row is not None, f"{name} is not in the book"
    return str(row[0])


def phones(store: Store) -> list[tuple[int, int, str | None, str, str]]:
    return store.connection.execute(
        "SELECT id, contact_id, e164, extension, label FROM phone_numbers ORDER BY id"
    ).fetchall()


def test_a_save_keeps_the_rows_of_the_numbers_it_still_brings(store: Store, leads: Path) -> None:
    """Each save took the numbers its rows added to the rep's contacts back and added them
    again: their rows' ids changed at every save, and an open contact view's Edit on Søren's
    direct line said 'That number was removed meanwhile'. Only what left a row goes."""
    before = phones(store)
    assert [p for p in before if p[2] in (SOREN_DIRECT, MAYA_OTHER)], "merged onto them"

    excel_save(leads, [SOREN, MAYA, OLA.replace("CFO", "CEO")])  # his and Maya's rows unchanged
    assert refresh(store, leads, OPTIONS).problem == ""
    assert phones(store) == before, "every number is the same row, with the same id"

    excel_save(leads, [SOREN, OLA.replace("CFO", "CEO")])  # Maya's row deleted
    assert refresh(store, leads, OPTIONS).problem == ""
    assert phones(store) == [p for p in before if p[2] != MAYA_OTHER], "only hers went"


def test_a_number_kept_its_row_when_a_new_one_took_its_id_first(
    tmp_path: Path, store: Store
) -> None:
    """The ids a save frees are the highest: a number the next version adds first (Maya's new
    line) takes one of them. Søren's line, added again after it, still gets its own id back,
    and both are found by number search under their rows."""
    outlook = tmp_path / "outlook.csv"
    outlook.write_bytes(OUTLOOK.encode("cp1252"))
    import_file(store, outlook, OPTIONS)
    leads = tmp_path / "leads.csv"
    excel_save(leads, [OLA])
    follow(store, leads, OPTIONS)
    excel_save(leads, [OLA, SOREN, MAYA])  # his line, then hers: the highest ids
    assert refresh(store, leads, OPTIONS).problem == ""
    before = {e164: i for i, _c, e164, _x, _l in phones(store)}

    excel_save(leads, [OLA, MAYA.replace("555-0179", "555-0180"), SOREN])
    assert refresh(store, leads, OPTIONS).problem == ""

    after = {e164: i for i, _c, e164, _x, _l in phones(store)}
    assert after[SOREN_DIRECT] == before[SOREN_DIRECT], "his line is the same row"
    assert MAYA_OTHER not in after, "her old line went with the cell"
    assert [c.name for c in store.search_simple("2079460432")] == ["Søren Kjær"]
    assert [c.name for c in store.search_simple("4155550180")] == ["Maya Okafor"]
    assert holders(store, "+14155550180") == ["Maya Okafor"]


def test_an_extension_the_rep_had_calls_on_stays_when_its_row_goes(
    tmp_path: Path, store: Store
) -> None:
    """Søren's internal extension x3103 (the report's row added it to his Outlook contact, no
    full number): the rep called him on it, which the history keeps by its caller ID, not by
    an E.164. His row deleted in Excel took it off him: his next call from it was nobody's."""
    outlook = tmp_path / "outlook.csv"
    outlook.write_bytes(OUTLOOK.encode("cp1252"))
    import_file(store, outlook, OPTIONS)
    leads = tmp_path / "leads.csv"
    internal = SOREN.replace("+44 20 7946 0432", "x3103")
    excel_save(leads, [internal, MAYA, OLA])
    follow(store, leads, OPTIONS)
    assert extension_holders(store, "3103") == ["Søren Kjær"]
    ago = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    # As 'callercard log-call 3103 --outcome talked' records it (cli_log_call).
    record_note(store, "3103", CallNote(uuid.uuid4().hex, ago, Direction.OUT, Outcome.TALKED,
                                        "", "Sent the Oslo pricing", ""), soren(store))  # fmt: skip
    assert store.connection.execute("SELECT caller_id FROM attempts").fetchall() == [("3103",)]

    watching = Loop(store.path)
    watching.loop.start()
    try:
        watching.wait_looks(1)
        excel_save(leads, [MAYA, OLA])  # his row deleted
        result = watching.wait_results(1)
    finally:
        watching.loop.stop()
        watching.watcher.stop()

    assert result.problem == ""
    assert extension_holders(store, "3103") == ["Søren Kjær"], "his next call is his card"
    said = "Søren Kjær keeps x3103: you had calls on it; remove it by hand if it should go"
    assert said in result.summary, result.summary


def extension_holders(store: Store, extension: str) -> list[str]:
    return [c.name for c, _n in store.contacts_for_extension(extension, attempts_limit=0)]
