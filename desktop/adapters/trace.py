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
    def __init__(self, path: Path | None) -> None:
        self._fd: int | None = None
        if path is not None:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    @property
    def enabled(self) -> bool:
        return self._fd is not None

    def write(self, stage: str, caller_id: str, t_ns: int | None = None, **fields: object) -> None:
        if self._fd is None:
            return
        record = {"stage": stage, "t_ns": t_ns or time.monotonic_ns(), "caller_id": caller_id}
        record.update(fields)
        # One write() per line on an O_APPEND fd: lines from one process never interleave.
        # backslashreplace: text that is not UTF-8 (a lone surrogate) becomes a JSON escape,
        # so the line stays valid rather than the ring dying on it.
        line = json.dumps(record, ensure_ascii=False) + "\n"
        os.write(self._fd, line.encode("utf-8", "backslashreplace"))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
