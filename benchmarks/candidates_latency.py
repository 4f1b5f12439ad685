"""How long an unknown caller's guesses take at 100k contacts (they are added after the card
painted, so a few ms is the budget), with and without a caller-ID name to match.

    PYTHONPATH=. python benchmarks/candidates_latency.py [contacts] [store path]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._book import build_book
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/candidates-{count}.db")
    if not path.exists():
        build_book(path, count)
    store = Store.open(path)
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    now = datetime.now(UTC)
    callers = [("+14155550177", ""), ("+14155550177", "DANA WHITFIELD"),
               ("+4930123456789", "ACME TOOLING"), ("+14155550177", "SAN FRANCISCO CA")]
    for number, name in callers:
        caller = lookup.parse(number, name)
        lookup.candidates_for(caller, now)  # warm the page cache
        times = []
        for _ in range(50):
            start = time.perf_counter()
            lookup.candidates_for(caller, now)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{number} {name or '(no name)':<18} median {statistics.median(times):6.2f} ms"
              f"  p95 {times[int(len(times) * 0.95)]:6.2f} ms")
    store.close()


if __name__ == "__main__":
    main()
