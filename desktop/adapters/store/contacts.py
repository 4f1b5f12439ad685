"""Contacts: the `contacts` table, and a contact read whole with its numbers and attempts.

A new contact is added with the numbers and past attempts it comes with (`phone_numbers` and
`attempts` rows of its own). Every other part of the Store that hands out Contact objects
builds on this one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.adapters.store.connection import Database, StoreError, describe
from desktop.adapters.store.times import from_epoch, unix_now, window
from desktop.core.models import (
    CONTACT_FIELDS,
    Attempt,
    Contact,
    Direction,
    Outcome,
    StoredNumber,
)


@dataclass(frozen=True)
class NewContact:
    name: str
    title: str = ""
    company: str = ""
    email: str = ""
    notes: str = ""
    reason: str = ""
    referred_by: str = ""
    next_step: str = ""
    numbers: tuple[StoredNumber, ...] = ()
    attempts: tuple[Attempt, ...] = ()


# Whether the row came from the demo book: one primary-key probe of its own batch. The
# uncorrelated "import_batch_id IN (SELECT id FROM import_batches WHERE source = 'demo')"
# built a temporary index of the demo batches for every statement: ~40 µs of each ring's
# lookup, cold.
_CONTACT_COLUMNS = (
    "id, name, title, company, email, notes, reason, referred_by, next_step, "
    "opener_override, last_contacted_at, "
    "EXISTS (SELECT 1 FROM import_batches b "
    "WHERE b.id = contacts.import_batch_id AND b.source = 'demo')"
)


# Attempt's fields in order, then the row's id (the tie-break of two in one second), then the
# caller ID as received: a call from a colleague's extension ("3103") has no E.164 to show;
# then its key (a hook's tells the ringing call's row from one in the same second).
_ATTEMPT_COLUMNS = (
    "direction, at, outcome, message, reason, number_e164, rep, callback_from, callback_until, "
    "id, caller_id, promise_done, call_key"
)

EDITABLE_FIELDS = frozenset({*CONTACT_FIELDS, "opener_override"})


class Contacts(Database):
    def contact_of(self, contact_id: int) -> Contact | None:
        """The contact without their calls: who they are, for choosing whom a call is of."""
        return self.contact(contact_id, attempts_limit=0)

    def contact(self, contact_id: int, attempts_limit: int | None = 3) -> Contact | None:
        row = self._conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE id = ?",  # noqa: S608 (constant)
            (contact_id,),
        ).fetchone()
        if row is None:
            return None
        numbers = tuple(
            StoredNumber(*r)
            for r in self._conn.execute(
                "SELECT raw, e164, extension, label FROM phone_numbers "
                "WHERE contact_id = ? ORDER BY id",
                (contact_id,),
            )
        )
        return _contact(row, numbers, self._attempts(contact_id, attempts_limit))

    def _attempts(self, contact_id: int, limit: int | None) -> tuple[Attempt, ...]:
        """Newest first; attempts in the same second, the one recorded last first."""
        if limit is None:
            rows = self._conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE contact_id = ? "  # noqa: S608
                "ORDER BY at DESC, id DESC",
                (contact_id,),
            ).fetchall()
        else:
            # Every attempt since the limit-th newest one's second comes in the index's order,
            # and the ties are ordered here: "ORDER BY at DESC, id DESC LIMIT ?" put SQLite's
            # sorter on each ring's lookup, ~35 µs cold.
            rows = sorted(
                self._conn.execute(
                    f"SELECT {_ATTEMPT_COLUMNS} FROM attempts "  # noqa: S608 (constant)
                    "WHERE contact_id = ?1 AND at >= coalesce((SELECT at FROM attempts "
                    "WHERE contact_id = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2 - 1), "
                    "-9223372036854775808) ORDER BY at DESC",
                    (contact_id, limit),
                ),
                key=lambda row: (row[1], row[9]),
                reverse=True,
            )[:limit]
        return tuple(
            Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n, rep, *window(f, u),
                    caller_id=raw, promise_done=bool(done), call_key=key or "")
            for d, at, o, m, r, n, rep, f, u, _id, raw, done, key in rows
        )

    def count_contacts(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def contact_ids_named(self, name: str, company: str) -> set[int]:
        """For contacts with neither number nor email: the same name at the same company."""
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT id FROM contacts "
                "WHERE lower(name) = lower(?) AND lower(company) = lower(?)",
                (name, company),
            )
        }

    def contact_ids_with_email(self, email: str) -> set[int]:
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT id FROM contacts WHERE email <> '' AND lower(email) = lower(?)",
                (email,),
            )
        }

    def add_contact(self, new: NewContact, batch_id: int | None = None) -> int:
        now = unix_now()
        cur = self._conn.execute(
            "INSERT INTO contacts(name, title, company, email, notes, reason, referred_by, "
            "next_step, created_at, updated_at, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.name, new.title, new.company, new.email, new.notes, new.reason,
                new.referred_by, new.next_step, now, now, batch_id,
            ),
        )  # fmt: skip
        contact_id = int(cur.lastrowid or 0)
        self.add_numbers(contact_id, new.numbers, batch_id)
        for attempt in new.attempts:
            self.add_attempt(contact_id, attempt, batch_id=batch_id)
        return contact_id

    def add_numbers(
        self, contact_id: int, numbers: Sequence[StoredNumber], batch_id: int | None = None
    ) -> None:
        self._conn.executemany(
            "INSERT INTO phone_numbers(contact_id, raw, e164, extension, label, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(contact_id, n.raw, n.e164, n.extension, n.label, batch_id) for n in numbers],
        )

    def fill_empty_fields(self, contact_id: int, new: NewContact) -> list[str]:
        """Merge: copy fields the stored contact lacks; return the names of those filled."""
        current = self.contact(contact_id, attempts_limit=0)
        if current is None:
            return []
        filled = [
            name for name in CONTACT_FIELDS if not getattr(current, name) and getattr(new, name)
        ]
        if filled:
            assignments = ", ".join(f"{name} = ?" for name in filled)
            self._conn.execute(
                f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*(getattr(new, n) for n in filled), unix_now(), contact_id),
            )
        return filled

    def add_attempt(
        self,
        contact_id: int | None,
        attempt: Attempt,
        source: str = "",
        batch_id: int | None = None,
    ) -> int:
        at = int(attempt.at.timestamp())
        cur = self._conn.execute(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source, import_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                contact_id, attempt.number_e164, attempt.direction.value, at,
                attempt.outcome.value, attempt.message, attempt.reason, source, batch_id,
            ),
        )  # fmt: skip
        if contact_id is not None:
            self._conn.execute(
                "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
                "WHERE id = ?",
                (at, contact_id),
            )
        return int(cur.lastrowid or 0)

    def contacts_by_id(
        self, ids: Sequence[int], attempts_limit: int | None = 3
    ) -> list[Contact]:
        """Several contacts in the order given, in three queries rather than three each;
        ids that no longer exist are left out."""
        if not ids:
            return []
        wanted = json.dumps(list(ids))
        rows = {
            int(row[0]): row
            for row in self._conn.execute(
                f"SELECT {_CONTACT_COLUMNS} FROM contacts "  # noqa: S608 (constant)
                "WHERE id IN (SELECT value FROM json_each(?))",
                (wanted,),
            )
        }
        numbers: dict[int, list[StoredNumber]] = {}
        for contact_id, raw, e164, ext, label in self._conn.execute(
            "SELECT contact_id, raw, e164, extension, label FROM phone_numbers "
            "WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (wanted,),
        ):
            numbers.setdefault(contact_id, []).append(StoredNumber(raw, e164, ext, label))
        attempts: dict[int, tuple[Attempt, ...]] = {}
        if attempts_limit is None:
            attempts = {cid: self._attempts(cid, None) for cid in rows}
        elif attempts_limit > 0:
            attempts = self._recent_attempts(list(rows), attempts_limit)
        return [
            _contact(rows[cid], tuple(numbers.get(cid, ())), attempts.get(cid, ()))
            for cid in dict.fromkeys(ids)
            if cid in rows
        ]

    def _recent_attempts(
        self, ids: Sequence[int], per_contact: int
    ) -> dict[int, tuple[Attempt, ...]]:
        """The newest `per_contact` attempts of each contact, in one query."""
        out: dict[int, list[Attempt]] = {}
        for cid, d, at, o, m, r, n, rep, cb_from, cb_until, raw, done in self._conn.execute(
            "SELECT contact_id, direction, at, outcome, message, reason, number_e164, rep, "
            "callback_from, callback_until, caller_id, promise_done FROM "
            "(SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY at DESC, id DESC) "
            "   AS place FROM attempts WHERE contact_id IN (SELECT value FROM json_each(?))) "
            "WHERE place <= ? ORDER BY contact_id, place",
            (json.dumps(list(ids)), per_contact),
        ):
            out.setdefault(cid, []).append(
                Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n, rep,
                        *window(cb_from, cb_until), caller_id=raw, promise_done=bool(done))
            )
        return {cid: tuple(a) for cid, a in out.items()}

    def update_contact_field(self, contact_id: int, name: str, value: str) -> None:
        """Save one edited field now (its own committed transaction unless the caller holds
        one): an edit must survive the app being killed a moment later."""
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name!r} is not an editable contact field")
        now = unix_now()  # edited_at: the rep's own change, which an import's never is
        try:
            self._conn.execute(
                f"UPDATE contacts SET {name} = ?, updated_at = ?, edited_at = ? "  # noqa: S608
                "WHERE id = ?",
                (value, now, now, contact_id),
            )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc


def _contact(row: Sequence[object], numbers: tuple[StoredNumber, ...],
             attempts: tuple[Attempt, ...]) -> Contact:  # fmt: skip
    (cid, name, title, company, email, notes, reason, referred_by, next_step, opener,
     last, demo) = row  # fmt: skip
    return Contact(
        id=int(cid),  # type: ignore[call-overload]
        name=str(name), title=str(title), company=str(company), email=str(email),
        notes=str(notes), reason=str(reason), referred_by=str(referred_by),
        next_step=str(next_step), opener_override=str(opener),
        numbers=numbers,
        last_contacted=from_epoch(last) if isinstance(last, int) else None,
        attempts=attempts,
        demo=bool(demo),
    )  # fmt: skip
