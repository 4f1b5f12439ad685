"""Callbacks put off (core/put_off.py): `callbacks_put_off`, one row per entry snoozed.

Kept in the database, not in the window: it survives a restart, and `callercard callbacks`
in a terminal and the window of the running app read the same rows (Callbacks counts due
entries against it in SQL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

from desktop.adapters.store.connection import Database, StoreError, describe
from desktop.adapters.store.times import from_epoch, unix_now
from desktop.core.callbacks import Section
from desktop.core.put_off import PutOffKey

# A row whose time has come is not read again; it is dropped on the next write after this.
KEPT_AFTER = timedelta(days=1)


def who_of(key: PutOffKey) -> str:
    """The `who` column: "c:<contact id>", or "n:<E.164>" for a number nobody has."""
    return f"c:{key.contact_id}" if key.contact_id is not None else f"n:{key.number or ''}"


def numbers_keep_put_offs(
    conn: sqlite3.Connection, calls: Sequence[tuple[int, str, int]]
) -> None:
    """The Snoozes of calls (contact id, number, when) whose contact is going are kept under
    the call's number; put_offs_follow then moves them on with the call."""
    conn.executemany(
        "UPDATE OR REPLACE callbacks_put_off SET who = ?1 WHERE who = ?2 AND call_at = ?3",
        [(f"n:{e164}", f"c:{contact}", at) for contact, e164, at in calls],
    )


def put_offs_follow(conn: sqlite3.Connection, given: Sequence[tuple[int, int, int]]) -> None:
    """A Snooze kept under a call's number goes to the contact give_to_holders filed that call
    under (call id, contact id, when)."""
    conn.executemany(
        "UPDATE OR REPLACE callbacks_put_off SET who = ?1 WHERE call_at = ?3 AND who = "
        "(SELECT 'n:' || number_e164 FROM attempts WHERE id = ?2)",
        [(f"c:{heir}", call, at) for call, heir, at in given],
    )


class PutOff(Database):
    def put_off(self, key: PutOffKey, until: datetime, now: datetime) -> None:
        """The entry ``key`` is not due until ``until``; rows whose time came a while
        before ``now`` go."""
        try:
            with self.transaction():
                self._conn.execute(
                    "DELETE FROM callbacks_put_off WHERE until < ?",
                    (int((now - KEPT_AFTER).timestamp()),),
                )
                self._conn.execute(
                    "INSERT OR REPLACE INTO callbacks_put_off"
                    "(section, who, call_at, until, put_at) VALUES (?, ?, ?, ?, ?)",
                    (key.section.value, who_of(key), key.call_at, int(until.timestamp()),
                     unix_now()),
                )  # fmt: skip
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def take_back(self, key: PutOffKey) -> None:
        """The entry ``key`` is due again now."""
        try:
            with self.transaction():
                self._conn.execute(
                    "DELETE FROM callbacks_put_off WHERE section = ? AND who = ? AND call_at = ?",
                    (key.section.value, who_of(key), key.call_at),
                )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def put_off_until(self, now: datetime) -> dict[PutOffKey, datetime]:
        """Every entry still put off at ``now``, with until when."""
        rows = self._conn.execute(
            "SELECT section, who, call_at, until FROM callbacks_put_off WHERE until > ?",
            (int(now.timestamp()),),
        ).fetchall()
        found: dict[PutOffKey, datetime] = {}
        for section, who, call_at, until in rows:
            kind, _, value = str(who).partition(":")
            contact_id = int(value) if kind == "c" else None
            number = value if kind == "n" else None
            key = PutOffKey(Section(section), contact_id, number, int(call_at))
            found[key] = from_epoch(until)
        return found
