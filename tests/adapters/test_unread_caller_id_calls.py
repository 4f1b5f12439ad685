"""A call whose caller ID is not a number the rep's region can read ("030 90182013" on a US
rep, a PBX extension, a SIP address, "Reception") is in the history like any other: with the
caller ID as received, once however many sources report it. It used to pop a card and be
forgotten ("not recording a call from ...")."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from desktop.core.dialects.end_of_call import history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Direction, Outcome
from desktop.core.numbers import NumberPolicy

NOW = datetime.now(UTC).replace(microsecond=0)
BERLIN = "030 90182013"  # a German number written nationally: not a number under US
VERSION_BEFORE = 18  # the schema without attempts.caller_id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def history_for(store: Store) -> CallHistory:
    """A CallHistory of its own: as the hook's process or a restarted app has, remembering no
    ring of this session."""
    return CallHistory(store, CallerLookup(store, NumberPolicy("US"), default_opener_templates()))


def hook(state: CallState, number: str, *, at: datetime = NOW, name: str = "") -> CallEvent:
    """What `callercard ring`/`end` hands the history (desktop.core.ring_input)."""
    return CallEvent("hook", Direction.IN, state, number, name, at,
                     call_key=hook_call_key(number), hook=True)  # fmt: skip


def softphone_log(number: str, *, answered: bool, at: datetime = NOW, name: str = "",
                  key: str = "k1") -> CallEvent:  # fmt: skip
    return history_event(
        source="microsip", direction=Direction.IN, answered=answered, number=number, name=name,
        started=at, ended=at + timedelta(seconds=30), key=key, where="microsip.ini [Calls]",
    )  # fmt: skip


def rows(store: Store) -> list[tuple[str | None, str, str, str]]:
    """(E.164, caller ID, outcome, caller ID name) of every call, oldest first."""
    return [(c.attempt.number_e164, c.attempt.caller_id, c.attempt.outcome.value,
             c.attempt.caller_name) for c in reversed(store.calls())]  # fmt: skip


@pytest.mark.parametrize("caller_id", [BERLIN, "12345", "sip:front-desk@pbx", "Reception"])
def test_a_hooks_missed_call_from_a_caller_id_we_cannot_read_is_kept_as_received(
    store: Store, caller_id: str
) -> None:
    """Ring and end each from a process of their own, as a softphone runs its hooks."""
    assert history_for(store).record(hook(CallState.RINGING, caller_id)) is not None
    end = hook(CallState.MISSED, caller_id, at=NOW + timedelta(seconds=9))
    ended = history_for(store).record(end)

    assert ended is not None and ended.outcome is Outcome.MISSED
    assert rows(store) == [(None, caller_id, "missed", "")]
    assert [c.attempt.caller_id for c in store.calls(outcome=Outcome.MISSED)] == [caller_id]


def test_a_softphones_log_of_such_a_call_keeps_its_caller_id_and_name(store: Store) -> None:
    recorded = history_for(store).record(softphone_log("12345", answered=True, name="Front Desk"))

    assert recorded is not None and recorded.outcome is Outcome.TALKED
    assert recorded.wrap_up  # an answered call: the rep can note how it went, as for any
    assert rows(store) == [(None, "12345", "talked", "Front Desk")]


def test_the_hooks_ring_and_the_softphones_log_of_one_such_call_are_one_row(
    store: Store,
) -> None:
    """The hook sent the caller ID spaced, the log wrote it as a SIP address: one caller."""
    history = history_for(store)
    history.record(hook(CallState.RINGING, BERLIN))
    history.record(hook(CallState.ENDED, BERLIN, at=NOW + timedelta(seconds=20)))
    history_for(store).record(softphone_log("sip:03090182013@pbx.example", answered=False,
                                            at=NOW + timedelta(seconds=2)))  # fmt: skip

    # The log is the richer source: it says the call was missed, where the hook said answered.
    assert rows(store) == [(None, BERLIN, "missed", "")]


def test_a_hooks_ring_after_the_softphone_logged_the_call_adds_nothing(store: Store) -> None:
    history_for(store).record(softphone_log("front-desk", answered=False))
    assert history_for(store).record(hook(CallState.RINGING, "sip:Front-Desk@pbx",
                                          at=NOW + timedelta(seconds=3))) is None  # fmt: skip
    assert rows(store) == [(None, "front-desk", "missed", "")]


def test_two_unreadable_callers_at_once_and_a_withheld_one_are_three_calls(
    store: Store,
) -> None:
    """"Reception" and a withheld caller key alike in a hook (no digits): their rows, and
    their ends, stay apart in the history."""
    history_for(store).record(hook(CallState.RINGING, "Reception"))
    history_for(store).record(hook(CallState.RINGING, "anonymous", at=NOW + timedelta(seconds=1)))
    history_for(store).record(hook(CallState.RINGING, "12345", at=NOW + timedelta(seconds=2)))
    history_for(store).record(hook(CallState.MISSED, "anonymous", at=NOW + timedelta(seconds=5)))
    history_for(store).record(hook(CallState.ENDED, "12345", at=NOW + timedelta(seconds=6)))

    assert rows(store) == [(None, "Reception", "", ""), (None, "", "missed", ""),
                           (None, "12345", "talked", "")]  # fmt: skip


def test_an_end_from_another_caller_id_does_not_finish_such_a_call(store: Store) -> None:
    history_for(store).record(hook(CallState.RINGING, "12345"))
    end = hook(CallState.MISSED, "12346", at=NOW + timedelta(seconds=4))
    ended = history_for(store).record(end)

    assert ended is None
    assert rows(store) == [(None, "12345", "", "")]


def test_readable_and_withheld_calls_keep_no_caller_id(store: Store) -> None:
    history_for(store).record(softphone_log("+14155550142", answered=False, key="a"))
    history_for(store).record(softphone_log("anonymous", answered=False, key="b"))
    assert rows(store) == [("+14155550142", "", "missed", ""), (None, "", "missed", "")]


def test_a_database_of_the_previous_schema_is_migrated_and_then_keeps_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:VERSION_BEFORE]:
        conn.executescript(migration)
    conn.execute(f"PRAGMA user_version={VERSION_BEFORE}")
    conn.execute("INSERT INTO attempts(number_e164, direction, at, outcome, source, call_key) "
                 "VALUES (NULL, 'in', ?, 'missed', 'microsip', 'old@1')",
                 (int(NOW.timestamp()) - 3600,))  # fmt: skip
    conn.commit()
    conn.close()

    store = Store.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION > VERSION_BEFORE
        assert rows(store) == [(None, "", "missed", "")]  # a withheld caller, as it was
        history_for(store).record(hook(CallState.RINGING, BERLIN))
        assert rows(store)[-1] == (None, BERLIN, "", "")
    finally:
        store.close()


def test_a_caller_id_that_is_no_number_counts_its_missed_calls_since_one_was_answered(
    store: Store,
) -> None:
    # What its missed card says after the card of an earlier call was dismissed ("(2 tries)"):
    # from the history, however the phone spelled the caller ID each time.
    history = history_for(store)
    calls = [("sip:Reception@pbx", False), ("Reception", True), ("reception", False),
             ("Reception <sip:reception@pbx>", False), ("Front Desk", False)]  # fmt: skip
    for n, (caller_id, answered) in enumerate(calls):
        at = NOW - timedelta(minutes=50 - 10 * n)
        history.record(hook(CallState.RINGING, caller_id, at=at))
        history.record(hook(CallState.ENDED if answered else CallState.MISSED, caller_id,
                            at=at + timedelta(seconds=20)))  # fmt: skip
    assert store.unread_missed_tries("Reception", NOW) == 2  # the one before the answer not
    assert store.unread_missed_tries("front desk", NOW) == 1
    assert store.unread_missed_tries("nobody", NOW) == 1
