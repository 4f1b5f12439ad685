"""Possible duplicates in the book, merging two contacts into one, and taking a merge back.

Finding reads the book in two queries and leaves the judging to desktop.core.duplicates. A merge
is one transaction: the kept contact takes the fields the plan gives it, the other's numbers it
lacks, its calls, its import changes and directory cards; the other is deleted. Everything taking
it back needs goes into contact_undo in the same transaction, so either both happen or neither.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from desktop.adapters import contact_undo
from desktop.adapters.contact_undo import UndoRefused, writing
from desktop.adapters.store import Store, StoreError
from desktop.adapters.store.undone_imports import restore_kept, told_apart, undone_imports
from desktop.core.duplicates import (
    DuplicatePair,
    MergePlan,
    choose_kept,
    find_duplicates,
    plan_merge,
)
from desktop.core.models import Contact, StoredNumber

__all__ = ["LaterMergeFirst", "MergeDone", "UndoRefused", "dismiss", "find", "merge", "preview",
           "told", "undo_merge"]


class LaterMergeFirst(StoreError):
    """A merge made after this one, with the contact this one kept, must be taken back first:
    it started from what this one made (its "before" holds this one's fields, the numbers and
    calls it moved). Nothing was changed; `undo_id` and `summary` name that later merge."""

    def __init__(self, undo_id: int, summary: str, sentence: str) -> None:
        super().__init__(sentence)
        self.undo_id = undo_id
        self.summary = summary


@dataclass(frozen=True)
class MergeDone:
    undo_id: int
    contact_id: int  # the contact that stays
    summary: str  # for people: "Merged Lindqvist into Astrid Lindqvist."


def find(store: Store) -> list[DuplicatePair]:
    """Every likely pair in the book, strongest first. Seconds at 100k contacts (2-4 s on a
    busy 2-core machine, benchmarks/duplicates_scan.py): a worker thread's job, never the
    GUI thread's."""
    conn = store.connection
    numbers: dict[int, list[StoredNumber]] = {}
    for contact_id, raw, e164, extension, label in conn.execute(
        "SELECT contact_id, raw, e164, extension, label FROM phone_numbers ORDER BY id"
    ):
        numbers.setdefault(contact_id, []).append(StoredNumber(raw, e164, extension, label))
    # A team directory's contacts follow their directory, and the card and search already
    # show one entry per person across sources: they are never offered for a merge.
    book = [
        Contact(cid, name, company=company, email=email, numbers=tuple(numbers.get(cid, ())))
        for cid, name, company, email in conn.execute(
            "SELECT id, name, company, email FROM contacts "
            "WHERE id NOT IN (SELECT contact_id FROM directory_cards "
            "                 WHERE contact_id IS NOT NULL)"
        )
    ]
    dismissed = frozenset(
        (int(a), int(b))
        for a, b in conn.execute("SELECT low_id, high_id FROM duplicate_dismissals")
    )
    pairs = find_duplicates(book, dismissed)
    # The list shows the whole contacts (title, calls): read just the ones in a pair.
    full: dict[int, Contact] = {}
    for pair in pairs:
        for contact_id in pair.ids:
            if contact_id not in full:
                found = store.contact(contact_id, attempts_limit=None)
                full[contact_id] = found if found is not None else pair.first
    return [DuplicatePair(full[p.first.id], full[p.second.id], p.reasons) for p in pairs]


def preview(store: Store, a: int, b: int, kept: int | None = None) -> MergePlan:
    """What merging these two would give; `kept` names the contact to keep (default: the one
    with more history, see choose_kept)."""
    first, second = _both(store, a, b)
    _refuse_mirrored(store.connection, first, second)
    if kept is None:
        stay, go = choose_kept(first, second)
    else:
        stay, go = (first, second) if kept == first.id else (second, first)
    return plan_merge(stay, go)


def merge(store: Store, kept_id: int, other_id: int) -> MergeDone:
    if kept_id == other_id:
        raise StoreError("A contact cannot be merged with itself.")
    with writing(store) as conn:
        kept, other = _both(store, kept_id, other_id)
        _refuse_mirrored(conn, kept, other)
        plan = plan_merge(kept, other)
        before = contact_undo.row(conn, "contacts", "id", kept_id)
        number_rows = contact_undo.rows_where(conn, "phone_numbers", "contact_id", other_id)
        dropped = [number_rows[i] for i in plan.dropped_positions]
        payload: dict[str, Any] = {
            "kept": kept_id,
            "kept_before": before,
            "other": contact_undo.row(conn, "contacts", "id", other_id),
            "moved_numbers": [r["id"] for r in number_rows if r not in dropped],
            "dropped_numbers": dropped,
            "attempts": contact_undo.ids_where(conn, "attempts", "contact_id", other_id),
            # Calls recorded after this one are the merged contact's own (_separate)
            "last_attempt": conn.execute("SELECT coalesce(max(id), 0) FROM attempts")
            .fetchone()[0],
            "changes": contact_undo.ids_where(conn, "import_changes", "contact_id", other_id),
            "cards": contact_undo.cards_of(conn, other_id),
        }
        conn.executemany(
            "DELETE FROM phone_numbers WHERE id = ?", [(r["id"],) for r in dropped]
        )
        for table in ("phone_numbers", "attempts", "import_changes", "directory_cards"):
            conn.execute(
                f"UPDATE {table} SET contact_id = ? WHERE contact_id = ?",  # noqa: S608 (constants)
                (kept_id, other_id),
            )
        payload["put_off_raised"] = _put_offs_join(conn, kept_id, other_id)
        contact_undo.set_fields(conn, kept_id, plan.changed)
        conn.execute(
            "UPDATE contacts SET updated_at = CAST(strftime('%s', 'now') AS INTEGER), "
            "edited_at = CAST(strftime('%s', 'now') AS INTEGER), "
            "last_contacted_at = (SELECT max(at) FROM (SELECT ? AS at UNION ALL SELECT ?)) "
            "WHERE id = ?",
            (before["last_contacted_at"] if before else None,
             payload["other"]["last_contacted_at"], kept_id),
        )  # fmt: skip
        conn.execute("DELETE FROM contacts WHERE id = ?", (other_id,))
        contact_undo.forget_dismissals(conn, other_id)
        payload["kept_after"] = contact_undo.row(conn, "contacts", "id", kept_id)
        summary = _merged_text(_who(other), _who(kept, plan.value("name")))
        undo_id = contact_undo.record(conn, "merge", kept_id, summary, payload)
    return MergeDone(undo_id, kept_id, f"{summary}.")


def undo_merge(store: Store, undo_id: int | None = None) -> tuple[int, str]:
    """Take a merge back (the newest when `undo_id` is None): the other contact returns with
    its numbers, calls, import changes and cards, and the kept one gets back each field the
    merge changed and nobody has edited since. Returns (the other's id, what happened).
    UndoRefused when a side came from an import undone since: it is not brought back;
    LaterMergeFirst when a later merge of the same contact has to be taken back first."""
    with writing(store) as conn:
        if undo_id is not None:
            _refuse_under_later(conn, undo_id)
        _id, payload = contact_undo.take_back(conn, "merge", undo_id)
        ended = _from_undone_import(conn, payload)
        if ended is None:
            other_id, text = _separate(conn, payload)
    if ended is not None:  # committed: the merge ends, it never blocks the next one
        raise UndoRefused(ended)
    return other_id, text


def told(store: Store, undo_id: int) -> str:
    """A merge told apart from another of the same names ("Mike Brandt (Globex,
    +1 212-555-0199) into Mike Brandt (Acme, +1 415-555-0142)"); "" when there is none."""
    found = store.connection.execute(
        "SELECT payload FROM contact_undo WHERE id = ? AND kind = 'merge'", (undo_id,)
    ).fetchone()
    return told_apart(store.connection, json.loads(found[0])) if found is not None else ""


def _refuse_under_later(conn: sqlite3.Connection, undo_id: int) -> None:
    """An older merge can be taken back on its own (the rep need not first take back newer,
    unrelated ones) unless a merge made since kept its contact, or folded it into another:
    that one is named, to take back first."""
    found = conn.execute(
        "SELECT contact_id FROM contact_undo WHERE id = ? AND kind = 'merge' "
        "AND undone_at IS NULL",
        (undo_id,),
    ).fetchone()
    if found is None:
        return  # none, or taken back already: take_back says which
    later = conn.execute(
        "SELECT id, summary FROM contact_undo WHERE kind = 'merge' AND undone_at IS NULL "
        "AND id > ?1 AND (contact_id = ?2 OR json_extract(payload, '$.other.id') = ?2) "
        "ORDER BY id DESC LIMIT 1",
        (undo_id, found[0]),
    ).fetchone()
    if later is not None:
        summary = str(later[1])
        raise LaterMergeFirst(int(later[0]), summary, (
            f"“{summary}” came after this merge, on the same contact: take it back first, "
            "then this one. Nothing was changed."))  # fmt: skip


def _from_undone_import(conn: sqlite3.Connection, payload: dict[str, Any]) -> str | None:
    """Why this merge cannot be separated when one side came from an import undone since
    (recorded before undoing an import settled its merges): the kept contact gets back the
    fields the merge changed, and the import's contact is not brought back."""
    undone = undone_imports(conn)
    kept, other = payload["kept_before"], payload["other"]
    for side in (other, kept):
        source = undone.get(side.get("import_batch_id") or 0)
        still_here = side is kept and contact_undo.row(conn, "contacts", "id", kept["id"])
        if source is None or still_here:  # a ghost an older undo made is separated as usual
            continue
        who = side["name"] or side["company"] or "the contact"
        if side is other and restore_kept(conn, payload):
            return (f"{who} came from {source}, whose import was undone since: it is not "
                    f"brought back. {kept['name'] or 'The contact it was merged into'} has "
                    "back the fields the merge changed.")  # fmt: skip
        return f"{who} came from {source}, whose import was undone since: nothing to separate."
    return None


def _separate(conn: sqlite3.Connection, payload: dict[str, Any]) -> tuple[int, str]:
    kept_id = int(payload["kept"])
    if contact_undo.row(conn, "contacts", "id", kept_id) is None:
        raise StoreError("The contact this merge kept has been deleted since; bring it back first.")
    restore_kept(conn, payload)
    other_id = contact_undo.insert_row(conn, "contacts", payload["other"])
    contact_undo.relink(conn, "phone_numbers", payload["moved_numbers"], other_id, kept_id)
    undone = undone_imports(conn)
    for number in payload["dropped_numbers"]:
        if number.get("import_batch_id") not in undone:  # nothing comes back from an undone import
            contact_undo.insert_row(conn, "phone_numbers", number, contact_id=other_id)
    contact_undo.relink(conn, "attempts", payload["attempts"], other_id, kept_id)
    _calls_follow_numbers(conn, kept_id, other_id, int(payload.get("last_attempt", 0)))
    contact_undo.relink(conn, "import_changes", payload["changes"], other_id, kept_id)
    contact_undo.relink_cards(conn, payload["cards"], other_id, kept_id)
    _put_offs_follow_calls(conn, kept_id, other_id, payload.get("put_off_raised", []))
    other, before = payload["other"], payload["kept_before"]
    gone, kept_name = (other["name"] or other["company"] or "the contact",
                       before["name"] or before["company"] or "the kept contact")  # fmt: skip
    text = (f"Separated the two {kept_name} contacts again." if gone == kept_name
            else f"Separated {gone} from {kept_name} again.")  # fmt: skip
    return other_id, text


def _calls_follow_numbers(
    conn: sqlite3.Connection, kept_id: int, other_id: int, last_attempt: int
) -> None:
    """Calls made since the merge to or from a number that goes back with the other contact
    (and the kept one does not have) go with it, their reasons and promises too: they stayed
    on the kept contact, so that number's card had no "why we called", no voicemail and a cold
    opener, and Callbacks listed it under a contact that no longer has the number. A merge
    recorded before `last_attempt` was kept (0) takes every such call of the kept contact's."""
    moved = conn.execute(
        "UPDATE attempts SET contact_id = ?1 WHERE contact_id = ?2 AND id > ?3 "
        "AND number_e164 IN (SELECT e164 FROM phone_numbers WHERE contact_id = ?1 "
        "  AND e164 IS NOT NULL) "
        "AND number_e164 NOT IN (SELECT e164 FROM phone_numbers WHERE contact_id = ?2 "
        "  AND e164 IS NOT NULL) "
        "RETURNING at, direction, outcome",
        (other_id, kept_id, last_attempt),
    ).fetchall()
    # A Snooze on such a call's entry goes with it: _put_offs_follow_calls, after this.
    # "Last contacted" as recording them on the other contact would have set it (calls.py:
    # a missed call, or a ring with no outcome, is no contact).
    contacted = [int(at) for at, direction, outcome in moved
                 if outcome != "missed" and not (direction == "in" and outcome == "")]  # fmt: skip
    if contacted:
        conn.execute(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            (max(contacted), other_id),
        )


def _put_offs_join(conn: sqlite3.Connection, kept_id: int, other_id: int) -> list[list[int | str]]:
    """The merged contact's Snoozes (store/put_off.py keys them "c:<id>") go to the kept one:
    under the old key nothing matched its entry any more and it came back early. Where both
    had put off an entry of one section, the merged entry (keyed by the newest call) stays put
    off until the later of the two. Returns each such raise, [section, call_at, until before,
    until after], for undo_merge to lower again."""
    kept, other = f"c:{kept_id}", f"c:{other_id}"
    both = [str(section) for (section,) in conn.execute(
        "SELECT DISTINCT section FROM callbacks_put_off WHERE who = ?1 "
        "AND section IN (SELECT section FROM callbacks_put_off WHERE who = ?2)",
        (kept, other),
    )]  # fmt: skip
    conn.execute(
        "INSERT INTO callbacks_put_off(section, who, call_at, until, put_at) "
        "SELECT section, ?1, call_at, until, put_at FROM callbacks_put_off WHERE who = ?2 "
        "ON CONFLICT(section, who, call_at) DO UPDATE SET until = max(until, excluded.until), "
        "put_at = max(put_at, excluded.put_at)",
        (kept, other),
    )
    conn.execute("DELETE FROM callbacks_put_off WHERE who = ?", (other,))
    raised: list[list[int | str]] = []
    for section in both:
        call_at, until, latest = conn.execute(
            "SELECT call_at, until, (SELECT max(until) FROM callbacks_put_off "
            "  WHERE section = ?1 AND who = ?2) "
            "FROM callbacks_put_off WHERE section = ?1 AND who = ?2 ORDER BY call_at DESC LIMIT 1",
            (section, kept),
        ).fetchone()
        if latest > until:
            conn.execute(
                "UPDATE callbacks_put_off SET until = ? WHERE section = ? AND who = ? "
                "AND call_at = ?",
                (latest, section, kept, call_at),
            )
            raised.append([section, int(call_at), int(until), int(latest)])
    return raised


def _put_offs_follow_calls(
    conn: sqlite3.Connection, kept_id: int, other_id: int, raised: list[list[Any]]
) -> None:
    """A Snooze goes back with the call its entry comes from: a call the other contact has
    again takes its entry's Snooze along (the kept contact keeps one too if it also has a call
    of that moment). A Snooze the merge raised to the other's later one has its own time
    back, unless the rep snoozed it again since."""
    kept, other = f"c:{kept_id}", f"c:{other_id}"
    conn.execute(
        "INSERT INTO callbacks_put_off(section, who, call_at, until, put_at) "
        "SELECT section, ?2, call_at, until, put_at FROM callbacks_put_off p WHERE who = ?1 "
        "AND EXISTS (SELECT 1 FROM attempts WHERE contact_id = ?3 AND at = p.call_at) "
        "ON CONFLICT(section, who, call_at) DO UPDATE SET until = max(until, excluded.until)",
        (kept, other, other_id),
    )
    conn.execute(
        "DELETE FROM callbacks_put_off AS p WHERE who = ?1 "
        "AND EXISTS (SELECT 1 FROM attempts WHERE contact_id = ?3 AND at = p.call_at) "
        "AND NOT EXISTS (SELECT 1 FROM attempts WHERE contact_id = ?2 AND at = p.call_at)",
        (kept, kept_id, other_id),
    )
    conn.executemany(
        "UPDATE callbacks_put_off SET until = ? WHERE section = ? AND call_at = ? "
        "AND until = ? AND who IN (?, ?)",
        [(before, section, call_at, after, kept, other)
         for section, call_at, before, after in raised],
    )  # fmt: skip


def dismiss(store: Store, a: int, b: int) -> None:
    """Two different people: never suggest this pair again."""
    with writing(store) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO duplicate_dismissals(low_id, high_id, created_at) "
            "VALUES (?, ?, CAST(strftime('%s', 'now') AS INTEGER))",
            (min(a, b), max(a, b)),
        )


def _both(store: Store, a: int, b: int) -> tuple[Contact, Contact]:
    first = store.contact(a, attempts_limit=None)
    second = store.contact(b, attempts_limit=None)
    if first is None or second is None:
        raise StoreError("One of these contacts no longer exists (deleted or merged meanwhile).")
    return first, second


def _refuse_mirrored(conn: sqlite3.Connection, *contacts: Contact) -> None:
    """A merge would hand the rep's contact to a team directory's card: removing the
    directory, or the card, later deleted the rep's own contact with it."""
    for contact in contacts:
        row = conn.execute(
            "SELECT d.name FROM directory_cards c JOIN directories d ON d.id = c.directory_id "
            "WHERE c.contact_id = ? LIMIT 1",
            (contact.id,),
        ).fetchone()
        if row is not None:
            raise StoreError(
                f"{_who(contact)} (#{contact.id}) comes from the team directory {row[0]!r} "
                "and follows it: it cannot be merged. Cards and search already show the same "
                "person once."
            )


def _merged_text(gone: str, kept: str) -> str:
    return f"Merged the two {kept} contacts" if gone == kept else f"Merged {gone} into {kept}"


def _who(contact: Contact, name: str = "") -> str:
    return name or contact.name or contact.company or f"contact {contact.id}"
