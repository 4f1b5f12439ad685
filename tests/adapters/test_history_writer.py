"""History writes wait out another program's write lock (an import holds it for the whole
file) instead of failing, and survive the app quitting while they wait."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import Recorded
from desktop.adapters.history_writer import CallWritten, HistoryWriter
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.adapters.write_journal import Job, RecordCall, SavePosition, SaveWrapUp, WriteJournal
from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

NOW = datetime.now(UTC).replace(microsecond=0)
JANE = "+14155550123"


class Setup:
    def __init__(self, tmp: Path) -> None:
        self.database = tmp / "callercard.sqlite3"
        self.journal = tmp / "pending-writes.jsonl"
        self.store = Store.open(self.database)
        self.jane = self.store.add_contact(
            NewContact("Jane Doe", reason="Pricing", numbers=(StoredNumber(JANE, JANE),))
        )
        self.lookup = CallerLookup(self.store, NumberPolicy("US"), default_opener_templates())
        self.written: list[CallWritten] = []
        self.problems: list[str] = []
        self.locker: sqlite3.Connection | None = None

    def writer(self) -> HistoryWriter:
        return HistoryWriter(self.database, self.journal, self.lookup, self.written.append,
                             self.problems.append)  # fmt: skip

    def lock(self) -> None:
        """Another program takes the write lock, as an import does for its whole file."""
        self.locker = sqlite3.connect(self.database, isolation_level=None)
        self.locker.execute("BEGIN IMMEDIATE")

    def unlock(self) -> None:
        assert self.locker is not None
        self.locker.execute("COMMIT")
        self.locker.close()
        self.locker = None

    @property
    def recorded(self) -> list[Recorded]:
        return [w.recorded for w in self.written if w.recorded is not None]

    def calls(self) -> list[tuple[str, str]]:
        return [
            (str(r[0]), str(r[1]))
            for r in self.store.connection.execute(
                "SELECT call_key, outcome FROM attempts ORDER BY id"
            )
        ]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    s = Setup(tmp_path)
    yield s
    if s.locker is not None:
        s.unlock()
    s.store.close()


def missed(n: int) -> CallEvent:
    return CallEvent("microsip", Direction.IN, CallState.MISSED, f"+1415555{7000 + n}", "",
                     NOW - timedelta(minutes=n), call_key=f"microsip:{n}")  # fmt: skip


def dialled(state: CallState) -> CallEvent:
    return CallEvent("microsip", Direction.OUT, state, JANE, "", NOW, call_key="microsip:out")


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 15
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_calls_that_find_the_database_locked_wait_and_are_each_recorded_once(
    setup: Setup,
) -> None:
    setup.lock()
    writer = setup.writer()
    try:
        for n in (1, 2, 3):
            writer.submit(RecordCall(missed(n)))
        journal = WriteJournal(setup.journal)
        wait_until(lambda: len(journal.read()) == 3, "the waiting calls to be kept on disk")
        assert setup.calls() == []
        setup.unlock()
        wait_until(lambda: len(setup.calls()) == 3, "the calls to be recorded")
        wait_until(lambda: not setup.journal.exists(), "the journal to be emptied")
    finally:
        writer.close()
    assert sorted(key.split("@")[0] for key, _ in setup.calls()) == [
        "microsip:1", "microsip:2", "microsip:3"
    ]  # fmt: skip
    assert {outcome for _, outcome in setup.calls()} == {"missed"}
    assert setup.problems == []
    assert not [w.error for w in setup.written if w.error]


def test_an_outbound_call_asks_for_its_wrap_up_once_the_lock_is_gone(setup: Setup) -> None:
    setup.lock()
    writer = setup.writer()
    try:
        writer.submit(RecordCall(dialled(CallState.RINGING)))
        writer.submit(RecordCall(dialled(CallState.ENDED)))
        wait_until(lambda: setup.journal.exists(), "the calls to wait")
        setup.unlock()
        wait_until(lambda: any(r.wrap_up for r in setup.recorded), "the wrap-up request")
        attempt_id = setup.recorded[-1].attempt_id
        writer.submit(SaveWrapUp(attempt_id, Outcome.VOICEMAIL, "Left my number", "Renewal"))
    finally:
        writer.close()
    # Dialling records the attempt; hanging up asks for the wrap-up, once.
    assert [(r.contact_id, r.wrap_up) for r in setup.recorded] == [
        (setup.jane, False), (setup.jane, True)
    ]  # fmt: skip
    contact = setup.store.contact(setup.jane)
    assert contact is not None
    assert contact.reason == "Renewal"
    assert contact.attempts[0].message == "Left my number"


def test_writes_still_waiting_at_quit_are_replayed_at_the_next_start(setup: Setup) -> None:
    setup.lock()
    writer = setup.writer()
    writer.submit(RecordCall(missed(1)))
    writer.submit(RecordCall(dialled(CallState.ENDED)))
    writer.close(wait_s=0.2)  # the app quits while an import still holds the database
    assert setup.calls() == []
    assert len(WriteJournal(setup.journal).read()) == 2
    assert setup.journal.stat().st_mode & 0o777 == 0o600, "callers' numbers: this user only"
    setup.unlock()

    again = setup.writer()  # the next start
    try:
        wait_until(lambda: len(setup.calls()) == 2, "the replayed calls")
        again.submit(RecordCall(missed(1)))  # the same call read once more
    finally:
        again.close()
    assert len(setup.calls()) == 2
    assert not setup.journal.exists()
    assert [w.replayed for w in setup.written] == [True, True], (
        "calls from an earlier session are history only: no wrap-up window"
    )


def test_a_journal_line_cut_short_by_a_crash_is_skipped(setup: Setup) -> None:
    setup.lock()
    writer = setup.writer()
    writer.submit(RecordCall(missed(1)))
    writer.close(wait_s=0.2)
    with setup.journal.open("a", encoding="utf-8") as fh:
        fh.write('{"job": "call", "event": {"source": "micro')  # killed mid-write
    setup.unlock()

    again = setup.writer()
    try:
        wait_until(lambda: len(setup.calls()) == 1, "the whole line's call")
    finally:
        again.close()
    assert setup.problems == []
    assert not [w.error for w in setup.written if w.error]


def test_every_kind_of_waiting_write_reads_back_from_the_journal_as_it_was(
    tmp_path: Path,
) -> None:
    logged = HistoryEvent(
        "asterisk", Direction.OUT, CallState.ENDED, "+14155550123", "Zoë Ångström", NOW,
        call_key="cdr:7", where="Master.csv line 7", read_ns=12, ended=NOW + timedelta(seconds=40),
        answered=False, catch_up=True, cursor='{"at": 7}', origin="asterisk:/var/Master.csv",
    )  # fmt: skip
    jobs: list[Job] = [
        RecordCall(logged),
        RecordCall(missed(4)),
        SaveWrapUp(3, Outcome.VOICEMAIL, "Left my number", "Renewal"),
        SavePosition("twinkle:/h/twinkle.ch", '{"at": 2}'),
    ]
    journal = WriteJournal(tmp_path / "pending-writes.jsonl")
    journal.append(jobs[:2])
    journal.append(jobs[2:])
    assert journal.read() == jobs


def hook_event(state: CallState, ago_s: float) -> CallEvent:
    return CallEvent("hook", Direction.IN, state, JANE, "", NOW - timedelta(seconds=ago_s),
                     call_key=f"hook:{JANE}", hook=True)  # fmt: skip


def test_an_end_done_before_its_hook_wrote_the_ring_still_finishes_the_call(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """The app read the ring too late, so its hook records it; the end came to the app a
    moment later and was done first. The call is still talked, not "outcome unknown"."""
    from desktop.adapters.call_history import CallHistory

    writer = setup.writer()
    try:
        with caplog.at_level(logging.INFO, logger="desktop.adapters.call_history"):
            writer.submit(RecordCall(hook_event(CallState.ENDED, 0)))
            wait_until(lambda: "ended, but its ring" in caplog.text, "the end to be tried")
        # The hook's own write of the ring, on its own connection, as `callercard ring` does.
        CallHistory(setup.store, setup.lookup).record(hook_event(CallState.RINGING, 5))
        wait_until(lambda: [o for _k, o in setup.calls()] == ["talked"], "the call's end")
    finally:
        writer.close()
    assert [r.outcome for r in setup.recorded] == [Outcome.TALKED]


def test_an_end_whose_ring_never_came_is_given_up_and_does_not_hold_up_a_quit(
    setup: Setup,
) -> None:
    writer = setup.writer()
    writer.submit(RecordCall(hook_event(CallState.ENDED, 0)))
    writer.close()
    assert setup.calls() == [] and setup.recorded == []
    assert WriteJournal(setup.journal).read() == []
