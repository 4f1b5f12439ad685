"""A call whose hook could neither hand it to the running app (the app stopped, its listen
queue full: the line never went out) nor write it (an import holds the database) is left in
the hooks' inbox, and the running app records it, once, as soon as it can: told by the file
landing, not by polling. The real app (Xvfb) and real hooks in child processes on one data
dir."""

from __future__ import annotations

import signal
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import AppPaths
from desktop.core.events import CallEvent, CallState
from desktop.core.late_ring import STALE_RING_S
from desktop.core.models import Direction
from tests.test_hook_hung_app import KEPT, KEY, NOT_ANSWERING, App, calls
from tests.test_hook_without_app import NUMBER, hook


@contextmanager
def full_listen_queue(address: str) -> Iterator[None]:
    """Connections nobody accepts, until the app's listen queue takes no more: a hook's
    connect then waits, and gives up without having sent its line."""
    fillers: list[socket.socket] = []
    try:
        while True:
            filler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            filler.setblocking(False)
            try:
                filler.connect(address)
            except BlockingIOError:
                filler.close()
                break
            fillers.append(filler)
        yield
    finally:
        for filler in fillers:
            filler.close()


@contextmanager
def import_holding(database: Path) -> Iterator[None]:
    locker = sqlite3.connect(database, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # an import holds the write lock for its whole length
    try:
        yield
    finally:
        locker.execute("COMMIT")
        locker.close()


@pytest.mark.xvfb
def test_a_call_that_never_reached_a_stopped_app_during_an_import_is_recorded_once(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Found in a rep's day: the app was stopped with its queue full and an import held the
    database; the hook gave up on both ("could not be recorded", exit 1) and the call was
    never in the history."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(instance_address(data)), import_holding(
            data / "callercard.sqlite3"
        ):
            rang = hook(data, "ring", "--source", "microsip", "--", NUMBER)
            ended = hook(data, "end", "--missed", "--", NUMBER)
        assert calls(data) == []  # the import is over, the app still stopped: kept, not lost
        app.proc.send_signal(signal.SIGCONT)
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    assert (ended.returncode, ended.stderr) == (
        4, f"{NOT_ANSWERING}missed call from {NUMBER} {KEPT}\n"
    )  # fmt: skip
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
    assert app.shown() == []  # a call over before the app woke pops no card
    assert not AppPaths(data).hook_inbox.exists()


@pytest.mark.xvfb
def test_a_call_landing_in_the_inbox_of_a_running_app_is_recorded_at_once(
    tmp_path: Path, xvfb_display: str
) -> None:
    """A ring that rang a minute ago is history only: its card would be for a call that
    stopped ringing long ago (late_ring.still_ringing)."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        landed = time.monotonic_ns()
        rang = datetime.now(UTC) - timedelta(seconds=STALE_RING_S + 15)
        left = CallEvent("microsip", Direction.IN, CallState.RINGING, NUMBER, "",
                         rang, call_key=KEY, hook=True, late=True)  # fmt: skip
        HookInbox(AppPaths(data).hook_inbox).append(left)
        recorded = app.stage("recorded", call_key=KEY, outcome="")
        told = app.stage("inbox_ring", call_key=KEY)
    finally:
        app.terminate()

    assert told["card"] is False
    took_ms = (int(str(recorded["t_ns"])) - landed) / 1e6
    assert took_ms < 2000, took_ms  # a file event, not a poll
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "")
    assert app.shown() == []
    assert not AppPaths(data).hook_inbox.exists()


@pytest.mark.xvfb
def test_calls_waiting_in_the_inbox_and_the_journal_at_the_start_are_heard_as_recorded(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The writer records what waited for the app as it starts; the app hears of each as of
    any call (the "recorded" trace, which its callbacks' count follows). It listened only after the
    writer had started, and heard nothing of them: no trace, no callbacks counted again."""
    from desktop.adapters.write_journal import RecordCall, WriteJournal

    data = tmp_path / "data"
    paths = AppPaths(data)
    rang = datetime.now(UTC)
    inboxed = CallEvent("microsip", Direction.IN, CallState.MISSED, NUMBER, "", rang,
                        call_key=KEY, hook=True)  # fmt: skip
    journaled = CallEvent("twinkle", Direction.IN, CallState.MISSED, "+14155550177", "",
                          rang, call_key="twinkle:1")  # fmt: skip
    # The hook's ring: recorded as it rang, its end waiting in the inbox.
    assert hook(data, "ring", "--source", "microsip", "--", NUMBER).returncode == 4
    HookInbox(paths.hook_inbox).append(inboxed)
    WriteJournal(paths.write_journal).append([RecordCall(journaled)])
    app = App(tmp_path, xvfb_display)
    try:
        app.stage("recorded", call_key=KEY, outcome="missed")
        app.stage("recorded", call_key="twinkle:1", outcome="missed")
    finally:
        app.terminate()


@pytest.mark.xvfb
def test_a_call_kept_by_a_hook_that_found_no_app_just_before_one_started_is_recorded(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The hook found no app running and could not write the call (an import held the
    database); an app started just then. What the hook does next (keep the call for the app)
    happens with that app running: it records the call as soon as the import lets go, not
    at some next start (it was kept in the write journal, which the app had read as it
    started and rewrites: the call was lost)."""
    from desktop.hook_record import keep_until_recorded

    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)  # started just after the hook looked for one
    try:
        with import_holding(data / "callercard.sqlite3"):
            missed = CallEvent("microsip", Direction.IN, CallState.RINGING, NUMBER, "",
                               datetime.now(UTC), call_key=KEY, hook=True)  # fmt: skip
            assert keep_until_recorded(AppPaths(data), missed)
        app.stage("recorded", call_key=KEY, outcome="")
    finally:
        app.terminate()
    [call] = calls(data)
    assert call["number"] == NUMBER
