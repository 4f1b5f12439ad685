"""A call that rings while the app starts, or is ringing when it restarts, pops its card; a
restart never pops a call that is over. The real app in a child process, a real microsip.ini
or linphone.db, Xvfb."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.conftest import python_env
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.traced_app import TracedApp

pytestmark = [pytest.mark.xvfb]

OLD = render_call("+14155550100", "", CallType.MISSED, int(time.time()) - 3600, 0, "Missed Call")


class App(TracedApp):
    def __init__(
        self, tmp: Path, log: Path, display: str, name: str, *, watch: str = "microsip"
    ) -> None:
        self.trace = tmp / f"{name}.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(tmp / "data"), "--region", "US",
             "--background", "--watch", f"{watch}:{log}", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def stages(self) -> list[tuple[str, str]]:
        return [(r["stage"], r.get("call_key", "")) for r in self.records()
                if r["stage"] in ("read", "shown")]  # fmt: skip


def write(ini: Path, calls: dict[int, str]) -> None:
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": str(max(calls))}, calls)))


def test_a_call_ringing_when_the_app_starts_pops_and_a_restart_after_it_ended_does_not(
    tmp_path: Path, xvfb_display: str
) -> None:
    ini = tmp_path / "microsip.ini"
    started = int(time.time()) - 2  # rang while the app was down, or starting
    calls = {0: OLD, 1: render_call("+14155550142", "Dana", CallType.INCOMING, started)}
    write(ini, calls)
    key = f"microsip:1:{started}"

    app = App(tmp_path, ini, xvfb_display, "first")
    try:
        app.wait_for(lambda r: r["stage"] == "shown" and r["call_key"] == key, "Dana's card")
    finally:
        app.terminate()
    assert app.stages() == [("read", key), ("shown", key)]  # the old missed call stays history
    # A worker thread running Python (a directory sync, a scan) holds a ring up for up to
    # the switch interval each time the GUI thread asks for the interpreter back: CPython's
    # 5 ms made a card 75 ms late (benchmarks/ring_during_worker.py).
    [ready] = [r for r in app.records() if r["stage"] == "ready"]
    assert ready["switch_interval_ms"] <= 0.5

    calls[1] = render_call("+14155550142", "Dana", CallType.MISSED, started, 0, "Missed Call")
    write(ini, calls)
    again = App(tmp_path, ini, xvfb_display, "again")
    try:
        time.sleep(0.5)  # a first read that popped would have done so before "ready"
    finally:
        again.terminate()
    assert again.stages() == []


def test_a_linphone_call_ringing_when_the_app_starts_pops_and_one_taken_does_not(
    tmp_path: Path, xvfb_display: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.softphone_writers import LinphoneLikeWriter

    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db)
    try:
        taken = writer.ring("sip:+14155550100@sip.example.com", "Talking",
                            at=datetime.now(UTC) - timedelta(seconds=20))  # fmt: skip
        writer.answer(taken)
        ringing = writer.ring("sip:+14155550142@sip.example.com;user=phone", "MIKE K")
        app = App(tmp_path, db, xvfb_display, "linphone", watch="linphone")
        try:
            app.wait_for(lambda r: r["stage"] == "shown", "Mike's card")
        finally:
            app.terminate()
    finally:
        writer.close()
    assert [stage for stage, _key in app.stages()] == ["read", "shown"]
    assert all(key.startswith(f"linphone:{ringing}:") for _stage, key in app.stages())
