"""A Windows-1252 export (Excel's "CSV (Comma delimited)") that turned ı, Ł … into "?": the
preview and the report name each such cell and say what to do, and the "?" is kept, never
replaced by a guessed letter. It landed in the book before without a word ("Y?lmaz")."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))

# As Excel saves it on a Western Windows: ü and ä are bytes of Windows-1252, ı and Ł are not
# and became "?". The notes' question and the link's query are no lost letters.
EXCEL_1252 = (
    "First Name,Last Name,Company,Phone,Notes,Website\r\n"
    "Özgür,Y?lmaz,Y?lmaz Bau KG,+49 1523 3445566,Call back?,https://y.example/?ref=fair\r\n"
    "Jürgen,Schäfer,Brauerei Schäfer,+49 171 2345678,,\r\n"
    "?ukasz,Nowak,Budimex,+48 22 123 45 67,,\r\n"
).encode("cp1252")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def test_letters_a_windows_export_lost_are_named_and_kept_as_written(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "prospects.csv"
    path.write_bytes(EXCEL_1252)
    preview = preview_file(path, US)
    told, *cells = preview.warnings
    # Named by where the letters were lost, as the Import window's details list it ("Check …"),
    # not by the header's line.
    assert str(told).startswith("lines 2 and 4 (First Name, Last Name, Company): 3 cells in 2 "
                                "lines hold a “?” for a letter this file's encoding "
                                "(Windows-1252) could not carry")  # fmt: skip
    assert "save the sheet again as “CSV UTF-8 (Comma delimited)”" in told.message
    assert [str(c) for c in cells] == [
        "line 2, Last Name: “Y?lmaz” has a “?” where the file lost a letter; imported as written",
        "line 2, Company: “Y?lmaz Bau KG” has a “?” where the file lost a letter; imported as "
        "written",
        "line 4, First Name: “?ukasz” has a “?” where the file lost a letter; imported as "
        "written",
    ]
    checks = {row.line: row.checks for row in preview.planned.rows}  # the Check column
    assert checks == {
        2: ("a “?” for a lost letter in Last Name, Company: re-export the file as “CSV UTF-8”",),
        3: (),
        4: ("a “?” for a lost letter in First Name: re-export the file as “CSV UTF-8”",),
    }
    assert "2 rows have something to check" in preview.planned.summary()

    report = import_file(store, path, US)
    assert report.imported == 3 and not report.rejected
    assert report.lost_letters == 3
    assert "3 cells with a “?” for a lost letter" in report.summary()
    assert [str(w) for w in report.warnings[:4]] == [str(w) for w in preview.warnings]
    assert store.contact_ids_named("Özgür Y?lmaz", "Y?lmaz Bau KG")  # never a guessed ı
    assert store.contact_ids_named("?ukasz Nowak", "Budimex")


def test_an_all_ascii_export_is_checked_too_and_a_utf8_one_is_not(
    tmp_path: Path, store: Store
) -> None:
    """All ASCII, Excel's export of "Yılmaz" reads as UTF-8: the "?" is still a lost letter.
    A UTF-8 file carries every letter, so its "?" is what was typed."""
    ascii_only = tmp_path / "ascii.csv"
    ascii_only.write_bytes(b"Name,Phone\r\nAyse Y?lmaz,+49 1523 3445566\r\n")
    preview = preview_file(ascii_only, US)
    assert [w.line for w in preview.warnings] == [2, 2]
    assert str(preview.warnings[0]).startswith("line 2 (Name): 1 cell in 1 line hold")
    assert "could not carry" in preview.warnings[0].message
    assert "(plain ASCII)" in preview.warnings[0].message  # as it was read: not Windows-1252
    assert preview.warnings[1].field == "Name"

    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("Name,Phone\r\nAyşe Y?lmaz,+49 1523 3445566\r\n".encode())
    assert preview_file(utf8, US).warnings == []
    report = import_file(store, utf8, US)
    assert report.lost_letters == 0 and report.warnings == []


# A Polish Windows export read as Windows-1252: ł, ś, ń, ź had no byte and became "?". Three
# of them end a word, where a question's mark stands too; "Wa?brzych" shows the loss.
POLISH_1252 = (
    "Name,Company,City,Phone,Notes\r\n"
    "Jan Nowak,Przemys? SA,Pozna?,+48 61 123 45 67,Is this right?\r\n"
    "Ewa Lis,Huta,Wa?brzych,+48 74 123 45 67,Budget? Przemys? SA knows\r\n"
    "Olga Bia?,Dom,?ód?,+48 42 123 45 67,\r\n"
).encode("cp1252")


def test_a_letter_lost_at_a_words_end_is_named_where_the_file_shows_the_loss(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "polska.csv"
    path.write_bytes(POLISH_1252)
    preview = preview_file(path, US)
    told, *cells = preview.warnings
    assert str(told).startswith("lines 2, 3 and 4 (Name, Company, City): 5 cells in 3 lines")
    assert [(c.line, c.field, c.message.split("”")[0]) for c in cells] == [
        (2, "Company", "“Przemys? SA"), (2, "City", "“Pozna?"), (3, "City", "“Wa?brzych"),
        (4, "Name", "“Olga Bia?"), (4, "City", "“?ód?"),
    ]  # the notes' questions are no lost letters
    checks = {row.line: row.checks for row in preview.planned.rows}
    assert checks[2] == ("a “?” for a lost letter in Company, City: re-export the file as "
                         "“CSV UTF-8”",)  # fmt: skip
    report = import_file(store, path, US)
    assert report.lost_letters == 5
    assert report.where(report.warnings[0]) == str(told)


def test_a_question_ending_a_name_is_kept_quiet_when_nothing_else_was_lost(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "quiz.csv"
    path.write_bytes(b"Name,Company,Phone\r\nJo Wolf,Why? Digital,+1 415 555 0142\r\n")
    assert preview_file(path, US).warnings == []
    assert import_file(store, path, US).lost_letters == 0
