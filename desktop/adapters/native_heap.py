"""The C heap under Python and Qt (glibc's malloc on Linux): how much of it stays resident.

A tray app lives for days, and most of what it allocates is allocated at start-up. glibc
keeps memory that was freed (start-up's temporaries, a closed window) resident until told
otherwise, and gives each thread that allocates its own arena of up to 64 MB, whose free
parts also stay. Measured on the app with a 100k-contact book: two arenas instead of one per
thread, and freed pages handed back after the start-up warm-up and after calls, keep ~3 MB
less resident (benchmarks/ring_latency.py --only rss).

Elsewhere (Windows, macOS, musl) both calls do nothing.
"""

from __future__ import annotations

import ctypes
import linecache
import os
import sys

# mallopt's parameter number for the arena limit (glibc's malloc.h).
_M_ARENA_MAX = -8
# The GUI thread and one more: the watcher, the history writer and the warm-up share it. One
# arena would make them queue behind each other's mallocs on the ring path.
ARENAS = 2


def _glibc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):  # "glibc 2.36"; musl has no such name
            return None
    except (ValueError, OSError):
        return None
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap malloc's arenas; call before any thread starts (Qt's own start with the
    QApplication). Whether the cap was set."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Hand the heap's free pages back to the system (a few ms: never on the ring path).
    Whether any memory was released."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(0))


def release_idle_memory() -> bool:
    """After a burst of imports (start-up's warm-up, the modules the first calls loaded), when
    nothing is waiting: whatever source linecache holds (a logged traceback's; PySide6's check
    of each imported module no longer leaves any, desktop.qt.import_source_check), then the
    heap's free pages go back to the system. Whether any memory was released."""
    linecache.clearcache()
    return release_free_memory()
