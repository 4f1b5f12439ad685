"""The command-line verbs, run as a user runs them: a real child process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import python_env

CSV = """\
First Name,Last Name,Company,Title,Work Phone,Mobile,Email,Why I called,Referred by
Mike,Kowalski,Harbor Freight,VP Operations,(415) 555-0142,,mike@example.com,\
the bid I sent last week,Harley Smith
Dana,Whitfield,Contoso,CFO,+1 415 555 0100 x204,,,the pilot budget,
Raj,Patel,Contoso,Controller,+1 415 555 0100 ext. 317,,,,
Anna,Berg,Nordic AB,,+44 20 7946 0958,,,,
,,,,,,,,
Nobody,,,,,,,,
,,,,555,,,,
"""


def cc(*args: str, data_dir: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=python_env(), timeout=60, check=check,
    )  # fmt: skip


@pytest.fixture
def book(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    src = tmp_path / "prospects.csv"
    src.write_text(CSV, encoding="utf-8")
    result = cc("import", str(src), "--region", "US", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "5 imported" in result.stdout
    assert "1 rejected" in result.stdout and "line 8" in result.stdout
    return data


def lookup(data: Path, caller_id: str, region: str = "US") -> dict[str, object]:
    result = cc("lookup", caller_id, "--json", "--region", region, data_dir=data)
    assert result.returncode == 0, result.stderr
    out: dict[str, object] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize(
    "caller_id",
    ["+14155550142", "4155550142", "14155550142", "(415) 555-0142", "1-415-555-0142",
     "sip:+14155550142@pbx.example.com;user=phone", '"Mike K" <sip:4155550142@pbx.local>',
     "tel:+1-415-555-0142", "14155550142.0", "011 1 415 555 0142"],
)  # fmt: skip
def test_lookup_finds_the_prospect_in_every_caller_id_shape(book: Path, caller_id: str) -> None:
    card = lookup(book, caller_id)
    assert card["caller_id"] == caller_id
    assert card["number"] == "+14155550142"
    assert card["withheld"] is False
    assert card["match"] == "exact"
    [mike] = card["contacts"]  # type: ignore[misc]
    assert mike["name"] == "Mike Kowalski"
    assert mike["company"] == "Harbor Freight" and mike["title"] == "VP Operations"
    assert mike["why"] == "the bid I sent last week"
    assert mike["referred_by"] == "Harley Smith"
    assert mike["last_attempts"] == []
    assert card["candidates"] == []
    assert "Harley Smith suggested" in str(card["opener"])
    assert card["local_time"]


def test_switchboard_returns_everyone_behind_the_main_line(book: Path) -> None:
    card = lookup(book, "+1 415 555 0100")
    assert card["match"] == "switchboard"
    names = {c["name"] for c in card["contacts"]}  # type: ignore[attr-defined]
    assert names == {"Dana Whitfield", "Raj Patel"}


@pytest.mark.parametrize(
    "caller_id",
    ["+44 415 555 0142", "+61 4155 50142", "+14155550143", "+14155550141", "4155550142 9"],
)
def test_near_misses_never_match(book: Path, caller_id: str) -> None:
    card = lookup(book, caller_id)
    assert card["match"] == "none"
    assert card["contacts"] == []


@pytest.mark.parametrize(
    "caller_id",
    ["anonymous", "Restricted", "Private", "Unavailable", "P", "O", "",
     "sip:anonymous@anonymous.invalid"],
)  # fmt: skip
def test_withheld_callers_are_never_matched(book: Path, caller_id: str) -> None:
    card = lookup(book, caller_id)
    assert card["withheld"] is True
    assert card["match"] == "withheld"
    assert card["number"] is None and card["contacts"] == []


def test_home_region_decides_national_numbers(book: Path) -> None:
    assert lookup(book, "020 7946 0958", region="GB")["contacts"][0]["name"] == "Anna Berg"  # type: ignore[index]


def test_a_malformed_caller_id_exits_non_zero_with_one_line(book: Path) -> None:
    result = cc("lookup", "not a number!!", "--region", "US", data_dir=book)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not a phone number" in result.stderr


def test_reimporting_the_same_file_changes_nothing(book: Path, tmp_path: Path) -> None:
    result = cc("import", str(tmp_path / "prospects.csv"), "--region", "US", "--json",
                data_dir=book)  # fmt: skip
    summary = json.loads(result.stdout)["files"][0]
    assert summary["imported"] == 0 and summary["merged"] == 0 and summary["unchanged"] == 5


def test_import_of_a_missing_file_says_which_file(tmp_path: Path) -> None:
    result = cc("import", str(tmp_path / "nope.csv"), data_dir=tmp_path / "d")
    assert result.returncode == 1
    assert "nope.csv" in result.stderr


def test_bad_region_is_refused(tmp_path: Path) -> None:
    once = cc("--region-once", "XX", "lookup", "+14155550142", data_dir=tmp_path / "d")
    assert (once.returncode, once.stderr) == (
        1, "callercard: --region-once wants a region code such as US, GB or DE, not 'XX'\n")
    result = cc("lookup", "+14155550142", "--region", "USA", data_dir=tmp_path / "d")
    assert result.returncode == 1
    assert "wants a region code such as US, GB or DE, not 'USA'" in result.stderr


def test_plain_lookup_output_reads_like_the_card(book: Path) -> None:
    result = cc("lookup", "+14155550142", "--region", "US", data_dir=book, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "Mike Kowalski"
    assert "VP Operations, Harbor Freight" in lines[1]
    assert any(line.startswith("Why we called: the bid") for line in lines)
    assert any(line.startswith("Opener: Hi Mike") for line in lines)


def test_calls_lists_the_history_newest_first_with_filters(book: Path) -> None:
    import sqlite3
    import time

    now = int(time.time())
    with sqlite3.connect(book / "callercard.sqlite3") as db:
        mike = db.execute("SELECT id FROM contacts WHERE name = 'Mike Kowalski'").fetchone()[0]
        db.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
            [(mike, "+14155550142", "out", now - 3 * 86400, "voicemail", "the bid", "wrap-up"),
             (None, "+13125550100", "in", now - 3600, "missed", "", "microsip"),
             (mike, "+14155550142", "in", now - 10 * 86400, "missed", "", "microsip")],
        )  # fmt: skip
    every = json.loads(cc("calls", "--json", data_dir=book, check=True).stdout)["calls"]
    assert [c["number"] for c in every] == ["+13125550100", "+14155550142", "+14155550142"]
    assert every[0]["contact"] is None and every[0]["source"] == "microsip"
    assert every[1]["contact"]["name"] == "Mike Kowalski"
    assert every[1]["message"] == "the bid"
    missed = json.loads(cc("calls", "--missed", "--days", "7", "--json", data_dir=book).stdout)
    assert [c["number"] for c in missed["calls"]] == ["+13125550100"]
    awaiting = json.loads(cc("calls", "--awaiting", "--json", data_dir=book).stdout)
    assert [(c["number"], c["outcome"]) for c in awaiting["calls"]] == [
        ("+14155550142", "voicemail")
    ]
    plain = cc("calls", data_dir=book).stdout.splitlines()
    assert len(plain) == 4  # three calls and the message left under its outcome
    assert "  in   Missed their call" in plain[0]
    assert plain[0].endswith("  Unknown · +1 312-555-0100")  # no caller ID name
    assert "  out  Left voicemail" in plain[1] and "Mike Kowalski" in plain[1]
    assert plain[2].strip() == "the bid"
    # Every name starts in one column, however long the outcome before it.
    starts = {line.index(who) for line, who in zip(
        (plain[0], plain[1], plain[3]), ("Unknown", "Mike", "Mike"), strict=True)}  # fmt: skip
    assert len(starts) == 1


def test_import_refuses_callercards_own_database(book: Path) -> None:
    before = (book / "callercard.sqlite3").stat().st_size
    result = cc("import", str(book / "callercard.sqlite3"), data_dir=book)
    assert result.returncode == 1
    assert "own contact database" in result.stderr
    assert (book / "callercard.sqlite3").stat().st_size == before


def test_import_window_without_files_is_refused(tmp_path: Path) -> None:
    result = cc("import", "--window", data_dir=tmp_path / "d")
    assert result.returncode == 1 and "name one or more files" in result.stderr
    missing = cc("import", "--window", str(tmp_path / "nope.csv"), data_dir=tmp_path / "d")
    assert missing.returncode == 2 and "nope.csv" in missing.stderr


def test_search_output_keeps_bidi_controls_out_and_says_when_more_match(tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = tmp_path / "evil.csv"
    src.write_text(
        "Name,Company,Phone\nMike \u202egnp.exe,Evil \u202eCorp,+1 415 555 0166\n"
        + "".join(f"Mike Number{i},Co,+1 415 555 {1000 + i}\n" for i in range(5)),
        encoding="utf-8",
    )
    assert cc("import", str(src), "--region", "US", data_dir=data).returncode == 0
    found = cc("search", "gnp", data_dir=data)
    assert "Mike gnp.exe — Evil Corp" in found.stdout
    assert "\u202e" not in found.stdout
    assert "1 found" in found.stderr
    capped = cc("search", "mike", "--limit", "3", data_dir=data)
    assert "the first 3 shown; more may match" in capped.stderr


@pytest.mark.parametrize("argv", [
    [],
    ["--background"],
    ["--data-dir", "/tmp/cc", "--region", "gb", "--watch", "microsip:/a.ini", "--watch",
     "linphone:/b.db", "--trace", "/tmp/t.jsonl", "--demo"],
    ["--open", "a.csv", "b.vcf"],
    ["--deliver", '{"protocol_version": 1}'],
])  # fmt: skip
def test_the_apps_own_start_reads_its_options_as_the_full_parser_does(argv: list[str]) -> None:
    """The tray's start skips building every verb's parser; what it reads must not change."""
    from desktop.cli import _parse_app_start, build_parser

    assert _parse_app_start(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [
    ["lookup", "+14155550100"],
    ["--data-dir", "/tmp/cc", "search", "mik"],
    ["--regoin", "US"],  # a typo: the full parser says what is wrong
    ["--help"],
])  # fmt: skip
def test_a_verb_or_an_unknown_option_goes_to_the_full_parser(argv: list[str]) -> None:
    from desktop.cli import _parse_app_start

    assert _parse_app_start(argv) is None


def test_calls_cut_a_caller_id_name_hundreds_of_characters_long(book: Path) -> None:
    """What `ring --name` passed on is printed as Callbacks shows it: 500 characters of it
    made one history line wider than any terminal."""
    import sqlite3
    import time

    with sqlite3.connect(book / "callercard.sqlite3") as db:
        db.execute(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source, caller_name) VALUES (NULL, '+13125550101', 'in', ?, 'missed', "
            "'', '', 'hook', ?)",
            (int(time.time()) - 60, "W" * 500),
        )
    [line] = cc("calls", data_dir=book, check=True).stdout.splitlines()
    assert line.endswith(f"{'W' * 40}… (caller ID) · +1 312-555-0101"), "never passed off as a name"
    as_json = json.loads(cc("calls", "--json", data_dir=book, check=True).stdout)["calls"]
    assert as_json[0]["caller_name"] == "W" * 500  # the data as it came, for scripts
