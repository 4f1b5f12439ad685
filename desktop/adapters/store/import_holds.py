"""What other imports still hold of a contact an import brought (`import_holds`).

A row that matched a stored contact ("1 merged", "already there") is that file's too: undoing
the import that first brought the contact must leave it, and the numbers that row also
carried, while the other file is still imported (a rep undid one Google export and lost Maya
Okafor, whom two vCards still held, with the numbers they had added to her). So an import
records each stored contact its rows matched, and each number a row carried that the contact
already had. Undoing the import that brought such a contact hands it, and those numbers, to
the oldest import still holding them; a later undo of that one takes what it alone brought.

Runs inside the caller's transaction (the importer's, ImportBatches.undo_import's).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core.import_history import file_name

# (contact id, e164, extension): e164 and extension both None hold the contact itself
Hold = tuple[int, str | None, str | None]


@dataclass(frozen=True)
class Stays:
    """A contact an undo leaves, and the file still imported that has it."""

    contact_id: int
    name: str
    batch_id: int
    file: str


def record(conn: sqlite3.Connection, batch_id: int, holds: Iterable[Hold]) -> None:
    conn.executemany(
        "INSERT INTO import_holds(batch_id, contact_id, e164, extension) VALUES (?, ?, ?, ?)",
        [(batch_id, *hold) for hold in holds],
    )


def holds_anew(conn: sqlite3.Connection, source: str, holds: Iterable[Hold]) -> bool:
    """Whether an import of `source` that changed nothing still has contacts no import of that
    same file still in the book brought or holds: another file's, or the rep's own."""
    contacts = {contact for contact, e164, extension in holds
                if e164 is None and extension is None}  # fmt: skip
    if not contacts:
        return False
    its = {int(contact) for (contact,) in conn.execute(
        "SELECT c.id FROM contacts c JOIN import_batches b ON b.id = c.import_batch_id "
        "WHERE b.source = :source AND b.undone_at IS NULL "
        "UNION SELECT h.contact_id FROM import_holds h JOIN import_batches b "
        "ON b.id = h.batch_id WHERE b.source = :source AND b.undone_at IS NULL "
        "AND h.e164 IS NULL AND h.extension IS NULL",
        {"source": source},
    )}  # fmt: skip
    return not contacts <= its


# The import still in the book, other than the one being undone, that holds each contact.
_HOLDERS = (
    "SELECT h.contact_id, min(h.batch_id) FROM import_holds h "
    "JOIN import_batches b ON b.id = h.batch_id AND b.undone_at IS NULL "
    "JOIN contacts c ON c.id = h.contact_id AND c.import_batch_id = :batch "
    "WHERE h.batch_id <> :batch AND h.extension IS NULL GROUP BY h.contact_id"
)


def staying(conn: sqlite3.Connection, batch_id: int) -> list[Stays]:
    """The contacts `batch_id` brought that another import still in the book holds."""
    rows = conn.execute(
        f"WITH held(contact_id, batch) AS ({_HOLDERS}) "  # noqa: S608 (a constant)
        "SELECT c.id, CASE WHEN c.name <> '' THEN c.name ELSE c.company END, b.id, "
        "b.source, b.label FROM held "
        "JOIN contacts c ON c.id = held.contact_id JOIN import_batches b ON b.id = held.batch "
        "ORDER BY c.id",
        {"batch": batch_id},
    ).fetchall()
    return [Stays(int(cid), str(name), int(holder), file_name(str(source), str(label)))
            for cid, name, holder, source, label in rows]  # fmt: skip


def hand_over(conn: sqlite3.Connection, batch_id: int) -> list[Stays]:
    """Before `batch_id`'s contacts and numbers go: each of its contacts another import still
    holds becomes that import's, and so does each of its numbers that import's row also
    carried, on any contact. Returns the contacts that stay."""
    stays = staying(conn, batch_id)
    conn.executemany(
        "UPDATE contacts SET import_batch_id = ? WHERE id = ?",
        [(s.batch_id, s.contact_id) for s in stays],
    )
    conn.execute(
        "UPDATE phone_numbers SET import_batch_id = ("
        "    SELECT min(h.batch_id) FROM import_holds h JOIN import_batches b "
        "    ON b.id = h.batch_id AND b.undone_at IS NULL "
        "    WHERE h.contact_id = phone_numbers.contact_id AND h.batch_id <> :batch "
        "    AND h.e164 IS phone_numbers.e164 AND h.extension = phone_numbers.extension) "
        "WHERE import_batch_id = :batch AND EXISTS ("
        "    SELECT 1 FROM import_holds h JOIN import_batches b "
        "    ON b.id = h.batch_id AND b.undone_at IS NULL "
        "    WHERE h.contact_id = phone_numbers.contact_id AND h.batch_id <> :batch "
        "    AND h.e164 IS phone_numbers.e164 AND h.extension = phone_numbers.extension)",
        {"batch": batch_id},
    )
    conn.execute("DELETE FROM import_holds WHERE batch_id = ?", (batch_id,))
    return stays
