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

A call's end waits the same way (`deliver_once_listening`): a ring with no app running starts
one, and the end of a short call (a missed one, a second later) came while it was still
starting, found nothing listening and was recorded by its hook, while the app then popped the
ring's card from its command line and left it ringing for good. Delivered to the app instead,
the end turns that card into the missed card. The ring's hook marks the app it launches at
once (`mark_launched`), so an end in the app's first ~100 ms, before it marks itself, waits too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from desktop.adapters.instance_address import instance_address, instance_lock_path

TYPE_CHECKING = False  # typing's would cost every ring an import
if TYPE_CHECKING:
    from desktop.adapters.instance_client import Delivery
    from desktop.core.ipc import Message

START_WAIT_S = 15.0  # a launch to its listen: ~0.3 s warm, seconds at a cold login
_MARK = ".starting-"
_WINDOWS_MARK_LIFE_S = 60.0  # no cheap liveness check there: a mark this old is a dead start's


class StartingMark:
    """The app's side: `announce` as start-up begins, `withdraw` once it listens (or ends)."""

    def __init__(self) -> None:
        self._path: Path | None = None

    def announce(self, data_dir: Path) -> None:
        # The hook that launched us may have written this very mark (mark_launched): it is
        # ours now, withdrawn once we listen.
        self._path = _write_mark(data_dir, os.getpid())

    def withdraw(self) -> None:
        path, self._path = self._path, None
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()


def mark_launched(data_dir: Path, pid: int) -> None:
    """The launcher's side: mark the app it just started, which marks itself only once its
    interpreter is up. A launch that dies first leaves a dead pid's mark, ignored and removed."""
    _write_mark(data_dir, pid)


def _write_mark(data_dir: Path, pid: int) -> Path | None:
    try:
        lock = instance_lock_path(instance_address(data_dir))
        path = lock.with_name(f"{lock.name}{_MARK}{pid}")
        path.write_text(str(pid), "ascii")
    except (OSError, ValueError):
        return None  # no safe instance address: the instance lock says why, with Qt up
    return path


def deliver_once_listening(
    address: str, message: Message, wait_s: float = START_WAIT_S, watch_app: bool = False
) -> Delivery:
    """Deliver `message`; while nothing listens but an app is starting, try again until it
    listens, up to `wait_s`. NO_INSTANCE when none runs or starts (or it never listened)."""
    from desktop.adapters.instance_client import SendStatus, deliver
    from desktop.adapters.instance_socket import RETRY_EVERY

    deadline = time.monotonic() + wait_s
    while True:
        # Looked at before the attempt: an app withdraws its mark only once it listens, so
        # a mark gone by now means the attempt below reaches it (or nothing is starting).
        starting = app_starting(address)
        result = deliver(address, message, watch_app=watch_app)
        if result.status is not SendStatus.NO_INSTANCE or not starting:
            return result
        if time.monotonic() >= deadline:
            return result
        time.sleep(RETRY_EVERY)


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
