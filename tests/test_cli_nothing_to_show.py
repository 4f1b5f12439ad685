"""Verbs that used to answer nothing at all: `calls` with nothing to list printed not a word,
and `call ''` blamed a home region that was set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import cc


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    """A data folder with one call logged (Mike, +1 415 555 0142, talked)."""
    data = tmp_path / "data"
    made = cc("log-call", "+14155550142", "--outcome", "talked", "--region", "US", data_dir=data)
    assert made.returncode == 0, made.stderr
    return data


def test_calls_says_when_no_call_matches_and_its_json_stays_an_empty_list(logged: Path) -> None:
    plain = cc("calls", "--name", "nobody by that name", data_dir=logged)
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, "", "No calls match.\n")
    missed = cc("calls", "--missed", data_dir=logged)
    assert (missed.stdout, missed.stderr) == ("", "No calls match.\n")
    as_json = cc("calls", "--json", "--missed", data_dir=logged)
    assert (json.loads(as_json.stdout), as_json.stderr) == ({"calls": []}, "")


def test_calls_on_an_empty_history_says_none_are_logged(tmp_path: Path) -> None:
    result = cc("calls", data_dir=tmp_path / "data")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "No calls logged yet.\n")


@pytest.mark.parametrize("number", ["", "   "])
def test_call_with_an_empty_number_says_so_not_that_the_home_region_is_missing(
    tmp_path: Path, number: str
) -> None:
    result = cc("call", number, "--region", "GB", data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert result.stderr == (
        "callercard: call: the number is empty; give one, international (+44 20 7946 0958) "
        "or as dialled in the home region (GB)\n"
    )


def test_call_with_a_withheld_marker_says_it_is_one(tmp_path: Path) -> None:
    result = cc("call", "anonymous", "--region", "US", data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "home region" not in result.stderr
    assert result.stderr.endswith(": it stands for a withheld number\n")


def test_call_with_a_pasted_page_names_it_once_and_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """5,000 pasted characters were printed whole, then quoted again (cut) in the reason."""
    from desktop.cli import main as cli_main

    pasted = "x" * 5000
    assert cli_main(["call", pasted, "--region", "US",
                     "--data-dir", str(tmp_path / "data")]) == 1  # fmt: skip
    said = capsys.readouterr().err
    assert said.startswith("callercard: call: not a phone number: 'xxx")
    assert len(said) < 200 and said.count("x" * 20) == 1
