"""The contact book: one SQLite database, WAL, readable by this user alone.

One long-lived connection per thread that uses it; lookups are single indexed queries
(perf-limits.md §3: ~10 µs at a million rows), never LIKE '%suffix' scans.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.adapters.paths import keep_private
from desktop.adapters.regular_file import require_regular_by_name
from desktop.adapters.store_schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.import_history import DEMO_SOURCE, BatchRecord, undo_sentence
from desktop.core.ipc import HOOK_KEY_PREFIX  # call keys of calls a hook logged
from desktop.core.models import (
    CONTACT_FIELDS,
    Attempt,
    Contact,
    Direction,
    NumberFields,
    Outcome,
    StoredNumber,
)
from desktop.core.search_query import (
    TEXT_COLUMNS,
    SearchHit,
    SearchQuery,
    contains_fragments,
    digits_expression,
    facet_expression,
    filter_tokens,
    parse_query,
    passes_filters,
    rank,
    recency_tokens,
    text_expression,
)

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
    "opener_override, last_contacted_at, "
    "coalesce(import_batch_id IN (SELECT id FROM import_batches WHERE source = 'demo'), 0)"
)

# Search (see the "-- search" methods).
log = logging.getLogger(__name__)
# The import batch source that marks the bundled demo book (desktop.adapters.demo_book).
DEMO_BATCH_SOURCE = DEMO_SOURCE
SEARCH_LIMIT = 30  # results shown
SEARCH_ATTEMPTS = 3  # attempts loaded per result, as on the card
SEARCH_ROUND_LIMIT = 40  # ids taken per round (recent, ever contacted, anyone)
SEARCH_POOL_LIMIT = 2000  # ids intersected with the awaiting-callback set
SEARCH_DIGIT_CAP = 1000  # matching numbers considered per digit query
RECENT_DAYS = 30
AWAITING_DAYS = 365  # an older unanswered voicemail no longer counts as awaiting a callback
CALLBACKS_LIMIT = 500  # entries listed per Callbacks section, the newest first
EDITABLE_FIELDS = frozenset({*CONTACT_FIELDS, "opener_override"})
_SEARCH_COLUMNS = ", ".join([*TEXT_COLUMNS, "facets"])


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, cache_mb: int = 16) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with suppress(FileNotFoundError):  # SQLite creates it
                require_regular_by_name(path)  # SQLite's own open would wait on a FIFO for good
            # Not bound to its thread: an import hands its writes to a writer thread
            # (importing/writer.py), which takes turns with it on this one connection.
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
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
        # SQLite creates the -wal and -shm files with the database's own mode, so private
        # from here on; the data directory is 0700 besides.
        keep_private(path, *database_companions(path))
        return store

    def close(self) -> None:
        self._conn.close()

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another process's write lock before StoreError."""
        self._conn.execute(f"PRAGMA busy_timeout={int(milliseconds)}")

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
            "SELECT direction, at, outcome, message, reason, number_e164, rep, callback_from, "
            "callback_until FROM attempts WHERE contact_id = ? ORDER BY at DESC, id DESC"
        )
        params: tuple[int, ...] = (contact_id,)
        if limit is not None:
            sql += " LIMIT ?"
            params = (contact_id, limit)
        return tuple(
            Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n, rep, *_window(f, u))
            for d, at, o, m, r, n, rep, f, u in self._conn.execute(sql, params)
        )

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
            name for name in CONTACT_FIELDS if not getattr(current, name) and getattr(new, name)
        ]
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

    # -- import -----------------------------------------------------------------------------
    # Bulk paths for the contact importer: one indexed read up front, executemany writes, and
    # a change log so an import's merges into existing contacts can be undone too.

    def import_index(self) -> ImportIndex:
        """Everything the importer matches on, read once: a 100k-row import then costs dict
        lookups, not 200k queries."""
        top = self._conn.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
        index = ImportIndex(next_id=1 + int(top))
        for e164, extension, contact_id in self._conn.execute(
            "SELECT e164, extension, contact_id FROM phone_numbers WHERE e164 IS NOT NULL"
        ):
            index.by_number.setdefault((e164, extension), set()).add(contact_id)
        for contact_id, email, name, company in self._conn.execute(
            "SELECT id, lower(email), name, company FROM contacts"
        ):
            index.names[contact_id] = name
            index.by_identity.setdefault((name.casefold(), company.casefold()), set()).add(
                contact_id
            )
            if email:
                index.by_email.setdefault(email, set()).add(contact_id)
        return index

    def insert_imported(
        self,
        contacts: Sequence[tuple[int, Sequence[str], Sequence[NumberFields]]],
        batch_id: int,
    ) -> int:
        """Contacts as (id, CONTACT_FIELDS values, numbers), with ids the importer
        chose (from `ImportIndex.next_id`), in two executemany calls. Only inside a transaction
        that holds the write lock, so no other writer can take those ids. Returns the highest
        phone number id so far."""
        now = _now()
        self._conn.executemany(
            f"INSERT INTO contacts(id, {', '.join(CONTACT_FIELDS)}, created_at, updated_at, "  # noqa: S608
            "import_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cid, *fields, now, now, batch_id) for cid, fields, _numbers in contacts],
        )
        self._conn.executemany(
            "INSERT INTO phone_numbers(contact_id, raw, e164, extension, label, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, *n, batch_id) for cid, _fields, numbers in contacts for n in numbers],
        )
        return self._max_id("phone_numbers")

    def merge_imported(self, contact_id: int, new: NewContact, batch_id: int) -> list[str]:
        """Fill the fields the contact lacks and log them, so undoing the batch empties them
        again; returns the names of the fields filled."""
        filled = self.fill_empty_fields(contact_id, new)
        self._conn.executemany(
            "INSERT INTO import_changes(batch_id, contact_id, field, new_value) "
            "VALUES (?, ?, ?, ?)",
            [(batch_id, contact_id, name, getattr(new, name)) for name in filled],
        )
        return filled

    def undo_import(self, batch_id: int) -> UndoResult:
        """Take a batch back whole: the contacts and numbers it added go, and the fields it
        filled in existing contacts are emptied again unless someone changed them since."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT undone_at, label, source, created_at FROM import_batches WHERE id = ?",
                (batch_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: there is no import batch {batch_id}")
            if row[0] is not None:
                return UndoResult(batch_id, str(row[1]), already_undone=True, source=str(row[2]),
                                  created_at=int(row[3]))  # fmt: skip
            restored = 0
            for contact_id, name, value in self._conn.execute(
                "SELECT contact_id, field, new_value FROM import_changes WHERE batch_id = ? "
                "ORDER BY id DESC",
                (batch_id,),
            ).fetchall():
                if name not in _MERGEABLE:
                    continue
                restored += self._conn.execute(
                    f"UPDATE contacts SET {name} = '', updated_at = ? "  # noqa: S608 (whitelisted)
                    f"WHERE id = ? AND {name} = ?",
                    (_now(), contact_id, value),
                ).rowcount
            self._conn.execute("DELETE FROM import_changes WHERE batch_id = ?", (batch_id,))
            self._conn.execute("DELETE FROM attempts WHERE import_batch_id = ?", (batch_id,))
            (off_kept,) = self._conn.execute(
                "SELECT COUNT(*) FROM phone_numbers p JOIN contacts c ON c.id = p.contact_id "
                "WHERE p.import_batch_id = ? AND c.import_batch_id IS NOT ?",
                (batch_id, batch_id),
            ).fetchone()
            numbers = self._conn.execute(
                "DELETE FROM phone_numbers WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            removed = self._conn.execute(
                "DELETE FROM contacts WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            self._conn.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", (_now(), batch_id)
            )
            return UndoResult(batch_id, str(row[1]), int(removed), int(numbers), restored,
                              source=str(row[2]), created_at=int(row[3]),
                              numbers_off_kept=int(off_kept))  # fmt: skip

    def demo_contact_count(self) -> int:
        return int(self._conn.execute(
            "SELECT count(*) FROM contacts WHERE import_batch_id IN (SELECT id FROM "
            "import_batches WHERE source = ? AND undone_at IS NULL)", (DEMO_BATCH_SOURCE,),
        ).fetchone()[0])  # fmt: skip

    def demo_contact_ids(self) -> set[int]:
        """The demo book's contacts: an import removes them first, so its dry run leaves them
        out of what rows are matched against."""
        return {int(r[0]) for r in self._conn.execute(
            "SELECT id FROM contacts WHERE import_batch_id IN (SELECT id FROM "
            "import_batches WHERE source = ? AND undone_at IS NULL)", (DEMO_BATCH_SOURCE,),
        )}  # fmt: skip

    def remove_demo_book(self) -> int:
        """Delete the bundled demo book (contacts, numbers, attempts and their search entries,
        by cascade and triggers) inside the caller's transaction; returns how many contacts
        went. A real import calls it first, so no demo row is ever matched or merged into."""
        demo = "SELECT id FROM import_batches WHERE source = ? AND undone_at IS NULL"
        removed = self._conn.execute(
            f"DELETE FROM contacts WHERE import_batch_id IN ({demo})",  # noqa: S608 (constant)
            (DEMO_BATCH_SOURCE,),
        ).rowcount
        self._conn.execute(
            "UPDATE import_batches SET undone_at = ? WHERE source = ? AND undone_at IS NULL",
            (_now(), DEMO_BATCH_SOURCE),
        )
        return int(removed)

    def batch_summary(self, batch_id: int) -> str:
        row = self._conn.execute(
            "SELECT summary FROM import_batches WHERE id = ?", (batch_id,)
        ).fetchone()
        return str(row[0]) if row else ""

    def remembered_mapping(self, header_key: str) -> str | None:
        """The column mapping (JSON) a person chose for this header set, if any."""
        row = self._conn.execute(
            "SELECT mapping FROM import_mappings WHERE header_key = ?", (header_key,)
        ).fetchone()
        return str(row[0]) if row else None

    def remember_mapping(self, header_key: str, mapping_json: str) -> None:
        self._conn.execute(
            "INSERT INTO import_mappings(header_key, mapping, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(header_key) DO UPDATE SET mapping = excluded.mapping, "
            "updated_at = excluded.updated_at",
            (header_key, mapping_json, _now()),
        )


    # -- search -----------------------------------------------------------------------------
    # Full-text and number-fragment search over the FTS5 tables of migration 2. Triggers keep
    # them in step with single edits; bulk loads defer that work (deferred_search_index).
    # Queries never use ORDER BY rank (bm25 over every match: 11 ms at 100k, 120+ ms at 1M):
    # each round takes a bounded, unordered slice of the matches, the recently contacted
    # first, and desktop.core.search_query ranks the few hundred rows that come back.

    @contextmanager
    def deferred_search_index(self) -> Iterator[None]:
        """For bulk loads: contacts and numbers added inside skip the per-row index triggers
        and are indexed in one statement on the way out. Use it inside the load's transaction
        (`with store.transaction(), store.deferred_search_index(): ...`) so that a failed load
        rolls the deferral back with the rows."""
        self._conn.execute(
            "UPDATE search_state SET "
            "contacts_deferred_from = coalesce(contacts_deferred_from, "
            "  (SELECT coalesce(max(id), 0) FROM contacts)), "
            "numbers_deferred_from = coalesce(numbers_deferred_from, "
            "  (SELECT coalesce(max(id), 0) FROM phone_numbers))"
        )
        try:
            yield
        except BaseException:
            if not self._conn.in_transaction:
                # Autocommit: the rows that made it in are committed, so index them.
                self.catch_up_search_index()
            raise
        self.catch_up_search_index()

    def catch_up_search_index(self) -> None:
        """Index what a deferred load added and stop deferring. Idempotent."""
        self.advance_search_index()
        self._conn.execute(
            "UPDATE search_state SET contacts_deferred_from = NULL, numbers_deferred_from = NULL"
        )

    def advance_search_index(
        self, contacts_upto: int | None = None, numbers_upto: int | None = None
    ) -> None:
        """Index what a deferred load has added so far (up to these ids; None: all of it) and
        go on deferring: a long load indexes chunk by chunk, next to its other work, instead of
        in one statement at the end. With explicit ids the load may go on adding rows above
        them meanwhile, through this connection, from another thread."""
        marks = self._conn.execute(
            "SELECT contacts_deferred_from, numbers_deferred_from FROM search_state"
        ).fetchone()
        if marks is None or marks == (None, None):
            # Nothing deferred; `id > NULL` would still walk the whole view to find no rows.
            return
        if contacts_upto is None:
            contacts_upto = self._max_id("contacts")
        if numbers_upto is None:
            numbers_upto = self._max_id("phone_numbers")
        self._conn.execute(
            f"INSERT INTO contact_search(rowid, {_SEARCH_COLUMNS}) "  # noqa: S608 (constant)
            f"SELECT id, {_SEARCH_COLUMNS} FROM contact_search_source WHERE id > ? AND id <= ?",
            (marks[0], contacts_upto),
        )
        self._conn.execute(
            "INSERT INTO number_search(rowid, digits) SELECT id, digits FROM number_search_source "
            "WHERE id > ? AND id <= ?",
            (marks[1], numbers_upto),
        )
        self._conn.execute(
            "UPDATE search_state SET contacts_deferred_from = max(contacts_deferred_from, ?), "
            "numbers_deferred_from = max(numbers_deferred_from, ?)",
            (contacts_upto, numbers_upto),
        )

    def _max_id(self, table: str) -> int:
        row = self._conn.execute(
            f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608 (callers pass constants)
        ).fetchone()
        return int(row[0])

    def refresh_search_index(self) -> None:
        """Rebuild both search indexes from the tables and merge their segments (about 2 s
        per 100k contacts): to heal an index that writes outside this class left behind.
        Bulk loads do not need it; deferred_search_index indexes what they add."""
        with self.transaction():
            for table in ("contact_search", "number_search"):
                self._conn.execute(
                    f"INSERT INTO {table}({table}) VALUES ('rebuild')"  # noqa: S608 (constant)
                )
                self._conn.execute(
                    f"INSERT INTO {table}({table}) VALUES ('optimize')"  # noqa: S608 (constant)
                )
            self._conn.execute(
                "UPDATE search_state SET contacts_deferred_from = NULL, "
                "numbers_deferred_from = NULL"
            )

    def search(
        self, query: SearchQuery, *, now: datetime | None = None, limit: int = SEARCH_LIMIT
    ) -> list[SearchHit]:
        """Ranked contacts for a parsed query; [] for anything unsearchable. Never raises on
        what was typed: a query the index still refuses counts as no match."""
        if not query.searchable:
            return []
        now = now or datetime.now(UTC)
        try:
            ids = self._search_ids(query, now)
            contacts = [
                c for c in self.contacts_by_id(ids, attempts_limit=0)
                if passes_filters(c, query.filters, now)
                and contains_fragments(c, query.fragments)
            ]  # fmt: skip
            hits = rank(query, contacts, now)[:limit]
            attempts = self._recent_attempts([h.contact.id for h in hits], SEARCH_ATTEMPTS)
            return [
                SearchHit(
                    replace(h.contact, attempts=attempts.get(h.contact.id, ())),
                    h.score,
                    h.matched_in,
                )
                for h in hits
            ]
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _is_query_error(exc):
                log.info("search for %r: the index refused it (%s)", query.text[:80], exc)
                return []
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def search_simple(self, text: str, limit: int = SEARCH_LIMIT) -> list[Contact]:
        """`search` for plain typed text."""
        return [hit.contact for hit in self.search(parse_query(text), limit=limit)]

    def _search_ids(self, query: SearchQuery, now: datetime) -> list[int]:
        """Candidate contact ids, a hundred or so. A query matching more people than one slice
        holds (unordered, newest rows first) takes a second slice of those called in the last
        RECENT_DAYS, so a huge match set still yields the people a callback comes from. (Each
        slice of a prefix longer than the prefix indexes re-merges every word it expands to,
        so rounds are kept few.)"""
        filters = query.filters
        parts = [text_expression(query.terms)] if query.terms else []
        parts += [facet_expression(group) for group in filter_tokens(filters, now)]
        waiting = self._awaiting(now) if filters.awaiting_callback else None
        if waiting is not None and not parts and not query.fragments:
            return waiting[0][:SEARCH_ROUND_LIMIT]
        ids: list[int] = []
        if query.terms or (parts and not query.fragments):
            if waiting is not None:
                # The awaiting list sets the order; take a wide slice to intersect with it.
                ids += self._fts_ids(" AND ".join(parts), SEARCH_POOL_LIMIT)
            elif filters.days is not None:  # already a recency window
                ids += self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT)
            else:
                everyone = self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT)
                if len(everyone) == SEARCH_ROUND_LIMIT:  # only a slice: fetch the recent too
                    recent = facet_expression(recency_tokens(now, RECENT_DAYS))
                    ids += self._fts_ids(" AND ".join([*parts, recent]), SEARCH_ROUND_LIMIT)
                ids += everyone
        if query.fragments:
            # With words too, the rounds above are checked for the digits after loading;
            # this adds matches of both that the rounds' slices missed.
            ids += self._number_ids(query, parts)
        ids = list(dict.fromkeys(ids))
        if waiting is not None:
            order = waiting[1]
            ids = sorted((i for i in ids if i in order), key=order.__getitem__)
            ids = ids[:SEARCH_ROUND_LIMIT]
        return ids

    def _fts_ids(self, expression: str, limit: int) -> list[int]:
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT rowid FROM contact_search WHERE contact_search MATCH ? "
                "ORDER BY rowid DESC LIMIT ?",
                (expression, limit),
            )
        ]

    def _number_ids(self, query: SearchQuery, parts: Sequence[str]) -> list[int]:
        digits = digits_expression(query.fragments)
        if parts:
            # Words and digits ("mike 415"): the words' matches among the owners of matching
            # numbers. "+rowid" keeps SQLite from running the word query once per owner; the
            # digit side is capped so a common fragment cannot stall a keystroke.
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT rowid FROM contact_search WHERE contact_search MATCH ? "
                    "AND +rowid IN (SELECT p.contact_id FROM phone_numbers p WHERE p.id IN "
                    "  (SELECT rowid FROM number_search WHERE number_search MATCH ? "
                    "   ORDER BY rowid DESC LIMIT ?)) "
                    "ORDER BY rowid DESC LIMIT ?",
                    (" AND ".join(parts), digits, SEARCH_DIGIT_CAP, SEARCH_ROUND_LIMIT),
                )
            ]
        # Digits alone: owners of matching numbers, the recently contacted first, among a
        # capped slice of the matches (a 3-digit fragment can match a tenth of the book).
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT p.contact_id FROM (SELECT rowid AS number_id FROM number_search "
                "  WHERE number_search MATCH ? ORDER BY rowid DESC LIMIT ?) m "
                "JOIN phone_numbers p ON p.id = m.number_id "
                "JOIN contacts c ON c.id = p.contact_id "
                "ORDER BY c.last_contacted_at IS NULL, c.last_contacted_at DESC, m.number_id DESC "
                "LIMIT ?",
                (digits, SEARCH_DIGIT_CAP, SEARCH_ROUND_LIMIT * 2),
            )
        ]

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
        for cid, d, at, o, m, r, n, rep, cb_from, cb_until in self._conn.execute(
            "SELECT contact_id, direction, at, outcome, message, reason, number_e164, rep, "
            "callback_from, callback_until FROM "
            "(SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY at DESC, id DESC) "
            "   AS place FROM attempts WHERE contact_id IN (SELECT value FROM json_each(?))) "
            "WHERE place <= ? ORDER BY contact_id, place",
            (json.dumps(list(ids)), per_contact),
        ):
            out.setdefault(cid, []).append(
                Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n, rep,
                        *_window(cb_from, cb_until))
            )
        return {cid: tuple(a) for cid, a in out.items()}

    _awaiting_cache: tuple[tuple[object, ...], list[int], dict[int, int]] | None = None

    def awaiting_callback(self, now: datetime | None = None) -> list[int]:
        """Contacts we left a voicemail for (within AWAITING_DAYS) who have neither called
        back nor talked to us since; the most recent message first."""
        return list(self._awaiting(now or datetime.now(UTC))[0])

    def _awaiting(self, now: datetime) -> tuple[list[int], dict[int, int]]:
        """The awaiting list and each id's place in it, cached until the database changes,
        so the filter costs nothing per keystroke."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        key = (*self._data_version(), since // 3600)
        if self._awaiting_cache is None or self._awaiting_cache[0] != key:
            ids = [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT contact_id FROM (SELECT contact_id, max(at) AS left_at "
                    "  FROM attempts WHERE direction = 'out' AND outcome = 'voicemail' "
                    "  AND at >= ? AND contact_id IS NOT NULL GROUP BY contact_id) v "
                    "WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.contact_id = "
                    "  v.contact_id AND l.at > v.left_at "
                    "  AND (l.direction = 'in' OR l.outcome = 'talked')) "
                    "ORDER BY left_at DESC",
                    (since,),
                )
            ]
            self._awaiting_cache = (key, ids, {cid: i for i, cid in enumerate(ids)})
        return self._awaiting_cache[1], self._awaiting_cache[2]

    def _data_version(self) -> tuple[int, int]:
        """Changes by other connections (data_version) and by this one (total_changes)."""
        other = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return other, self._conn.total_changes

    # -- unknown callers --

    def numbers_with_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(contact id, stored E.164) of numbers starting with `prefix`: an index range, so
        "same block as the caller" costs what an exact lookup does."""
        return [
            (int(r[0]), str(r[1]))
            for r in self._conn.execute(
                "SELECT contact_id, e164 FROM phone_numbers WHERE e164 >= ? AND e164 < ? "
                "ORDER BY e164 LIMIT ?",
                (prefix, prefix + "\uffff", limit),
            )
        ]

    def voicemails_in_area(
        self, area_prefix: str, since: datetime, limit: int
    ) -> list[int]:
        """Contacts we left a voicemail for since `since` on a number starting with
        `area_prefix` ("+1415"), the most recent first."""
        return [
            int(r[0])
            for r in self._conn.execute(
                "SELECT contact_id FROM attempts "
                "WHERE direction = 'out' AND outcome = 'voicemail' AND at >= ? "
                "AND number_e164 >= ? AND number_e164 < ? AND contact_id IS NOT NULL "
                "GROUP BY contact_id ORDER BY max(at) DESC LIMIT ?",
                (int(since.timestamp()), area_prefix, area_prefix + "\uffff", limit),
            )
        ]

    # -- edits from the contact view and the candidate picker --

    def update_contact_field(self, contact_id: int, name: str, value: str) -> None:
        """Save one edited field now (its own committed transaction unless the caller holds
        one): an edit must survive the app being killed a moment later."""
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name!r} is not an editable contact field")
        try:
            self._conn.execute(
                f"UPDATE contacts SET {name} = ?, updated_at = ? WHERE id = ?",  # noqa: S608
                (value, _now(), contact_id),
            )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def link_number(self, contact_id: int, number: StoredNumber) -> bool:
        """Store a caller's number on a contact, so their next call matches exactly, and give
        them the calls logged from it while it was unknown; False when they had it already."""
        try:
            with self.transaction():
                exists = self._conn.execute(
                    "SELECT 1 FROM phone_numbers WHERE contact_id = ? AND e164 IS ? "
                    "AND extension = ?",
                    (contact_id, number.e164, number.extension),
                ).fetchone()
                if not exists:
                    self.add_numbers(contact_id, (number,))
                self._adopt_calls(contact_id, number.e164)
                return not exists
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def add_caller_as_contact(self, new: NewContact) -> int:
        """A contact made from an unknown caller, in one transaction with the calls logged
        from their number (anchors.md section 3, point 8: the note and the call carry over)."""
        try:
            with self.transaction():
                contact_id = self.add_contact(new)
                for number in new.numbers:
                    self._adopt_calls(contact_id, number.e164)
                return contact_id
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def _adopt_calls(self, contact_id: int, e164: str | None) -> None:
        if not e164:
            return
        at = self._conn.execute(
            "SELECT max(at) FROM attempts WHERE contact_id IS NULL AND number_e164 = ?", (e164,)
        ).fetchone()[0]
        if at is None:
            return
        self._conn.execute(
            "UPDATE attempts SET contact_id = ? WHERE contact_id IS NULL AND number_e164 = ?",
            (contact_id, e164),
        )
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            (at, contact_id),
        )

    def recent_calls(self, limit: int = 200) -> list[tuple[Attempt, Contact | None]]:
        """The newest calls either way, with the contact each belongs to (None when the
        number matched nobody)."""
        return [(call.attempt, call.contact) for call in self.calls(limit=limit)]

    def calls(
        self,
        *,
        since: datetime | None = None,
        outcome: Outcome | None = None,
        contact_ids: Iterable[int] | None = None,
        limit: int = 200,
    ) -> list[LoggedCall]:
        """Logged calls, the newest first: those since `since`, with `outcome`, of the
        contacts `contact_ids` (each filter only when given)."""
        where: list[str] = ["1"]
        params: list[object] = []
        if since is not None:
            where.append("at >= ?")
            params.append(int(since.timestamp()))
        if outcome is not None:
            where.append("outcome = ?")
            params.append(outcome.value)
        if contact_ids is not None:
            ids = sorted(set(contact_ids))
            where.append(f"contact_id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        # The WHERE parts are constants; every value is a parameter.
        sql = (
            "SELECT id, contact_id, direction, at, outcome, message, reason, number_e164, "  # noqa: S608
            f"source FROM attempts WHERE {' AND '.join(where)} "
            "ORDER BY at DESC, id DESC LIMIT ?"
        )
        rows = self._conn.execute(
            sql,
            (*params, limit),
        ).fetchall()
        ids = [int(r[1]) for r in rows if r[1] is not None]
        contacts = {c.id: c for c in self.contacts_by_id(ids, attempts_limit=0)}
        return [
            LoggedCall(int(aid), Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n),
                       contacts.get(cid) if cid is not None else None, str(src))
            for aid, cid, d, at, o, m, r, n, src in rows
        ]  # fmt: skip

    # -- call history -----------------------------------------------------------------------

    def record_call(
        self,
        contact_id: int | None,
        attempt: Attempt,
        source: str,
        call_key: str,
        *,
        cursor: tuple[str, str] | None = None,
    ) -> int | None:
        """Store one call a softphone reported, once: returns the new attempt's id, or None
        when (source, call_key) is stored already. ``cursor`` (origin, cursor) is where that
        call log was read up to; it is saved in the same transaction, so a crash keeps both or
        neither. A missed call does not count as having been in contact."""
        at = int(attempt.at.timestamp())
        try:
            with self.transaction():
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO attempts(contact_id, number_e164, direction, at, "
                    "outcome, message, reason, source, call_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (contact_id, attempt.number_e164, attempt.direction.value, at,
                     attempt.outcome.value, attempt.message, attempt.reason, source, call_key),
                )  # fmt: skip
                new_id = int(cur.lastrowid or 0) if cur.rowcount == 1 else None
                if new_id and contact_id is not None and _in_contact(attempt):
                    self._touch_contact(contact_id, at)
                if cursor is not None:
                    self._save_cursor(*cursor)
                return new_id
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def _touch_contact(self, contact_id: int, at: int) -> None:
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            (at, contact_id),
        )

    def _untouch_contact(self, contact_id: int, attempt_id: int, at: int) -> None:
        """The call ``attempt_id`` (at ``at``) turned out not to be contact (a hook took a
        missed call for a taken one): "last contacted" goes back to the contact before it,
        when it was set by this call."""
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts "
            "WHERE contact_id = ?1 AND id <> ?2 AND outcome <> 'missed' "
            "AND NOT (direction = 'in' AND outcome = '')) "
            "WHERE id = ?1 AND last_contacted_at = ?3",
            (contact_id, attempt_id, at),
        )

    def calls_near(
        self, number_e164: str | None, direction: Direction, at: datetime, within_s: int
    ) -> list[NearCall]:
        """Logged calls with this number (None: withheld) and direction that started within
        ``within_s`` seconds of ``at``, the nearest first: the same call seen by another
        source (see call_history.py)."""
        t = int(at.timestamp())
        rows = self._conn.execute(
            "SELECT id, source, call_key, outcome, at FROM attempts "
            "WHERE number_e164 IS ? AND direction = ? AND at BETWEEN ? AND ? "
            "AND call_key <> '' ORDER BY abs(at - ?), id LIMIT 20",
            (number_e164, direction.value, t - within_s, t + within_s, t),
        ).fetchall()
        return [NearCall(int(i), str(src), str(key), Outcome(o)) for i, src, key, o, _ in rows]

    def open_hook_call(
        self, number_e164: str | None, key_prefix: str, since: datetime
    ) -> int | None:
        """The newest inbound call a hook reported ringing under ``key_prefix`` since ``since``
        whose end is not known yet (outcome still unknown), or None."""
        row = self._conn.execute(
            "SELECT id FROM attempts WHERE number_e164 IS ? AND direction = 'in' AND at >= ? "
            "AND outcome = '' AND call_key >= ? AND call_key < ? ORDER BY at DESC, id DESC "
            "LIMIT 1",
            (number_e164, int(since.timestamp()), key_prefix, key_prefix + "\uffff"),
        ).fetchone()
        return int(row[0]) if row is not None else None

    def finish_call(self, attempt_id: int, outcome: Outcome) -> bool:
        """A hook's call that rang is over: its outcome, unless a softphone's log has said it
        already (that is kept). An answered call counts as contact. False when nothing
        changed."""
        try:
            with self.transaction():
                cur = self._conn.execute(
                    "UPDATE attempts SET outcome = ? WHERE id = ? AND outcome = '' "
                    "AND substr(call_key, 1, 5) = ? RETURNING contact_id, at",
                    (outcome.value, attempt_id, HOOK_KEY_PREFIX),
                )
                row = cur.fetchone()
                if row is None:
                    return False
                if row[0] is not None and outcome is not Outcome.MISSED:
                    self._touch_contact(int(row[0]), int(row[1]))
                return True
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def take_over_call(
        self,
        attempt_id: int,
        contact_id: int | None,
        attempt: Attempt,
        source: str,
        call_key: str,
        *,
        cursor: tuple[str, str] | None = None,
    ) -> None:
        """A call a hook logged, now reported by a softphone's own log or event stream: the
        row takes that source's data (its key, so reading the log again finds it; its start
        and outcome), keeping its id and anything the rep wrote on it."""
        at = int(attempt.at.timestamp())
        try:
            with self.transaction():
                old = self._conn.execute(
                    "SELECT contact_id, at, outcome FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
                if old is None:
                    return
                self._conn.execute(
                    "UPDATE attempts SET contact_id = coalesce(contact_id, ?), at = ?, "
                    "outcome = ?, source = ?, call_key = ? WHERE id = ?",
                    (contact_id, at, attempt.outcome.value, source, call_key, attempt_id),
                )
                owner = old[0] if old[0] is not None else contact_id
                if owner is not None and _in_contact(attempt):
                    self._touch_contact(owner, at)
                elif owner is not None and old[2] != Outcome.MISSED.value:
                    self._untouch_contact(owner, attempt_id, int(old[1]))
                if cursor is not None:
                    self._save_cursor(*cursor)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def call_attempt(self, source: str, call_key: str) -> tuple[int, int | None, Attempt] | None:
        """(attempt id, contact id, attempt) of a call recorded by record_call, or None."""
        row = self._conn.execute(
            "SELECT id, contact_id, direction, at, outcome, message, reason, number_e164 "
            "FROM attempts WHERE source = ? AND call_key = ? AND call_key <> ''",
            (source, call_key),
        ).fetchone()
        if row is None:
            return None
        aid, cid, d, at, o, m, r, n = row
        return int(aid), cid, Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n)

    def attempt_by_id(self, attempt_id: int) -> tuple[int | None, Attempt] | None:
        """(contact id, attempt), or None when it no longer exists."""
        row = self._conn.execute(
            "SELECT contact_id, direction, at, outcome, message, reason, number_e164, rep, "
            "callback_from, callback_until FROM attempts WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        if row is None:
            return None
        cid, d, at, o, m, r, n, rep, cb_from, cb_until = row
        return cid, Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n, rep,
                            *_window(cb_from, cb_until))  # fmt: skip

    # -- callbacks (core/callbacks.py) ------------------------------------------------------

    # Each kind: (which attempts, what settles one of them). `a` is the attempt, `l` a later one.
    _MISSED = ("a.direction = 'in' AND a.outcome = 'missed'",
               "l.at > a.at AND (l.direction = 'out' OR l.outcome = 'talked')")  # fmt: skip
    _VOICEMAIL = ("a.direction = 'out' AND a.outcome = 'voicemail'",
                  "l.at > a.at AND (l.direction = 'in' OR l.outcome = 'talked')")  # fmt: skip
    # A window on a call of ours: we wait for them in it. On their call: "call them back by"
    # (the wrap-up after an incoming call), ours to do until we have called or talked since.
    _WINDOW = ("a.callback_until IS NOT NULL",
               "(a.direction = 'in' AND l.at > a.at AND (l.direction = 'out' "
               "  OR l.outcome = 'talked')"
               " OR a.direction <> 'in' AND ((l.direction = 'in' OR l.outcome = 'talked') "
               "  AND l.at >= a.callback_from OR l.direction = 'out' AND l.at > a.callback_until))"
               )  # fmt: skip

    def missed_not_returned(self, now: datetime) -> list[LoggedCall]:
        """Each contact's newest missed call within AWAITING_DAYS that we have not returned:
        no call to them and no answered call with them since; the newest first."""
        return self._callback_rows(*self._MISSED, now)

    def voicemails_awaiting(self, now: datetime) -> list[LoggedCall]:
        """Our newest voicemail to each contact who has neither called back nor talked to us
        since (Store.awaiting_callback's contacts), the newest first."""
        return self._callback_rows(*self._VOICEMAIL, now)

    def callback_windows(self, now: datetime) -> list[LoggedCall]:
        """Each contact's newest attempt with a promised callback window, unless they have
        called (or talked to us) since the window opened, or we have called them since it
        closed; the newest first."""
        return self._callback_rows(*self._WINDOW, now)

    def callbacks_due(self, now: datetime) -> int:
        """How many missed calls are not returned and promised windows ran out unanswered
        (core/callbacks.py's due entries), counted without loading them: the tray menu asks
        each time it opens."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        missed = self._conn.execute(
            f"SELECT count(*) {self._callback_from(*self._MISSED)}", (since,)
        ).fetchone()[0]
        ran_out = self._conn.execute(
            f"SELECT count(*) {self._callback_from(*self._WINDOW)} "
            "AND (a.direction = 'in' OR a.callback_until < ?)",
            (since, int(now.timestamp())),
        ).fetchone()[0]
        return int(missed) + int(ran_out)

    @staticmethod
    def _callback_from(which: str, settled_by: str) -> str:
        """FROM and WHERE of a callback kind: each contact's newest matching attempt since
        the first parameter, unless a later call settled it. (SQLite fills a bare column of a
        max() aggregate from the row holding the maximum: `id` is the newest attempt's.)"""
        newest = which.replace("a.", "")
        # `which` and `settled_by` are the constants above; values are parameters.
        return (
            "FROM (SELECT id AS newest, max(at) FROM attempts "  # noqa: S608
            f"  WHERE {newest} AND contact_id IS NOT NULL AND at >= ? GROUP BY contact_id) v "
            "JOIN attempts a ON a.id = v.newest "
            "WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.contact_id = a.contact_id "
            f"  AND l.id <> a.id AND {settled_by})"
        )

    def _callback_rows(self, which: str, settled_by: str, now: datetime) -> list[LoggedCall]:
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        sql = (
            "SELECT a.id, a.contact_id, a.direction, a.at, a.outcome, a.message, a.reason, "
            "a.number_e164, a.source, a.callback_from, a.callback_until "
            f"{self._callback_from(which, settled_by)} "
            f"ORDER BY a.at DESC, a.id DESC LIMIT {CALLBACKS_LIMIT}"
        )
        rows = self._conn.execute(sql, (since,)).fetchall()
        contacts = {
            c.id: c for c in self.contacts_by_id([int(r[1]) for r in rows], attempts_limit=0)
        }
        return [
            LoggedCall(int(aid), Attempt(Direction(d), _from_epoch(at), Outcome(o), m, r, n,
                                         "", *_window(cb_from, cb_until)),
                       contacts[cid], str(src))
            for aid, cid, d, at, o, m, r, n, src, cb_from, cb_until in rows if cid in contacts
        ]  # fmt: skip

    def save_wrap_up(
        self, attempt_id: int, outcome: Outcome, message: str, reason: str,
        callback: tuple[datetime, datetime] | None = None,
    ) -> bool:  # fmt: skip
        """What the rep said about a call: its outcome, the message left, why we called and
        the callback window promised (None: none). A non-empty reason also becomes the
        contact's current reason, so their next call's card says it. One transaction; False
        when the attempt no longer exists."""
        try:
            with self.transaction():
                row = self._conn.execute(
                    "SELECT contact_id FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
                if row is None:
                    return False
                start, end = (
                    (int(callback[0].timestamp()), int(callback[1].timestamp()))
                    if callback is not None else (None, None)
                )  # fmt: skip
                self._conn.execute(
                    "UPDATE attempts SET outcome = ?, message = ?, reason = ?, "
                    "callback_from = ?, callback_until = ? WHERE id = ?",
                    (outcome.value, message, reason, start, end, attempt_id),
                )
                if row[0] is not None and reason.strip():
                    self._conn.execute(
                        "UPDATE contacts SET reason = ?, updated_at = ? WHERE id = ?",
                        (reason.strip(), _now(), row[0]),
                    )
                return True
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def source_cursor(self, origin: str) -> str | None:
        """Where the call log ``origin`` was last read up to (see record_call)."""
        row = self._conn.execute(
            "SELECT cursor FROM source_cursors WHERE origin = ?", (origin,)
        ).fetchone()
        return str(row[0]) if row is not None else None

    def save_source_cursor(self, origin: str, cursor: str) -> None:
        try:
            self._save_cursor(origin, cursor)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_describe(exc)}") from exc

    def _save_cursor(self, origin: str, cursor: str) -> None:
        self._conn.execute(
            "INSERT INTO source_cursors(origin, cursor, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(origin) DO UPDATE SET cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (origin, cursor, _now()),
        )


_MERGEABLE = frozenset(CONTACT_FIELDS)


def database_companions(path: Path) -> tuple[Path, Path]:
    """The files SQLite keeps beside a WAL database, which nothing else may open either."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


@dataclass
class ImportIndex:
    """What an import matches rows against; the importer keeps it current as it adds."""

    next_id: int
    by_number: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    by_email: dict[str, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    # (name, company) casefolded: how a contact with neither number nor email is recognised
    by_identity: dict[tuple[str, str], set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class LoggedCall:
    """One call in the history, with the contact it belongs to (None: nobody we know)."""

    id: int
    attempt: Attempt
    contact: Contact | None
    source: str  # what reported it: a softphone log, a hook, an import


@dataclass(frozen=True)
class NearCall:
    """A logged call close in time to another report of a call (Store.calls_near)."""

    id: int
    source: str
    call_key: str
    outcome: Outcome

    @property
    def from_hook(self) -> bool:
        return self.call_key.startswith(HOOK_KEY_PREFIX)


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    label: str
    contacts_removed: int = 0
    numbers_removed: int = 0
    fields_restored: int = 0
    already_undone: bool = False
    source: str = ""  # the file's path (DEMO_BATCH_SOURCE for the demo book)
    created_at: int = 0  # when it was imported, Unix time
    numbers_off_kept: int = 0  # of numbers_removed, those taken off contacts that stay

    def summary(self, now: datetime | None = None) -> str:
        """For people: "Removed 12 contacts imported from prospects.csv on 3 Dec."."""
        record = BatchRecord(self.batch_id, self.label, self.source,
                             _from_epoch(self.created_at))  # fmt: skip
        return undo_sentence(
            record, now or datetime.now().astimezone(), contacts=self.contacts_removed,
            numbers=self.numbers_removed, fields=self.fields_restored,
            already=self.already_undone, numbers_off_kept=self.numbers_off_kept,
        )  # fmt: skip


def _statements(script: str) -> list[str]:
    # A trigger body holds semicolons of its own; sqlite3 says where a statement really ends.
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        statements.append(pending.strip())
    return statements


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
        last_contacted=_from_epoch(last) if isinstance(last, int) else None,
        attempts=attempts,
        demo=bool(demo),
    )  # fmt: skip


def _in_contact(attempt: Attempt) -> bool:
    """Whether a call counts as contact: not a missed one, nor one that only rang."""
    if attempt.outcome is Outcome.MISSED:
        return False
    return not (attempt.direction is Direction.IN and attempt.outcome is Outcome.UNKNOWN)


def _window(start: object, end: object) -> tuple[datetime | None, datetime | None]:
    if isinstance(start, int) and isinstance(end, int):
        return _from_epoch(start), _from_epoch(end)
    return None, None


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _now() -> int:
    return int(time.time())


def _is_query_error(exc: sqlite3.OperationalError) -> bool:
    """FTS5 refusing a query (as opposed to the database failing)."""
    text = str(exc)
    return text.startswith("fts5:") or "malformed MATCH" in text


def _describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the database is locked by another program ({text}); nothing was changed"
    if "not a database" in text or "malformed" in text:
        return f"the file is not a CallerCard database or is damaged ({text})"
    return text
