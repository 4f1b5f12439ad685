"""A vCard Outlook saved in the Windows code page (Windows-1252 in the West) has a "?" for each
letter the code page had no byte for, as Excel's CSV has: the preview and the report name each
such field the same way, and the "?" is kept. vCards were not checked at all before."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))

# Outlook's 2.1 shape. ü and ä are bytes of Windows-1252; Ł and ł are not and became "?".
# The note's question is no lost letter.
OUTLOOK_1252 = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;LANGUAGE=pl:Nowak;?ukasz\r\n"
    "FN:?ukasz Nowak\r\n"
    "ORG:Przemys? SA\r\n"
    "TEL;WORK;VOICE:+48 22 123 45 67\r\n"
    "NOTE:Is this right?\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;LANGUAGE=de:Schäfer;Jürgen\r\n"
    "FN:Jürgen Schäfer\r\n"
    "ORG:Brauerei Schäfer\r\n"
    "TEL;WORK;VOICE:+49 171 2345678\r\n"
    "END:VCARD\r\n"
)


def outlook_vcf(tmp_path: Path) -> Path:
    path = tmp_path / "outlook.vcf"
    path.write_bytes(OUTLOOK_1252.encode("cp1252"))
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def test_letters_a_code_page_vcard_lost_are_named_and_kept_as_written(
    tmp_path: Path, store: Store
) -> None:
    path = outlook_vcf(tmp_path)
    preview = preview_file(path, US)
    told, *fields = preview.warnings
    assert str(told).startswith(
        "line 1 (Name, Company): 2 fields in 1 card hold a “?” for a letter this file's "
        "encoding (Windows-1252) could not carry, as a vCard that Outlook saves in the Windows "
        "code page does"
    )
    assert "export the contacts again in UTF-8" in told.message
    assert [str(f) for f in fields] == [
        "line 1, Name: “?ukasz Nowak” has a “?” where the file lost a letter; imported as "
        "written",
        "line 1, Company: “Przemys? SA” has a “?” where the file lost a letter; imported as "
        "written",
    ]
    checks = {row.line: row.checks for row in preview.planned.rows}  # the Check column
    assert checks == {
        1: ("a “?” for a lost letter in Name, Company: export the card again in UTF-8",),
        9: (),
    }

    report = import_file(store, path, US)
    assert report.imported == 2 and report.lost_letters == 2
    assert "2 fields with a “?” for a lost letter" in report.summary()
    assert [str(w) for w in report.warnings[:3]] == [str(w) for w in preview.warnings]
    assert store.contact_ids_named("?ukasz Nowak", "Przemys? SA")  # never a guessed Ł


def test_a_utf8_vcard_and_an_ascii_one_with_utf8_letters_are_not_checked(
    tmp_path: Path, store: Store
) -> None:
    utf8 = tmp_path / "utf8.vcf"
    utf8.write_text(OUTLOOK_1252.replace("Schäfer", "Szafrański"), encoding="utf-8")
    assert preview_file(utf8, US).warnings == []
    # Android's 2.1: every non-ASCII value quoted-printable UTF-8, so the file is all ASCII.
    android = tmp_path / "android.vcf"
    android.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=81ukasz Nowak\r\n"
        b"ORG:Who? Digital\r\nNOTE:Pozna? -- typed so\r\nTEL;CELL:+48 600 123 456\r\n"
        b"END:VCARD\r\n"
    )
    assert preview_file(android, US).warnings == []
    report = import_file(store, android, US)
    assert report.lost_letters == 0 and report.warnings == []
    assert store.contact_ids_named("Łukasz Nowak", "Who? Digital")


def test_an_all_ascii_vcard_is_checked_as_plain_ascii(tmp_path: Path) -> None:
    ascii_only = tmp_path / "ascii.vcf"
    ascii_only.write_bytes(OUTLOOK_1252.replace("ä", "ae").replace("ü", "ue").encode("ascii"))
    told = preview_file(ascii_only, US).warnings[0]
    assert "(plain ASCII)" in told.message and str(told).startswith("line 1 (Name, Company)")


def test_a_folder_of_code_page_vcards_names_each_field_by_its_file(
    tmp_path: Path, store: Store
) -> None:
    """A folder another sync tool keeps, one card a file: checked as a single file is, each
    field named by its file (every card there is on line 1 of its own)."""
    folder = tmp_path / "contacts"
    folder.mkdir()
    lukasz, juergen = OUTLOOK_1252.split("END:VCARD\r\n")[:2]
    (folder / "lukasz.vcf").write_bytes((lukasz + "END:VCARD\r\n").encode("cp1252"))
    (folder / "juergen.vcf").write_bytes((juergen + "END:VCARD\r\n").encode("cp1252"))
    # A UTF-8 file carries every letter: its "?" is the company's own.
    (folder / "who.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ola Żak\r\n"
                                    "ORG:Who?Digital\r\nTEL:+48 600 123 456\r\nEND:VCARD\r\n",
                                    encoding="utf-8")  # fmt: skip

    report = import_file(store, folder, US)

    assert report.imported == 3 and report.lost_letters == 2
    assert "2 fields with a “?” for a lost letter" in report.summary()
    told, *fields = report.warnings[:3]
    assert str(told).startswith(
        "lukasz.vcf (Name, Company): 2 fields in 1 card hold a “?” for a letter its file's "
        "encoding (Windows-1252) could not carry"
    )
    assert [str(f) for f in fields] == [
        "lukasz.vcf, Name: “?ukasz Nowak” has a “?” where the file lost a letter; imported as "
        "written",
        "lukasz.vcf, Company: “Przemys? SA” has a “?” where the file lost a letter; imported as "
        "written",
    ]
    assert store.contact_ids_named("?ukasz Nowak", "Przemys? SA")  # never a guessed Ł
