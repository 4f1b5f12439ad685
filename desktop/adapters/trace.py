"""--trace FILE: one JSON line per stage of each ring, so latency is measured from outside.

Timestamps are time.monotonic_ns(), which is CLOCK_MONOTONIC and so comparable across
processes on the same machine (a writer process, the hook, the app).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


class RingTrace:
    """Writes the stages; a ring's own stages are held (`held=True`) until its card has
    painted, so the ring path pays no formatting and no file write for being traced: a
    benchmark measures the app as a rep runs it, with --trace or without. Every stage keeps
    the time it happened."""

    def __init__(self, path: Path | None) -> None:
        self._fd: int | None = None
        self._held: list[dict[str, object]] = []
        if path is not None:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    @property
    def enabled(self) -> bool:
        return self._fd is not None

    def write(
        self,
        stage: str,
        caller_id: str,
        t_ns: int | None = None,
        *,
        held: bool = False,
        **fields: object,
    ) -> None:
        """One line for `stage`; with `held`, kept until the next line that is not held, or
        `release()`: lines always reach the file in the order they were written."""
        if self._fd is None:
            return
        record = {"stage": stage, "t_ns": t_ns or time.monotonic_ns(), "caller_id": caller_id}
        record.update(fields)
        self._held.append(record)
        if not held:
            self.release()

    def release(self) -> None:
        """Write the lines held so far."""
        if self._fd is not None and self._held:
            records, self._held = self._held, []
            # backslashreplace: text that is not UTF-8 (a lone surrogate) becomes a JSON
            # escape, so the line stays valid rather than the ring dying on it. One write()
            # on an O_APPEND fd: lines from one process never interleave.
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            os.write(self._fd, text.encode("utf-8", "backslashreplace"))

    def close(self) -> None:
        if self._fd is not None:
            self.release()
            os.close(self._fd)
            self._fd = None
