"""Several processes opening one new (or older) database at the same moment: the app's first
start and a softphone hook, or a CLI verb run while the app starts after an upgrade. Each
read the schema version, then ran the same migration, and all but the first failed with
"table ... already exists" (9 of 10 rounds of three processes)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop.adapters.store import Store
from desktop.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.internal_extension import extension_digits

OPEN_AT = r"""
import sys, time
from pathlib import Path
from desktop.adapters.store import Store
start = float(sys.argv[2])
while time.time() < start:
    pass
try:
    Store.open(Path(sys.argv[1])).close()
    print("ok")
except Exception as exc:
    print(f"failed: {exc}")
"""


def open_at_once(path: Path, processes: int = 3) -> list[str]:
    # Each child spins until the same instant (time to start and import, then some), so the
    # opens overlap as a hook and the app starting together do.
    start = time.time() + 1.0
    children = [
        subprocess.Popen([sys.executable, "-c", OPEN_AT, str(path), str(start)],
                         stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    return [child.communicate(timeout=60)[0].strip() for child in children]


def assert_all_open(path: Path) -> None:
    """Three processes open `path` at once; each gets it, at the current schema."""
    assert open_at_once(path) == ["ok", "ok", "ok"]
    store = Store.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION
    finally:
        store.close()


def test_processes_opening_a_new_database_at_once_all_get_it(tmp_path: Path) -> None:
    for round_ in range(4):
        path = tmp_path / f"round{round_}" / "callercard.sqlite3"
        assert_all_open(path)


def test_processes_upgrading_a_database_at_once_all_get_it(tmp_path: Path) -> None:
    """The last migration adds a column: run twice, it failed with "duplicate column"."""
    for round_ in range(4):
        path = tmp_path / f"round{round_}" / "callercard.sqlite3"
        path.parent.mkdir()
        older = sqlite3.connect(path, isolation_level=None)
        try:
            older.execute("PRAGMA journal_mode=WAL")
            # a function migration 22 calls, as every Store connection has it
            older.create_function("extension_digits", 1, lambda text: extension_digits(text)
                                  if isinstance(text, str) else "")  # fmt: skip
            for target, migration in enumerate(MIGRATIONS[:-1], start=1):
                older.executescript(migration)
                older.execute(f"PRAGMA user_version={target}")
        finally:
            older.close()
        assert_all_open(path)
