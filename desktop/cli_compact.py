"""`callercard compact`: give the disk back what undone imports and deleted contacts freed.

New databases do this by themselves after each import and undo (incremental auto-vacuum); one
made before that keeps its free pages until it is compacted once (VACUUM, which also converts
it). VACUUM rewrites the whole file and needs as much free disk again, so it is a verb a person
runs, not something the app does behind a ring.
"""

from __future__ import annotations

import argparse
import sys


def compact(args: argparse.Namespace) -> int:
    from desktop.adapters.store import StoreError
    from desktop.cli import CliError, open_context

    _paths, _settings, store, _region = open_context(args)
    before = store.disk_size()
    try:
        store.merge_search_segments()  # what deleted contacts left in the search index
        after = store.compact()
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()
    sys.stdout.write(f"{store.path}: {_mb(before)} → {_mb(after)} (database and its -wal file)\n")
    return 0


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"
