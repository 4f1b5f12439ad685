"""SIGKILL at any moment costs nothing that was committed: an import is all or nothing, and the
app killed in the middle of a ring storm starts again on a whole database.

The kill points are random (a seeded generator, printed, so a failure can be replayed)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import deliver
from desktop.core.ipc import End, Ring
from tests.conftest import python_env
from tests.traced_app import TracedApp

pytestmark = pytest.mark.slow

ROWS = 20_000
SEED = int(os.environ.get("CALLERCARD_KILL_SEED", "0")) or random.randrange(1, 2**31)


def big_csv(path: Path, rows: int, area: str) -> Path:
    lines = ["Name,Company,Phone,Notes"]
    lines += [
        f"Person {area}-{i},Company {i % 97},+1 {area} 55{i // 10000} {i % 10000:04d},note {i}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(data: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data), "--region", "US"],
        env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def succeeded(proc: subprocess.Popen[str]) -> None:
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def check_whole(database: Path) -> dict[int, int]:
    """The database passes SQLite's and FTS5's own checks; returns contacts per live batch."""
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO contact_search(contact_search) VALUES ('integrity-check')")
        db.execute("INSERT INTO number_search(number_search) VALUES ('integrity-check')")
        return dict(
            db.execute(
                "SELECT import_batch_id, count(*) FROM contacts GROUP BY import_batch_id"
            ).fetchall()
        )


def test_an_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    print(f"CALLERCARD_KILL_SEED={SEED}")
    data = tmp_path / "data"
    first = big_csv(tmp_path / "first.csv", 50, "415")
    done = cli(data, "import", str(first))
    succeeded(done)
    big = big_csv(tmp_path / "big.csv", ROWS, "646")

    # How long a whole import takes here, so the kills land all along it.
    started = time.monotonic()
    timing = cli(tmp_path / "timing", "import", str(big))
    succeeded(timing)
    whole = time.monotonic() - started

    for attempt in range(5):
        proc = cli(data, "import", str(big))
        delay = rng.uniform(0.1, whole)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        per_batch = check_whole(data / "callercard.sqlite3")
        counts = sorted(per_batch.values())
        assert counts in ([50], [50, ROWS]), (
            f"kill {attempt} after {delay:.2f} s of {whole:.2f} s left {per_batch}"
        )
        if counts == [50, ROWS]:
            break  # that kill came after the commit: the rest would only re-import nothing
    finish = cli(data, "import", str(big))
    succeeded(finish)
    assert sorted(check_whole(data / "callercard.sqlite3").values()) == [50, ROWS]


class KillableApp(TracedApp):
    def __init__(self, tmp: Path, data: Path, trace_name: str) -> None:
        self.trace = tmp / trace_name
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="offscreen"), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")


def test_the_app_killed_in_a_ring_storm_starts_again_on_a_whole_database(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    data = tmp_path / "data"
    book = big_csv(tmp_path / "book.csv", 200, "415")
    done = cli(data, "import", str(book))
    succeeded(done)
    address = instance_address(data)

    for round_ in range(2):
        app = KillableApp(tmp_path, data, f"trace-{round_}.jsonl")
        kill_after = rng.randrange(20, 200)
        for i in range(kill_after):
            number = f"+1415550{i % 200:04d}"
            deliver(address, Ring(caller_id=number, source="storm", call_key=f"s{i}"))
            if i % 3 == 0:
                deliver(address, End(call_key=f"s{i}"))
        assert app.proc is not None
        app.proc.send_signal(signal.SIGKILL)
        app.proc.communicate()
        check_whole(data / "callercard.sqlite3")

    # The third start finds the lock and socket of a killed instance and takes over.
    app = KillableApp(tmp_path, data, "trace-after.jsonl")
    try:
        deliver(address, Ring(caller_id="+14155500007", source="after"))
        matched = app.wait_for(lambda r: r["stage"] == "matched", "a ring after the kills")
        assert matched["match"] == "exact"
    finally:
        app.terminate()
    assert sorted(check_whole(data / "callercard.sqlite3").values()) == [200]
