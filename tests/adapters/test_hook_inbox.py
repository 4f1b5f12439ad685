"""The hooks' inbox: calls a hook leaves for the running app are read whole, in order, once
each, whatever a hook killed mid-write or the app replacing the file meanwhile left."""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox, InboxLocked
from desktop.adapters.regular_file import NotRegularFile
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction

NOW = datetime.now(UTC).replace(microsecond=0)


def ring(number: str) -> CallEvent:
    return CallEvent("hook", Direction.IN, CallState.RINGING, number, "", NOW,
                     call_key=f"hook:{number}", hook=True, late=True)  # fmt: skip


def numbers(inbox: HookInbox) -> list[str | None]:
    return [line.event.number if line.event else None for line in inbox.read().lines]


@pytest.fixture
def inbox(tmp_path: Path) -> HookInbox:
    return HookInbox(tmp_path / "data" / "notices" / "hook-calls.jsonl")


def test_calls_are_read_in_the_order_hooks_left_them_and_only_this_user_can_read_them(
    inbox: HookInbox,
) -> None:
    inbox.append(ring("+14155550101"))
    inbox.append(ring("+14155550102"))

    [first, second] = inbox.read().lines
    assert first.event == ring("+14155550101")
    assert second.event == ring("+14155550102")
    assert stat.S_IMODE(inbox.path.stat().st_mode) == 0o600  # callers' numbers
    assert stat.S_IMODE(inbox.path.parent.stat().st_mode) == 0o700


def test_removing_what_was_recorded_keeps_what_a_hook_added_since(inbox: HookInbox) -> None:
    inbox.append(ring("+14155550101"))
    read = inbox.read()
    inbox.append(ring("+14155550102"))  # while the app recorded the first

    inbox.remove(read.data[: read.lines[0].end])

    assert numbers(inbox) == ["+14155550102"]
    read = inbox.read()
    inbox.remove(read.data)
    assert not inbox.path.exists()
    assert numbers(inbox) == []


def test_a_line_cut_short_is_skipped_and_holds_up_nothing_after_it(
    inbox: HookInbox, caplog: pytest.LogCaptureFixture
) -> None:
    inbox.append(ring("+14155550101"))
    with inbox.path.open("ab") as torn:  # its hook was killed in the middle of the write
        torn.write(b'{"job": "call", "event": {"source": "ho')
    inbox.append(ring("+14155550103"))  # the next hook's call

    with caplog.at_level(logging.WARNING):
        assert numbers(inbox) == ["+14155550101", None, "+14155550103"]
    assert "line 2: not a call, skipped" in caplog.text


def test_a_torn_last_line_is_skipped_and_removed_with_the_rest(
    inbox: HookInbox, caplog: pytest.LogCaptureFixture
) -> None:
    inbox.append(ring("+14155550101"))
    with inbox.path.open("ab") as torn:
        torn.write(b'{"job": "call", "ev')

    with caplog.at_level(logging.WARNING):
        read = inbox.read()
    assert [line.event.number if line.event else None for line in read.lines] == [
        "+14155550101", None
    ]  # fmt: skip
    assert "line 2: cut short, skipped" in caplog.text
    inbox.remove(read.data[: read.lines[-1].end])
    assert not inbox.path.exists()


def test_a_hook_that_waited_while_the_app_replaced_the_file_adds_to_the_new_one(
    inbox: HookInbox,
) -> None:
    inbox.append(ring("+14155550101"))
    inbox.append(ring("+14155550102"))
    read = inbox.read()
    # The app holds the lock (as `remove` does) while a hook comes to add its call.
    held = os.open(inbox.lock_path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    hook = threading.Thread(target=inbox.append, args=(ring("+14155550103"),))
    hook.start()
    time.sleep(0.2)
    assert hook.is_alive()  # waiting for the lock
    # The app replaces the file with what it did not record yet, then lets go.
    from desktop.adapters.atomic_file import write_atomic

    write_atomic(inbox.path, read.data[read.lines[0].end :])
    os.close(held)
    hook.join(5)

    assert numbers(inbox) == ["+14155550102", "+14155550103"]


def test_a_file_held_by_a_stopped_process_is_waited_for_a_moment_then_left_for_later(
    inbox: HookInbox,
) -> None:
    inbox.append(ring("+14155550101"))
    held = os.open(inbox.lock_path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with pytest.raises(InboxLocked):
            inbox.read()
        assert time.monotonic() - started < 2
    finally:
        os.close(held)
    assert numbers(inbox) == ["+14155550101"]


def test_a_fifo_put_at_the_inbox_hangs_neither_the_app_nor_a_hook(inbox: HookInbox) -> None:
    inbox.path.parent.mkdir(parents=True)
    os.mkfifo(inbox.path)  # a plain open() for reading waits for a writer that never comes
    with pytest.raises(NotRegularFile):
        inbox.read()
    with pytest.raises(NotRegularFile):
        inbox.append(ring("+14155550101"))


HOOK = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from desktop.adapters.hook_inbox import HookInbox
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction
HookInbox(Path(sys.argv[1])).append(CallEvent(
    "hook", Direction.IN, CallState.RINGING, "+14155550109", "", datetime.now(UTC),
    call_key="hook:+14155550109", hook=True, late=True))
"""


def test_a_waiting_hook_does_not_hold_the_inbox_open_so_windows_lets_the_app_replace_it(
    inbox: HookInbox,
) -> None:
    """Windows refuses to replace or remove a file another process has open: a hook that
    opened the inbox and then waited for the app's lock made the app's rewrite fail. A hook
    waits on the lock file, and opens the inbox only once it holds the lock."""
    import subprocess

    from desktop.adapters.atomic_file import write_atomic
    from desktop.adapters.file_lock import held_lock
    from tests.conftest import PYTHON, python_env

    inbox.append(ring("+14155550101"))
    inbox.append(ring("+14155550102"))
    read = inbox.read()
    with held_lock(inbox.lock_path, 1, "the test's inbox"):  # the app, rewriting
        hook = subprocess.Popen([PYTHON, "-c", HOOK, str(inbox.path)], env=python_env())
        try:
            deadline = time.monotonic() + 10
            fds = Path(f"/proc/{hook.pid}/fd")
            while not any(_points_to(fd, inbox.lock_path) for fd in _listed(fds)):
                assert time.monotonic() < deadline and hook.poll() is None
                time.sleep(0.02)
            assert not any(_points_to(fd, inbox.path) for fd in _listed(fds))
            write_atomic(inbox.path, read.data[read.lines[0].end :])
        except BaseException:
            hook.kill()
            raise
    assert hook.wait(10) == 0
    assert numbers(inbox) == ["+14155550102", "+14155550109"]


def _listed(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _points_to(fd: Path, target: Path) -> bool:
    try:
        return Path(os.readlink(fd)) == target
    except OSError:
        return False
