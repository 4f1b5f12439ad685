"""Which app is starting but not yet listening, so that `callercard quit` can wait for it.

Between its launch and its listen an app is invisible to every client: no socket, and the
instance lock is taken only with Qt up, a few hundred milliseconds in (seconds at a login with
cold caches). A quit sent then found nothing and did nothing, and the app came up anyway. So
the app leaves a mark (its pid, beside the instance lock) from the first lines of its start
until it listens or gives up, and a quit that finds no instance waits while a marked process
lives, up to START_WAIT_S, then delivers (desktop.cli_quit).

Why a wait rather than a request the app reads once it listens: a left request needs a clock
to tell a quit meant for this start from one sent while nothing ran (`callercard quit;
callercard` restarts the app and must not quit the new one), and the quit's caller would not
know it took effect. The mark names a live process, as the lock does, so one left by a crash
is recognised as dead and ignored.

Each starting process has a mark of its own (a hook's launch and the autostart may race).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from desktop.adapters.instance_address import instance_address, instance_lock_path

START_WAIT_S = 15.0  # a launch to its listen: ~0.3 s warm, seconds at a cold login
_MARK = ".starting-"
_WINDOWS_MARK_LIFE_S = 60.0  # no cheap liveness check there: a mark this old is a dead start's


class StartingMark:
    """The app's side: `announce` as start-up begins, `withdraw` once it listens (or ends)."""

    def __init__(self) -> None:
        self._path: Path | None = None

    def announce(self, data_dir: Path) -> None:
        try:
            lock = instance_lock_path(instance_address(data_dir))
            path = lock.with_name(f"{lock.name}{_MARK}{os.getpid()}")
            path.write_text(str(os.getpid()), "ascii")
        except (OSError, ValueError):
            return  # no safe instance address: the instance lock says why, with Qt up
        self._path = path

    def withdraw(self) -> None:
        path, self._path = self._path, None
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()


def app_starting(address: str) -> bool:
    """Whether a live process marked itself as starting for `address`; dead ones' marks go."""
    lock = instance_lock_path(address)
    try:
        names = os.listdir(lock.parent)
    except OSError:
        return False
    prefix = f"{lock.name}{_MARK}"
    starting = False
    for name in names:
        if not name.startswith(prefix) or not name[len(prefix) :].isdigit():
            continue
        path = lock.parent / name
        if _alive(int(name[len(prefix) :]), path):
            starting = True
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return starting


def _alive(pid: int, mark: Path) -> bool:
    if sys.platform == "win32":
        # os.kill(pid, 0) would send CTRL_C_EVENT there; age bounds what a dead mark costs.
        try:
            return time.time() - mark.stat().st_mtime < _WINDOWS_MARK_LIFE_S
        except OSError:
            return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except OSError:  # gone, or another user's process that reused the pid
        return False
    return True
