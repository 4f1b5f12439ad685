"""A call from a caller ID the rep's region cannot read as a number ("030 90182013", a German
number written nationally, on a US rep) is remembered: the hook records it, `callercard calls`
lists it as received and counts it missed, and the softphone's own log of the same call does
not make it two. Real child processes on one data dir, as tests/test_hook_without_app.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.test_hook_without_app import NOT_RUNNING, calls, hook
from tests.test_ring_at_start import App

BERLIN = "030 90182013"


def missed_and_recorded(data: Path) -> None:
    rang = hook(data, "ring", "--", BERLIN)
    assert (rang.returncode, rang.stderr) == (
        4, NOT_RUNNING + f"call from {BERLIN} recorded; no card shown\n")  # fmt: skip
    ended = hook(data, "end", "--missed", "--", BERLIN)
    assert (ended.returncode, ended.stderr) == (
        4, NOT_RUNNING + f"missed call from {BERLIN} recorded\n")  # fmt: skip


def test_a_missed_call_from_a_number_we_cannot_read_is_listed_and_counted(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    missed_and_recorded(data)
    assert hook(data, "ring", "--", "+14155550123").returncode == 4  # a readable one, later

    listed = calls(data)
    assert [(c["number"], c["caller_id"], c["outcome"]) for c in listed] == [
        ("+14155550123", None, ""), (None, BERLIN, "missed")]  # fmt: skip
    missed = hook(data, "calls", "--missed", "--json")
    assert [c["caller_id"] for c in json.loads(missed.stdout)["calls"]] == [BERLIN]
    text = hook(data, "calls", "--missed")
    assert text.returncode == 0, text.stderr
    [line] = text.stdout.splitlines()
    assert line.endswith(f"Unknown · {BERLIN} (caller ID as received)")
    # Nothing to call back: Callbacks lists people and numbers that can be dialled.
    callbacks = json.loads(hook(data, "callbacks", "--json").stdout)
    assert (callbacks["waiting_for_us"], callbacks["due"]) == ([], 0)


@pytest.mark.xvfb
def test_the_hooks_call_and_the_softphones_log_of_it_are_one_call(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The hook recorded the call with no app running; MicroSIP logged it, written without
    the space, and an app started later read that log."""
    data = tmp_path / "data"
    started = int(time.time())
    missed_and_recorded(data)
    ini = tmp_path / "microsip.ini"
    logged = {0: render_call("+14155550100", "", CallType.MISSED, started - 3600, 0, "Missed Call")}
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, logged)))

    app = App(tmp_path, ini, xvfb_display, "later")
    try:
        logged[1] = render_call("03090182013", "", CallType.MISSED, started, 0, "Missed Call")
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "1"}, logged)))
        app.wait_for(lambda r: r["stage"] == "recorded", "MicroSIP's record of the call")
    finally:
        app.terminate()

    [call] = calls(data)
    assert (call["number"], call["caller_id"], call["outcome"], call["source"]) == (
        None, BERLIN, "missed", "microsip")  # fmt: skip


def test_callercard_calls_says_a_colleagues_extension_as_the_lists_do(tmp_path: Path) -> None:
    """'sip:3103@pbx.office (caller ID as received)' where Recent calls say 'x3103'."""
    data = tmp_path / "data"
    assert hook(data, "ring", "--", "sip:3103@pbx.office").returncode == 4
    assert hook(data, "ring", "--", "Reception").returncode == 4
    text = hook(data, "calls")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].endswith("Unknown · Reception (caller ID as received)"), lines
    assert lines[1].endswith("  x3103"), lines  # named by it, as its card does, once
