"""A followed file also imported the ordinary way: its imports are the follow's.

A rep who follows Liste.csv may also import it as any file (`callercard import Liste.csv` by
habit, or open it with CallerCard), before or after following it. That import held the file's
people, so the follow's next version found every row "already there", held nobody (no batch:
'(no batch)' in import --list-followed, its last version shown 'undone' though nobody undid
it) and a row deleted in Excel removed nothing (h-rep6 #2).

So each save takes such imports of the very same file into the follow's last version before
replacing it: their people are the file's, updated in place by the new version and gone with
their rows; the imports read 'replaced by the next save' in Import history. The same people
through another file are that file's too, and stay while it is imported (import_holds.py).

Runs inside the re-import's transaction (following._replace).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.adapters.followed_list import followed_key

# What names an import batch, besides import_batches itself.
_BATCH_COLUMNS = (("contacts", "import_batch_id"), ("phone_numbers", "import_batch_id"),
                  ("attempts", "import_batch_id"), ("import_changes", "batch_id"),
                  ("import_holds", "batch_id"))  # fmt: skip


def same_file_imports(conn: sqlite3.Connection, path: Path, follows: int | None) -> list[int]:
    """The imports still in the book of the file at `path` (as followed_key has it), other
    than the follow's own `follows`, oldest first."""
    found = []
    for batch, source in conn.execute(
        "SELECT id, source FROM import_batches WHERE undone_at IS NULL AND id IS NOT ? "
        "AND source <> '' ORDER BY id",
        (follows,),
    ):
        # A relative source (recorded before imports were kept absolute) cannot be placed.
        if Path(source).name == path.name and Path(source).is_absolute():
            try:
                if followed_key(Path(source)) == path:
                    found.append(int(batch))
            except (OSError, RuntimeError):
                continue
    return found


def take_in(
    conn: sqlite3.Connection, path: Path, follows: int | None
) -> tuple[int | None, list[int]]:
    """Give the follow's last version (`follows`; the oldest such import when it has none)
    everything the other imports of the same file brought, held or changed. Returns the
    batch that now stands for the file's last version, and the imports taken in."""
    others = same_file_imports(conn, path, follows)
    if not others:
        return follows, []
    into = follows if follows is not None else others.pop(0)
    for batch in others:
        for table, column in _BATCH_COLUMNS:
            conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ?",  # noqa: S608 (constants)
                (into, batch),
            )
        # Not the rep's undo: replaced, as a followed file's earlier version is (its
        # replaced_by is set with the version that replaces `into`).
        conn.execute(
            "UPDATE import_batches SET undone_at = CAST(strftime('%s', 'now') AS INTEGER) "
            "WHERE id = ?",
            (batch,),
        )
    return into, others


def mark_replaced(conn: sqlite3.Connection, batches: list[int], by: int) -> None:
    """Import history says these were replaced by the save that became batch `by`."""
    conn.executemany(
        "UPDATE import_batches SET summary = json_set(CASE WHEN json_valid(summary) AND "
        "summary LIKE '{%' THEN summary ELSE '{}' END, '$.replaced_by', ?) WHERE id = ?",
        [(by, batch) for batch in batches],
    )
