"""The CLI's text says numbers as people write them ("+49 171 2345678"), as the windows do; its
--json keeps E.164 for scripts. A German rep with a German and a US prospect, real CLI runs."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.test_cli import cc

CSV = """\
First Name,Last Name,Company,Mobile,Email
Jonas,Becker,Stadtwerke Kiel,0171 2345678,jonas@example.de
Mike,Kowalski,Harbor Freight,+1 (415) 555-0142,mike@example.com
"""
GERMAN, GERMAN_E164 = "+49 171 2345678", "+491712345678"
US, US_E164 = "+1 415-555-0142", "+14155550142"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    src = tmp_path / "kunden.csv"
    src.write_text(CSV, encoding="utf-8")
    result = cc("import", str(src), "--region", "DE", data_dir=data)
    assert result.returncode == 0, result.stderr
    now = int(time.time())
    with sqlite3.connect(data / "callercard.sqlite3") as db:
        ids = dict(db.execute("SELECT name, id FROM contacts"))
        db.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source) VALUES (?, ?, 'in', ?, 'missed', '', '', 'test')",
            [(ids["Jonas Becker"], GERMAN_E164, now - 3600),
             (ids["Mike Kowalski"], US_E164, now - 7200)],
        )  # fmt: skip
    return data


def _plain(*args: str, data_dir: Path) -> str:
    out = cc(*args, data_dir=data_dir, check=True).stdout
    assert GERMAN_E164 not in out and US_E164 not in out  # nowhere the machine's form
    return out


def test_calls_says_numbers_readably_and_json_keeps_e164(book: Path) -> None:
    lines = _plain("calls", data_dir=book).splitlines()
    assert lines[0].endswith(f"Jonas Becker · {GERMAN}")
    assert lines[1].endswith(f"Mike Kowalski · {US}")
    calls = json.loads(cc("calls", "--json", data_dir=book, check=True).stdout)["calls"]
    assert [c["number"] for c in calls] == [GERMAN_E164, US_E164]


def test_search_people_lines_say_numbers_readably_and_json_keeps_e164(book: Path) -> None:
    lines = _plain("search", "becker", data_dir=book).splitlines()
    assert lines[:2] == ["Jonas Becker — Stadtwerke Kiel", f"  {GERMAN} (mobile)"]
    lines = _plain("search", "kowalski", data_dir=book).splitlines()
    assert lines[:2] == ["Mike Kowalski — Harbor Freight", f"  {US} (mobile)"]
    [hit] = json.loads(cc("search", "becker", "--json", data_dir=book, check=True).stdout)[
        "results"]
    assert GERMAN_E164 in json.dumps(hit) and GERMAN not in json.dumps(hit)


def test_callbacks_says_numbers_readably_and_json_keeps_e164(book: Path) -> None:
    lines = _plain("callbacks", data_dir=book).splitlines()
    assert lines[0] == "Waiting for us (2)"
    assert lines[1].startswith(f"  Jonas Becker · {GERMAN} · Missed call 1 h ago")
    assert lines[2].startswith(f"  Mike Kowalski · {US} · Missed call 2 h ago")
    out = json.loads(cc("callbacks", "--json", data_dir=book, check=True).stdout)
    assert [e["number"] for e in out["waiting_for_us"]] == [GERMAN_E164, US_E164]


@pytest.mark.parametrize(("caller_id", "shown", "e164", "headline"), [
    ("01712345678", GERMAN, GERMAN_E164, "Jonas Becker"),
    ("+14155550142", US, US_E164, "Mike Kowalski"),
    ("+4930901820", "+49 30 901820", "+4930901820", "+49 30 901820"),  # nobody: the headline
])  # fmt: skip
def test_lookup_says_the_number_readably_and_json_keeps_e164(
    book: Path, caller_id: str, shown: str, e164: str, headline: str
) -> None:
    result = cc("lookup", caller_id, "--region", "DE", data_dir=book)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == headline
    assert any(line.startswith(f"{shown} · ") for line in lines), lines
    assert e164 not in result.stdout
    card = json.loads(cc("lookup", caller_id, "--region", "DE", "--json", data_dir=book).stdout)
    assert card["number"] == e164


def test_search_says_which_number_is_the_fax(tmp_path: Path) -> None:
    """Used as a rep: `callercard search harbor` listed Zoë's three numbers bare, her fax
    first (as her Outlook export had it), so nothing told the fax from her desk."""
    data = tmp_path / "data"
    src = tmp_path / "outlook.csv"
    src.write_text("First Name,Last Name,Business Fax,Business Phone\n"
                   "Zoë,Brennan,(415) 555-0136,(415) 555-0134\n", encoding="utf-8")  # fmt: skip
    cc("import", str(src), "--region", "US", data_dir=data, check=True)
    lines = cc("search", "brennan", data_dir=data, check=True).stdout.splitlines()
    assert lines[1] == "  +1 415-555-0136 (fax), +1 415-555-0134 (work)"
