"""The connection every part of the Store works through: opening the file, migrations,
transactions.

It owns no table: PRAGMA user_version records which of schema.py's migrations have run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Self

from desktop.adapters.paths import keep_private
from desktop.adapters.regular_file import require_regular_by_name
from desktop.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.given_names import caller_id_given_name, given_name, same_given_name
from desktop.core.internal_extension import extension_digits
from desktop.core.search_query import fold

BUSY_TIMEOUT_MS = 3000
# The page cache of a connection that lives as long as the app (the GUI's lookups) is resident
# memory for the whole session, and random callers fill it within a few dozen rings. 1 MB
# keeps the hot index pages; a lookup's other pages come back from the OS's file cache in
# microseconds. A ring's lookup measured the same with 256 KB, 2 MB and 64 MB (cold, as rings
# are: 0.19-0.23 ms at 100k contacts); 2 MB held 1 MB more after 500 rings.
RESIDENT_CACHE_MB = 1.0
# Disk: a -wal file stays as large as the largest transaction made it (a 50 MB import left one
# of 288 MB) unless SQLite may cut it back to this after a checkpoint; and the pages an undone
# import frees go back to the file system only with incremental auto-vacuum (new databases get
# it; `callercard compact` converts an older one).
WAL_KEPT_BYTES = 4 * 1024 * 1024
# How long giving space back waits for a reader (a ring's lookup) before it leaves the -wal
# file for the next checkpoint: the import or undo it follows is done and must not hang on it.
SPACE_WAIT_MS = 200


def _folded(text: object) -> str:
    return fold(text) if isinstance(text, str) else ""


def _extension_digits(text: object) -> str:
    return extension_digits(text) if isinstance(text, str) else ""


def _given_name_for(name: object, word: object) -> bool:
    return (isinstance(name, str) and isinstance(word, str)
            and same_given_name(word, caller_id_given_name(fold(name))))  # fmt: skip


def _contact_given_name_for(name: object, word: object) -> bool:
    return (isinstance(name, str) and isinstance(word, str)
            and same_given_name(word, given_name(fold(name))))  # fmt: skip


class StoreError(Exception):
    """The database could not do what was asked; the message says which file and why."""


def held_by_another(exc: StoreError) -> bool:
    """Whether `exc` only says another process held the write lock past the busy wait (an
    import holds it for the whole file): what waiting it out, or leaving the work in the hooks'
    inbox, mends."""
    cause = exc.__cause__
    return isinstance(cause, sqlite3.OperationalError) and (
        "locked" in str(cause) or "busy" in str(cause)
    )


class Database:
    """The connection and its path; each part of the Store subclasses it."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, cache_mb: float = 16) -> Self:
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
            if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                # A new file only: on one in use, setting it waits for the write lock.
                conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA journal_size_limit={WAL_KEPT_BYTES}")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size=-{round(cache_mb * 1024)}")
            # folded(text): case and accents folded as the search index folds them, for text
            # that has no index of its own (a caller ID's name: "JOSÉ" found by "jose").
            conn.create_function("folded", 1, _folded, deterministic=True)
            # extension_digits(text): a colleague's extension ("3103" of "x3103" or
            # "sip:3103@pbx"), else '', by desktop.core.internal_extension's one rule, for
            # rows kept before that rule (migration 22) and calls logged as text.
            conn.create_function("extension_digits", 1, _extension_digits, deterministic=True)
            # given_name_for(name, word): whether a caller ID name's given name is another form
            # of the given name `word` ("MICHAEL B", "BRANDT MICHAEL" for "mike"), by
            # desktop.core.given_names' rule for caller IDs.
            conn.create_function("given_name_for", 2, _given_name_for, deterministic=True)
            # contact_given_name_for(name, word): the same for a contact's name, whose given
            # name stands first or after a surname's comma ("Michael Brandt" for "mike").
            conn.create_function("contact_given_name_for", 2, _contact_given_name_for,
                                 deterministic=True)  # fmt: skip
            store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: {describe(exc)}") from exc
        # SQLite creates the -wal and -shm files with the database's own mode, so private
        # from here on; the data directory is 0700 besides.
        keep_private(path, *database_companions(path))
        return store

    def close(self) -> None:
        self._conn.close()

    def set_busy_timeout(self, milliseconds: int) -> None:
        """How long a write waits for another process's write lock before StoreError."""
        self._conn.execute(f"PRAGMA busy_timeout={int(milliseconds)}")

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer CallerCard (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); refusing to touch it"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                # Read again under the write lock: another process opening the same file at
                # the same moment (the app's first start and a hook, or both after an
                # upgrade) may have run this migration since, and running it twice failed
                # with "table ... already exists" in 9 of 10 tries of three at once.
                if self.schema_version >= target:
                    continue
                for statement in _statements(MIGRATIONS[target - 1]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version={target}")

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work: everything inside commits together or not at all.

        Inside another one it joins it: a followed file's re-import undoes the file's previous
        batch and imports the new one in a single transaction (importing/following.py)."""
        if self._conn.in_transaction:
            yield
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def give_back_space(self) -> None:
        """After a bulk change (an import, an undo): the free pages go back to the file system
        and the -wal file is emptied, unless a reader is using it (then the next checkpoint
        does it). Nothing inside a transaction: the one this joins does it when it is done."""
        if self._conn.in_transaction:
            return
        try:
            # Each step of this pragma frees one page, and execute() steps once: only
            # executescript() runs it to the end.
            self._conn.executescript("PRAGMA incremental_vacuum;")
            self.set_busy_timeout(SPACE_WAIT_MS)
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                self.set_busy_timeout(BUSY_TIMEOUT_MS)
        except sqlite3.Error:
            pass  # busy, locked, or the disk full: space is a nicety, never the change's failure

    def disk_size(self) -> int:
        """The database and its -wal file together, in bytes: what it takes on disk."""
        total = 0
        for part in (self.path, database_companions(self.path)[0]):
            with suppress(OSError):
                total += part.stat().st_size
        return total

    def compact(self) -> int:
        """Rewrite the database without its free pages (VACUUM), converting an older file to
        incremental auto-vacuum on the way; returns its disk_size after."""
        try:
            self._conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot compact the database ({describe(exc)})") from exc
        return self.disk_size()

    def _rollback(self) -> None:
        # A full disk (or an I/O error) makes SQLite roll the transaction back by itself: a
        # ROLLBACK then fails with "no transaction is active", hiding why the write failed.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    @property
    def connection(self) -> sqlite3.Connection:
        """For bulk loaders and benchmarks that need executemany speed."""
        return self._conn

    def _max_id(self, table: str) -> int:
        row = self._conn.execute(
            f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608 (callers pass constants)
        ).fetchone()
        return int(row[0])


def database_companions(path: Path) -> tuple[Path, Path]:
    """The files SQLite keeps beside a WAL database, which nothing else may open either."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


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


def describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the database is locked by another program ({text}); nothing was changed"
    if "disk is full" in text:
        return f"the disk is full ({text}); nothing was changed"
    if "not a database" in text or "malformed" in text:
        return f"the file is not a CallerCard database or is damaged ({text})"
    return text
