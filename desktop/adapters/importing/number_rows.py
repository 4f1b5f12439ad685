"""The numbers a followed file's rows add to contacts it did not bring keep their rows' ids.

Each save takes back what the last version did on the rep's contacts (store.undo_import: numbers
added, fields filled) and the new version does it again where it still says so. The numbers came
back as new rows, under new ids: a contact view open across the save names a number by its row's
id, so its Edit on Søren's direct line (leads.csv's row merged it onto his Outlook contact) said
"That number was removed meanwhile" after a save that did not touch his row. A number the new
version adds again to the same contact now takes its row's id back, with the raw text and label
the new version gives it; one no longer brought stays gone, a new one is new.

Runs inside the re-import's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from desktop.adapters.store import Store

_Key = tuple[int, str | None, str]  # contact_id, e164, extension


@dataclass
class NumberRows:
    """The last version's numbers on contacts it did not bring, by contact and number."""

    ids: dict[_Key, int] = field(default_factory=dict)

    @classmethod
    def take(cls, conn: sqlite3.Connection, batch_id: int) -> NumberRows:
        """Before the last version is taken back. Its own people's numbers are out of the batch
        by now (followed_rows.SetAside.take), so those left in it are on other contacts."""
        return cls({
            (int(contact), e164, str(ext)): int(phone)
            for contact, e164, ext, phone in conn.execute(
                "SELECT p.contact_id, p.e164, p.extension, min(p.id) FROM phone_numbers p "
                "JOIN contacts c ON c.id = p.contact_id WHERE p.import_batch_id = ? "
                "AND c.import_batch_id IS NOT ? AND (p.e164 IS NOT NULL OR p.extension <> '') "
                "GROUP BY p.contact_id, p.e164, p.extension",
                (batch_id, batch_id),
            )
        })  # fmt: skip

    def give_back(self, store: Store, batch_id: int | None) -> int:
        """After the new version (`batch_id`) is in: each number it added again to the same
        contact goes back to its row's id. Returns how many rows moved."""
        if not self.ids or batch_id is None:
            return 0
        conn = store.connection
        pairs = [
            (int(phone), was)
            for phone, contact, e164, ext in conn.execute(
                "SELECT p.id, p.contact_id, p.e164, p.extension FROM phone_numbers p "
                "JOIN contacts c ON c.id = p.contact_id WHERE p.import_batch_id = ? "
                "AND c.import_batch_id IS NOT ? ORDER BY p.id",
                (batch_id, batch_id),
            )
            if (was := self.ids.get((int(contact), e164, str(ext)))) is not None
        ]  # fmt: skip
        # One row per number and contact: a second one (never added, as a row's merge skips
        # what the contact has) keeps its new id.
        pairs = list({was: (now, was) for now, was in reversed(pairs)}.values())
        pairs = [(now, was) for now, was in pairs if now != was]
        if not pairs:
            return 0
        # A freed id another number of this save took first (SQLite gives the highest id + 1,
        # and the freed ones were often the highest): that number is new, it moves out of the
        # way. Only this save's rows can hold a freed id; a pair whose id another holds stays.
        held = dict(conn.execute(
            "SELECT id, import_batch_id FROM phone_numbers WHERE id IN "
            "(SELECT value FROM json_each(?))",
            (json.dumps([was for _now, was in pairs]),),
        ).fetchall())  # fmt: skip
        pairs = [(now, was) for now, was in pairs if held.get(was, batch_id) == batch_id]
        top = int(conn.execute("SELECT coalesce(max(id), 0) FROM phone_numbers").fetchone()[0])
        aside = {phone: top + i for i, phone in enumerate(sorted(held), start=1)
                 if held[phone] == batch_id}  # fmt: skip
        store.renumber_numbers(list(aside.items()))
        # Every id given back is free now, and no row moving sits on one.
        store.renumber_numbers([(aside.get(now, now), was) for now, was in pairs])
        return len(pairs)

