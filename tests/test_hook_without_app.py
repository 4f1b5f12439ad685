"""A call a softphone's hook reports while no CallerCard runs (it crashed, or is not started
yet, and there is no display to start it on) is recorded by the hook itself: once, in
Callbacks and `callercard calls`, never popped by an app started later, and one call when the
softphone's own log reports it too. Real child processes on one data dir."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.store.callbacks import RANG_LISTED_AFTER
from desktop.core.dialects.microsip import CallType
from tests.conftest import python_env
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.test_ring_at_start import App

NUMBER = "+14155550123"
NOT_RUNNING = "callercard: CallerCard is not running: "


def hook(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`callercard ARGS` as a softphone on a machine without a display runs it."""
    env = python_env()
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def calls(data: Path) -> list[dict[str, object]]:
    out = hook(data, "calls", "--json")
    assert out.returncode == 0, out.stderr
    listed: list[dict[str, object]] = json.loads(out.stdout)["calls"]
    return listed


def missed_and_recorded(data: Path) -> None:
    rang = hook(data, "ring", "--source", "microsip", "--", NUMBER)
    assert (rang.returncode, rang.stderr) == (
        4, NOT_RUNNING + "call from +1 415-555-0123 recorded; no card shown\n"
    )  # fmt: skip
    ended = hook(data, "end", "--missed", "--", NUMBER)
    assert (ended.returncode, ended.stderr) == (
        4, NOT_RUNNING + "missed call from +1 415-555-0123 recorded\n"
    )  # fmt: skip


def test_a_missed_call_with_no_app_running_is_in_calls_and_callbacks_once(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    missed_and_recorded(data)

    [call] = calls(data)
    assert (call["number"], call["outcome"], call["direction"]) == (NUMBER, "missed", "in")
    out = hook(data, "callbacks", "--json")
    assert out.returncode == 0, out.stderr
    waiting = json.loads(out.stdout)["waiting_for_us"]
    assert [entry["number"] for entry in waiting] == [NUMBER]


def test_a_ring_with_no_end_and_no_app_is_a_call_whose_outcome_is_not_known(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    rang = hook(data, "ring", "anonymous")
    ended = hook(data, "end", "--missed", "+14155550199")  # its ring never reached us

    assert (rang.returncode, rang.stderr) == (
        4, NOT_RUNNING + "call from a withheld number recorded; no card shown\n"
    )  # fmt: skip
    assert ended.returncode == 1
    assert ended.stderr.startswith(NOT_RUNNING) and "nothing recorded" in ended.stderr
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (None, "")  # "They called": rang, outcome unknown


def test_a_ring_no_end_followed_waits_in_callbacks_as_outcome_unknown(tmp_path: Path) -> None:
    """A ring whose end never comes (the softphone crashed, or its hook is set for incoming
    calls only) may have been missed: `callercard callbacks` lists it, not due, until the
    call's end (or any later call with them) settles it; not while the rep may still be
    talking on it (the first RANG_LISTED_AFTER)."""
    data = tmp_path / "data"
    assert hook(data, "ring", "--", NUMBER).returncode == 4

    def waiting() -> tuple[list[tuple[object, object, object]], object]:
        out = hook(data, "callbacks", "--json")
        assert out.returncode == 0, out.stderr
        listed = json.loads(out.stdout)
        entries = [(e["number"], e["detail"], e["due"]) for e in listed["waiting_for_us"]]
        return entries, listed["due"]

    assert waiting() == ([], 0)  # "Rang just now, outcome unknown" while perhaps talking
    with contextlib.closing(sqlite3.connect(data / "callercard.sqlite3")) as db, db:
        db.execute("UPDATE attempts SET at = at - ?", (RANG_LISTED_AFTER.total_seconds(),))
    assert waiting() == ([(NUMBER, "Rang 30 min ago, outcome unknown", False)], 0)
    plain = hook(data, "callbacks").stdout.splitlines()
    assert plain[0] == "Waiting for us (1)"
    assert plain[1].startswith("  Unknown · +1 415-555-0123 · Rang 30 min ago, outcome unknown · ")
    assert hook(data, "end", "--answered", "--", NUMBER).returncode == 4
    assert waiting() == ([], 0)


@pytest.mark.xvfb
def test_an_app_started_later_neither_pops_nor_doubles_it_nor_does_the_softphone_log(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    started = int(time.time())
    missed_and_recorded(data)
    ini = tmp_path / "microsip.ini"
    logged = {0: render_call("+14155550100", "", CallType.MISSED, started - 3600, 0, "Missed Call")}
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, logged)))

    app = App(tmp_path, ini, xvfb_display, "later")
    try:
        # MicroSIP's own record of the call, written as the app runs.
        logged[1] = render_call(NUMBER, "", CallType.MISSED, started, 0, "Missed Call")
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "1"}, logged)))
        app.wait_for(lambda r: r["stage"] == "recorded", "MicroSIP's record of the call")
    finally:
        app.terminate()

    assert [r["stage"] for r in app.records() if r["stage"] == "shown"] == []
    # The hook's call made the book the rep's own: no demo contacts or demo calls came in.
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")


def hook_process(data: Path, *args: str) -> subprocess.Popen[str]:
    env = python_env()
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_an_end_that_reaches_the_history_before_its_ring_still_finishes_the_call(
    tmp_path: Path,
) -> None:
    """A short call: the softphone runs the ring hook, then the end hook, with no app. The
    ring's write waits a moment for the database (another program writing), so the end's
    process looks for the ring first. The call still says how it went, not "outcome unknown"."""
    data = tmp_path / "data"
    assert calls(data) == []  # the data dir and its database exist
    locker = sqlite3.connect(data / "callercard.sqlite3", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another program writes (an import, a sync)
    try:
        ring = hook_process(data, "ring", "--", NUMBER)
        end = hook_process(data, "end", "--missed", "--", NUMBER)
        deadline = time.monotonic() + 1.0  # the end has looked for its ring by then
        while end.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        locker.execute("COMMIT")
        locker.close()
    ring_out = ring.communicate(timeout=60)
    end_out = end.communicate(timeout=60)
    assert (ring.returncode, ring_out[1]) == (
        4, NOT_RUNNING + "call from +1 415-555-0123 recorded; no card shown\n")  # fmt: skip
    assert (end.returncode, end_out[1]) == (
        4, NOT_RUNNING + "missed call from +1 415-555-0123 recorded\n")  # fmt: skip
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "missed")


def test_an_end_while_an_import_holds_the_database_is_kept_for_the_next_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Found in a rep's day: the app was killed with a call ringing, an import of 20,000 rows
    held the database, and the call's `end --missed` gave up after its 3 s wait ("database is
    locked", exit 1): the call stayed "outcome unknown" for good. The hook returns at once
    with the end kept, and the next start finishes the call, once."""
    data = tmp_path / "data"
    rang = hook(data, "ring", "--", NUMBER)
    assert rang.returncode == 4, rang.stderr
    locker = sqlite3.connect(data / "callercard.sqlite3", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # an import holds the write lock for its whole length
    try:
        ended = hook(data, "end", "--missed", "--", NUMBER)
    finally:
        locker.execute("COMMIT")
        locker.close()
    assert (ended.returncode, ended.stderr) == (
        4, NOT_RUNNING + "missed call from +1 415-555-0123 kept: the database is busy (another "
        "program is writing it); CallerCard records it when it next starts\n")  # fmt: skip

    ini = tmp_path / "microsip.ini"
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, {})))
    app = App(tmp_path, ini, xvfb_display, "next")
    try:
        deadline = time.monotonic() + 20
        while calls(data)[0]["outcome"] != "missed" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        app.terminate()
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "missed")
    assert [r for r in app.records() if r["stage"] == "shown"] == []


def test_two_withheld_callers_a_moment_apart_with_no_app_are_two_calls(tmp_path: Path) -> None:
    # Both keyed "hook:" (nothing else tells withheld callers apart), their rings were stamped
    # to the second and anything within 2 s taken for the one call logged twice: the second
    # caller's call was never in the history, and both ends finished the first.
    data = tmp_path / "data"
    assert hook(data, "ring", "anonymous").returncode == 4
    time.sleep(1.0)
    assert hook(data, "ring", "").returncode == 4
    assert hook(data, "end", "--missed").returncode == 4
    assert hook(data, "end", "--missed").returncode == 4

    withheld = [c for c in calls(data) if not c["number"]]
    assert [c["outcome"] for c in withheld] == ["missed", "missed"]


def test_calls_from_caller_ids_that_are_no_number_are_found_by_name_as_received(
    tmp_path: Path,
) -> None:
    # `calls --name` looked in names and caller ID names only: these calls have neither.
    data = tmp_path / "data"
    for caller_id in ("Reception", "sip:front-desk@pbx", "030 90182013", "+14155550123"):
        assert hook(data, "ring", caller_id).returncode == 4
        assert hook(data, "end", "--missed", caller_id).returncode == 4
    for text, found in [("reception", "Reception"), ("FRONT-DESK", "sip:front-desk@pbx"),
                        ("90182013", "030 90182013")]:  # fmt: skip
        out = hook(data, "calls", "--name", text, "--json")
        assert out.returncode == 0, out.stderr
        assert [c["caller_id"] for c in json.loads(out.stdout)["calls"]] == [found], text
