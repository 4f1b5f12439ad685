"""The search indexes: the FTS5 tables `contact_search` and `number_search` of schema.py's
migration 2, and `search_state`.

Triggers keep the indexes in step with single edits. Bulk loads defer that work
(deferred_search_index) and index what they added in one statement, or chunk by chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from desktop.adapters.store.connection import Database
from desktop.core.search_query import TEXT_COLUMNS

_SEARCH_COLUMNS = ", ".join([*TEXT_COLUMNS, "facets"])


class SearchIndex(Database):
    @contextmanager
    def deferred_search_index(self, catch_up: bool = True) -> Iterator[None]:
        """For bulk loads: contacts and numbers added inside skip the per-row index triggers
        and are indexed in one statement on the way out. Use it inside the load's transaction
        (`with store.transaction(), store.deferred_search_index(): ...`) so that a failed load
        rolls the deferral back with the rows. Without `catch_up` they are left unindexed, the
        deferral on: the caller calls catch_up_search_index() before its transaction ends."""
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
        if catch_up:
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

    def renumber_numbers(self, moves: list[tuple[int, int]]) -> None:
        """Give phone number rows other ids, (from, to) each, `to` free: every column kept, the
        search index in step (a followed file's numbers getting their rows' ids back). Inside
        a deferred load the triggers index nothing new: a row is in the index when its id is
        at or below the mark, so one moved there is indexed here and one moved above it by the
        load's catch-up, each once, where the triggers outside one delete and add an entry."""
        if not moves:
            return
        rest = [str(row[1]) for row in self._conn.execute("PRAGMA table_info(phone_numbers)")
                if row[1] != "id"]  # fmt: skip
        pairs = json.dumps(moves)
        self._conn.execute(
            f"INSERT INTO phone_numbers(id, {', '.join(rest)}) SELECT m.value ->> 1, "  # noqa: S608
            f"{', '.join(f'p.{name}' for name in rest)} FROM json_each(?) m "
            "JOIN phone_numbers p ON p.id = m.value ->> 0",
            (pairs,),
        )
        self._conn.execute(
            "DELETE FROM phone_numbers WHERE id IN (SELECT value ->> 0 FROM json_each(?))",
            (pairs,),
        )
        (mark,) = self._conn.execute("SELECT numbers_deferred_from FROM search_state").fetchone()
        if mark is not None:
            self._conn.execute(
                "INSERT INTO number_search(rowid, digits) SELECT id, digits FROM "
                "number_search_source WHERE id IN (SELECT value FROM json_each(?)) AND id <= ?",
                (json.dumps([to_id for _from, to_id in moves]), mark),
            )

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
