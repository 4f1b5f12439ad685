"""`callercard import --follow` with the tray app running: the rep saves the followed file and
the next lookup and ring know the new number. Real child processes, real inotify, Xvfb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.traced_app import TracedApp

pytestmark = [pytest.mark.xvfb]

BOOK = (
    "Name,Company,Phone\n"
    "Dana Reyes,Acme,+1 415 555 0101\n"
    "Sam Ortiz,Beta,+1 415 555 0102\n"
)
MOVED = BOOK.replace("+1 415 555 0101", "+1 415 555 0199")


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data), "--region", "US"],
        env=python_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def save(path: Path, text: str) -> None:
    """As a spreadsheet program saves: a temporary file renamed over the old one."""
    temporary = path.with_name(f".~lock.{path.name}#")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def names_at(data: Path, number: str) -> list[str]:
    found = cli(data, "lookup", number, "--json")
    return [contact["name"] for contact in json.loads(found.stdout)["contacts"]]


class App(TracedApp):
    def __init__(self, tmp: Path, data: Path, display: str) -> None:
        self.trace = tmp / "trace.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def followed(self, after: int, *, changed: bool) -> dict[str, object]:
        return self.wait_for(
            lambda r: r["stage"] == "followed" and r["changed"] is changed,
            f"a {'changed' if changed else 'first'} look at the followed file", after=after,
        )  # fmt: skip


def test_a_followed_file_saved_while_the_app_runs(tmp_path: Path, xvfb_display: str) -> None:
    data = tmp_path / "data"
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    app = App(tmp_path, data, xvfb_display)
    try:
        followed = cli(data, "import", "--follow", str(book))
        assert followed.returncode == 0, followed.stderr
        assert "2 imported" in followed.stdout
        app.followed(0, changed=False)  # the app heard of it and found it as imported

        mark = len(app.records())
        save(book, MOVED)
        replaced = app.followed(mark, changed=True)
        assert replaced["problem"] == "" and replaced["batch"] is not None
        assert names_at(data, "+14155550199") == ["Dana Reyes"]
        assert names_at(data, "+14155550101") == []

        mark = len(app.records())
        assert cli(data, "ring", "+14155550199", "--source", "test").returncode == 0
        matched = app.wait_for(lambda r: r["stage"] == "matched", "the ring", after=mark)
        assert matched["match"] == "exact"
        app.wait_for(lambda r: r["stage"] == "shown", "the card", after=mark)

        mark = len(app.records())
        save(book, "Name,Company,Phone\n")  # saved half-way: nothing below the header
        problem = app.wait_for(lambda r: r["stage"] == "problem", "the problem", after=mark)
        assert str(book) in str(problem["message"])
        assert "no contacts in this file" in str(problem["message"])
        assert names_at(data, "+14155550199") == ["Dana Reyes"], "the old batch stays"

        listed = json.loads(cli(data, "import", "--list-followed", "--json").stdout)
        assert [entry["path"] for entry in listed] == [str(book.resolve())]
        assert "no contacts in this file" in listed[0]["problem"]

        gone = cli(data, "import", "--unfollow", str(book))
        assert gone.returncode == 0 and "No longer following" in gone.stdout
        assert json.loads(cli(data, "import", "--list-followed", "--json").stdout) == []
    finally:
        stderr = app.terminate()
    assert app.proc is not None and app.proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    problems = [r for r in app.records() if r["stage"] == "problem"]
    assert len(problems) == 1, problems


def test_a_followed_file_cut_off_inside_a_quote_leaves_the_book_as_it_was(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Found in a rep's day (several processes on one data directory): a save that stopped
    inside a quoted cell on the last line, with no line break after it (a sync tool cut off,
    an editor that crashed writing in place), was taken for a good version. Its last line
    became a contact named 'Sam Ort' and replaced the batch, so Sam Ortiz's number no
    longer found him until the next good save."""
    data = tmp_path / "data"
    book = tmp_path / "prospects.csv"
    book.write_text(BOOK, encoding="utf-8")
    app = App(tmp_path, data, xvfb_display)
    try:
        assert cli(data, "import", "--follow", str(book)).returncode == 0
        app.followed(0, changed=False)
        mark = len(app.records())
        book.write_text(  # written in place, and stopped before the quote closed
            'Name,Company,Phone\nDana Reyes,Acme,+1 415 555 0101\n"Sam Ort', encoding="utf-8"
        )
        problem = app.wait_for(lambda r: r["stage"] == "problem", "the problem", after=mark)
        assert "line 3" in str(problem["message"]), problem
        assert "never closed" in str(problem["message"]), problem
        assert names_at(data, "+14155550102") == ["Sam Ortiz"], "the old batch stays"
        found = json.loads(cli(data, "search", "Sam Ort", "--json").stdout)
        assert [c["name"] for c in found["results"]] == ["Sam Ortiz"]
    finally:
        stderr = app.terminate()
    assert app.proc is not None and app.proc.returncode == 0, stderr
