"""The real app in a child process started with ``--trace FILE``: what it did, stage by stage,
for the tests that drive it from outside."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


class TracedApp:
    """Set ``trace`` and, once started, ``proc`` (stderr piped)."""

    trace: Path
    proc: subprocess.Popen[str] | None = None
    stderr_file: Path | None = None  # where stderr goes when it is not piped
    wait_timeout_s = 20.0

    def records(self) -> list[dict[str, Any]]:
        if not self.trace.exists():
            return []
        # Only whole lines: one read can meet the app writing the next one (a JSONDecodeError,
        # "Unterminated string", in a parallel suite run).
        lines = self.trace.read_text(encoding="utf-8").split("\n")[:-1]
        return [json.loads(line) for line in lines if line.strip()]

    def wait_for(
        self,
        match: Callable[[dict[str, Any]], bool],
        what: str,
        *,
        after: int = 0,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """The first trace record from number `after` on that `match`es; fails the test when
        the app exits or the time runs out first."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.wait_timeout_s)
        while time.monotonic() < deadline:
            for record in self.records()[after:]:
                if match(record):
                    return record
            assert self.proc is not None, "the app was never started"
            if self.proc.poll() is not None:
                _, err = self.proc.communicate()
                pytest.fail(f"the app exited ({self.proc.returncode}) waiting for {what}: {err}")
            time.sleep(0.02)
        pytest.fail(f"timed out waiting for {what}; trace: {self.records()[after:]}")

    def terminate(self) -> str:
        """SIGTERM, as a session logout sends it; the app's stderr. An app still running
        `QUIT_WAIT_S` later fails the test with its stacks (see `end_with_sigterm`)."""
        if self.proc is None:
            return ""
        return end_with_sigterm(self.proc, stderr_file=self.stderr_file)


# The app quits within a second or two of a logout even on a loaded machine: ten is a hang.
QUIT_WAIT_S = 10.0


def end_with_sigterm(
    proc: subprocess.Popen[str], *, wait: float = QUIT_WAIT_S, stderr_file: Path | None = None
) -> str:
    """SIGTERM to `proc` and its stderr once it has quit. One still running `wait` seconds later
    fails the test: a quiet kill here once hid an app that ignored every logout."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=wait)
    except subprocess.TimeoutExpired:
        pass  # failed below, out of this handler: the timeout's own traceback is only noise
    else:
        return _stderr(err, stderr_file)
    pytest.fail(f"the app did not quit within {wait:g} s of SIGTERM; {stacks(proc, stderr_file)}")


def stacks(proc: subprocess.Popen[str], stderr_file: Path | None = None) -> str:
    """What a hung `proc` was doing, for the failure: SIGABRT makes the faulthandler that
    PYTHONFAULTHANDLER (set for every child, see tests/conftest.py) turned on print the stack
    of each of its threads to stderr before the process ends."""
    proc.send_signal(signal.SIGABRT)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # stuck in the kernel: not even the abort got through
        proc.kill()
        _, err = proc.communicate()
    return f"its threads when it was aborted:\n{_stderr(err, stderr_file)}"


def _stderr(piped: str | None, stderr_file: Path | None) -> str:
    if piped is not None or stderr_file is None:
        return piped or ""
    return stderr_file.read_text(encoding="utf-8", errors="replace")
