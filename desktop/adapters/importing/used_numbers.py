"""Numbers a followed file's rows added to contacts it did not bring, kept once the rep used them.

A row that merges into one of the rep's contacts adds its numbers to them ("merged into 'Søren
Kjær' (added number +44 20 7946 0432)"). Each save takes back what the last version did and
imports the new one, which adds them again while the row still says so. A row deleted or
changed in Excel then took the number off the contact silently, although the rep had taken a
call on it and promised a call back there: the next ring from it was "Unknown number", its
missed call nobody's, the promise in Callbacks under a number the contact no longer had.

So a number the rep had calls on with that contact (a promise is made on a call; an internal
extension's calls are found by the caller ID they keep) is put back on them when the new
version no longer brings it, as the rep's own (no import's: undoing the file leaves it), and
the re-import says so. A number nobody used goes, as before. One the rep typed
over is the rep's already (contact_edits.change_number) and never left.

Runs inside the re-import's transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from desktop.core.models import StoredNumber
from desktop.core.number_edit import shown_number


@dataclass(frozen=True)
class _Used:
    id: int
    contact_id: int
    number: StoredNumber


@dataclass
class UsedNumbers:
    """The last version's numbers on contacts it did not bring that the rep had calls on."""

    numbers: list[_Used] = field(default_factory=list)

    @classmethod
    def take(cls, conn: sqlite3.Connection, batch_id: int) -> UsedNumbers:
        """Before the last version is taken back. Its own people's numbers are out of the batch
        by now (followed_rows.SetAside.take), so those left in it are on other contacts."""
        return cls([
            _Used(int(phone), int(contact), StoredNumber(raw, e164, ext, label))
            for phone, contact, raw, e164, ext, label in conn.execute(
                "SELECT p.id, p.contact_id, p.raw, p.e164, p.extension, p.label "
                "FROM phone_numbers p WHERE p.import_batch_id = ? "
                "AND EXISTS (SELECT 1 FROM attempts a WHERE a.contact_id = p.contact_id "
                "AND a.import_batch_id IS NOT ? AND (a.number_e164 = p.e164 "
                # An internal extension ("x3103") has no E.164: its calls keep the caller ID
                # it rang from or was dialled as (call_history.unread_caller_id, log-call).
                "OR (p.e164 IS NULL AND p.extension <> '' AND a.number_e164 IS NULL "
                "AND a.caller_id <> '' AND extension_digits(a.caller_id) = p.extension))) "
                # The same line without the file's extension, which the contact had before:
                # the calls were on that one.
                "AND NOT EXISTS (SELECT 1 FROM phone_numbers q WHERE q.contact_id = "
                "p.contact_id AND q.e164 = p.e164 AND q.id <> p.id AND "
                "q.import_batch_id IS NOT ?) ORDER BY p.id",
                (batch_id, batch_id, batch_id),
            )
        ])  # fmt: skip

    def keep(self, conn: sqlite3.Connection) -> list[tuple[str, str]]:
        """After the new version is in: each used number no longer on its contact goes back on
        them as the rep's own, with the id it had where it is free (an open contact view names
        it by id). Returns (who, the number) for each, for the re-import's summary."""
        kept: list[tuple[str, str]] = []
        for used in self.numbers:
            number = used.number
            who = conn.execute(
                "SELECT CASE WHEN name <> '' THEN name ELSE company END FROM contacts "
                "WHERE id = ?",
                (used.contact_id,),
            ).fetchone()
            if who is None:
                continue  # the contact went meanwhile (merged away): nothing to keep it on
            if conn.execute(
                "SELECT 1 FROM phone_numbers WHERE contact_id = ? AND e164 IS ? AND extension = ?",
                (used.contact_id, number.e164, number.extension),
            ).fetchone():
                continue  # the new version brings it still, or another import holds it
            free = not conn.execute(
                "SELECT 1 FROM phone_numbers WHERE id = ?", (used.id,)
            ).fetchone()
            conn.execute(
                "INSERT INTO phone_numbers(id, contact_id, raw, e164, extension, label, "
                "import_batch_id) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (used.id if free else None, used.contact_id, number.raw, number.e164,
                 number.extension, number.label),
            )  # fmt: skip
            kept.append((str(who[0]), shown_number(number)))
        return kept
