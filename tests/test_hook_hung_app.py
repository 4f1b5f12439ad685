"""A call a hook reports while CallerCard runs but does not answer (stopped with SIGSTOP here,
as a blocked main thread or a modal loop leaves it) is recorded by the hook itself after its
wait: the app, woken later, reads the queued line, records the ring only if the hook could not
(one row either way), and pops no card for a call that ended meanwhile. The real app and real
hooks in child processes on one data dir, Xvfb."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.paths import AppPaths
from desktop.core.ipc_line import LATE_ACK_LINE, LATE_RING_S
from desktop.hook_send import UNANSWERED_ENV, Unanswered
from tests.adapters.test_instance_client import fake_instance  # noqa: F401 - a fixture
from tests.conftest import python_env
from tests.test_hook_without_app import NOT_RUNNING, NUMBER, hook
from tests.test_hook_without_app import calls as all_calls
from tests.traced_app import TracedApp

KEY = f"hook:{NUMBER}"
NOT_ANSWERING = "callercard: CallerCard did not answer in time: "


class App(TracedApp):
    def __init__(self, tmp: Path, display: str) -> None:
        self.trace = tmp / "app.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(tmp / "data"), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def stage(self, stage: str, **fields: object) -> dict[str, object]:
        return self.wait_for(
            lambda r: r["stage"] == stage and all(r.get(k) == v for k, v in fields.items()),
            f"{stage} {fields}",
        )

    def terminate(self) -> str:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a test that failed while it was stopped
        return super().terminate()

    def shown(self) -> list[str]:
        return [r["call_key"] for r in self.records() if r["stage"] == "shown"]


def calls(data: Path) -> list[dict[str, object]]:
    """The caller's calls (an app started on an empty data dir has the demo book's too)."""
    return [call for call in all_calls(data) if call["number"] == NUMBER]


KEPT = "kept for CallerCard, which records it as soon as it runs again"
# The softphone waits for its hook (MicroSIP sends no "180 Ringing" meanwhile): a hook run by a
# Python interpreter starts in a few hundred ms, and sees the app stopped HOOK_STALL_LOOK_S
# later. It waited 3 s for the ack, then the database's lock wait (6.3 s with an import on).
HANDED_OVER_S = 2.0


def timed_hook(data: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = hook(data, *args)
    return done, time.monotonic() - start


def stopped_ring(app: App, data: Path, caller_id: str = NUMBER) -> None:
    """`callercard ring` while the app is stopped: kept in the hooks' inbox after a short
    wait, for the app to record when it runs again."""
    assert app.proc is not None
    app.proc.send_signal(signal.SIGSTOP)
    rang, took_s = timed_hook(data, "ring", "--source", "microsip", "--", caller_id)
    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {caller_id} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    assert took_s < HANDED_OVER_S, took_s


@pytest.mark.xvfb
def test_a_call_missed_while_the_app_was_stopped_is_one_row_and_leaves_its_missed_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        time.sleep(LATE_RING_S)  # read late, with its end
        ended, took_s = timed_hook(data, "end", "--missed", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (
            4, f"{NOT_ANSWERING}missed call from {NUMBER} {KEPT}\n"
        )  # fmt: skip
        assert took_s < HANDED_OVER_S, took_s
        assert calls(data) == []  # kept in the inbox while the app is still stopped
        assert len(HookInbox(AppPaths(data).hook_inbox).read().lines) == 2

        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        app.stage("ended", call_key=KEY)
        # Missed while the app could not show it: its missed card, as for a missed call a
        # log wrote only at its end (no card was left at all: only Callbacks had the call).
        missed_card = app.stage("missed_card", rang_unseen=True)
        # Its lines in the socket, read after the inbox's (or before): the same call again.
        late = app.stage("late_ring", call_key=KEY)
        time.sleep(1)  # a second missed card would be up by now
    finally:
        app.terminate()

    assert app.shown() == []  # no ringing card for a call that is over
    assert (missed_card["caller_id"], missed_card["call_back"]) == (NUMBER, True)
    assert len([r for r in app.records() if r["stage"] == "missed_card"]) == 1
    assert (late["call_key"], late["card"], late["ended"]) == (KEY, False, True)
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
    assert not AppPaths(data).hook_inbox.exists()


@pytest.mark.xvfb
def test_a_late_ring_ended_by_an_end_spelling_the_number_otherwise_pops_no_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The ring said "+1 (415) 555-0123", its end "+14155550123": one call, keyed by its E.164
    (ring_input.keyed_by_number), so the end read with the late ring says it is over."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data, "+1 (415) 555-0123")
        time.sleep(LATE_RING_S)  # read late, with its end
        ended = hook(data, "end", "--missed", "--", NUMBER)
        assert ended.returncode == 4, ended.stderr
        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        app.stage("ended", call_key=KEY)
        app.stage("late_ring")
        time.sleep(1)  # a card for the late ring would be shown by now
    finally:
        app.terminate()

    assert app.shown() == []  # no card for a call that is over
    [late] = [r for r in app.records() if r["stage"] == "late_ring"]
    assert (late["card"], late["ended"]) == (False, True)
    [call] = calls(data)
    assert call["outcome"] == "missed"


@pytest.mark.xvfb
@pytest.mark.parametrize("late", [True, False], ids=["read-late", "read-soon-after"])
def test_a_call_still_ringing_when_the_app_wakes_pops_and_is_still_one_row(
    tmp_path: Path, xvfb_display: str, late: bool
) -> None:
    """Woken after LATE_RING_S the app pops the card of a ring it reads late; woken sooner
    (the hook stopped waiting when it saw it stopped) it pops it as any ring. Either way the
    call is one row, though the hook kept it in the inbox too."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        if late:
            time.sleep(LATE_RING_S)
        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        if late:
            read_late = app.stage("late_ring", call_key=KEY)
            assert (read_late["card"], read_late["ended"]) == (True, False)
        app.stage("shown", call_key=KEY)
        ended = hook(data, "end", "--missed", "--", NUMBER)  # the app answers again
        assert (ended.returncode, ended.stderr) == (0, "")
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "missed")


def test_the_frozen_hooks_hand_over_records_the_call_and_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frozen `callercard-hook` hands a call the app did not take to the main executable
    with UNANSWERED_ENV set: that one records it and does not send it again (which would wait
    another 3 s for the same hung app, and queue the ring twice). It records the call at the
    stamp of the line the app has, as the app reading that line late does: one row."""
    data = tmp_path / "data"
    stamped = time.monotonic_ns() - 30_000_000_000  # the line went out 30 s ago
    # "3": the line went out, its card may still appear.
    monkeypatch.setenv(UNANSWERED_ENV, Unanswered(3, stamped).value())
    rang = hook(data, "ring", "--", NUMBER)
    monkeypatch.delenv(UNANSWERED_ENV)

    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    [line] = HookInbox(AppPaths(data).hook_inbox).read().lines
    assert line.event is not None
    rang_s_ago = (datetime.now(UTC) - line.event.time).total_seconds()
    assert 29 <= rang_s_ago <= 40  # when the line was stamped, not when the hook ran


@pytest.mark.parametrize(
    "line",
    [
        ["ring", "--", NUMBER],  # the hook's fast path
        ["ring", "--sour", "microsip", "--", NUMBER],  # an abbreviation: argparse's full way
    ],
)
def test_a_ring_answered_read_too_late_is_recorded_by_the_hook(
    tmp_path: Path,
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],  # noqa: F811
    line: list[str],
) -> None:
    """An app that read the ring after its hook may have stopped waiting answers so: the hook
    records it, exactly as when it gets no answer at all (that app records it too, as the
    same row: desktop.core.late_ring)."""
    fake_instance(lambda _line: LATE_ACK_LINE)
    rang = hook(tmp_path / "data", *line)
    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    [kept] = HookInbox(AppPaths(tmp_path / "data").hook_inbox).read().lines
    assert kept.event is not None and kept.event.number == NUMBER


@pytest.mark.xvfb
def test_a_ring_read_too_late_while_an_import_holds_the_database_is_still_recorded(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Found in a rep's day: the app was busy (here: stopped) as a ring came, so it read the
    ring late and left its record to the hook; the hook's write found the database held by a
    20,000-row import and gave up after 3 s. Neither recorded the call: a ring the hook sent
    was missing from `calls --json`. The app, whose writer waits for the lock, records it
    too; the call's key keeps it one row."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSTOP)
        locker = sqlite3.connect(data / "callercard.sqlite3", isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # an import holds the write lock for its whole length
        try:
            rang, took_s = timed_hook(data, "ring", "--source", "microsip", "--", NUMBER)
            time.sleep(LATE_RING_S)
            app.proc.send_signal(signal.SIGCONT)
            app.stage("late_ring", call_key=KEY)
        finally:
            locker.execute("COMMIT")
            locker.close()
        app.stage("shown", call_key=KEY)
        ended = hook(data, "end", "--missed", "--", NUMBER)
        assert ended.returncode == 0, ended.stderr
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    # The hook neither waited for the database (6.3 s in all) nor said the call was lost.
    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    assert took_s < HANDED_OVER_S, took_s
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")


@pytest.mark.xvfb
def test_a_ring_kept_for_a_stopped_app_that_then_died_is_finished_by_its_end(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The ring waits in the hooks' inbox for the stopped app, which is killed before it
    runs again; the end's hook finds no app, and its ring in no history: it keeps the end
    behind the ring, and the next start records the call, once, as missed (the end said
    'nothing recorded', and the call stayed 'They called')."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        assert app.proc is not None
        app.proc.kill()
        app.proc.wait(10)
    finally:
        app.terminate()
    ended = hook(data, "end", "--missed", "--", NUMBER)
    assert (ended.returncode, ended.stderr) == (
        4, f"{NOT_RUNNING}the end of a call from +1 415-555-0123, whose ring is not in the "
        "history yet, kept: CallerCard finishes the call when its ring comes\n"
    )  # fmt: skip

    app.trace.unlink()
    again = App(tmp_path, xvfb_display)
    try:
        again.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        again.terminate()
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
    assert not AppPaths(data).hook_inbox.exists()
