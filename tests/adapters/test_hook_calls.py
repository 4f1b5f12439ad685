"""Calls a ring/end hook reports are logged once each: the ring logs the call, the end says how
it went, and the same call read from the softphone's own log is one attempt, with the log's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import SAME_CALL_S, CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.dialects.end_of_call import history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.withheld_calls import TOLD_APART, WITHHELD_KEY

NOW = datetime.now(UTC).replace(microsecond=0)
JANE = "+14155550123"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


@pytest.fixture
def jane(store: Store) -> int:
    return store.add_contact(
        NewContact("Jane Doe", company="Acme", numbers=(StoredNumber("(415) 555-0123", JANE),))
    )


def history_for(store: Store) -> CallHistory:
    return CallHistory(store, CallerLookup(store, NumberPolicy("US"), default_opener_templates()))


@pytest.fixture
def history(store: Store) -> CallHistory:
    return history_for(store)


def hook(state: CallState, *, at: datetime = NOW, number: str = JANE,
         key: str = "") -> CallEvent:  # fmt: skip
    return CallEvent("microsip", Direction.IN, state, number, "", at,
                     call_key=key or f"hook:{number}", hook=True)  # fmt: skip


def microsip_log(*, answered: bool, at: datetime = NOW) -> CallEvent:
    return history_event(
        source="microsip", direction=Direction.IN, answered=answered, number=JANE, name="Jane",
        started=at, ended=at + timedelta(seconds=50), key="k1", where="microsip.ini [Calls]",
    )


def calls(store: Store) -> list[tuple[object, ...]]:
    return [(c.attempt.outcome.value, c.contact.id if c.contact else None, c.source)
            for c in store.calls()]  # fmt: skip


def last_contacted(store: Store, contact_id: int) -> object:
    contact = store.contact(contact_id)
    assert contact is not None
    return contact.last_contacted


def test_a_hook_ring_and_end_is_one_answered_call_that_counts_as_contact(
    store: Store, history: CallHistory, jane: int
) -> None:
    assert history.record(hook(CallState.RINGING)) is not None
    assert calls(store) == [("", jane, "microsip")]  # rang: neither taken nor missed yet
    assert last_contacted(store, jane) is None

    history.record(hook(CallState.ENDED, at=NOW + timedelta(minutes=3)))

    assert calls(store) == [("talked", jane, "microsip")]
    assert last_contacted(store, jane) == NOW  # the call's start


def test_end_missed_logs_a_missed_call_that_is_not_contact(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(hook(CallState.RINGING))
    history.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=20)))

    assert calls(store) == [("missed", jane, "microsip")]
    assert last_contacted(store, jane) is None


def test_a_ring_whose_end_comes_after_a_restart_is_finished_not_repeated(
    store: Store, jane: int
) -> None:
    history_for(store).record(hook(CallState.RINGING))
    again = history_for(store)  # the app restarted between the ring and the end
    again.record(hook(CallState.RINGING))  # the journal replays the ring
    again.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=30)))

    assert calls(store) == [("missed", jane, "microsip")]


def test_the_same_number_calling_again_later_is_a_second_call(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(hook(CallState.RINGING))
    history.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=5)))
    history.record(hook(CallState.RINGING, at=NOW + timedelta(seconds=8)))
    history.record(hook(CallState.ENDED, at=NOW + timedelta(minutes=2)))

    assert calls(store) == [("talked", jane, "microsip"), ("missed", jane, "microsip")]


def test_the_hook_and_the_softphone_log_report_one_call_once_with_the_logs_outcome(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(hook(CallState.RINGING, at=NOW + timedelta(seconds=1)))
    history.record(hook(CallState.ENDED, at=NOW + timedelta(seconds=40)))  # plain end: "talked"
    # MicroSIP's log knows better: nobody answered. Read twice (a restart): still one call.
    history.record(microsip_log(answered=False))
    history_for(store).record(microsip_log(answered=False))

    assert calls(store) == [("missed", jane, "microsip")]
    assert store.calls()[0].attempt.at == NOW  # the log's start time
    assert last_contacted(store, jane) is None


def test_a_hook_ring_after_the_softphone_logged_the_call_adds_nothing(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(microsip_log(answered=True))
    assert history.record(hook(CallState.RINGING, at=NOW + timedelta(seconds=2))) is None
    assert history.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=60))) is None

    assert calls(store) == [("talked", jane, "microsip")]


def test_a_hook_end_after_the_log_took_the_call_over_keeps_the_logs_outcome(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(hook(CallState.RINGING))
    history.record(microsip_log(answered=True))
    history.record(hook(CallState.MISSED, at=NOW + timedelta(minutes=1)))

    assert calls(store) == [("talked", jane, "microsip")]


def test_calls_further_apart_than_the_window_are_not_merged(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(hook(CallState.RINGING, at=NOW + timedelta(seconds=SAME_CALL_S + 5)))
    history.record(microsip_log(answered=True))

    assert len(calls(store)) == 2


def test_an_end_without_a_logged_ring_logs_nothing(store: Store, history: CallHistory) -> None:
    assert history.record(hook(CallState.ENDED)) is None
    assert calls(store) == []


def test_a_withheld_caller_and_a_stranger_are_logged_too(
    store: Store, history: CallHistory
) -> None:
    history.record(hook(CallState.RINGING, number="anonymous"))
    history.record(hook(CallState.MISSED, number="anonymous", at=NOW + timedelta(seconds=9)))
    history.record(hook(CallState.RINGING, number="+14155550199"))

    assert calls(store) == [("", None, "microsip"), ("missed", None, "microsip")]


def test_a_hooks_answered_call_asks_for_one_wrap_up_when_it_ends(
    store: Store, history: CallHistory, jane: int
) -> None:
    rang = history.record(hook(CallState.RINGING))
    assert rang is not None and rang.wrap_up is False
    ended = history.record(hook(CallState.ENDED, at=NOW + timedelta(minutes=3)))
    assert ended is not None and ended.wrap_up is True
    # The softphone's log of the same call takes the row over: no second wrap-up.
    taken = history.record(microsip_log(answered=True))
    assert taken is not None and taken.wrap_up is False and taken.attempt_id == ended.attempt_id


@pytest.mark.parametrize(
    ("hook_ms", "app_ms"), [(300, 302), (-1, 1), (1, -1)], ids=["same second", "next", "previous"]
)
def test_a_late_ring_whose_hook_recorded_and_finished_the_call_adds_no_row(
    store: Store, history: CallHistory, jane: int, hook_ms: int, app_ms: int
) -> None:
    """The app read the ring after its hook recorded it, and its end: the app's write of that
    ring (at the same stamp, worked out in another process to within a ms or two, so on a
    second's edge in the next second or the one before) finds the call."""
    by_hook = history_for(store)
    rang = hook(CallState.RINGING, at=NOW + timedelta(milliseconds=hook_ms))
    by_hook.record(replace(rang, late=True))
    by_hook.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=20)))

    late = replace(hook(CallState.RINGING, at=NOW + timedelta(milliseconds=app_ms)), late=True)
    assert history.record(late) is None
    assert calls(store) == [("missed", jane, "microsip")]


def test_a_late_ring_the_hook_could_not_write_is_the_apps_one_row_and_its_end_finishes_it(
    store: Store, history: CallHistory, jane: int
) -> None:
    assert history.record(replace(hook(CallState.RINGING), late=True)) is not None
    # The hook's write, once the import let go of the database: the same call.
    assert history_for(store).record(replace(hook(CallState.RINGING), late=True)) is None
    history.record(hook(CallState.MISSED, at=NOW + timedelta(seconds=20)))
    assert calls(store) == [("missed", jane, "microsip")]


def test_a_withheld_late_ring_the_app_keyed_apart_is_the_hooks_call_too(
    store: Store, history: CallHistory
) -> None:
    """The app keyed the late withheld card apart ("hook:~2": another withheld card was up);
    its hook, knowing nothing of that, writes it as "hook:" after the app did."""
    app_row = replace(hook(CallState.RINGING, number="", key=f"{TOLD_APART}2"), late=True)
    assert history.record(app_row) is not None
    by_hook = replace(hook(CallState.RINGING, number="", key=WITHHELD_KEY), late=True)
    assert history_for(store).record(by_hook) is None
    assert calls(store) == [("", None, "microsip")]


def test_two_withheld_callers_the_app_keyed_apart_in_one_second_are_two_calls(
    store: Store, history: CallHistory
) -> None:
    history.record(hook(CallState.RINGING, number="", key=WITHHELD_KEY))
    history.record(hook(CallState.RINGING, number="", key=f"{TOLD_APART}2"))
    assert calls(store) == [("", None, "microsip"), ("", None, "microsip")]


@pytest.mark.parametrize("first_late", [False, True], ids=["first on time", "first late"])
def test_two_withheld_callers_half_a_second_apart_are_two_calls_however_late_one_was_read(
    store: Store, history: CallHistory, first_late: bool
) -> None:
    """A withheld ring written late was taken for any withheld caller's ringing within its
    second: the second caller's call, written by its hook, was never in the history."""
    first = hook(CallState.RINGING, at=NOW + timedelta(seconds=0.2), number="", key=WITHHELD_KEY)
    second = hook(CallState.RINGING, at=NOW + timedelta(seconds=0.7), number="",
                  key=WITHHELD_KEY)  # fmt: skip
    assert history.record(replace(first, late=first_late)) is not None
    assert history_for(store).record(replace(second, late=True)) is not None  # by its hook
    # The app reads it late too, and keys it apart (the first caller's card is up): the
    # same ring, written twice, is one call.
    app_row = replace(second, call_key=f"{TOLD_APART}2", late=True)
    assert history.record(app_row) is None
    assert calls(store) == [("", None, "microsip"), ("", None, "microsip")]


def test_one_withheld_ring_read_late_by_its_hook_and_by_the_app_is_one_call_across_a_ms(
    store: Store, history: CallHistory
) -> None:
    # Each process works the ring's wall time out from its hook's monotonic stamp, a few µs
    # apart: here on either side of a ms.
    rang = NOW + timedelta(microseconds=123_499)
    app_row = hook(CallState.RINGING, at=rang, number="", key=f"{TOLD_APART}2")
    assert history.record(replace(app_row, late=True)) is not None
    by_hook = hook(CallState.RINGING, at=rang + timedelta(microseconds=3), number="",
                   key=WITHHELD_KEY)  # fmt: skip
    assert history_for(store).record(replace(by_hook, late=True)) is None
    assert calls(store) == [("", None, "microsip")]
