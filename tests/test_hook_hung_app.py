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

from desktop.core.ipc_line import LATE_ACK_LINE
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


def stopped_ring(app: App, data: Path, caller_id: str = NUMBER) -> None:
    """`callercard ring` while the app is stopped: recorded by the hook after its wait."""
    assert app.proc is not None
    app.proc.send_signal(signal.SIGSTOP)
    rang = hook(data, "ring", "--source", "microsip", "--", caller_id)
    assert (rang.returncode, rang.stderr) == (
        4, NOT_ANSWERING + "call from +1 415-555-0123 recorded; its card may still appear\n"
    )  # fmt: skip


@pytest.mark.xvfb
def test_a_call_that_rang_and_ended_while_the_app_was_stopped_is_one_row_and_no_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        ended = hook(data, "end", "--missed", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (
            4, NOT_ANSWERING + "missed call from +1 415-555-0123 recorded\n"
        )  # fmt: skip
        [call] = calls(data)  # the hooks' own record, while the app is still stopped
        assert (call["number"], call["outcome"]) == (NUMBER, "missed")

        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        app.stage("ended", call_key=KEY)
    finally:
        app.terminate()

    assert app.shown() == []  # no card for a call that is over
    [late] = [r for r in app.records() if r["stage"] == "late_ring"]
    assert (late["call_key"], late["card"], late["ended"]) == (KEY, False, True)
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")


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
def test_a_call_still_ringing_when_the_app_wakes_pops_and_is_still_one_row(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        late = app.stage("late_ring", call_key=KEY)
        app.stage("shown", call_key=KEY)
        ended = hook(data, "end", "--missed", "--", NUMBER)  # the app answers again
        assert (ended.returncode, ended.stderr) == (0, "")
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    assert (late["card"], late["ended"]) == (True, False)
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
    again = hook(data, "end", "--", NUMBER)  # no app: the hook's own way, as before

    assert (rang.returncode, rang.stderr) == (
        4, NOT_ANSWERING + "call from +1 415-555-0123 recorded; its card may still appear\n"
    )  # fmt: skip
    assert (again.returncode, again.stderr) == (
        4, NOT_RUNNING + "answered call from +1 415-555-0123 recorded\n"
    )  # fmt: skip
    [call] = calls(data)
    assert call["outcome"] == "talked"
    rang_s_ago = (datetime.now(UTC) - datetime.fromisoformat(str(call["at"]))).total_seconds()
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
        4, NOT_ANSWERING + "call from +1 415-555-0123 recorded; its card may still appear\n"
    )  # fmt: skip
    assert [c["outcome"] for c in calls(tmp_path / "data")] == [""]


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
            rang = hook(data, "ring", "--source", "microsip", "--", NUMBER)
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

    assert rang.returncode in (1, 3), rang.stderr  # the hook could not write it
    if rang.returncode == 3:  # the app has the line: the hook says who records the call
        assert rang.stderr == NOT_ANSWERING + (
            "call from +1 415-555-0123 not recorded yet: the database is busy (another program "
            "is writing it); CallerCard records it when it reads it\n"
        )
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
