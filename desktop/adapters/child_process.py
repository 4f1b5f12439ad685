"""Ending a child process this program started: asked first (SIGTERM, so it can remove what
it was writing and close its files), killed if it has not gone within a wait, and reaped
either way, so no zombie is left and the caller knows it is gone when this returns."""

from __future__ import annotations

import subprocess
from typing import Any


def end_child(process: subprocess.Popen[Any], wait_s: float) -> None:
    """Stop `process`: terminate, wait up to `wait_s` seconds, then kill and wait. One that
    has already exited is only reaped. On Windows terminate is already a kill."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(wait_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
