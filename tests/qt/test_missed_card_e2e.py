"""The real app in a child process, driven by real `callercard ring` / `end` hooks: a call
that ends unanswered leaves a missed card with Call back, an answered or plain end closes the
card, a withheld caller's missed card has no Call back, and calling the number back (here
with `callercard call` and a Twinkle on PATH that records its arguments) takes the missed
card away. Read back from the app's --trace file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.test_dialing import argv_of, program
from tests.conftest import private_x_server, python_env
from tests.qt.test_app_e2e import RunningApp
from tests.traced_app import TracedApp

MIKE = "+14155550142"  # in the demo book the app loads at its first start


def a_running_twinkle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    program(bin_dir, "twinkle", "exit 0")
    twinkle_dir = Path(os.environ["HOME"]) / ".twinkle"
    twinkle_dir.mkdir(parents=True, exist_ok=True)
    (twinkle_dir / ".cmdsock").touch()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def hook(app: RunningApp, *args: str) -> None:
    result = app.cli(*args)
    assert result.returncode == 0, result.stderr


def end_of(app: RunningApp, call_key: str, after: int) -> dict[str, Any]:
    return app.wait_for(lambda r: r["stage"] == "ended" and r["call_key"] == call_key,
                        f"the end of {call_key}", after=after)  # fmt: skip


def test_hook_ends_turn_missed_cards_into_call_back_cards_and_close_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = a_running_twinkle(tmp_path, monkeypatch)
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", MIKE)
        app.wait_for(lambda r: r["stage"] == "shown", "Mike's card", after=mark)
        hook(app, "end", MIKE, "--missed")
        ended = end_of(app, f"hook:{MIKE}", mark)
        assert (ended["missed"], ended["kept"], ended["closed"]) == (True, True, False)
        missed = app.wait_for(lambda r: r["stage"] == "missed_card", "the missed card",
                              after=mark)  # fmt: skip
        assert missed["call_back"] is True

        # He rings again and this time the rep answers: a new card, closed at the end.
        mark = len(app.records())
        hook(app, "ring", MIKE)
        app.wait_for(lambda r: r["stage"] == "shown", "the second card", after=mark)
        hook(app, "end", MIKE)
        ended = end_of(app, f"hook:{MIKE}", mark)
        assert (ended["missed"], ended["kept"], ended["closed"]) == (False, False, True)

        # A withheld caller's missed card has nothing to call back.
        mark = len(app.records())
        hook(app, "ring", "")
        app.wait_for(lambda r: r["stage"] == "shown", "the withheld card", after=mark)
        hook(app, "end", "", "--missed")
        assert end_of(app, "hook:", mark)["kept"] is True
        withheld = app.wait_for(lambda r: r["stage"] == "missed_card", "the withheld missed card",
                                after=mark)  # fmt: skip
        assert withheld["call_back"] is False

        # Calling Mike back (from anywhere) places the call and takes his missed card away.
        mark = len(app.records())
        hook(app, "call", MIKE)
        dialed = app.wait_for(lambda r: r["stage"] == "dialed", "the call back", after=mark)
        assert (dialed["dialer"], dialed["missed_cards_closed"]) == ("twinkle", 1)
        assert argv_of(bin_dir, "twinkle") == ["--immediate", "--call", MIKE]
    finally:
        app.stop()


class AppAt2x(TracedApp):
    """The app on a real 1600x1000 display at QT_SCALE_FACTOR=2, where the screen holds one
    ringing card and the calls before it wait in "+N more ringing"."""

    def __init__(self, tmp: Path, display: str) -> None:
        self.data = tmp / "data"
        self.trace = tmp / "trace.jsonl"
        earlier = len(self.records())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app to be ready", after=earlier)

    def hook(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "desktop", *args, "--data-dir", str(self.data)],
            capture_output=True, text=True, timeout=30,
            env=python_env(QT_QPA_PLATFORM="offscreen"),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


@pytest.mark.xvfb
def test_at_2x_a_call_missed_while_folded_into_more_keeps_its_missed_card(
    tmp_path: Path,
) -> None:
    callers = [MIKE, "+13125550123"]
    with private_x_server("1600x1000x24") as display:
        app = AppAt2x(tmp_path, display)
        try:
            for number in callers:
                mark = len(app.records())
                app.hook("ring", number)
                app.wait_for(lambda r: r["stage"] == "shown", f"{number}'s card", after=mark)
            mark = len(app.records())
            for number in callers:  # Mike's call waits in "+1 more ringing" as it ends
                app.hook("end", number, "--missed")
            kept = [app.wait_for(lambda r, n=n: r["stage"] == "ended" and n in r["call_key"],
                                 f"the end of {n}", after=mark) for n in callers]  # fmt: skip
            assert [k["kept"] for k in kept] == [True, True]
        finally:
            app.terminate()
        # Both missed cards were up or waiting for room at the quit: both come back.
        saved = json.loads((tmp_path / "data" / "missed-cards.json").read_text("utf-8"))
        assert sorted(card["caller_id"] for card in saved) == sorted(callers)

        again = AppAt2x(tmp_path, display)
        try:
            for number in callers:
                again.wait_for(lambda r, n=number: r["stage"] == "missed_card"
                               and r.get("restored") and n in str(r.get("caller_id")),
                               f"{number}'s missed card back")  # fmt: skip
        finally:
            again.terminate()
