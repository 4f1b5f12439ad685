"""The child process that re-imports one followed file for the running app (FollowLoop).

An import is Python work from start to end; on a thread of the app it shared the GIL with the
GUI thread, and a ring arriving meanwhile waited for it (benchmarks/ring_during_followed_import.py,
20,000 rows: read->shown median 12.9 ms, max 201 ms, against 10 ms p99 for a ring). In a
process of its own, at a lower CPU priority, it shares nothing but the database, whose readers
never wait for its writer (WAL): 50,000 rows, median 4.5 ms, max 22 ms, as without an import.

    python -m desktop.adapters.importing.follow_child DATABASE PATH REGION

Prints one JSON object: changed, problem, batch, replaced, calls_kept, summary.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.adapters.importing.following import refresh
from desktop.adapters.importing.pipeline import ImportOptions
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy


def main(argv: Sequence[str]) -> int:
    database, path, region = argv
    if hasattr(os, "nice"):
        # Behind the app and the softphone for the CPU (its row workers inherit this): on two
        # cores the import and its two workers otherwise crowd out the GUI thread.
        os.nice(10)
    try:
        store = Store.open(Path(database))
    except StoreError as exc:
        print(json.dumps({"changed": True, "problem": str(exc)}))
        return 0
    try:
        result = refresh(store, Path(path), ImportOptions(NumberPolicy(region)))
    except StoreError as exc:
        print(json.dumps({"changed": True, "problem": f"{path}: {exc}"}))
        return 0
    finally:
        store.close()
    report = result.report
    print(json.dumps({
        "changed": result.changed, "problem": result.problem,
        "batch": report.batch_id if report else None, "replaced": result.replaced_batch,
        "calls_kept": result.calls_kept, "summary": report.summary() if report else "",
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
