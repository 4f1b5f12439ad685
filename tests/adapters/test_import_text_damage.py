"""A text export that is damaged in small ways is read as well as it can be, and the damage is
said with its line: a few bytes that are not UTF-8 in a UTF-8 file, a quote never closed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.conftest import python_env

US = ImportOptions(NumberPolicy("US"))

# UTF-8, but line 3 was typed in a Windows-1252 editor: é and í are single bytes there.
MIXED = (
    b"Name,Phone\r\n"
    b"Zo\xc3\xab M\xc3\xbcller,+1 415 555 0142\r\n"
    b"Jos\xe9 Garc\xeda,+1 415 555 0143\r\n"
    b"Ann Lee,+1 415 555 0144\r\n"
)
# The quote opened on line 4 is never closed: lines 5 and 6 would vanish into its cell.
UNCLOSED = (
    'Name,Phone,Notes\n'
    'Kim Park,+1 415 555 0140,"call back\nafter lunch"\n'
    'Zoe Adams,+1 415 555 0142,"met at the fair\n'
    'Bob Stone,+1 415 555 0143,x\n'
    'Ann Lee,+1 415 555 0144,y\n'
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def test_a_utf8_file_with_a_few_windows_bytes_reads_as_utf8_and_says_which_lines(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    preview = preview_file(path, US)
    assert [r[0] for _, r in preview.rows] == ["Zoë Müller", "José García", "Ann Lee"]
    assert [(w.line, "not UTF-8" in w.message) for w in preview.warnings] == [(3, True)]
    report = import_file(store, path, US)
    assert {c.name for q in ("Zo", "Jos") for c in store.search_simple(q)} == {
        "Zoë Müller", "José García"
    }
    assert [w.line for w in report.warnings] == [3]
    assert "Windows-1252" in report.source
    # A file with no UTF-8 in it at all is still a Windows export, read as one, unwarned.
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(b"Name,Phone\r\nJos\xe9 Garc\xeda,+1 415 555 0143\r\n")
    plain = preview_file(legacy, US)
    assert (plain.rows[0][1][0], plain.warnings) == ("José García", [])


def test_an_unclosed_quote_is_said_with_its_line_and_swallows_no_name(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "unclosed.csv"
    path.write_text(UNCLOSED, encoding="utf-8")
    preview = preview_file(path, US)
    assert [w.line for w in preview.warnings] == [4]
    assert "never closed" in preview.warnings[0].message
    assert [line for line, _ in preview.rows] == [2], "the swallowed record is not a row"
    report = import_file(store, path, US)
    assert [(p.line, "never closed" in p.message) for p in report.rejected] == [(4, True)]
    stored = [c for q in ("Kim", "Zoe", "Bob", "Ann") for c in store.search_simple(q)]
    assert [c.name for c in stored] == ["Kim Park"]  # a closed multi-line note is fine
    assert all("\n" not in c.name for c in stored)


def cli_import(path: Path, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "import", str(path), "--data-dir", str(data),
         "--region", "US", *extra],
        capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip


def test_the_cli_report_names_the_damaged_lines(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(MIXED)
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text(UNCLOSED, encoding="utf-8")
    result = cli_import(mixed, tmp_path / "d1")
    assert result.returncode == 0, result.stderr
    assert "warning line 3: bytes that are not UTF-8, read as Windows-1252 ('é')" in result.stdout
    result = cli_import(unclosed, tmp_path / "d2", "--json")
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)["files"]
    assert report["imported"] == 1 and report["rejected_count"] == 1
    assert report["rejected"][0]["line"] == 4
    assert "a quote opens on this line and is never closed" in report["rejected"][0]["reason"]


def test_a_quote_left_open_on_the_last_line_is_said_too(store: Store, tmp_path: Path) -> None:
    # Found trying it as a user: with nothing after it, the open quote swallowed no line and
    # the whole line was stored as one name, "Carl Three,Acme,+1 415 555 0143".
    path = tmp_path / "last.csv"
    path.write_text(
        'Name,Company,Phone\nAnna One,Acme,+1 415 555 0141\n"Carl Three,Acme,+1 415 555 0143\n',
        encoding="utf-8",
    )
    preview = preview_file(path, US)
    assert [(w.line, "never closed" in w.message) for w in preview.warnings] == [(3, True)]
    report = import_file(store, path, US)
    assert [(p.line, "this line is one cell" in p.message) for p in report.rejected] == [
        (3, True)
    ]
    assert [c.name for c in store.search_simple("Carl")] == []


def test_a_file_cut_off_inside_a_quote_with_no_line_break_after_it_is_said_too(
    store: Store, tmp_path: Path
) -> None:
    # A save stopped half-way: the open quote takes in no line break, so the cell looked
    # closed and the cut line became a contact named "Carl Thr".
    path = tmp_path / "cut.csv"
    path.write_text('Name,Company,Phone\nAnna One,Acme,+1 415 555 0141\n"Carl Thr',
                    encoding="utf-8")  # fmt: skip
    report = import_file(store, path, US)
    assert [(p.line, "never closed" in p.message) for p in report.rejected] == [(3, True)]
    assert [c.name for c in store.search_simple("Carl")] == []
    # A closed quote, or a quote inside a cell that never opened one, is no cut.
    whole = tmp_path / "whole.csv"
    whole.write_text('Name,Company,Phone\n"Carl Three",12" Screens,+1 415 555 0143',
                     encoding="utf-8")  # fmt: skip
    assert import_file(store, whole, US).rejected == []
    assert [c.company for c in store.search_simple("Carl")] == ['12" Screens']


def test_a_utf8_vcard_with_a_stray_windows_byte_stays_utf8_and_says_which_line(
    tmp_path: Path, store: Store
) -> None:
    """A phone's vCard export later edited in a Windows-1252 editor: before, the whole file
    was read as Windows-1252 without a word ("Zoë" became "ZoÃ«")."""
    path = tmp_path / "phone.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\xc3\xab M\xc3\xbcller\r\n"
        b"TEL;TYPE=WORK:+1 415 555 0142\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xe9 Garc\xeda\r\n"
        b"TEL;TYPE=WORK:+1 415 555 0143\r\nEND:VCARD\r\n"
    )
    report = import_file(store, path, US)
    assert {c.name for q in ("Zo", "Jos") for c in store.search_simple(q)} == {
        "Zoë Müller", "José García"
    }
    assert [(w.line, "not UTF-8" in w.message) for w in report.warnings] == [(8, True)]
    legacy = tmp_path / "legacy.vcf"
    legacy.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jos\xe9 Lima\r\n"
                       b"TEL:+1 415 555 0149\r\nEND:VCARD\r\n")  # fmt: skip
    assert import_file(store, legacy, US).warnings == []
    assert [c.name for c in store.search_simple("Lima")] == ["José Lima"]


def test_a_file_cut_off_in_its_last_row_with_no_line_break_is_said(
    store: Store, tmp_path: Path
) -> None:
    # A save stopped half-way between two cells: the cut row was padded and stored as a
    # contact with no number ("Lead 3" of company "C"), and a followed file's leads after it
    # were gone until the next good save.
    path = tmp_path / "cut.csv"
    path.write_text("Name,Company,Phone\nAnna One,Acme,+1 415 555 0141\nLead 3,C",
                    encoding="utf-8")  # fmt: skip
    report = import_file(store, path, US)
    assert [(p.line, "half-way" in p.message) for p in report.rejected] == [(3, True)]
    assert [c.name for c in store.search_simple("Lead")] == []
    assert [c.name for c in store.search_simple("Anna")] == ["Anna One"]
    # A last row with every cell, or a short row that ends with a line break, is whole.
    for name, text in (("full.csv", "Name,Company,Phone\nBo Two,Beta,+1 415 555 0142"),
                       ("ended.csv", "Name,Company,Phone\nCy Three,Gamma\n")):
        whole = tmp_path / name
        whole.write_text(text, encoding="utf-8")
        assert import_file(store, whole, US).rejected == [], name
    assert {c.name for c in store.search_simple("Bo")} == {"Bo Two"}
    assert {c.name for c in store.search_simple("Cy")} == {"Cy Three"}
