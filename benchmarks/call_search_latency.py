"""The Search window's Calls group per keystroke: 100,000 contacts and 20,000 logged calls.

Builds a generated book (benchmarks/_book.py) in a temporary directory, logs 20,000 calls over
a year (seven in ten with contacts, both ways; the rest missed or answered calls from numbers
nobody has, most with a caller ID name), then times what a keystroke costs the window: the
people (`search_people`) and the calls (`search_calls`) for name prefixes, a name with an area
code, and digit runs, with and without "Called in the last 7 days". Prints the query plan
of the calls' statement too.

    .venv/bin/python benchmarks/call_search_latency.py [--contacts 100000] [--calls 20000]
        [--samples 40]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._book import build_book
from desktop.adapters.people_search import search_calls, search_people
from desktop.adapters.store import Store
from desktop.core.search_query import SearchFilters, parse_query

CALLER_NAMES = ["MIKE CELL", "WIRELESS CALLER", "SAN FRANCISCO CA", "MIKHAIL O", "ACME CORP",
                "NORTHWIND HLTH", "MICHAEL B", "", "", "TOLL FREE"]  # fmt: skip
TEXTS = ["m", "mi", "mik", "mike", "mike 415", "415", "0177", "5550", "wireless", "zzz"]
YEAR = 365 * 86400


def log_calls(path: Path, numbers: list[str], count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    now = int(time.time())
    store = Store.open(path)
    rows = []
    for i in range(count):
        at = now - int(min(rng.expovariate(1 / (60 * 86400)), YEAR))
        if rng.random() < 0.7:
            cid = rng.randrange(1, len(numbers) + 1)
            number, name = numbers[cid - 1], ""
            direction = rng.choice(["out", "out", "in"])
        else:
            cid, direction = None, "in"
            number = f"+1415555{rng.randrange(10_000):04d}"
            name = rng.choice(CALLER_NAMES)
        outcome = rng.choice(["missed", "talked"] if direction == "in"
                             else ["voicemail", "no_answer", "talked"])  # fmt: skip
        rows.append((cid, number, direction, at, outcome, "bench", f"bench:{i}", name))
    with store.transaction():
        store.connection.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, source, "
            "call_key, caller_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.close()


def timed(store: Store, text: str, filters: SearchFilters, samples: int) -> tuple[float, ...]:
    query = parse_query(text, filters)
    now = datetime.now(UTC)
    people, calls = [], []
    found = 0
    for _ in range(samples):
        started = time.perf_counter()
        hits = search_people(store, query, now=now)
        middle = time.perf_counter()
        found = len(search_calls(store, query, hits, now=now))
        ended = time.perf_counter()
        people.append((middle - started) * 1000)
        calls.append((ended - middle) * 1000)
    calls.sort()
    return (statistics.median(people), statistics.median(calls),
            calls[int(0.95 * (len(calls) - 1))], float(found))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="callercard-call-search-") as folder:
        path = Path(folder) / "callercard.sqlite3"
        started = time.perf_counter()
        numbers = build_book(path, args.contacts)
        log_calls(path, numbers, args.calls)
        print(f"built {args.contacts:,} contacts + {args.calls:,} calls "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        store = Store.open(path)
        plan = store.connection.execute(
            "EXPLAIN QUERY PLAN SELECT id, at FROM attempts WHERE contact_id IN (1, 2) "
            "AND at >= 0 UNION SELECT id, at FROM attempts INDEXED BY attempts_caller_name "
            "WHERE caller_name <> '' AND caller_name LIKE '%mike%' AND at >= 0 "
            "ORDER BY at DESC, id DESC LIMIT 50"
        ).fetchall()
        print("calls' plan:", " / ".join(str(row[-1]) for row in plan))
        print(f"{'typed':<12}{'filter':<10}{'people ms':>10}{'calls ms':>10}{'p95':>8}"
              f"{'calls':>7}")  # fmt: skip
        for days in (None, 7):
            filters = SearchFilters(days=days)
            for text in TEXTS:
                people, calls, p95, found = timed(store, text, filters, args.samples)
                label = "7 days" if days else "-"
                print(f"{text:<12}{label:<10}{people:>10.2f}{calls:>10.2f}{p95:>8.2f}"
                      f"{int(found):>7}")  # fmt: skip
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
