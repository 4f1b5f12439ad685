"""Nothing lost, nothing hangs: calls and hook rings while another process holds the contact
database's write lock (as `callercard import` does for a whole file).

Real processes: the app watching microsip.ini (tests/qt/test_app_e2e.py's RunningApp), a
second process holding BEGIN IMMEDIATE until the test lets go, or a real CLI import; the call
history is read straight from the database afterwards.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.qt.test_app_e2e import INI_HEAD, RunningApp, now, write_ini

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # until the test lets go
conn.execute("COMMIT")
"""


class LockHolder:
    """Another program holding the database's write lock."""

    def __init__(self, database: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(database)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate("\n", timeout=30)
        assert self.proc.returncode == 0


class Phone:
    """MicroSIP's call log: each call rings (a new key), then is rewritten as missed."""

    def __init__(self, app: RunningApp) -> None:
        self.app = app
        self.lines: list[str] = []

    def missed_call(self, number: str) -> None:
        key, stamp = len(self.lines) + 2, now()  # keys 0 and 1 are in INI_HEAD
        self.lines.append(f"{key}={number};Caller {key};1;{stamp};0;\r\n")
        write_ini(self.app.ini, INI_HEAD + "".join(self.lines))
        self.app.wait_for(lambda r: r["stage"] == "shown" and r["caller_id"] == number,
                          f"the card for {number}")  # fmt: skip
        self.lines[-1] = f"{key}={number};Caller {key};2;{stamp};0;Missed Call\r\n"
        write_ini(self.app.ini, INI_HEAD + "".join(self.lines))
        self.app.wait_for(lambda r: r["stage"] == "ended" and r["caller_id"] == number,
                          f"the end of {number}'s call")  # fmt: skip


def missed_in_history(app: RunningApp) -> list[str]:
    conn = sqlite3.connect(f"file:{app.data / 'callercard.sqlite3'}?mode=ro", uri=True)
    try:
        return [
            str(r[0])
            for r in conn.execute(
                "SELECT number_e164 FROM attempts WHERE source = 'microsip' "
                "AND outcome = 'missed' ORDER BY number_e164"
            )
        ]
    finally:
        conn.close()


def wait_for_history(app: RunningApp, numbers: list[str]) -> None:
    """Until every one of `numbers` is in the history; fails if one is there twice."""
    app.wait_for(lambda _r: sorted(set(missed_in_history(app))) == sorted(numbers),
                 f"the missed calls {numbers} in the history")  # fmt: skip
    assert missed_in_history(app) == sorted(numbers), "each call exactly once"


def hook_ring(app: RunningApp, number: str) -> None:
    """`callercard ring` as a softphone runs it: acked, and the card shown."""
    result = app.cli("ring", number, "--name", "Hooked")
    assert result.returncode == 0, result.stderr
    app.wait_for(lambda r: r["stage"] == "shown" and r["caller_id"] == number,
                 f"the hook's card for {number}")  # fmt: skip
    assert app.cli("end", number).returncode == 0


@pytest.fixture
def app(tmp_path: Path) -> Iterator[RunningApp]:
    running = RunningApp(tmp_path)
    yield running
    if running.proc is not None and running.proc.poll() is None:
        running.stop()


def test_calls_and_hook_rings_while_another_program_holds_the_database(
    app: RunningApp,
) -> None:
    phone = Phone(app)
    holder = LockHolder(app.data / "callercard.sqlite3")
    try:
        for number in ("+14155557001", "+14155557002"):
            phone.missed_call(number)
            hook_ring(app, number.replace("+1415", "+1212"))
        phone.missed_call("+14155557003")
        assert missed_in_history(app) == [], "the lock is still held"
    finally:
        holder.release()
    wait_for_history(app, ["+14155557001", "+14155557002", "+14155557003"])
    assert "Could not record" not in app.stop()


def test_a_call_still_waiting_when_the_app_quits_is_recorded_at_the_next_start(
    tmp_path: Path, app: RunningApp
) -> None:
    holder = LockHolder(app.data / "callercard.sqlite3")
    try:
        Phone(app).missed_call("+14155557011")
        app.wait_for(lambda _r: (app.data / "pending-writes.jsonl").exists(),
                     "the waiting call to be kept on disk")  # fmt: skip
        app.stop()  # logout: SIGTERM while the lock is still held
        assert app.proc is not None and app.proc.returncode == 0
    finally:
        holder.release()
    assert missed_in_history(app) == []
    app.trace.unlink()
    again = RunningApp(tmp_path)
    try:
        wait_for_history(again, ["+14155557011"])
    finally:
        again.stop()


def write_contacts_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Name,Company,Phone\n")
        for i in range(rows):
            fh.write(f"Person {i},Company {i % 97},+44 20 7{i:07d}\n")


def database_locked(database: Path) -> bool:
    conn = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def test_a_call_during_a_real_import_is_recorded_and_the_import_completes(
    tmp_path: Path, app: RunningApp
) -> None:
    big = tmp_path / "big.csv"
    write_contacts_csv(big, 60_000)
    importer = subprocess.Popen(
        [sys.executable, "-m", "desktop", "import", str(big), "--data-dir", str(app.data)],
        env=python_env(QT_QPA_PLATFORM="offscreen"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        app.wait_for(lambda _r: database_locked(app.data / "callercard.sqlite3")
                     or importer.poll() is not None, "the import to take the lock")  # fmt: skip
        Phone(app).missed_call("+14155557021")
        hook_ring(app, "+12125557021")
        assert importer.poll() is None, "the call must come while the import holds the lock"
        _, err = importer.communicate(timeout=100)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == 0, err
    wait_for_history(app, ["+14155557021"])
    counted = app.cli("search", "Person 59999")
    assert "Person 59999" in counted.stdout, "the import is complete"
