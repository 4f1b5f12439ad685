"""A second import, an undo or a demo removal started while an import runs waits its turn and
then succeeds, saying whom it waits for; before, it failed after 3 s with "database is locked".

The running import is a real child process holding the real turn and a real write transaction
on the contact book, as `callercard import` of a large file does for its whole length."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.adapters.importing.import_turn import import_turn, turn_file
from desktop.adapters.importing.report import ImportCancelled
from desktop.adapters.store import Store
from tests.conftest import python_env

HOLDER = r"""
import sys, time
from pathlib import Path
from desktop.adapters.importing.import_turn import import_turn
from desktop.adapters.store import Store
store = Store.open(Path(sys.argv[1]))
with import_turn(store.path, "big-prospects.csv"), store.transaction():
    store._conn.execute("INSERT INTO contacts(name, created_at, updated_at) "
                        "VALUES ('Held By The Long Import', 0, 0)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
print("done", flush=True)
"""


def start_holder(database: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(database), str(seconds)],
                              env=python_env(), stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    return holder


def finished(holder: subprocess.Popen[str]) -> int:
    holder.communicate(timeout=30)
    return holder.returncode


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data), "--region", "US"],
        env=python_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    Store.open(data / "callercard.sqlite3").close()
    return data


def names(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT name FROM contacts")}


def test_a_second_import_waits_for_the_running_one_and_then_imports(
    data: Path, tmp_path: Path
) -> None:
    database = data / "callercard.sqlite3"
    small = tmp_path / "small.csv"
    small.write_text("Name,Phone\nDana Whitfield,+1 415 555 0142\n", encoding="utf-8")
    holder = start_holder(database, 4.5)  # longer than the 3 s a locked write waits
    second = cli(data, "import", str(small))
    assert finished(holder) == 0
    assert second.returncode == 0, second.stderr
    assert "Waiting for another import to finish (big-prospects.csv, process" in second.stderr
    assert {"Held By The Long Import", "Dana Whitfield"} <= names(database)


def test_an_undo_started_during_an_import_waits_and_undoes(data: Path, tmp_path: Path) -> None:
    database = data / "callercard.sqlite3"
    first = tmp_path / "first.csv"
    first.write_text("Name,Phone\nAstrid Lindqvist,+46 8 123 456 78\n", encoding="utf-8")
    done = cli(data, "import", "--json", str(first))
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout)["files"][0]["batch"]
    holder = start_holder(database, 4.5)
    undo = cli(data, "import", "--undo", str(batch))
    assert finished(holder) == 0
    assert undo.returncode == 0, undo.stderr
    assert "Waiting for another import to finish" in undo.stderr
    assert "Astrid Lindqvist" not in names(database)
    assert "Held By The Long Import" in names(database)


def test_a_killed_import_never_leaves_the_next_one_waiting(data: Path, tmp_path: Path) -> None:
    database = data / "callercard.sqlite3"
    holder = start_holder(database, 60)
    holder.send_signal(signal.SIGKILL)
    finished(holder)
    small = tmp_path / "small.csv"
    small.write_text("Name,Phone\nPriya Raman,+44 20 7946 0321\n", encoding="utf-8")
    result = cli(data, "import", str(small))
    assert result.returncode == 0, result.stderr
    assert "Waiting" not in result.stderr
    assert "Held By The Long Import" not in names(database)  # the kill rolled it back
    assert "Priya Raman" in names(database)


def test_a_window_import_cancelled_while_waiting_stops_waiting(data: Path) -> None:
    database = data / "callercard.sqlite3"
    holder = start_holder(database, 30)
    try:
        heard: list[str] = []
        cancel = threading.Event()
        threading.Timer(0.5, cancel.set).start()
        started = time.monotonic()
        with (
            pytest.raises(ImportCancelled),
            import_turn(database, "prospects.csv", on_wait=heard.append, cancel=cancel),
        ):
            pass
        assert time.monotonic() - started < 25  # it did not wait for the holder to finish
        assert heard == ["Waiting for another import to finish (big-prospects.csv, process "
                         f"{holder.pid})…"]  # fmt: skip
    finally:
        holder.kill()
        finished(holder)
    assert turn_file(database).stat().st_mode & 0o777 == 0o600


def test_the_thread_holding_the_turn_can_take_it_again(data: Path) -> None:
    """A followed file's re-import holds the turn around its whole replace, and the import
    inside it takes the turn again: that must not wait for itself."""
    database = data / "callercard.sqlite3"
    heard: list[str] = []
    with (
        import_turn(database, "kontakte.csv (followed)"),
        import_turn(database, "kontakte.csv", on_wait=heard.append),
    ):
        pass
    assert heard == []
    holder = start_holder(database, 0.1)  # and it was released: another process gets it
    assert finished(holder) == 0
