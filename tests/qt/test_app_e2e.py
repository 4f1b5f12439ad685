"""The whole loop in real processes: a softphone writes, the app pops the right card.

The app runs as a child process (offscreen Qt) with its own data directory; we read its
--trace file, which records each ring's stages with monotonic timestamps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.traced_app import TracedApp, end_with_sigterm

INI_HEAD = (
    "[Settings]\r\naccountId=1\r\ncallsLastKey=1\r\n[Account1]\r\nusername=1001\r\n"
    "domain=pbx.example.com\r\n[Calls]\r\n"
    "0=+14155550100;Old Call;1;1773151331;321;Call Ended\r\n"
    "1=+14155550142;Still Ringing At Start;1;1773222065;0;\r\n"
)


def now() -> int:
    # MicroSIP stamps a ring with the current time; an old stamp reads as late history.
    return int(time.time())


def write_ini(path: Path, text: str) -> None:
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def append_ini(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode("utf-16-le"))
    finally:
        os.close(fd)


class RunningApp(TracedApp):
    def __init__(self, tmp: Path, *extra: str) -> None:
        self.data = tmp / "data"
        self.ini = tmp / "phone" / "microsip.ini"
        self.trace = tmp / "trace.jsonl"
        self.ini.parent.mkdir(parents=True, exist_ok=True)
        if not self.ini.exists():
            write_ini(self.ini, INI_HEAD)
        earlier = len(self.records())  # a restart appends to the trace of the run before
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--watch", f"microsip:{self.ini}", "--trace", str(self.trace),
             *extra],
            env=python_env(QT_QPA_PLATFORM="offscreen"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app to be ready", after=earlier)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args, "--data-dir", str(self.data)],
            capture_output=True, text=True, env=python_env(QT_QPA_PLATFORM="offscreen"),
            timeout=30,
        )  # fmt: skip

    def stop(self) -> str:
        return self.terminate()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[RunningApp]:
    running = RunningApp(tmp_path)
    yield running
    running.stop()


def stages_for(app: RunningApp, caller_id: str) -> list[str]:
    return [str(r["stage"]) for r in app.records() if r.get("caller_id") == caller_id]


def test_a_microsip_ring_pops_the_known_prospects_card(app: RunningApp) -> None:
    # The app started with no data, so it loaded the demo book (Mike Kowalski, +14155550142).
    append_ini(app.ini, f"2=+14155550142;MIKE K;1;{now()};0;\r\n")
    shown = app.wait_for(lambda r: r["stage"] == "shown", "the popup to be painted")
    matched = next(r for r in app.records() if r["stage"] == "matched")
    read = next(r for r in app.records() if r["stage"] == "read")
    assert matched["match"] == "exact"
    assert len(matched["contacts"]) == 1  # type: ignore[arg-type]
    assert read["caller_id"] == shown["caller_id"] == "+14155550142"
    assert int(read["t_ns"]) <= int(matched["t_ns"]) <= int(shown["t_ns"])  # type: ignore[call-overload]


def test_calls_already_in_the_file_never_pop_again(app: RunningApp) -> None:
    # Key 1 was "still ringing" when the app started: it must not pop. A later ring does.
    append_ini(app.ini, f"2=+14155550178;Brennan;1;{now()};0;\r\n")
    app.wait_for(lambda r: r["stage"] == "shown", "the new ring's popup")
    assert {r["caller_id"] for r in app.records() if r["stage"] == "read"} == {"+14155550178"}


def test_a_switchboard_call_is_reported_as_such(app: RunningApp) -> None:
    append_ini(app.ini, f"2=+14155550100;CONTOSO;1;{now()};0;\r\n")
    matched = app.wait_for(lambda r: r["stage"] == "matched", "the lookup")
    assert matched["match"] == "switchboard"
    assert len(matched["contacts"]) == 2  # type: ignore[arg-type]


def test_the_hook_hands_a_ring_to_the_running_app_and_returns(app: RunningApp) -> None:
    result = app.cli("ring", "sip:+442079460321@trunk.example.net;user=phone", "--name", "P N")
    assert result.returncode == 0, result.stderr
    matched = app.wait_for(lambda r: r["stage"] == "matched", "the hook's ring")
    assert matched["match"] == "exact"
    app.wait_for(lambda r: r["stage"] == "shown", "the hook's popup")
    assert app.cli("end", "sip:+442079460321@trunk.example.net;user=phone").returncode == 0


def test_a_second_launch_hands_over_instead_of_starting_twice(app: RunningApp) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(app.data), "--background"],
        capture_output=True, text=True, env=python_env(QT_QPA_PLATFORM="offscreen"), timeout=30,
    )  # fmt: skip
    assert second.returncode == 0
    assert "already running" in second.stderr
    assert app.proc.poll() is None


def test_a_corrupt_call_log_is_reported_and_the_app_keeps_going(app: RunningApp) -> None:
    append_ini(app.ini, f"2=garbage;;;type?;when?;\r\n3=+14155550178;Brennan;1;{now()};0;\r\n")
    app.wait_for(lambda r: r["stage"] == "shown" and r["caller_id"] == "+14155550178",
                 "the good ring after the garbage")  # fmt: skip
    assert app.proc.poll() is None
    log = (app.data / "callercard.log").read_text(encoding="utf-8")
    assert "microsip.ini" in log


def test_withheld_callers_pop_without_a_match(app: RunningApp) -> None:
    append_ini(app.ini, f"2=anonymous;anonymous;1;{now()};0;\r\n")
    matched = app.wait_for(lambda r: r["stage"] == "matched", "the lookup")
    assert matched["match"] == "withheld" and matched["contacts"] == []


def test_ring_with_no_app_running_starts_one_that_shows_the_card(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = python_env(QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "ring", "+14155550142", "--data-dir", str(data)],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10, "the hook must return without waiting for Qt"
    deadline = time.monotonic() + 30
    log = data / "callercard.log"
    try:
        while time.monotonic() < deadline:
            if log.exists() and "card shown" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the launched app never showed the delivered ring")
    finally:
        quit_ = subprocess.run(
            [sys.executable, "-m", "desktop", "quit", "--data-dir", str(data)],
            env=env, timeout=30, capture_output=True, text=True,
        )  # fmt: skip
        assert quit_.returncode == 0, quit_.stderr


def test_demo_rings_a_prospect_soon_after_start_and_cleans_up(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--demo", "--background", "--trace", str(trace)],
        env=python_env(QT_QPA_PLATFORM="offscreen", TMPDIR=str(scratch)), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    records: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        if trace.exists():
            records = [json.loads(x) for x in trace.read_text().splitlines() if x.strip()]
            if any(r["stage"] == "shown" for r in records):
                break
        time.sleep(0.05)
    err = end_with_sigterm(proc)
    matched = next(r for r in records if r["stage"] == "matched")
    assert matched["match"] == "exact" and matched["caller_id"] == "+14155550142"
    assert proc.returncode == 0, err
    assert list(scratch.glob("callercard-demo-*")) == [], "the throwaway data dir is removed"
