"""The tray's start-up, observed in the real app started as `callercard` starts it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# At "ready", watch from a thread of our own (the app's code is left as it is) for what we ask.
PROBE = """
import gc, os, sys, threading, time
from desktop.adapters import trace

write = trace.RingTrace.write

def report():
    deadline = time.monotonic() + 20
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    print(f"collector on: {gc.isenabled()}, frozen objects: {gc.get_freeze_count() > 0}",
          flush=True)
    os._exit(0)

def probe(self, stage, *args, **fields):
    write(self, stage, *args, **fields)
    if stage == "ready":
        print(f"collector at ready: {gc.isenabled()}", flush=True)
        threading.Thread(target=report, daemon=True).start()

trace.RingTrace.write = probe
from desktop.cli import main
main(sys.argv[1:])
"""


def test_the_garbage_collector_is_back_on_once_start_up_is_frozen(tmp_path: Path) -> None:
    """Start-up runs without the collector (its objects live for the session); after the idle
    warm-up has frozen them, it is on again, or a long session's cycles would pile up."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(tmp_path / "data"), "--region", "US",
         "--background", "--trace", str(tmp_path / "trace")],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.splitlines() == [
        "collector at ready: False",
        "collector on: True, frozen objects: True",
    ]
