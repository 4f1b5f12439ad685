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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.adapters.store.connection import StoreError
from desktop.adapters.store.times import from_epoch, unix_now
from desktop.core.candidates import readable
from desktop.core.import_history import file_name, merge_first
from desktop.core.localtime import HourCycle
from desktop.core.merge_words import MergeSide, merge_told, merge_told_when

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
    told: str = ""  # who into whom with their companies and numbers (merge_words)
    made_at: int = 0  # when it was made, Unix time

    def told_when(self, now: datetime | None = None, cycle: HourCycle = "24h") -> str:
        """The merge as the refusal names it: told apart from another of the same names."""
        if not self.made_at:
            return self.told or self.summary
        now = now or datetime.now().astimezone()
        return merge_told_when(self.told or self.summary, from_epoch(self.made_at), now, cycle)


def refusal(file: str, merges: Sequence[MergeFirst], *, window: bool, here: bool = False,
            now: datetime | None = None, cycle: HourCycle = "24h") -> str:  # fmt: skip
    """Why undoing `file` refuses: every merge in `merges` named at once, newest first."""
    return merge_first(file, [(m.who, m.told_when(now, cycle), m.undo_id) for m in merges],
                       window=window, here=here)  # fmt: skip


def merge_sides(conn: sqlite3.Connection, payload: Row) -> tuple[MergeSide, MergeSide]:
    """The contact a merge folded in and the one it kept, each with its company and first
    number (the folded one's as it brought them), to tell one merge of two Mike Brandts
    from another."""
    other, kept = payload.get("other") or {}, payload.get("kept_before") or {}
    moved = [int(i) for i in payload.get("moved_numbers") or []]
    gone_number = ""
    if moved:
        found = conn.execute(
            f"SELECT raw, e164, extension FROM phone_numbers WHERE id IN "  # noqa: S608
            f"({', '.join('?' * len(moved))}) ORDER BY id LIMIT 1",
            moved,
        ).fetchone()
        if found is not None:
            gone_number = _shown(*found)
    if not gone_number and payload.get("dropped_numbers"):
        first = payload["dropped_numbers"][0]
        gone_number = _shown(first.get("raw"), first.get("e164"), first.get("extension"))
    # The kept contact's own number: not one the merge moved onto it.
    row = conn.execute(
        f"SELECT raw, e164, extension FROM phone_numbers WHERE contact_id = ? "  # noqa: S608
        f"AND id NOT IN ({', '.join('?' * len(moved)) or 'NULL'}) ORDER BY id LIMIT 1",
        (kept.get("id"), *moved),
    ).fetchone()
    kept_number = _shown(*row) if row is not None else ""
    return (MergeSide(str(other.get("name") or ""), str(other.get("company") or ""),
                      gone_number),
            MergeSide(str(kept.get("name") or ""), str(kept.get("company") or ""),
                      kept_number))  # fmt: skip


def told_apart(conn: sqlite3.Connection, payload: Row) -> str:
    """"Mike Brandt (Globex, +1 212-555-0199) into Mike Brandt (Acme, +1 415-555-0142)"."""
    return merge_told(*merge_sides(conn, payload))


def _shown(raw: object, e164: object, extension: object) -> str:
    """As the contact view shows it (number_edit.shown_number, whose import the store's
    start-up does without)."""
    if not e164:
        return str(raw or "").strip()
    return readable(str(e164)) + (f" ext. {extension}" if extension else "")


def merges_first_of(conn: sqlite3.Connection, batch_id: int) -> tuple[MergeFirst, ...]:
    """Every live merge that kept one of the import's contacts and folded another contact
    into it, newest first: undoing the import refuses while there is one."""
    found = []
    for undo_id, summary, payload, made_at in conn.execute(
        "SELECT id, summary, payload, created_at FROM contact_undo WHERE undone_at IS NULL "
        "AND kind = 'merge' ORDER BY id DESC"
    ):
        merge = json.loads(payload)
        if (_batch(merge.get("kept_before")) == batch_id
                and _batch(merge.get("other")) != batch_id):  # fmt: skip
            found.append(MergeFirst(int(undo_id), _who(merge["other"]), str(summary),
                                    told_apart(conn, merge), int(made_at or 0)))  # fmt: skip
    return tuple(found)


def settle(
    conn: sqlite3.Connection, batch_id: int, name: str, keep: frozenset[int] = frozenset(),
    taken_back: list[Row] | None = None,
) -> int:
    """Settle the live merges and deletions that involve the import's contacts (see the module
    docstring); StoreError with a sentence when a merge has to be taken back first. Returns
    how many merges of its contacts into contacts that stay were taken back, each added to
    `taken_back` (for calls_follow_numbers once their numbers are gone). A merge into a
    contact in `keep` (it stays: a followed file's person) is left live, undoable as before."""
    live = [
        (int(i), str(kind), json.loads(payload))
        for i, kind, payload in conn.execute(
            "SELECT id, kind, payload FROM contact_undo WHERE undone_at IS NULL "
            "ORDER BY id DESC"
        )
    ]
    mine: list[tuple[int, Row | None]] = []  # (entry, the merge whose kept contact gets back)
    for undo_id, kind, payload in live:
        if kind == "delete":
            if _batch(payload.get("contact")) == batch_id:
                mine.append((undo_id, None))
            continue
        if (payload.get("kept_before") or {}).get("id") in keep:
            continue
        kept_ours = _batch(payload.get("kept_before")) == batch_id
        other_ours = _batch(payload.get("other")) == batch_id
        if kept_ours and not other_ours:
            # Every such merge is named, not the first found: merges_first_of's refusal.
            raise StoreError(refusal(name, merges_first_of(conn, batch_id), window=False))
        if other_ours:
            mine.append((undo_id, None if kept_ours else payload))
    merges = 0
    for undo_id, merge in mine:
        if merge is not None:
            restore_kept(conn, merge)
            merges += 1
            if taken_back is not None:
                taken_back.append(merge)
        conn.execute(
            "UPDATE contact_undo SET undone_at = ?, payload = json_set(payload, "
            "'$.settled_by_import', ?) WHERE id = ?",
            (unix_now(), name, undo_id),
        )
    return merges


def calls_follow_numbers(conn: sqlite3.Connection, merges: Sequence[Row]) -> list[int]:
    """Once the undo took the numbers an import's contact brought off the contact it had been
    merged into: the calls on such a number (made since the merge, or the merged contact's
    own) leave that contact, as undo-merge sends them with their number (duplicates.
    _calls_follow_numbers). They stayed there: Callbacks and calls --json named Kestrel for a
    missed call on 0321 while lookup and the card said 'Unknown number'. Returns their ids,
    with no contact now, for give_to_holders; a Snooze on such a call's entry goes with it
    (put_offs_follow)."""
    left: list[int] = []
    for merge in merges:
        kept = int(merge["kept"])
        moved = conn.execute(
            "UPDATE attempts SET contact_id = NULL WHERE contact_id = ?1 "
            "AND (id > ?2 OR id IN (SELECT value FROM json_each(?3))) "
            "AND number_e164 IS NOT NULL AND number_e164 NOT IN ("
            "  SELECT e164 FROM phone_numbers WHERE contact_id = ?1 AND e164 IS NOT NULL) "
            "RETURNING id, number_e164, at",
            (kept, int(merge.get("last_attempt", 0)), json.dumps(merge.get("attempts", []))),
        ).fetchall()
        # Under its number for now: a Snooze of a number nobody has is keyed by it
        # (put_off.who_of); put_offs_follow moves it on to whoever gets the call.
        conn.executemany(
            "UPDATE OR REPLACE callbacks_put_off SET who = ?1 WHERE who = ?2 AND call_at = ?3 "
            "AND NOT EXISTS (SELECT 1 FROM attempts WHERE contact_id = ?4 AND at = ?3)",
            [(f"n:{e164}", f"c:{kept}", at, kept) for _id, e164, at in moved],
        )
        left += [int(call) for call, _e164, _at in moved]
    return left


def _who(row: Row) -> str:
    return str(row.get("name") or row.get("company") or f"contact {row.get('id')}")


def _batch(row: Row | None) -> int | None:
    value = (row or {}).get("import_batch_id")
    return int(value) if value is not None else None
