"""What a call source reports from its own thread, collected for a test to wait on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from desktop.core.events import CallEvent

TIMEOUT_S = 5.0


class EventRecorder:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.events: list[CallEvent] = []
        self.problems: list[str] = []

    def on_event(self, event: CallEvent) -> None:
        with self._condition:
            self.events.append(event)
            self._condition.notify_all()

    def on_problem(self, message: str) -> None:
        with self._condition:
            self.problems.append(message)
            self._condition.notify_all()

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
        """An event or a problem wakes the wait at once; whatever else `ready` looks at (a
        peer's connection) is seen within a slice, not only when the timeout is up."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(
                        f"no {what} after {timeout} s; events: {self.events}; "
                        f"problems: {self.problems}"
                    )
                self._condition.wait(min(left, 0.02))

    def wait_events(self, count: int, timeout: float = TIMEOUT_S) -> list[CallEvent]:
        self.wait_until(lambda: len(self.events) >= count, f"{count} events", timeout)
        with self._condition:
            return list(self.events)

    def wait_problems(self, count: int) -> list[str]:
        self.wait_until(lambda: len(self.problems) >= count, f"{count} problems")
        with self._condition:
            return list(self.problems)
