"""A followed file's re-import, in process: how long a save of a 6,000-row sheet takes to land.

Follows a generated CSV (import_throughput.people), gives 200 of its people a call and a typed
note (what a day of calls leaves on a followed list), then times refresh() for three saves: a
row added at the end (the usual save), every tenth row's notes changed, every number changed.
Real files and a real SQLite store in a temporary folder; figures only.

    .venv/bin/python benchmarks/followed_reimport.py [--rows 6000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_throughput import people, write_csv

from desktop.adapters.importing import ImportOptions
from desktop.adapters.importing.following import follow, refresh
from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.numbers import NumberPolicy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()
    options = ImportOptions(NumberPolicy("US"))
    with tempfile.TemporaryDirectory(prefix="followed-reimport-") as tmp_name:
        tmp = Path(tmp_name)
        store = Store.open(tmp / "data" / "callercard.sqlite3")
        rows = people(args.rows)
        book = tmp / "book.csv"
        write_csv(book, rows)
        started = time.perf_counter()
        follow(store, book, options)
        print(f"follow ({args.rows} rows): {time.perf_counter() - started:.2f} s")
        ids = [row[0] for row in store.connection.execute(
            "SELECT id FROM contacts ORDER BY id LIMIT 200")]  # fmt: skip
        for contact_id in ids:
            store.add_attempt(contact_id, Attempt(Direction.OUT, datetime.now(UTC),
                                                  Outcome.VOICEMAIL))  # fmt: skip
            store.update_contact_field(contact_id, "notes", "typed by the rep")
        saves = {
            "a row added": [*rows, ["New Person", "New Co", "+1 415 555 9999", "", "", ""]],
            "notes changed on every 10th row": [
                [*row[:5], f"changed {i}"] if i % 10 == 0 else row for i, row in enumerate(rows)
            ],
            "every number changed": [
                [row[0], row[1], f"+1 303 555 {i % 10000:04d}", "", row[4], row[5]]
                for i, row in enumerate(rows)
            ],
        }
        for what, version in saves.items():
            write_csv(book, version)
            started = time.perf_counter()
            result = refresh(store, book, options)
            took = time.perf_counter() - started
            kept = store.connection.execute(
                "SELECT count(*) FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            ).fetchone()[0]
            print(f"re-import, {what}: {took:.2f} s ({result.problem or 'ok'}; "
                  f"{kept}/{len(ids)} called contacts kept their id)")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()
