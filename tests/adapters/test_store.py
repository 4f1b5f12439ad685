from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.store import NewContact, Store, StoreError
from desktop.adapters.store.schema import SCHEMA_VERSION
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "data" / "cc.sqlite3")
    yield s
    s.close()


def mike(**extra: object) -> NewContact:
    fields: dict[str, object] = {
        "name": "Mike Kowalski",
        "company": "Harbor Freight",
        "reason": "the freight audit",
        "referred_by": "Harley Smith",
        "numbers": (StoredNumber("(415) 555-0142", "+14155550142", "", "work"),),
    }
    fields.update(extra)
    return NewContact(**fields)  # type: ignore[arg-type]


def test_new_database_is_private_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "cc.sqlite3"
    s = Store.open(path)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert s.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        s.close()


def test_contact_round_trip_with_attempts_newest_first(store: Store) -> None:
    with store.transaction():
        cid = store.add_contact(mike())
        store.add_attempt(cid, Attempt(Direction.OUT, NOW - timedelta(days=5), Outcome.NO_ANSWER))
        store.add_attempt(
            cid,
            Attempt(Direction.OUT, NOW - timedelta(days=1), Outcome.VOICEMAIL, "Left VM", "bid"),
        )
    [(contact, number)] = store.contacts_for_number("+14155550142")
    assert contact.name == "Mike Kowalski"
    assert contact.reason == "the freight audit"
    assert contact.referred_by == "Harley Smith"
    assert number.raw == "(415) 555-0142" and number.label == "work"
    assert [a.outcome for a in contact.attempts] == [Outcome.VOICEMAIL, Outcome.NO_ANSWER]
    assert contact.attempts[0].message == "Left VM"
    assert contact.last_contacted == NOW - timedelta(days=1)


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_contact(mike())
        raise RuntimeError("crash mid-import")
    assert store.count_contacts() == 0


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "cc.sqlite3"
    s = Store.open(path)
    with s.transaction():
        s.add_contact(mike())
    s.close()
    s = Store.open(path)
    assert s.count_contacts() == 1
    s.close()


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cc.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer CallerCard"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "cc.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=str(path)):
        Store.open(path)
    assert path.read_bytes().startswith(b"this is not sqlite"), "the file must not be touched"


def test_locked_database_says_so_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cc.sqlite3"
    s = Store.open(path)
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    s.connection.execute("PRAGMA busy_timeout=50")
    try:
        with pytest.raises(StoreError, match="locked"), s.transaction():
            s.add_contact(mike())
    finally:
        other.rollback()
        other.close()
    assert s.count_contacts() == 0
    s.close()


def test_undo_batch_removes_exactly_that_batch(store: Store) -> None:
    with store.transaction():
        store.add_contact(mike(name="Kept"))
        batch = store.create_batch("Import of a.csv")
        store.add_contact(mike(name="Imported"), batch)
    assert store.undo_batch(batch) == 1
    assert [c.name for c, _ in store.contacts_for_number("+14155550142")] == ["Kept"]
    assert store.undo_batch(batch) == 0, "undoing twice does nothing"


def test_simple_search_by_name_company_and_digits(store: Store) -> None:
    with store.transaction():
        store.add_contact(mike())
        store.add_contact(mike(name="Anna Berg", company="Nordic AB",
                               numbers=(StoredNumber("x", "+4687460000", "", ""),)))  # fmt: skip
    assert [c.name for c in store.search_simple("kowal")] == ["Mike Kowalski"]
    assert [c.name for c in store.search_simple("nordic")] == ["Anna Berg"]
    assert [c.name for c in store.search_simple("0142")] == ["Mike Kowalski"]
    assert store.search_simple("100%_") == []
