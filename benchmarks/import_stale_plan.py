"""What keeping the Import window's plan true costs in a big book.

Builds a generated book (benchmarks/_book.py) in a temporary directory and a 50-row CSV, then
times what the window does when another connection commits (PRAGMA data_version on its watch
connection, in the GUI thread; book_mark in a worker thread) and what an import from the window
adds (its plan worked out again inside the transaction: plan_check), against the same import
without it.

    .venv/bin/python benchmarks/import_stale_plan.py [--sizes 10000 100000] [--repeats 5]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._book import build_book
from desktop.adapters.importing import ImportOptions, import_file, plan_check, preview_file
from desktop.adapters.importing.book_mark import book_mark
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy


def best_ms(fn: Callable[[], object], repeats: int) -> dict[str, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"min": round(min(times), 3), "median": round(statistics.median(times), 3)}


def run(size: int, repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "cc.sqlite3"
        numbers = build_book(database, size)
        path = Path(tmp) / "fifty.csv"
        rows = [f"Prospect {i},+1 650 555 {1000 + i:04d}" for i in range(40)]
        rows += [f"Known {i},{numbers[i]}" for i in range(10)]  # ten merge into the book
        path.write_text("Name,Phone\n" + "\n".join(rows) + "\n", encoding="utf-8")
        options = ImportOptions(NumberPolicy("US"))
        store = Store.open(database)
        watch = sqlite3.connect(database.absolute().as_uri() + "?mode=ro", uri=True)
        figures: dict[str, object] = {
            "contacts": size,
            "data_version_ms": best_ms(
                lambda: watch.execute("PRAGMA data_version").fetchone(), repeats * 20
            ),
            "book_mark_ms": best_ms(lambda: book_mark(store), repeats),
            "preview_ms": best_ms(lambda: preview_file(path, options, store), repeats),
        }
        shown = preview_file(path, options, store)
        checked = dataclasses.replace(options, check_plan=plan_check(path, options, shown))

        def undone(opts: ImportOptions) -> None:
            report = import_file(store, path, opts)
            assert report.batch_id is not None
            store.undo_import(report.batch_id)

        figures["import_ms"] = best_ms(lambda: undone(options), repeats)
        figures["import_checked_ms"] = best_ms(lambda: undone(checked), repeats)
        watch.close()
        store.close()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for size in args.sizes:
        print(json.dumps(run(size, args.repeats)))


if __name__ == "__main__":
    main()
