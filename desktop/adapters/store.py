"""The contact book: one SQLite database, WAL, readable by this user alone.

One long-lived connection per thread that uses it; lookups are single indexed queries
(perf-limits.md §3: ~10 µs at a million rows), never LIKE '%suffix' scans.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.paths import create_private_file
from desktop.adapters.store_schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber

BUSY_TIMEOUT_MS = 3000


class StoreError(Exception):
    """The database could not do what was asked; the message says which file and why."""


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


_CONTACT_COLUMNS = (
    "id, name, title, company, email, notes, reason, referred_by, next_step, "
    "opener_override, last_contacted_at"
)


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, cache_mb: int = 16) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            create_private_file(path)
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the contact database ({exc})") from exc
        store = cls(conn, path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
            store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: {_describe(exc)}") from exc
        return store

    def close(self) -> None:
        self._conn.close()

    # -- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer CallerCard (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); refusing to touch it"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in _statements(MIGRATIONS[target - 1]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version={target}")

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work: everything inside commits together or not at all."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    # -- reading ----------------------------------------------------------------------------

    def contacts_for_number(
        self, e164: str, attempts_limit: int = 3
    ) -> list[tuple[Contact, StoredNumber]]:
        """Everyone who has this number stored, each with the stored form that matched."""
        try:
            rows = self._conn.execute(
                "SELECT contact_id, raw, e164, extension, label FROM phone_numbers "
                "WHERE e164 = ?",
                (e164,),
            ).fetchall()
            out = []
            for contact_id, raw, num, ext, label in rows:
                contact = self.contact(contact_id, attempts_limit)
                if contact is not None:
                    out.append((contact, StoredNumber(raw, num, ext, label)))
            return out
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

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
        sql = (
            "SELECT direction, at, outcome, message, reason, number_e164 FROM attempts "
            "WHERE contact_id = ? ORDER BY at DESC, id DESC"
        )
        params: tuple[int, ...] = (contact_id,)
        if limit is not None:
            sql += " LIMIT ?"
            params = (contact_id, limit)
        return tuple(
            Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n)
            for d, at, o, m, r, n in self._conn.execute(sql, params)
        )

    def search_simple(self, text: str, limit: int = 50) -> list[Contact]:
        """Contacts whose name, company, title, email, notes or reason contain `text`, or
        whose number contains its digits; most recently contacted first.

        A plain scan: the indexed search window (FTS5) replaces it for large books."""
        text = text.strip()
        if not text:
            return []
        digits = "".join(ch for ch in text if ch.isdigit())
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses = " OR ".join(
            f"{col} LIKE :like ESCAPE '\\'"
            for col in ("name", "company", "title", "email", "notes", "reason", "referred_by")
        )
        params: dict[str, object] = {"like": like, "limit": limit}
        if len(digits) >= 3:
            clauses += " OR id IN (SELECT contact_id FROM phone_numbers WHERE e164 LIKE :digits)"
            params["digits"] = f"%{digits}%"
        rows = self._conn.execute(
            f"SELECT id FROM contacts WHERE {clauses} "  # noqa: S608
            "ORDER BY last_contacted_at IS NULL, last_contacted_at DESC, name LIMIT :limit",
            params,
        ).fetchall()
        return [c for (cid,) in rows if (c := self.contact(cid)) is not None]

    def count_contacts(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def contact_ids_with_numbers(self, numbers: Iterable[tuple[str, str]]) -> set[int]:
        """Contacts holding any of these (E.164, extension) numbers.

        The extension is part of the identity: everyone behind a switchboard shares its E.164.
        """
        ids: set[int] = set()
        for e164, extension in set(numbers):
            ids.update(
                r[0]
                for r in self._conn.execute(
                    "SELECT contact_id FROM phone_numbers WHERE e164 = ? AND extension = ?",
                    (e164, extension),
                )
            )
        return ids

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

    # -- writing ----------------------------------------------------------------------------

    def create_batch(self, label: str, source: str = "") -> int:
        cur = self._conn.execute(
            "INSERT INTO import_batches(label, source, created_at) VALUES (?, ?, ?)",
            (label, source, _now()),
        )
        return int(cur.lastrowid or 0)

    def finish_batch(self, batch_id: int, summary_json: str) -> None:
        self._conn.execute(
            "UPDATE import_batches SET summary = ? WHERE id = ?", (summary_json, batch_id)
        )

    def add_contact(self, new: NewContact, batch_id: int | None = None) -> int:
        now = _now()
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
            name
            for name in ("name", "title", "company", "email", "notes", "reason", "referred_by",
                         "next_step")
            if not getattr(current, name) and getattr(new, name)
        ]  # fmt: skip
        if filled:
            assignments = ", ".join(f"{name} = ?" for name in filled)
            self._conn.execute(
                f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*(getattr(new, n) for n in filled), _now(), contact_id),
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

    def undo_batch(self, batch_id: int) -> int:
        """Remove what a batch added; returns how many contacts went with it."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT undone_at FROM import_batches WHERE id = ?", (batch_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: there is no import batch {batch_id}")
            if row[0] is not None:
                return 0
            self._conn.execute("DELETE FROM attempts WHERE import_batch_id = ?", (batch_id,))
            self._conn.execute("DELETE FROM phone_numbers WHERE import_batch_id = ?", (batch_id,))
            removed = self._conn.execute(
                "DELETE FROM contacts WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            self._conn.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", (_now(), batch_id)
            )
            return int(removed)

    def batches(self) -> list[tuple[int, str, str, int, int | None]]:
        return list(
            self._conn.execute(
                "SELECT id, label, source, created_at, undone_at FROM import_batches ORDER BY id"
            )
        )

    @property
    def connection(self) -> sqlite3.Connection:
        """For bulk loaders and benchmarks that need executemany speed."""
        return self._conn


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _contact(row: Sequence[object], numbers: tuple[StoredNumber, ...],
             attempts: tuple[Attempt, ...]) -> Contact:  # fmt: skip
    (cid, name, title, company, email, notes, reason, referred_by, next_step, opener,
     last) = row  # fmt: skip
    return Contact(
        id=int(cid),  # type: ignore[call-overload]
        name=str(name), title=str(title), company=str(company), email=str(email),
        notes=str(notes), reason=str(reason), referred_by=str(referred_by),
        next_step=str(next_step), opener_override=str(opener),
        numbers=numbers,
        last_contacted=_from_epoch(last) if isinstance(last, int) else None,
        attempts=attempts,
    )  # fmt: skip


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _now() -> int:
    return int(time.time())


def _describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the database is locked by another program ({text}); nothing was changed"
    if "not a database" in text or "malformed" in text:
        return f"the file is not a CallerCard database or is damaged ({text})"
    return text
