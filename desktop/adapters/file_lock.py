"""An exclusive lock that processes take in turn, on a lock file of its own: fcntl.flock on
POSIX, msvcrt.locking on Windows (which has no flock: the hooks' inbox refused there, and a
hook that could not reach the app lost its call).

A lock file of its own, not the file it guards: Windows cannot replace or remove a file that
another process has open, so the guarded file is opened only under the lock and closed before
it is replaced. The lock file is never removed (a process waiting on a removed one would lock
nothing). Windows locks a byte range, and a range past a file's end may be locked: its first
byte, of an empty file, is the lock.

What is not an OS call (the wait and its deadline, which failures mean "held") runs on every
platform and is tested here; the two calls themselves are all that differ.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.adapters.regular_file import NotRegularFile

RETRY_S = 0.01
# Not inherited by a child process, which would hold the lock past our close; and a FIFO put
# at the path opens at once (then refused as no regular file) instead of hanging.
_OPEN_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_NONBLOCK", 0))  # fmt: skip


class LockHeld(TimeoutError):
    """Someone else held the lock for longer than the wait: try again later."""


@contextmanager
def held_lock(path: Path, wait_s: float, what: str) -> Iterator[None]:
    """`path` (a lock file: made, only this user's, if missing) locked for the with-block,
    waiting up to `wait_s` for another process to let go; raises LockHeld ("`what` is held by
    another process") after that, NotRegularFile when something else is at `path`, OSError."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, _OPEN_FLAGS, 0o600)
    try:
        if not stat.S_ISREG(mode := os.fstat(fd).st_mode):
            raise NotRegularFile(path, mode)
        wait_for(lambda: try_lock(fd), time.monotonic() + wait_s, what)
        try:
            yield
        finally:
            unlock(fd)
    finally:
        os.close(fd)


def wait_for(attempt: Callable[[], bool], deadline: float, what: str) -> None:
    """Call `attempt` until it returns True (the lock taken), every RETRY_S; LockHeld once
    `deadline` (time.monotonic) has passed. Never blocks in the OS: a holder stopped in a
    debugger or by SIGSTOP must not stop a hook for good."""
    while not attempt():
        if time.monotonic() >= deadline:
            raise LockHeld(f"{what} is held by another process")
        time.sleep(RETRY_S)


def is_held_elsewhere(exc: OSError) -> bool:
    """Whether msvcrt.locking failed because another process holds the range (EACCES for a
    lock that does not wait; EDEADLOCK when the CRT gave up waiting), not for a real error
    (a bad descriptor) that waiting cannot mend. EDEADLK: the CRT's EDEADLOCK is the same
    number on Windows, and macOS has only this name."""
    return exc.errno in (errno.EACCES, errno.EDEADLK)


# `at`: the byte Windows locks, its locks being mandatory byte ranges: one past what the
# holder writes in the file lets a waiting process still read it (import_turn.py). flock
# locks the whole open file.
if sys.platform == "win32":
    import msvcrt

    def try_lock(fd: int, at: int = 0) -> bool:
        """Take the lock on `fd` if free; False when another process holds it."""
        os.lseek(fd, at, os.SEEK_SET)  # the range starts where the descriptor stands
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if is_held_elsewhere(exc):
                return False
            raise
        return True

    def unlock(fd: int, at: int = 0) -> None:
        # Closing would let go too, but Windows says when only "eventually".
        os.lseek(fd, at, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(fd: int, at: int = 0) -> bool:
        """Take the lock on `fd` if free; False when another process holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int, at: int = 0) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
