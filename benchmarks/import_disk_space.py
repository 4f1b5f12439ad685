"""Disk space after big imports and their undo: the database and its -wal file, in MB.

Two generated CSV files (different people, a notes column to give them weight) are imported
into a fresh store through the CLI, as a rep would, then both imports are undone, then
`callercard compact` runs. Prints the size of the database and of its -wal after each step.
This process keeps the store open meanwhile, as the running app does: without another
connection the CLI's own close would checkpoint and delete the -wal file every time.

    .venv/bin/python benchmarks/import_disk_space.py [--mb 50]

Before the fix (s18): after two 50 MB imports the database was 248 MB and its -wal 288 MB,
and neither shrank when both imports were undone.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.adapters.store import Store

ROOT = Path(__file__).resolve().parents[1]
NOTE = "Met at the trade show; wants a quote for the spring order, call after ten. " * 3


def write_csv(path: Path, megabytes: float, first: int) -> int:
    """About `megabytes` of contacts numbered from `first`; returns how many rows."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Company", "Phone", "Email", "Notes"])
        while fh.tell() < megabytes * 1_000_000:
            i = first + rows
            writer.writerow([f"Person {i}", f"Company {i % 997}", f"+1 415 {i // 10000 % 1000:03d}"
                             f" {i % 10000:04d}", f"p{i}@example.com", f"{NOTE}#{i}"])  # fmt: skip
            rows += 1
    return rows


def sizes(data: Path) -> str:
    db = data / "callercard.sqlite3"
    parts = [db, db.with_name(db.name + "-wal")]
    mb = [p.stat().st_size / 1_000_000 if p.exists() else 0.0 for p in parts]
    return f"database {mb[0]:7.1f} MB   -wal {mb[1]:7.1f} MB"


def cli(data: Path, *words: str) -> float | None:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "desktop", *words, "--data-dir", str(data)],
                          cwd=ROOT, check=False, capture_output=True,
                          env={**os.environ, "CALLERCARD_HOME": str(data)})  # fmt: skip
    return time.perf_counter() - started if done.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50.0, help="size of each CSV file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        a, b = tmp / "a.csv", tmp / "b.csv"
        count = write_csv(a, args.mb, 0)
        write_csv(b, args.mb, count)
        print(f"two CSV files of {a.stat().st_size / 1e6:.1f} MB, {count:,} rows each")
        data.mkdir(mode=0o700)
        app = Store.open(data / "callercard.sqlite3")  # the running app's connection
        app.count_contacts()
        for step, words in (
            ("import a.csv", ("import", str(a))),
            ("import b.csv", ("import", str(b))),
            ("undo b", ("import", "--undo", "2")),
            ("undo a", ("import", "--undo", "1")),
            ("compact", ("compact",)),
        ):
            seconds = cli(data, *words)
            took = f"{seconds:5.1f} s" if seconds is not None else "failed: no such verb?"
            print(f"after {step:<13} {sizes(data)}   ({took})")
        app.close()


if __name__ == "__main__":
    main()
