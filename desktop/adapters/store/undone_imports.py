"""What undoing an import means for the merges and deletions recorded since (`contact_undo`).

A contact an import brought may have been merged with another or deleted before the import is
taken back. Undoing the import must then take back what it brought into the contact that
stayed, and no later undo may bring back a contact, number or filled field from an import that
was undone (QA saw `undo-merge` recreate "Schäfer" with no numbers from such an import).

So undoing an import settles each recorded merge or deletion of its contacts: a merge of one of
its contacts into another contact gives the one that stayed back the fields the merge changed
(those nobody edited since), a merge between two of its contacts and a deletion of one simply
end, and each is marked taken back with the import's file name, which `take_back` then gives as
the reason. A merge that kept one of its contacts and folded another contact into it is refused:
deleting the import's contact would take the other one, the rep's own, with it; the sentence
names the merge to take back first.

Runs inside the caller's transaction (ImportBatches.undo_import), on `contact_undo` rows
written by desktop.adapters.duplicates and contact_edits.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from desktop.adapters.store.connection import StoreError
from desktop.adapters.store.times import unix_now
from desktop.core.import_history import file_name, merge_first

Row = dict[str, Any]


def undone_imports(conn: sqlite3.Connection) -> dict[int, str]:
    """Every import that was undone, by batch id, with its file name."""
    return {
        int(batch): file_name(str(source), str(label))
        for batch, source, label in conn.execute(
            "SELECT id, source, label FROM import_batches WHERE undone_at IS NOT NULL"
        )
    }


def restore_kept(conn: sqlite3.Connection, payload: Row) -> int:
    """Give the contact a merge kept back each field the merge changed and nobody has edited
    since; returns how many fields changed back (0 when that contact is gone)."""
    kept_id = int(payload["kept"])
    cursor = conn.execute("SELECT * FROM contacts WHERE id = ?", (kept_id,))
    found = cursor.fetchone()
    if found is None:
        return 0
    now = dict(zip([d[0] for d in cursor.description], found, strict=True))
    before, after = payload["kept_before"], payload["kept_after"]
    back = {
        name: value
        for name, value in before.items()
        if name in now and name != "id" and now[name] == after.get(name) and now[name] != value
    }
    if back:
        assignments = ", ".join(f"{name} = ?" for name in back)
        conn.execute(
            f"UPDATE contacts SET {assignments} WHERE id = ?",  # noqa: S608 (column names)
            (*back.values(), kept_id),
        )
    return len(back)


@dataclass(frozen=True)
class MergeFirst:
    """A merge that must be taken back before the import can be undone."""

    undo_id: int
    who: str  # the rep's own contact, folded into one the import brought
    summary: str  # the merge as the rep saw it

    def sentence(self, file: str, *, window: bool, here: bool = False) -> str:
        return merge_first(file, self.who, self.summary, self.undo_id, window=window, here=here)


def merge_first_of(conn: sqlite3.Connection, batch_id: int) -> MergeFirst | None:
    """The newest live merge that kept one of the import's contacts and folded another
    contact into it, or None: undoing the import refuses while there is one."""
    for undo_id, summary, payload in conn.execute(
        "SELECT id, summary, payload FROM contact_undo WHERE undone_at IS NULL "
        "AND kind = 'merge' ORDER BY id DESC"
    ):
        merge = json.loads(payload)
        if (_batch(merge.get("kept_before")) == batch_id
                and _batch(merge.get("other")) != batch_id):  # fmt: skip
            return MergeFirst(int(undo_id), _who(merge["other"]), str(summary))
    return None


def settle(
    conn: sqlite3.Connection, batch_id: int, name: str, keep: frozenset[int] = frozenset()
) -> int:
    """Settle the live merges and deletions that involve the import's contacts (see the module
    docstring); StoreError with a sentence when a merge has to be taken back first. Returns
    how many merges of its contacts into contacts that stay were taken back. A merge into a
    contact in `keep` (it stays: a followed file's person) is left live, undoable as before."""
    live = [
        (int(i), str(kind), str(summary), json.loads(payload))
        for i, kind, summary, payload in conn.execute(
            "SELECT id, kind, summary, payload FROM contact_undo WHERE undone_at IS NULL "
            "ORDER BY id DESC"
        )
    ]
    mine: list[tuple[int, Row | None]] = []  # (entry, the merge whose kept contact gets back)
    for undo_id, kind, summary, payload in live:
        if kind == "delete":
            if _batch(payload.get("contact")) == batch_id:
                mine.append((undo_id, None))
            continue
        if (payload.get("kept_before") or {}).get("id") in keep:
            continue
        kept_ours = _batch(payload.get("kept_before")) == batch_id
        other_ours = _batch(payload.get("other")) == batch_id
        if kept_ours and not other_ours:
            first = MergeFirst(undo_id, _who(payload["other"]), summary)
            raise StoreError(first.sentence(name, window=False))
        if other_ours:
            mine.append((undo_id, None if kept_ours else payload))
    merges = 0
    for undo_id, merge in mine:
        if merge is not None:
            restore_kept(conn, merge)
            merges += 1
        conn.execute(
            "UPDATE contact_undo SET undone_at = ?, payload = json_set(payload, "
            "'$.settled_by_import', ?) WHERE id = ?",
            (unix_now(), name, undo_id),
        )
    return merges


def _who(row: Row) -> str:
    return str(row.get("name") or row.get("company") or f"contact {row.get('id')}")


def _batch(row: Row | None) -> int | None:
    value = (row or {}).get("import_batch_id")
    return int(value) if value is not None else None
