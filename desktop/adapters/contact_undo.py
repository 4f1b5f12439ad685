"""Taking back a merge or a deletion: the rows as they were, kept as JSON in `contact_undo`.

A contact is more than its row: its numbers, the calls linked to it, the fields imports filled
in (import_changes, so undoing that import still empties them) and the team-directory cards it
mirrors. A snapshot keeps the rows that go away whole and only the ids of rows that are merely
relinked, and a restore puts the rows back under their own ids (a new id only when another
contact has taken it meanwhile).

Every function here runs inside the caller's transaction. The search indexes follow by their
triggers (store/schema.py: contact_search_*, number_search_*), as for any single edit.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from desktop.adapters.store import Store, StoreError

Row = dict[str, Any]


class UndoRefused(StoreError):
    """Nothing to take back (or taken back already); str(exc) says so, for people."""


@dataclass(frozen=True)
class UndoEntry:
    """One merge or deletion that can be taken back."""

    id: int
    kind: str  # "merge" or "delete"
    contact_id: int  # the contact merged into, or the one deleted
    summary: str  # what was done, for people ("Merged Lindqvist into Astrid Lindqvist")
    created_at: int
    undone_at: int | None


@contextmanager
def writing(store: Store) -> Iterator[sqlite3.Connection]:
    """One short write transaction; a locked database or a full disk becomes StoreError with a
    sentence (the GUI then says so and tries again) and nothing is half done."""
    try:
        with store.transaction():
            yield store.connection
    except sqlite3.OperationalError as exc:
        busy = "locked" in str(exc) or "busy" in str(exc)
        why = "another program is writing to the contacts" if busy else str(exc)
        raise StoreError(f"{store.path}: {why}; nothing was changed") from exc


def row(conn: sqlite3.Connection, table: str, key: str, value: object) -> Row | None:
    rows = rows_where(conn, table, key, value)
    return rows[0] if rows else None


def rows_where(conn: sqlite3.Connection, table: str, key: str, value: object) -> list[Row]:
    cursor = conn.execute(
        f"SELECT * FROM {table} WHERE {key} = ? ORDER BY rowid",  # noqa: S608 (constants)
        (value,),
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def ids_where(conn: sqlite3.Connection, table: str, key: str, value: object) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            f"SELECT id FROM {table} WHERE {key} = ? ORDER BY id",  # noqa: S608 (constants)
            (value,),
        )
    ]


def cards_of(conn: sqlite3.Connection, contact_id: int) -> list[list[object]]:
    """[directory id, href, UID] of each card the contact mirrors: the UID finds the card
    again once the server has renamed its file."""
    return [
        [directory, href, uid]
        for directory, href, uid in conn.execute(
            "SELECT directory_id, href, uid FROM directory_cards WHERE contact_id = ?",
            (contact_id,),
        )
    ]


def insert_row(conn: sqlite3.Connection, table: str, values: Row, **overrides: object) -> int:
    """Put a snapshotted row back, under its own id when that is still free."""
    columns = _columns(conn, table)
    values = {k: v for k, v in {**values, **overrides}.items() if k in columns}
    taken = conn.execute(
        f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 (constant)
        (values.get("id"),),
    ).fetchone()
    if taken:
        values.pop("id")
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = conn.execute(
        f"INSERT INTO {table}({names}) VALUES ({marks})",  # noqa: S608 (names checked above)
        tuple(values.values()),
    )
    return int(cursor.lastrowid or 0)


def set_fields(conn: sqlite3.Connection, contact_id: int, values: Row) -> None:
    columns = _columns(conn, "contacts") - {"id"}
    values = {k: v for k, v in values.items() if k in columns}
    if not values:
        return
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(
        f"UPDATE contacts SET {assignments} WHERE id = ?",  # noqa: S608 (names checked above)
        (*values.values(), contact_id),
    )


def relink(
    conn: sqlite3.Connection, table: str, ids: list[int], to: int, only_from: int | None
) -> None:
    """Point these rows at contact `to`, those still at `only_from` (None: unlinked ones)."""
    where = "contact_id IS NULL" if only_from is None else "contact_id = ?"
    conn.executemany(
        f"UPDATE {table} SET contact_id = ? WHERE id = ? AND {where}",  # noqa: S608 (constants)
        [(to, i) if only_from is None else (to, i, only_from) for i in ids],
    )


def hide_cards(conn: sqlite3.Connection, contact_id: int) -> None:
    """The contact is deleted: the directory cards it mirrors stay hidden from the rep's
    cards, so no later sync of a changed entry brings it back (relink_cards shows them)."""
    conn.execute(
        "UPDATE directory_cards SET hidden_at = ? WHERE contact_id = ?",
        (int(time.time()), contact_id),
    )


def relink_cards(
    conn: sqlite3.Connection, cards: list[list[object]], to: int, only_from: int | None
) -> None:
    where = "contact_id IS NULL" if only_from is None else "contact_id = ?"
    # An entry recorded before UIDs were kept is [directory id, href].
    found = [(card[0], card[1], card[2] if len(card) > 2 else "") for card in cards]
    conn.executemany(
        "UPDATE directory_cards SET contact_id = ?, hidden_at = NULL "  # noqa: S608 (constants)
        f"WHERE directory_id = ? AND (href = ? OR (? <> '' AND uid = ?)) AND {where}",
        [(to, d, h, u, u) if only_from is None else (to, d, h, u, u, only_from)
         for d, h, u in found],
    )  # fmt: skip


def record(
    conn: sqlite3.Connection, kind: str, contact_id: int, summary: str, payload: Row
) -> int:
    cursor = conn.execute(
        "INSERT INTO contact_undo(kind, contact_id, summary, payload, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (kind, contact_id, summary, json.dumps(payload, ensure_ascii=False), int(time.time())),
    )
    return int(cursor.lastrowid or 0)


def take_back(conn: sqlite3.Connection, kind: str, undo_id: int | None) -> tuple[int, Row]:
    """The entry to undo (the newest of its kind not yet undone when `undo_id` is None), marked
    undone; StoreError with a sentence when there is none."""
    if undo_id is None:
        found = conn.execute(
            "SELECT id, payload, undone_at FROM contact_undo WHERE kind = ? AND undone_at IS "
            "NULL ORDER BY id DESC LIMIT 1",
            (kind,),
        ).fetchone()
    else:
        found = conn.execute(
            "SELECT id, payload, undone_at FROM contact_undo WHERE kind = ? AND id = ?",
            (kind, undo_id),
        ).fetchone()
    what = "merge" if kind == "merge" else "deletion"
    if found is None:
        raise UndoRefused(f"There is no {what} to take back" + (
            f" with number {undo_id}." if undo_id is not None else "."))  # fmt: skip
    if found[2] is not None:
        settled_by = json.loads(found[1]).get("settled_by_import")
        if settled_by:
            raise UndoRefused(
                f"That {what} ended when the import of {settled_by} was undone: what it "
                "brought went with it, and nothing from an undone import comes back."
            )
        raise UndoRefused(f"That {what} was taken back already.")
    conn.execute(
        "UPDATE contact_undo SET undone_at = ? WHERE id = ?", (int(time.time()), found[0])
    )
    return int(found[0]), json.loads(found[1])


def entries(store: Store, kind: str | None = None, limit: int = 50) -> list[UndoEntry]:
    sql = "SELECT id, kind, contact_id, summary, created_at, undone_at FROM contact_undo"
    params: tuple[object, ...] = ()
    if kind is not None:
        sql += " WHERE kind = ?"
        params = (kind,)
    sql += " ORDER BY id DESC LIMIT ?"
    return [UndoEntry(*r) for r in store.connection.execute(sql, (*params, limit))]


def forget_dismissals(conn: sqlite3.Connection, contact_id: int) -> None:
    conn.execute(
        "DELETE FROM duplicate_dismissals WHERE low_id = ? OR high_id = ?",
        (contact_id, contact_id),
    )


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
