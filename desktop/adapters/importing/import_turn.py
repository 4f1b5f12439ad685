"""One import at a time per contact book, across processes: a second import waits its turn.

An import writes in one transaction for its whole length (perf-limits.md §3: all or nothing),
so it holds SQLite's write lock for seconds or minutes. Another import, an undo or a followed
file's re-import started meanwhile would give up after the busy timeout with "database is
locked". Instead they queue on an advisory lock of a small file of their own beside the
database, and say whom they are waiting for.

The lock file is never the database: closing any descriptor of the database would drop the
POSIX locks SQLite holds on it (the bug behind issue 10). flock on Linux and macOS and
msvcrt.locking on Windows are per open file, released by the kernel when the holder dies, so a
killed import never leaves the next one waiting.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.adapters.file_lock import try_lock
from desktop.adapters.importing.report import ImportCancelled

# How often a waiting import looks again: it also notices a cancel this quickly.
_RETRY_S = 0.1
# The turns this thread holds: a followed file's re-import takes the turn around its whole
# replace (undo the old batch, import the new version), and the import inside it must not wait
# for itself (flock is per open file, so a second open in one process would).
_held = threading.local()
# Where Windows locks the turn: far past the holder's text, which a waiting process reads.
_LOCKED_BYTE = 1 << 20


def turn_file(database: Path) -> Path:
    return database.with_name(database.name + ".import-turn")


@contextmanager
def import_turn(
    database: Path,
    what: str,
    *,
    on_wait: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[None]:
    """Holds this contact book's import turn while the block runs. ``what`` ("prospects.csv",
    "undo of batch 3") is left in the turn file so a waiting process can say what it waits
    for; ``on_wait`` hears that sentence once. Raises ImportCancelled if ``cancel`` is set
    while waiting. Re-entered by the thread that holds it, it just runs the block."""
    key = str(database.resolve())
    held: set[str] = _held.__dict__.setdefault("turns", set())
    if key in held:
        yield
        return
    fd = os.open(turn_file(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not try_lock(fd, _LOCKED_BYTE):
            if on_wait is not None:
                on_wait(f"Waiting for another import to finish ({_holder(fd)})…")
            while not try_lock(fd, _LOCKED_BYTE):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled("cancelled while waiting for another import")
                time.sleep(_RETRY_S)
        _note_holder(fd, what)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 512).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "started by another CallerCard process"


def _note_holder(fd: int, what: str) -> None:
    text = f"{what}, process {os.getpid()}".encode()
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text)
    except OSError:
        pass  # only the waiting message is poorer for it
