"""A "call them back by" the rep promised stays open until a call out reaches the contact
or the rep says it is done: the contact calling about something else does not settle it,
and it counts as due only from its day on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters.callbacks import count_due, load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.adapters.write_journal import SaveWrapUp, job_from_json, job_to_json
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section, parse_window
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
MIKE = "+14155550110"
H = timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def call(store: Store, cid: int, direction: Direction, at: datetime, outcome: Outcome) -> int:
    attempt = Attempt(direction, at, outcome, number_e164=MIKE)
    attempt_id = store.record_call(cid, attempt, "test", f"test:{MIKE}@{int(at.timestamp())}")
    assert attempt_id is not None
    return attempt_id


def promised(store: Store) -> tuple[int, int]:
    """Mike called, and the wrap-up said "Call them back by tomorrow 10:00"."""
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    first = call(store, mike, Direction.IN, NOW - H, Outcome.TALKED)
    by = parse_window("tomorrow 10:00", NOW, deadline=True, cycle="24h")
    assert by is not None
    assert store.save_wrap_up(first, Outcome.TALKED, "Wants 3-year pricing by Friday", "",
                              (by.start, by.end))  # fmt: skip
    return mike, first


def listed(store: Store, now: datetime) -> list[tuple[Section, str, bool]]:
    return [(e.item.section, e.item.detail, e.item.due)
            for e in load_callbacks(store, now, BusinessHours(), "24h")]  # fmt: skip


def test_their_next_answered_call_leaves_the_promise_open_and_shows_it(store: Store) -> None:
    mike, _first = promised(store)
    second = call(store, mike, Direction.IN, NOW, Outcome.TALKED)  # about something else

    assert listed(store, NOW) == [
        (Section.WAITING_FOR_US, "Call them back by 10:00 tomorrow", False)]
    promise = store.open_promise(second)
    assert promise is not None and not promise.done
    assert promise.text(NOW) == "Call them back by 10:00 tomorrow · Wants 3-year pricing by Friday"

    # Kept in the wrap-up (the default): it stays, and the next call shows it again
    assert store.save_wrap_up(second, Outcome.TALKED, "asked about the invoice", "")
    assert [s for s, _d, _due in listed(store, NOW)] == [Section.WAITING_FOR_US]
    third = call(store, mike, Direction.IN, NOW + H, Outcome.TALKED)
    assert store.open_promise(third) is not None


def test_done_in_a_later_wrap_up_settles_it_and_reopens_checked(store: Store) -> None:
    mike, _first = promised(store)
    second = call(store, mike, Direction.IN, NOW, Outcome.TALKED)
    assert store.save_wrap_up(second, Outcome.TALKED, "sent him the pricing", "",
                              promise_done=True)  # fmt: skip

    assert listed(store, NOW + 24 * H) == []
    assert count_due(store, NOW + 24 * H) == 0
    reopened = store.open_promise(second)  # Recent calls' Wrap-up… of that call
    assert reopened is not None and reopened.done
    assert store.open_promise(call(store, mike, Direction.IN, NOW + H, Outcome.TALKED)) is None


def test_a_call_out_that_reached_them_keeps_it_one_that_rang_out_does_not(
    store: Store,
) -> None:
    mike, _first = promised(store)
    call(store, mike, Direction.OUT, NOW, Outcome.NO_ANSWER)
    later = call(store, mike, Direction.IN, NOW + H, Outcome.TALKED)
    assert store.open_promise(later) is not None
    call(store, mike, Direction.OUT, NOW + 2 * H, Outcome.TALKED)
    assert listed(store, NOW + 3 * H) == []
    assert store.open_promise(call(store, mike, Direction.IN, NOW + 4 * H,
                                   Outcome.TALKED)) is None  # fmt: skip


def test_a_promise_for_tomorrow_is_waiting_today_and_due_tomorrow(store: Store) -> None:
    promised(store)
    assert count_due(store, NOW) == 0
    assert listed(store, NOW) == [
        (Section.WAITING_FOR_US, "Call them back by 10:00 tomorrow", False)]
    morning = NOW.replace(hour=0, minute=1) + 24 * H
    assert count_due(store, morning) == 1
    assert listed(store, morning) == [
        (Section.WAITING_FOR_US, "Call them back by 10:00 today", True)]
    assert count_due(store, NOW + 24 * H) == 1  # overdue: still due


def test_a_promise_for_later_today_is_due_at_once(store: Store) -> None:
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    answered = call(store, mike, Direction.IN, NOW - H, Outcome.TALKED)
    by = parse_window("by 17:00", NOW, deadline=True)
    assert by is not None
    assert store.save_wrap_up(answered, Outcome.TALKED, "", "", (by.start, by.end))
    assert count_due(store, NOW) == 1
    assert [due for _s, _d, due in listed(store, NOW)] == [True]


def test_a_journalled_wrap_up_keeps_done() -> None:
    job = SaveWrapUp(7, Outcome.TALKED, "m", "r", None, "Sam", promise_done=True)
    assert job_from_json(job_to_json(job)) == job
    old = job_to_json(SaveWrapUp(7, Outcome.TALKED, "m", "r"))
    del old["promise_done"]  # written before a wrap-up could say a promise is done
    assert job_from_json(old) == SaveWrapUp(7, Outcome.TALKED, "m", "r")


def test_a_call_out_nobody_said_the_outcome_of_keeps_it_until_its_wrap_up_does(
    store: Store,
) -> None:
    """h-rep6: a call back logged as 'Called' (its wrap-up skipped, or a hook's dial with no
    end) took the promise out of Callbacks though the database never said it reached them."""
    mike, _first = promised(store)
    called = call(store, mike, Direction.OUT, NOW, Outcome.UNKNOWN)

    assert listed(store, NOW + H) == [(Section.WAITING_FOR_US,
        "Call them back by 10:00 tomorrow · Called 10:30, outcome not logged", False)]  # fmt: skip
    later = call(store, mike, Direction.IN, NOW + 2 * H, Outcome.TALKED)
    assert store.open_promise(later) is not None  # their next call's wrap-up says it too

    # Recent calls' Wrap-up… of the call back: it reached them.
    assert store.save_wrap_up(called, Outcome.TALKED, "sent the 3-year pricing", "")
    assert listed(store, NOW + 3 * H) == []
    assert count_due(store, NOW + 24 * H) == 0
