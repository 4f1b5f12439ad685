"""A "call them back by" stays in Callbacks when MicroSIP logs the call back as rung out (0 s),
read from a real microsip.ini through the source, the call history and the store (h-rep6:
the promise vanished as the log was written, before the call's wrap-up was answered)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory, Recorded
from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.sources.microsip import MicroSipSource
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.dialects.microsip import CallType
from desktop.core.events import CallState
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from tests.adapters.recorder import EventRecorder
from tests.softphone_writers import encode_ini, render_call, render_ini

ANNA = "+493090182011"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def write_ini(path: Path, calls: dict[int, str]) -> None:
    settings = {"accountId": "1", "callsLastKey": str(max(calls, default=0))}
    path.write_bytes(encode_ini(render_ini(settings, calls)))


def promised(store: Store, now: datetime) -> int:
    """Ännchen called, and the wrap-up said "Call them back by 17:00 tomorrow"."""
    anna = store.add_contact(NewContact("Ännchen Weiß", numbers=(StoredNumber(ANNA, ANNA),)))
    talked = Attempt(Direction.IN, now - timedelta(minutes=5), Outcome.TALKED, number_e164=ANNA)
    first = store.record_call(anna, talked, "hook", f"hook:{ANNA}:1")
    assert first is not None
    tomorrow = (now + timedelta(days=1)).replace(hour=17, minute=0, second=0)
    assert store.save_wrap_up(first, Outcome.TALKED, "Wants the price list", "",
                              (tomorrow.replace(hour=0), tomorrow))  # fmt: skip
    return anna


def call_back(tmp_path: Path, store: Store, duration: int) -> list[Recorded | None]:
    """The rep rings her back from MicroSIP; it logs the call at CALLING, then its end."""
    path = tmp_path / "microsip.ini"
    write_ini(path, {})
    recorder = EventRecorder()
    source = MicroSipSource(path, recorder.on_event, recorder.on_problem)
    source.start()
    history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                              default_opener_templates()))  # fmt: skip
    try:
        at = int(time.time())
        time.sleep(0.05)
        write_ini(path, {0: render_call(ANNA, "Ännchen Weiß", CallType.OUTGOING, at)})
        recorder.wait_events(1)
        write_ini(path, {0: render_call(ANNA, "Ännchen Weiß", CallType.OUTGOING, at, duration,
                                        "Call Ended")})  # fmt: skip
        events = recorder.wait_events(2)
    finally:
        source.stop()
    assert [e.state for e in events] == [CallState.RINGING, CallState.ENDED]
    return [history.record(event) for event in events]


def details(store: Store, now: datetime) -> list[str]:
    return [e.item.detail for e in load_callbacks(store, now, BusinessHours(), "24h")]


def test_a_call_back_microsip_logs_with_0_s_is_no_answer_and_the_promise_stays(
    tmp_path: Path, store: Store
) -> None:
    now = datetime.now(UTC)
    promised(store, now)
    recorded = call_back(tmp_path, store, duration=0)

    ended = recorded[-1]
    assert ended is not None and ended.outcome is Outcome.NO_ANSWER
    assert not ended.wrap_up  # nothing to ask: it rang out
    [detail] = details(store, now + timedelta(seconds=5))
    assert detail.startswith("Call them back by 17:00 tomorrow · Tried ")
    assert detail.endswith(", no answer")


def test_a_call_back_talked_on_asks_its_wrap_up_and_says_until_then_it_is_not_logged(
    tmp_path: Path, store: Store
) -> None:
    now = datetime.now(UTC)
    promised(store, now)
    recorded = call_back(tmp_path, store, duration=30)

    ended = recorded[-1]
    assert ended is not None and ended.wrap_up and ended.outcome is Outcome.UNKNOWN
    # The wrap-up skipped: the promise stays, with the call said beside it.
    [detail] = details(store, now + timedelta(seconds=5))
    assert detail.startswith("Call them back by 17:00 tomorrow · Called ")
    assert detail.endswith(", outcome not logged")
    # The wrap-up answered (now, or later from Recent calls): it reached her.
    assert store.save_wrap_up(ended.attempt_id, Outcome.TALKED, "sent it", "")
    assert details(store, now + timedelta(seconds=5)) == []
