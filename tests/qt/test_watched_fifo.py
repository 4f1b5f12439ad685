"""A FIFO at the watched call log, in the real app: `rm microsip.ini; mkfifo microsip.ini`.

A plain open() of a FIFO waits for a writer that never comes; the app must say what is wrong
instead, keep popping cards once a real file is back, and still end on SIGTERM.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.qt.test_app_e2e import INI_HEAD, write_ini
from tests.traced_app import TracedApp

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


class FifoApp(TracedApp):
    def __init__(self, tmp: Path, ini: Path) -> None:
        self.trace = tmp / "trace.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(tmp / "data"), "--region", "US",
             "--background", "--watch", f"microsip:{ini}", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="offscreen"), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def fifo_problem(self, after: int) -> dict[str, object]:
        return self.wait_for(
            lambda r: r["stage"] == "problem" and "FIFO" in str(r["message"]),
            "the FIFO to be reported",
            after=after,
        )


def ring_line(key: int, number: str) -> str:
    return f"{key}={number};Caller {key};1;{int(time.time())};0;\r\n"


def make_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path, 0o600)


def test_a_fifo_at_the_watched_file_is_reported_and_rings_pop_once_a_file_is_back(
    tmp_path: Path,
) -> None:
    ini = tmp_path / "phone" / "microsip.ini"
    ini.parent.mkdir()
    make_fifo(ini)
    app = FifoApp(tmp_path, ini)
    try:
        app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready with a FIFO there")
        problem = app.fifo_problem(0)
        assert str(ini) in str(problem["message"])
        assert "not a regular file" in str(problem["message"])

        seen = len(app.records())
        ini.unlink()
        write_ini(ini, INI_HEAD + ring_line(2, "+14155550142"))
        read = app.wait_for(lambda r: r["stage"] == "shown", "the ring after the file came back")
        assert read["caller_id"] == "+14155550142"

        # Mid-run, the file replaced by a FIFO: the watcher's thread must not hang in open().
        seen = len(app.records())
        make_fifo(ini)
        app.fifo_problem(seen)
        ini.unlink()
        write_ini(ini, INI_HEAD + ring_line(2, "+14155550142") + ring_line(3, "+442079460321"))
        app.wait_for(
            lambda r: r["stage"] == "shown" and r["caller_id"] == "+442079460321",
            "the ring after the FIFO went away",
            after=seen,
        )

        make_fifo(ini)  # and once more, left in place at quit
        app.fifo_problem(len(app.records()))
        err = app.terminate()
        assert app.proc is not None and app.proc.returncode == 0, err
    finally:
        app.terminate()
