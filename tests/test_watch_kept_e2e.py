"""The rep's day, in real processes: CallerCard started once with `--watch microsip:PATH` (the
welcome up), quit; later a softphone hook starts it (`--background --data-dir`, no --watch);
a call MicroSIP writes then pops its card and is in `callercard calls`. As a rep, that app
watched nothing and every call of the day went unseen and unrecorded."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.conftest import python_env
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.traced_app import TracedApp

BOOK = "First Name,Last Name,Company,Phone\nMichael,Brandt,Harbor Foods,+1 212 555 0123\n"
BRANDT = "+12125550123"
HOOK_CALLER = "+14155550110"
ENV = python_env(QT_QPA_PLATFORM="offscreen")


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "desktop", *args, "--data-dir", str(data)],
                          capture_output=True, text=True, env=ENV, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def write(ini: Path, calls: dict[int, str]) -> None:
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": str(max(calls))}, calls)))


def wait_until(done: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def logged(data: Path, text: str) -> bool:
    log = data / "callercard.log"
    return log.exists() and text in log.read_text(encoding="utf-8")


class FirstStart(TracedApp):
    """Started by the rep, not into the tray: the welcome comes up."""

    def __init__(self, tmp: Path, data: Path, ini: Path) -> None:
        self.trace = tmp / "first.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--watch", f"microsip:{ini}", "--trace", str(self.trace)],
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip


def test_the_softphone_connected_with_watch_pops_cards_when_a_hook_restarts_the_app(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    ini = tmp_path / "MicroSIP" / "microsip.ini"
    ini.parent.mkdir()
    old = int(time.time()) - 3600
    calls = {0: render_call("+14155550100", "Old", CallType.INCOMING, old, 3, "Call Ended")}
    write(ini, calls)

    first = FirstStart(tmp_path, data, ini)
    try:
        first.wait_for(lambda r: r["stage"] == "welcome" and r.get("state") == "shown",
                       "the welcome", timeout=40)  # fmt: skip
        cli(data, "quit")
        assert first.proc is not None
        first.proc.wait(timeout=30)
    finally:
        first.terminate()
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    cli(data, "import", str(tmp_path / "book.csv"))

    # The softphone's hook, with no app running, starts one (--background --data-dir only)
    cli(data, "ring", HOOK_CALLER, "MIKE K")
    try:
        wait_until(lambda: logged(data, f"card shown for hook:{HOOK_CALLER}"), "the hook's card")
        cli(data, "end", HOOK_CALLER, "--answered")
        rang = int(time.time())
        calls[1] = render_call(BRANDT, "Harbor", CallType.INCOMING, rang)
        write(ini, calls)  # MicroSIP writes the ringing call
        wait_until(lambda: logged(data, f"card shown for microsip:1:{rang}"), "Brandt's card")
        calls[1] = render_call(BRANDT, "Harbor", CallType.MISSED, rang, 0, "Missed Call")
        write(ini, calls)

        def brandt_missed() -> bool:
            listed = json.loads(cli(data, "calls", "--json").stdout)["calls"]
            return any(c["number"] == BRANDT and c["outcome"] == "missed" and
                       c["source"] == "microsip" for c in listed)  # fmt: skip

        wait_until(brandt_missed, "Brandt's missed call in callercard calls")
    finally:
        cli(data, "quit")
