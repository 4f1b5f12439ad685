"""Ending a child process (a place-index build at exit, a do-not-disturb monitor, a test's
server): asked first, killed if it will not go, and reaped. Real processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from desktop.adapters.child_process import end_child

# Says it is ready, then waits; with "stubborn", SIGTERM is ignored (a child stuck in a
# write, or one that traps it); else it leaves a word on its way out.
CHILD = """
import signal, sys, time
from pathlib import Path
out = Path(sys.argv[1])
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, lambda *_: (out.write_text("cleaned up"), sys.exit(0)))
print("ready", flush=True)
time.sleep(60)
"""


def started(tmp_path: Path, how: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "out"), how],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    child.stdout.close()
    return child


def test_a_child_that_heeds_terminate_ends_on_its_own_terms(tmp_path: Path) -> None:
    child = started(tmp_path, "polite")
    begun = time.monotonic()
    end_child(child, 5)
    assert child.returncode == 0  # reaped, and it exited itself
    assert (tmp_path / "out").read_text() == "cleaned up"
    assert time.monotonic() - begun < 5


def test_a_child_that_ignores_terminate_is_killed_after_the_wait(tmp_path: Path) -> None:
    child = started(tmp_path, "stubborn")
    begun = time.monotonic()
    end_child(child, 0.5)
    took = time.monotonic() - begun
    assert child.returncode == -9  # SIGKILL, reaped
    assert 0.5 <= took < 5, took


def test_a_child_gone_already_is_only_reaped(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    end_child(child, 5)  # no signal sent to a pid that may be another process's by now
    assert child.returncode == 0
