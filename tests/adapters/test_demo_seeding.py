"""The demo book comes only into a new book: once, and never over the rep's own calls."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.demo_seeding import seed_demo_if_new
from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def test_a_new_book_gets_the_demo_once(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    assert seed_demo_if_new(store, NOW)
    demo = store.count_contacts()
    assert demo == store.demo_contact_count() > 0
    assert not seed_demo_if_new(store, NOW)  # the next start: not twice
    assert store.count_contacts() == demo
    store.close()


def test_calls_a_hook_recorded_before_the_first_start_make_it_the_reps_own_book(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    store.record_call(None, Attempt(Direction.IN, NOW, number_e164="+14155550100"), "hook",
                      "hook:1")  # fmt: skip
    assert not seed_demo_if_new(store, NOW)
    assert store.count_contacts() == 0
    store.close()
