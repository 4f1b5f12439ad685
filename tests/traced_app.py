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
    wait_timeout_s = 20.0

    def records(self) -> list[dict[str, Any]]:
        if not self.trace.exists():
            return []
        lines = self.trace.read_text(encoding="utf-8").splitlines()
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
        """SIGTERM, as a session logout sends it (a kill after 10 s); the app's stderr."""
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.communicate()[1] or ""
