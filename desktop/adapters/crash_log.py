"""Where a crash leaves its stacks: crash.log in the data folder, written by faulthandler.

A segfault or an abort ends the app before logging can say a word, and an app started from the
desktop has no terminal for stderr. faulthandler writes every thread's Python stack from the
signal handler itself, so the next rare crash (one in 26 quits of the frozen app, one abort in
330 test runs, neither ever reproduced) says which thread was where.

No Qt here: it is set up before Qt is imported.
"""

from __future__ import annotations

import faulthandler
from pathlib import Path
from typing import TextIO

CRASH_LOG = "crash.log"
_kept: list[TextIO] = []  # faulthandler writes to the descriptor: the file must stay open


def record_crashes(data_dir: Path) -> Path | None:
    """From now on a fatal signal appends every thread's stack to `data_dir`/crash.log; the
    file, or None where it cannot be opened or faulthandler already writes elsewhere (the
    PYTHONFAULTHANDLER of a terminal or a test, which prints to stderr)."""
    if faulthandler.is_enabled():
        return None
    path = data_dir / CRASH_LOG
    try:
        stream = open(path, "a", encoding="utf-8")  # noqa: SIM115  kept open, see _kept
    except OSError:
        return None
    _kept.append(stream)
    faulthandler.enable(stream, all_threads=True)
    return path
