"""Opening a file we only read, never anything that is not a regular file.

A FIFO at a watched or imported path makes a plain open() wait for a writer that never comes:
the reading thread hangs for good, and with it whatever waits on that thread (a watcher's
stop, the app's quit, the instance lock). A character device reads forever. So every read of a
path someone else controls opens it here: with O_NONBLOCK, which makes a FIFO's open return at
once, then checks what the open descriptor is (fstat, so nothing can be swapped in between)
before a single byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

REGULAR_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
)

_KINDS = (
    (stat.S_ISFIFO, "a named pipe, a FIFO"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder; ``strerror`` says which, in words
    that read after "cannot read the file: "."""

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        kind = next((name for test, name in _KINDS if test(mode)), "not a plain file")
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))


def open_regular_fd(path: str | os.PathLike[str]) -> int:
    """A blocking read-only descriptor on ``path``; raises NotRegularFile (an OSError) when it
    is not a regular file, and whatever os.open raises (FileNotFoundError…)."""
    fd = os.open(path, REGULAR_OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, mode)
        # Windows has no O_NONBLOCK, and no os.set_blocking for files either.
        if sys.platform != "win32" and REGULAR_OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``open(path, "rb")``, for regular files only (see open_regular_fd)."""
    return os.fdopen(open_regular_fd(path), "rb")


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit`` bytes from the start of a regular file."""
    with open_regular(path) as handle:
        return handle.read(limit)


def require_regular_by_name(path: str | os.PathLike[str]) -> int:
    """The size of the regular file at ``path``, checked by name without opening it; raises
    NotRegularFile otherwise, FileNotFoundError when nothing is there.

    For SQLite databases: this process may already have the file open through SQLite, and
    opening and closing any other descriptor on it would drop every POSIX lock the process
    holds there (SQLite's "How To Corrupt An SQLite Database File", section 2.2), letting
    another process delete the WAL under us. A FIFO swapped in between this check and SQLite's
    own open could still hold that open; nobody but the user can put one in these folders.
    """
    mode = os.stat(path)
    if not stat.S_ISREG(mode.st_mode):
        raise NotRegularFile(path, mode.st_mode)
    return mode.st_size


def require_regular(path: str | os.PathLike[str]) -> int:
    """The size of the regular file at ``path``, for a library that opens the path itself
    (SQLite, calamine); raises NotRegularFile otherwise. Such a library opens it a moment later
    without O_NONBLOCK, so a FIFO swapped in within that moment could still hold it: callers
    check right before handing the path over."""
    fd = open_regular_fd(path)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (following symlinks), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
