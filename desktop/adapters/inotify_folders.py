"""Folders watched through one Linux inotify instance that the caller's event loop reads.

watchdog's observer moves each kernel event through three threads of its own (reader,
dispatcher, emitter) before a handler runs, and the app then hops once more to its GUI thread.
Here the GUI thread waits on the inotify descriptor itself (Qt's socket notifier, owned by the
Qt side) and calls `drain()` when it is readable: the file is read, and the card looked up, in
that same thread. The kernel calls are watchdog's own ctypes bindings (inotify_c).

Nothing here knows which file matters: `drain` reports, per folder, the entries that changed
and whether the folder itself went away; FileWatcher routes them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import struct
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if sys.platform == "win32":  # FileWatcher imports this on Linux only; Windows has no inotify
    raise ImportError("inotify is Linux only")

from watchdog.observers.inotify_c import (
    InotifyConstants,
    inotify_add_watch,
    inotify_init,
    inotify_rm_watch,
)

if TYPE_CHECKING:
    from watchdog.observers.inotify_c import WatchDescriptor

logger = logging.getLogger(__name__)

_C = InotifyConstants
# Written, created, renamed onto or away, deleted; the folder itself deleted or moved. Opens,
# reads and closes without writing are left out, so our own reads are not reported back.
WATCH_MASK = (
    _C.IN_MODIFY | _C.IN_CLOSE_WRITE | _C.IN_CREATE | _C.IN_DELETE | _C.IN_MOVED_FROM
    | _C.IN_MOVED_TO | _C.IN_DELETE_SELF | _C.IN_MOVE_SELF | _C.IN_ONLYDIR
)  # fmt: skip
_ARRIVALS = _C.IN_CREATE | _C.IN_MOVED_TO
_FOLDER_GONE = _C.IN_DELETE_SELF | _C.IN_MOVE_SELF | _C.IN_IGNORED
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name
# One read per drain: a writer that never stops cannot keep the event loop in here, and what
# is left makes the descriptor readable again at once.
_READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class FolderChanges:
    """What one drain read, in the order it happened."""

    entries: tuple[tuple[str, str, bool], ...] = ()  # (folder, entry name, arrived)
    gone: tuple[str, ...] = ()  # folders deleted, moved away or unmounted
    overflowed: bool = False  # the kernel dropped events: anything may have changed


class InotifyFolders:
    """One inotify instance, non-blocking; `watch`/`unwatch` from any thread, `drain` from
    the one thread that waits on `fileno()`."""

    def __init__(self) -> None:
        fd = inotify_init()
        if fd == -1:
            raise _error()
        os.set_blocking(fd, False)
        os.set_inheritable(fd, False)  # a softphone started by click-to-call must not hold it
        self._fd = fd
        self._lock = threading.Lock()
        self._wd_of: dict[str, WatchDescriptor] = {}
        # Two paths to one folder (a symlink) share a watch descriptor.
        self._folders_of: dict[WatchDescriptor, tuple[str, ...]] = {}

    def fileno(self) -> int:
        return self._fd

    def watch(self, folder: str) -> None:
        """Raises FileNotFoundError, NotADirectoryError, or OSError (e.g. the watch limit)."""
        with self._lock:
            if folder in self._wd_of:
                return
            wd = inotify_add_watch(self._fd, os.fsencode(folder), WATCH_MASK)
            if wd == -1:
                raise _error(folder)
            self._wd_of[folder] = wd
            self._folders_of[wd] = (*self._folders_of.get(wd, ()), folder)

    def unwatch(self, folder: str) -> None:
        with self._lock:
            wd = self._wd_of.pop(folder, None)
            if wd is None:
                return
            rest = tuple(f for f in self._folders_of.get(wd, ()) if f != folder)
            if rest:
                self._folders_of[wd] = rest
                return
            self._folders_of.pop(wd, None)
            inotify_rm_watch(self._fd, wd)  # fails harmlessly when the folder is gone already

    def drain(self) -> FolderChanges:
        """What the kernel has queued, read without waiting."""
        try:
            data = os.read(self._fd, _READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return FolderChanges()
        except OSError:  # closed under us (stop): nothing more will be read
            logger.debug("inotify read failed", exc_info=True)
            return FolderChanges()
        entries: list[tuple[str, str, bool]] = []
        gone: list[str] = []
        overflowed = False
        with self._lock:
            folders_of = dict(self._folders_of)
        offset = 0
        while offset + _HEADER.size <= len(data):
            wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
            start = offset + _HEADER.size
            name = os.fsdecode(data[start : start + length].rstrip(b"\0"))
            offset = start + length
            if mask & _C.IN_Q_OVERFLOW:
                overflowed = True
                continue
            for folder in folders_of.get(wd, ()):
                if mask & _FOLDER_GONE:
                    if folder not in gone:
                        gone.append(folder)
                elif name:
                    entries.append((folder, name, bool(mask & _ARRIVALS)))
        return FolderChanges(tuple(entries), tuple(gone), overflowed)

    def close(self) -> None:
        with self._lock:
            self._wd_of.clear()
            self._folders_of.clear()
            if self._fd != -1:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = -1


def _error(folder: str = "") -> OSError:
    code = ctypes.get_errno() or errno.EIO
    if code == errno.ENOSPC:
        return OSError(code, "inotify watch limit reached")
    if code == errno.EMFILE:
        return OSError(code, "inotify instance limit reached")
    # OSError(ENOENT, ...) is a FileNotFoundError, ENOTDIR a NotADirectoryError.
    return OSError(code, os.strerror(code), folder) if folder else OSError(code, os.strerror(code))
