"""The history writer records the calls hooks left in their inbox (adapters/hook_inbox.py):
each once, a line removed only once its call is committed, never held up by a locked
database or inbox for longer than the lock lasts, and never holding up the app's own writes."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.adapters import history_writer
from desktop.adapters.history_writer import HistoryWriter
from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.write_journal import RecordCall, WriteJournal
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction
from tests.adapters.test_history_writer import JANE, NOW, Setup, missed, wait_until


class InboxSetup(Setup):
    def __init__(self, tmp: Path) -> None:
        super().__init__(tmp)
        self.inbox = HookInbox(tmp / "notices" / "hook-calls.jsonl")

    def writer(self) -> HistoryWriter:
        return HistoryWriter(self.database, self.journal, self.lookup, self.written.append,
                             self.problems.append, inbox=self.inbox.path)  # fmt: skip


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[InboxSetup]:
    s = InboxSetup(tmp_path)
    yield s
    if s.locker is not None:
        s.unlock()
    s.store.close()


def left_by_hook(state: CallState, after_s: int = 0) -> CallEvent:
    """What `callercard ring` / `end` leaves when the app did not take its line in time."""
    return CallEvent("microsip", Direction.IN, state, JANE, "", NOW + timedelta(seconds=after_s),
                     call_key=f"hook:{JANE}", hook=True, late=True)  # fmt: skip


def test_calls_left_before_the_start_are_recorded_once_each_as_history_only(
    setup: InboxSetup,
) -> None:
    setup.inbox.append(left_by_hook(CallState.RINGING))
    # Recorded once already, but the app died before it removed the line: it is read again.
    setup.inbox.append(left_by_hook(CallState.RINGING))
    setup.inbox.append(replace(left_by_hook(CallState.MISSED, 20), late=False))

    writer = setup.writer()
    try:
        wait_until(lambda: not setup.inbox.path.exists(), "the inbox to be emptied")
    finally:
        writer.close()
    assert [outcome for _, outcome in setup.calls()] == ["missed"]
    history = [w for w in setup.written if not w.for_cards]
    assert [(w.recorded is not None, w.replayed) for w in history] == [
        (True, True), (True, True)
    ], "calls no card was shown for are history only: no wrap-up window"  # fmt: skip
    # Its end was read with the rings: told as over (no card pops for them, but the end's
    # missed card knows when it rang); the end may close a card, or leave a missed one.
    told = [(w.event.state, w.over) for w in setup.written if w.for_cards]
    assert told == [(CallState.RINGING, True), (CallState.RINGING, True),
                    (CallState.MISSED, False)]  # fmt: skip


def test_a_ring_whose_end_is_not_in_the_inbox_is_told_to_the_cards_once_recorded(
    setup: InboxSetup,
) -> None:
    """Its line never reached the app: the call may still ring, and its card pop late."""
    setup.inbox.append(left_by_hook(CallState.RINGING))
    writer = setup.writer()
    try:
        wait_until(lambda: not setup.inbox.path.exists(), "the inbox to be emptied")
    finally:
        writer.close()
    [told] = [w for w in setup.written if w.for_cards]
    assert (told.event.state, told.event.call_key) == (CallState.RINGING, f"hook:{JANE}")
    assert len(setup.calls()) == 1  # recorded before the cards hear of it


def test_a_call_left_while_the_database_is_locked_stays_in_the_inbox_until_it_is_committed(
    setup: InboxSetup,
) -> None:
    writer = setup.writer()
    try:
        setup.lock()
        setup.inbox.append(left_by_hook(CallState.RINGING))
        writer.inbox_changed()  # the app's file watcher saw it land
        time.sleep(0.6)  # three of the writer's lock waits
        assert setup.calls() == []
        assert len(setup.inbox.read().lines) == 1  # still there: nothing is committed
        setup.unlock()
        wait_until(lambda: len(setup.calls()) == 1, "the call to be recorded")
        wait_until(lambda: not setup.inbox.path.exists(), "its line to be removed")
    finally:
        writer.close()
    assert [outcome for _, outcome in setup.calls()] == [""]
    assert not [w.error for w in setup.written if w.error]


def test_a_call_still_waiting_at_quit_stays_for_the_next_start(setup: InboxSetup) -> None:
    setup.inbox.append(left_by_hook(CallState.RINGING))
    setup.lock()
    setup.writer().close(wait_s=0.3)  # the app quits while an import still holds the database
    assert len(setup.inbox.read().lines) == 1
    setup.unlock()

    again = setup.writer()
    try:
        wait_until(lambda: len(setup.calls()) == 1, "the call at the next start")
    finally:
        again.close()
    assert not setup.inbox.path.exists()


def test_an_inbox_held_by_a_stopped_hook_does_not_hold_up_the_apps_own_writes(
    setup: InboxSetup,
) -> None:
    setup.inbox.append(left_by_hook(CallState.RINGING))
    held = os.open(setup.inbox.lock_path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # a hook stopped in the middle of adding a call
    writer = setup.writer()
    try:
        writer.submit(RecordCall(missed(1)))
        wait_until(lambda: [k for k, _ in setup.calls() if k.startswith("microsip:1@")] != [],
                   "the app's own call")  # fmt: skip
        os.close(held)
        held = -1
        wait_until(lambda: not setup.inbox.path.exists(), "the hook's call")
    finally:
        if held >= 0:
            os.close(held)
        writer.close()
    assert sorted(outcome for _, outcome in setup.calls()) == ["", "missed"]


def test_an_end_left_before_its_ring_is_written_still_finishes_the_call(
    setup: InboxSetup,
) -> None:
    """The end's line reached the inbox while its ring's line sat unread in the app's socket
    (the app stopped): the end is read first, and is tried again once the ring is in."""
    writer = setup.writer()
    try:
        setup.inbox.append(replace(left_by_hook(CallState.MISSED, 20), late=False))
        writer.inbox_changed()
        wait_until(lambda: not setup.inbox.path.exists(), "the end to be taken")
        writer.submit(RecordCall(left_by_hook(CallState.RINGING)))  # the app reads the ring
        wait_until(lambda: [o for _, o in setup.calls()] == ["missed"], "the call to end")
    finally:
        writer.close()
    assert not setup.journal.exists()


def test_an_end_kept_from_the_last_run_waits_for_its_ring_held_in_a_locked_inbox(
    setup: InboxSetup,
) -> None:
    """The app was killed while an end waited for its ring; the hook then left the ring in
    the inbox. At the next start the inbox is held a moment (a hook adding a line): the end
    from the journal was tried first, found no ring and was dropped, so the call stayed
    "outcome unknown" for good (seen under load in CI). It waits for its ring instead."""
    WriteJournal(setup.journal).append([RecordCall(replace(left_by_hook(CallState.MISSED, 20),
                                                           late=False))])  # fmt: skip
    setup.inbox.append(left_by_hook(CallState.RINGING))
    held = os.open(setup.inbox.lock_path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # a hook adding a line (its lock file, hook_inbox.py)
    writer = setup.writer()
    try:
        time.sleep(1.0)  # past APP_LOCK_WAIT_S: the journal's end is tried while the inbox is held
        assert setup.calls() == [], "the ring is still in the inbox"
        os.close(held)
        held = -1
        writer.inbox_changed()
        wait_until(lambda: [o for _, o in setup.calls()] == ["missed"], "the call to end")
    finally:
        if held >= 0:
            os.close(held)
        writer.close()


def tries(caplog: pytest.LogCaptureFixture) -> int:
    """How often an end was done and found no ring (the writer's thread logs it)."""
    return sum("ended, but its ring is not logged" in r.getMessage() for r in caplog.records)


def held_inbox(inbox: HookInbox) -> int:
    """The inbox's lock, taken as a hook stopped in the middle of adding a call holds it."""
    held = os.open(inbox.lock_path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    return held


def test_an_end_waits_for_its_ring_as_long_as_the_inbox_holding_it_is_held(
    setup: InboxSetup, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The ring was kept in the inbox (the app stopped), its `end --missed` reached the woken
    app over the socket while a hook held the inbox: once its tries ran out the end was
    dropped, and the ring read later stayed "outcome unknown" for good."""
    monkeypatch.setattr(history_writer, "END_RETRY_S", (0.05, 0.1))  # run out in 0.15 s
    setup.inbox.append(left_by_hook(CallState.RINGING))
    held = held_inbox(setup.inbox)
    writer = setup.writer()
    try:
        writer.submit(RecordCall(replace(left_by_hook(CallState.MISSED, 20), late=False)))
        caplog.set_level(logging.INFO, "desktop.adapters.call_history")
        wait_until(lambda: tries(caplog) > len(history_writer.END_RETRY_S), "its tries to run out")
        assert setup.calls() == [], "the ring is still in the inbox"
        os.close(held)
        held = -1
        writer.inbox_changed()
        wait_until(lambda: [o for _, o in setup.calls()] == ["missed"], "the call to end")
    finally:
        if held >= 0:
            os.close(held)
        writer.close()
    assert not setup.journal.exists()


def test_an_end_waiting_for_its_ring_is_done_as_soon_as_the_inbox_gives_the_ring(
    setup: InboxSetup, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The ring read from the inbox pairs with the end at once: the call reads missed as its
    missed card comes up, not at the end's next try (up to 4 s later)."""
    monkeypatch.setattr(history_writer, "END_RETRY_S", (30.0,))
    setup.inbox.append(left_by_hook(CallState.RINGING))
    held = held_inbox(setup.inbox)
    writer = setup.writer()
    try:
        writer.submit(RecordCall(replace(left_by_hook(CallState.MISSED, 20), late=False)))
        caplog.set_level(logging.INFO, "desktop.adapters.call_history")
        wait_until(lambda: tries(caplog) == 1, "the end to wait for its ring")
        os.close(held)
        held = -1
        writer.inbox_changed()
        wait_until(lambda: len(setup.calls()) == 1, "the ring")
        started = time.monotonic()
        wait_until(lambda: [o for _, o in setup.calls()] == ["missed"], "the call to end")
        took_s = time.monotonic() - started
    finally:
        if held >= 0:
            os.close(held)
        writer.close()
    assert took_s < 2.0, took_s
