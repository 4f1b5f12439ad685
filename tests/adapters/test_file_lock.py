"""The lock the hooks' inbox is taken under (desktop/adapters/file_lock.py), between real
processes: fcntl.flock here. Windows takes it with msvcrt.locking; what is no OS call (the
wait, its deadline, which failures mean "held elsewhere") is the same code and tested here."""

from __future__ import annotations

import errno
import subprocess
import time
from pathlib import Path

import pytest

from desktop.adapters.file_lock import LockHeld, held_lock, is_held_elsewhere, wait_for
from tests.conftest import PYTHON, python_env

HOLD = """
import sys, time
from pathlib import Path
from desktop.adapters.file_lock import held_lock
with held_lock(Path(sys.argv[1]), 5, "the test's file"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the lock for `seconds`, once it says so."""
    process = subprocess.Popen([PYTHON, "-c", HOLD, str(path), str(seconds)],
                               stdout=subprocess.PIPE, text=True, env=python_env())  # fmt: skip
    assert process.stdout is not None
    said = process.stdout.readline()
    process.stdout.close()
    assert said == "held\n"
    return process


def test_a_process_waits_for_another_to_let_go(tmp_path: Path) -> None:
    lock = tmp_path / "notices" / "inbox.lock"
    other = holder(lock, 0.4)
    started = time.monotonic()
    with held_lock(lock, 5, "the inbox"):
        waited = time.monotonic() - started
    assert other.wait(5) == 0
    assert 0.2 < waited < 4, "it waited for the other process, and no longer"
    assert lock.exists() and lock.stat().st_mode & 0o777 == 0o600


def test_a_holder_that_never_lets_go_is_given_up_on_at_the_deadline(tmp_path: Path) -> None:
    lock = tmp_path / "inbox.lock"
    other = holder(lock, 3)
    try:
        started = time.monotonic()
        with pytest.raises(LockHeld, match="the inbox is held by another process"), \
                held_lock(lock, 0.3, "the inbox"):  # fmt: skip
            pytest.fail("taken while another process held it")
        assert 0.3 <= time.monotonic() - started < 2
    finally:
        other.kill()
        other.wait(5)
    with held_lock(lock, 1, "the inbox"):  # the holder's death let it go
        pass


def test_the_wait_tries_until_the_deadline_without_blocking() -> None:
    tries: list[float] = []

    def taken_on_the_third_try() -> bool:
        tries.append(time.monotonic())
        return len(tries) == 3

    wait_for(taken_on_the_third_try, time.monotonic() + 5, "x")
    assert len(tries) == 3
    tries.clear()
    with pytest.raises(LockHeld):
        wait_for(lambda: tries.append(time.monotonic()) is not None, time.monotonic() + 0.1, "x")
    assert len(tries) > 2 and tries[-1] - tries[0] >= 0.09


def test_windows_lock_failures_that_mean_held_elsewhere_are_waited_out_and_others_raised() -> None:
    # msvcrt.locking(LK_NBLCK) says "held" with EACCES, and LK_LOCK gives up with EDEADLOCK;
    # a bad descriptor is a real error that no wait mends.
    assert is_held_elsewhere(PermissionError(errno.EACCES, "Permission denied"))
    assert is_held_elsewhere(OSError(errno.EDEADLOCK, "Resource deadlock avoided"))
    assert not is_held_elsewhere(OSError(errno.EBADF, "Bad file descriptor"))
    assert not is_held_elsewhere(OSError(errno.ENOSPC, "No space left on device"))
