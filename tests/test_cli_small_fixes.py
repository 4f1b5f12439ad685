"""Issue 10, item 10: a closed stdout ends a verb quietly; a CDR name with quotes in it keeps
them; a vCard import report says "line" for the line numbers it gives; a read-only data folder
is named, with why, instead of an errno; so is a full disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.dialects import cdr
from tests.conftest import python_env

ASTERISK_LINE = (
    '"","+14155550142","1001","from-did-direct","""Dr. ""Ray"" Castellanos"" <+14155550142>",'
    '"PJSIP/trunk-00000012","PJSIP/1001-00000013","Dial","PJSIP/1001","2026-03-10 14:02:11",'
    '"2026-03-10 14:02:19","2026-03-10 14:07:40",329,321,"ANSWERED","DOCUMENTATION",'
    '"1773151331.18",""\n'
)


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The verb with its stdout a pipe whose reader is gone (`… | head -0`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args], stdout=write_end, stderr=subprocess.PIPE,
            env=python_env(), timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)


@pytest.mark.parametrize("verb", ["lookup", "search", "events", "import"])
def test_every_printing_verb_ends_quietly_when_its_reader_is_gone(
    tmp_path: Path, verb: str
) -> None:
    data = tmp_path / "data"
    log = tmp_path / "Master.csv"
    log.write_text(ASTERISK_LINE, encoding="utf-8")
    book = tmp_path / "book.csv"
    book.write_text("Name,Phone\nMike Kowalski,+1 415 555 0142\n", encoding="utf-8")
    args = {
        "lookup": ["lookup", "+14155550142", "--data-dir", str(data)],
        "search": ["search", "Mike", "--data-dir", str(data)],
        "events": ["events", str(log)],
        "import": ["import", str(book), "--region", "US", "--data-dir", str(data)],
    }[verb]
    if verb in ("lookup", "search"):
        subprocess.run(
            [sys.executable, "-m", "desktop", "import", str(book), "--region", "US",
             "--data-dir", str(data)], env=python_env(), check=True, capture_output=True,
        )  # fmt: skip
    result = run_into_closed_pipe(*args)
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr, result.stderr
    assert result.stderr == b""
    assert result.returncode in (0, 141)


def test_an_asterisk_caller_name_with_quotes_in_it_keeps_them() -> None:
    read = cdr.asterisk_events(ASTERISK_LINE.encode("utf-8"))
    assert [(e.number, e.name) for e in read.events] == [
        ("+14155550142", 'Dr. "Ray" Castellanos')
    ]


def test_the_vcard_import_report_gives_line_numbers_under_line(tmp_path: Path) -> None:
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Mike Kowalski\nTEL:+14155550142\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\nTEL:+14155550143\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "import", str(cards), "--json", "--region", "US",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)["files"]
    assert report["rejected"] == [
        {"line": 6, "field": "", "reason": "card never ended (no END:VCARD): file cut short?"}
    ]


@pytest.mark.parametrize("verb", [["lookup", "+14155550142"], ["search", "mike"]])
def test_a_read_only_data_folder_is_named_with_why_not_an_errno(
    tmp_path: Path, verb: list[str]
) -> None:
    # Seen as a rep looking at a backup mounted read-only: "[Errno 30] Read-only file system"
    # from the lookup, "unable to open database file" from SQLite, naming nothing to do.
    data = tmp_path / "data"
    book = tmp_path / "book.csv"
    book.write_text("Name,Phone\nMike Kowalski,+1 415 555 0142\n", encoding="utf-8")
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data)]
    made = subprocess.run([*command, "import", str(book)], capture_output=True, text=True,
                          env=python_env(), timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    # A private mount namespace where the data folder is a read-only bind mount: a real EROFS.
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(data), *command, *verb],
        capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"callercard: {data} cannot be written (Read-only file system): CallerCard keeps its "
        "database there. Make the folder writable, or use --data-dir with one that is.\n"
    )


def test_an_import_onto_a_full_disk_says_the_disk_is_full(tmp_path: Path) -> None:
    # Seen on a full disk: "refused the import (cannot rollback - no transaction is active)":
    # SQLite had rolled back by itself, and the second ROLLBACK's error hid the first one's.
    book = tmp_path / "book.csv"
    book.write_text("Name,Phone,Notes\n" + "".join(
        f"P{i},+1 415 555 {i % 10000:04d},{'x' * 300}\n" for i in range(3000)
    ), encoding="utf-8")  # fmt: skip
    disk = tmp_path / "disk"
    disk.mkdir()
    # A private mount namespace with a 512 KiB tmpfs as the data folder's disk: a real ENOSPC.
    script = 'mount -t tmpfs -o size=512k tmpfs "$1" && shift && exec "$@"'
    command = [sys.executable, "-m", "desktop", "--data-dir", str(disk / "data"), "import",
               str(book)]  # fmt: skip
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(disk), *command],
        capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("callercard: "), result.stderr
    assert "database or disk is full" in result.stderr
    assert "cannot rollback" not in result.stderr


@pytest.mark.parametrize("typed", ["abc", "x" * 5000, "sip:@", ""])
def test_log_call_names_what_is_not_a_number_once_and_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    """The value was printed whole before the problem that quotes it again, cut: a pasted
    5,000 characters filled the terminal."""
    from desktop.cli import main as cli_main

    status = cli_main(["log-call", typed, "--outcome", "talked",
                       "--data-dir", str(tmp_path / "data")])  # fmt: skip
    said = capsys.readouterr().err.strip()
    assert status == 2
    assert said.startswith("callercard: log-call: not a phone number: ")
    assert said.endswith("; nothing recorded")
    assert len(said) < 200
    if typed:
        assert said.count(typed[:20]) == 1


def test_search_prints_a_numbers_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Maya's desk (ext. 217) and the main line were printed as one number twice."""
    from desktop.adapters.store import NewContact, Store
    from desktop.cli import main as cli_main
    from desktop.core.models import StoredNumber

    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    try:
        store.add_contact(NewContact("Maya Okafor", numbers=(
            StoredNumber("(415) 555-0142 x217", "+14155550142", "217"),
            StoredNumber("+1 415 555 0142", "+14155550142"))))  # fmt: skip
    finally:
        store.close()
    assert cli_main(["search", "maya", "--data-dir", str(data)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == ["Maya Okafor", "  +1 415-555-0142 ext. 217, +1 415-555-0142"]


@pytest.mark.parametrize("verb", ["search", "calls"])
def test_a_window_of_days_longer_than_the_calendar_lists_every_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    """`--days 99999999` went past the year 1 and ended in an OverflowError traceback."""
    from datetime import UTC, datetime

    from desktop.adapters.store import NewContact, Store
    from desktop.cli import main as cli_main
    from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    try:
        number = "+14155550142"
        mike = store.add_contact(NewContact("Mike", numbers=(StoredNumber(number, number),)))
        call = Attempt(Direction.IN, datetime(2001, 5, 1, tzinfo=UTC), Outcome.MISSED,
                       number_e164=number)  # fmt: skip
        assert store.record_call(mike, call, "test", "t1") is not None
    finally:
        store.close()
    args = ["mike"] if verb == "search" else []
    assert cli_main([verb, *args, "--days", "99999999", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Mike" in out and ("2001-05-01" in out or "1 May 2001" in out)


@pytest.mark.parametrize("verb", ["calls", "search"])
def test_days_0_is_today_since_midnight(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    """`--days 0` found nothing at all (the last 0 days): it is today's calls, from the rep's
    own midnight, and not yesterday's."""
    from datetime import UTC, datetime, timedelta

    from desktop.adapters.store import NewContact, Store
    from desktop.cli import main as cli_main
    from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

    now = datetime.now(UTC)
    midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    today = max(midnight + timedelta(seconds=1), now - timedelta(minutes=1))
    data = tmp_path / "data"
    store = Store.open(data / "callercard.sqlite3")
    try:
        yesterday = midnight - timedelta(minutes=5)
        calls = (("Mike Today", "+14155550142", today),
                 ("Mike Yesterday", "+14155550143", yesterday))
        for name, number, at in calls:
            who = store.add_contact(NewContact(name, numbers=(StoredNumber(number, number),)))
            call = Attempt(Direction.IN, at, Outcome.MISSED, number_e164=number)
            assert store.record_call(who, call, "test", name) is not None
    finally:
        store.close()
    args = ["mike"] if verb == "search" else []
    assert cli_main([verb, *args, "--days", "0", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Mike Today" in out
    assert "Mike Yesterday" not in out
