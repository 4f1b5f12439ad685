"""How long Possible duplicates takes to read a big book, and a merge and its undo.

Builds a generated book (benchmarks/_book.py) in a temporary directory with some planted
duplicates (the same person under a second number-less row, a surname-only row), then times
`duplicates.find` (the window's worker thread) and one merge + undo on the GUI connection.

    .venv/bin/python benchmarks/duplicates_scan.py [--sizes 10000 100000] [--planted 200]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._book import build_book
from desktop.adapters import duplicates
from desktop.adapters.store import NewContact, Store


def run(size: int, planted: int, repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cc.sqlite3"
        build_book(path, size)
        store = Store.open(path)
        rows = store.connection.execute(
            "SELECT id, name, company FROM contacts ORDER BY id LIMIT ?", (planted,)
        ).fetchall()
        with store.transaction():
            for _id, name, company in rows:
                store.add_contact(NewContact(name.split()[-1], company=company + " Ltd",
                                             email=f"{name.split()[-1]}@dup.example"))
                store.add_contact(NewContact(name, company=company + " Ltd"))
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            pairs = duplicates.find(store)
            times.append(time.perf_counter() - start)
        pair = pairs[0]
        start = time.perf_counter()
        done = duplicates.merge(store, *pair.ids)
        merged = time.perf_counter() - start
        start = time.perf_counter()
        duplicates.undo_merge(store, done.undo_id)
        undone = time.perf_counter() - start
        store.close()
    return {"contacts": size + 2 * planted, "pairs": len(pairs),
            "find_s_median": round(statistics.median(times), 3),
            "merge_ms": round(merged * 1000, 1), "undo_merge_ms": round(undone * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--planted", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        print(json.dumps(run(size, args.planted, args.repeats)))


if __name__ == "__main__":
    main()
