"""A crash leaves every thread's stack in the data folder's crash.log: the app started from the
desktop has no terminal, and the rare crashes at quit were never seen with a stack."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import python_env
from tests.traced_app import TracedApp


class App(TracedApp):
    def __init__(self, tmp: Path) -> None:
        self.trace = tmp / "trace.jsonl"
        env = python_env(QT_QPA_PLATFORM="offscreen")
        env.pop("PYTHONFAULTHANDLER")  # as the desktop starts it: no terminal to print to
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(tmp / "data"), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip


def test_a_segfault_leaves_each_threads_stack_in_crash_log(tmp_path: Path) -> None:
    app = App(tmp_path)
    try:
        app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready")
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSEGV)
        app.proc.communicate(timeout=10)
        assert app.proc.returncode == -signal.SIGSEGV
        crash = (tmp_path / "data" / "crash.log").read_text(encoding="utf-8")
        assert "Fatal Python error: Segmentation fault" in crash
        assert "history_writer.py" in crash  # every thread, not only the one that crashed
        assert "start_up.py" in crash
        assert (tmp_path / "data" / "crash.log").stat().st_mode & 0o077 == 0
    finally:
        app.terminate()

