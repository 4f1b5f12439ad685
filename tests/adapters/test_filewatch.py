"""FileWatcher on real folders, told at once, never polled: through watchdog's inotify observer,
and (Linux) through an inotify descriptor that an event loop waits on, as the app's GUI thread
does; here a plain thread stands in for that loop (tests/qt/test_file_events.py runs Qt's)."""

from __future__ import annotations

import os
import select
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.adapters.filewatch import FileWatcher

TIMEOUT_S = 5.0


class Calls:
    """Counts callbacks and lets a test wait for the next one."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.count = 0
        self.times_ns: list[int] = []
        self.threads: set[str] = set()
        self.problems: list[str] = []

    def __call__(self) -> None:
        with self._condition:
            self.count += 1
            self.times_ns.append(time.monotonic_ns())
            self.threads.add(threading.current_thread().name)
            self._condition.notify_all()

    def problem(self, message: str) -> None:
        with self._condition:
            self.problems.append(message)
            self._condition.notify_all()

    def wait_beyond(self, count: int) -> None:
        with self._condition:
            if not self._condition.wait_for(lambda: self.count > count, TIMEOUT_S):
                pytest.fail(f"no change callback within {TIMEOUT_S} s")

    def wait_problem(self) -> str:
        with self._condition:
            if not self._condition.wait_for(lambda: self.problems, TIMEOUT_S):
                pytest.fail(f"no problem reported within {TIMEOUT_S} s")
            return self.problems[-1]


class ThreadLoop:
    """An event loop of one thread: waits on the descriptors it is given, calls their drain."""

    def __init__(self) -> None:
        self.started = 0

    def __call__(self, fd: int, drain: Callable[[], None]) -> Callable[[], None]:
        wake_r, wake_w = os.pipe()
        stopping = threading.Event()

        def run() -> None:
            while not stopping.is_set():
                readable, _, _ = select.select([fd, wake_r], [], [])
                if fd in readable and not stopping.is_set():
                    drain()

        thread = threading.Thread(target=run, name="test-event-loop", daemon=True)
        thread.start()
        self.started += 1

        def stop() -> None:
            stopping.set()
            os.write(wake_w, b"!")
            if thread is not threading.current_thread():
                thread.join(TIMEOUT_S)
            os.close(wake_r)
            os.close(wake_w)

        return stop


LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


@pytest.fixture(params=["observer", pytest.param("event-loop", marks=LINUX_ONLY)])
def watcher(request: pytest.FixtureRequest) -> Iterator[FileWatcher]:
    watcher = FileWatcher(ThreadLoop() if request.param == "event-loop" else None)
    yield watcher
    watcher.stop()


def test_a_write_calls_back_from_another_thread(tmp_path: Path, watcher: FileWatcher) -> None:
    target = tmp_path / "microsip.ini"
    target.write_bytes(b"before\r\n")
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()
    seen = calls.count
    calls.threads.clear()

    target.write_bytes(b"after\r\n")

    calls.wait_beyond(seen)
    assert threading.current_thread().name not in calls.threads


def test_a_file_that_does_not_exist_yet_is_seen_when_created(
    tmp_path: Path, watcher: FileWatcher
) -> None:
    calls = Calls()
    watcher.watch(tmp_path / "microsip.ini", calls, calls.problem)
    watcher.start()
    seen = calls.count

    (tmp_path / "microsip.ini").write_bytes(b"[Settings]\r\n")

    calls.wait_beyond(seen)
    assert calls.problems == []  # a missing file in an existing folder is normal


def test_a_replace_by_rename_and_a_delete_are_seen(tmp_path: Path, watcher: FileWatcher) -> None:
    target = tmp_path / "microsip.ini"
    target.write_bytes(b"one\r\n")
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()

    temporary = tmp_path / "microsip.ini.tmp"
    temporary.write_bytes(b"two\r\n")
    seen = calls.count
    os.replace(temporary, target)
    calls.wait_beyond(seen)

    seen = calls.count
    target.unlink()
    calls.wait_beyond(seen)


def test_a_sibling_file_never_calls_back(tmp_path: Path, watcher: FileWatcher) -> None:
    target, sentinel = tmp_path / "microsip.ini", tmp_path / "sentinel.txt"
    target_calls, sentinel_calls = Calls(), Calls()
    watcher.watch(target, target_calls)
    watcher.watch(sentinel, sentinel_calls)
    watcher.start()
    target_seen, sentinel_seen = target_calls.count, sentinel_calls.count

    (tmp_path / "other.ini").write_bytes(b"noise\r\n")
    (tmp_path / "other.ini").rename(tmp_path / "other2.ini")
    (tmp_path / "subfolder").mkdir()
    sentinel.write_bytes(b"done\r\n")
    sentinel_calls.wait_beyond(sentinel_seen)  # events come in order: the noise came first

    assert target_calls.count == target_seen


def test_start_tells_every_file_once_since_it_may_have_changed_unwatched(
    tmp_path: Path, watcher: FileWatcher
) -> None:
    first, second = Calls(), Calls()
    watcher.watch(tmp_path / "a.ini", first)
    watcher.watch(tmp_path / "b.ini", second)
    watcher.start()
    assert (first.count, second.count) == (1, 1)


def test_one_watcher_serves_files_in_several_folders(tmp_path: Path, watcher: FileWatcher) -> None:
    first, second = tmp_path / "a" / "microsip.ini", tmp_path / "b" / "twinkle.ch"
    first.parent.mkdir()
    second.parent.mkdir()
    first_calls, second_calls = Calls(), Calls()
    watcher.start()
    watcher.watch(first, first_calls)  # watching after start works too
    watcher.watch(second, second_calls)

    second.write_bytes(b"x\n")
    first.write_bytes(b"y\r\n")

    first_calls.wait_beyond(0)
    second_calls.wait_beyond(0)


def test_a_missing_folder_is_reported_then_followed_when_created(
    tmp_path: Path, watcher: FileWatcher
) -> None:
    target = tmp_path / "AppData" / "MicroSIP" / "microsip.ini"
    calls = Calls()
    watcher.watch(target, calls, calls.problem)
    watcher.start()
    seen = calls.count

    problem = calls.wait_problem()
    assert str(target.parent) in problem
    assert "does not exist" in problem

    target.parent.mkdir(parents=True)
    target.write_bytes(b"[Settings]\r\n")
    calls.wait_beyond(seen)

    seen = calls.count
    target.write_bytes(b"[Settings]\r\ncallsLastKey=1\r\n")  # now watched in its own folder
    calls.wait_beyond(seen)


def test_a_folder_deleted_and_recreated_is_watched_again(
    tmp_path: Path, watcher: FileWatcher
) -> None:
    target = tmp_path / "MicroSIP" / "microsip.ini"
    target.parent.mkdir()
    target.write_bytes(b"one\r\n")
    calls = Calls()
    watcher.watch(target, calls, calls.problem)
    watcher.start()

    shutil.rmtree(target.parent)
    calls.wait_problem()  # "does not exist": watching the parent again
    seen = calls.count
    target.parent.mkdir()
    target.write_bytes(b"two\r\n")
    calls.wait_beyond(seen)

    seen = calls.count
    target.write_bytes(b"three\r\n")
    calls.wait_beyond(seen)


def test_a_failing_callback_does_not_stop_the_watching(
    tmp_path: Path, watcher: FileWatcher, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "microsip.ini"
    calls = Calls()
    failures = 0

    def flaky() -> None:
        nonlocal failures
        calls()
        if calls.count == 1:
            failures += 1
            raise RuntimeError("the first read blew up")

    watcher.watch(target, flaky)
    watcher.start()  # tells the file once: that first call fails
    seen = calls.count
    target.write_bytes(b"one\r\n")
    calls.wait_beyond(seen)

    assert failures == 1
    assert "the first read blew up" in caplog.text


def test_start_and_stop_are_idempotent_and_stop_leaves_no_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    watcher = FileWatcher()
    watcher.watch(tmp_path / "microsip.ini", Calls())
    watcher.stop()  # before start: nothing to do
    watcher.start()
    watcher.start()
    assert watcher.running
    assert set(threading.enumerate()) - before  # the observer's threads

    watcher.stop()
    watcher.stop()

    assert not watcher.running
    assert set(threading.enumerate()) - before == set()


def test_it_can_start_again_after_stopping(tmp_path: Path, watcher: FileWatcher) -> None:
    target = tmp_path / "microsip.ini"
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()
    watcher.stop()
    watcher.start()
    seen = calls.count

    target.write_bytes(b"x\r\n")

    calls.wait_beyond(seen)


def test_stop_from_inside_a_callback_returns(tmp_path: Path, watcher: FileWatcher) -> None:
    target = tmp_path / "microsip.ini"
    stopped = threading.Event()

    def stop_now() -> None:
        watcher.stop()
        stopped.set()

    watcher.watch(target, stop_now)
    watcher.start()
    target.write_bytes(b"x\r\n")

    assert stopped.wait(TIMEOUT_S)
    assert not watcher.running


def test_unwatch_stops_the_callbacks(tmp_path: Path, watcher: FileWatcher) -> None:
    target, sentinel = tmp_path / "microsip.ini", tmp_path / "sentinel.txt"
    target_calls, sentinel_calls = Calls(), Calls()
    handle = watcher.watch(target, target_calls)
    watcher.watch(sentinel, sentinel_calls)
    watcher.start()
    target_seen, sentinel_seen = target_calls.count, sentinel_calls.count

    watcher.unwatch(handle)
    target.write_bytes(b"x\r\n")
    sentinel.write_bytes(b"done\r\n")
    sentinel_calls.wait_beyond(sentinel_seen)

    assert target_calls.count == target_seen


def test_write_to_callback_latency_is_measured(tmp_path: Path, watcher: FileWatcher) -> None:
    """Not a pass/fail figure (the machine is shared): printed for the record."""
    target = tmp_path / "microsip.ini"
    target.write_bytes(b"")
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)
    latencies_us = []
    try:
        for _ in range(40):
            seen = calls.count
            written = time.monotonic_ns()
            os.write(fd, b"1=+14155550123;Jane;1;1773222065;0;\r\n")
            calls.wait_beyond(seen)
            latencies_us.append((calls.times_ns[seen] - written) / 1000)
            time.sleep(0.01)
    finally:
        os.close(fd)
    latencies_us.sort()
    print(
        f"\nwrite -> FileWatcher callback, n={len(latencies_us)}: "
        f"median {statistics.median(latencies_us):.0f} us, max {latencies_us[-1]:.0f} us"
    )


def test_a_truncate_and_an_in_place_rewrite_are_seen(tmp_path: Path, watcher: FileWatcher) -> None:
    target = tmp_path / "microsip.ini"
    target.write_bytes(b"[Calls]\r\n1=+14155550100;Old;1;1773151331;321;Call Ended\r\n")
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()

    seen = calls.count
    os.truncate(target, 0)  # WritePrivateProfileString opens with O_TRUNC, then writes
    calls.wait_beyond(seen)

    seen = calls.count
    fd = os.open(target, os.O_WRONLY | os.O_TRUNC)
    os.write(fd, b"[Calls]\r\n2=+14155550101;New;1;1773151400;0;\r\n")
    os.close(fd)
    calls.wait_beyond(seen)


@pytest.fixture
def loop_watcher() -> Iterator[FileWatcher]:
    watcher = FileWatcher(ThreadLoop())
    yield watcher
    watcher.stop()


@LINUX_ONLY
def test_a_folder_renamed_away_is_waited_for_and_its_successor_watched(
    tmp_path: Path, loop_watcher: FileWatcher
) -> None:
    """(watchdog's observer keeps watching the renamed folder: the event loop's path only.)"""
    watcher = loop_watcher
    target = tmp_path / "MicroSIP" / "microsip.ini"
    target.parent.mkdir()
    target.write_bytes(b"one\r\n")
    calls = Calls()
    watcher.watch(target, calls, calls.problem)
    watcher.start()

    target.parent.rename(tmp_path / "MicroSIP.old")
    seen = calls.count
    (tmp_path / "MicroSIP.old" / "microsip.ini").write_bytes(b"moved away\r\n")
    target.parent.mkdir()
    target.write_bytes(b"two\r\n")
    calls.wait_beyond(seen)

    seen = calls.count
    target.write_bytes(b"three\r\n")  # the new folder is the one watched
    calls.wait_beyond(seen)


@LINUX_ONLY
def test_with_an_event_loop_no_thread_is_started_and_stop_stops_the_waiting(
    tmp_path: Path,
) -> None:
    loop = ThreadLoop()
    watcher = FileWatcher(loop)
    target = tmp_path / "microsip.ini"
    calls = Calls()
    watcher.watch(target, calls)
    before = {t for t in threading.enumerate() if t.name != "test-event-loop"}
    watcher.start()
    watcher.start()
    assert watcher.running
    assert loop.started == 1
    seen = calls.count
    target.write_bytes(b"x\r\n")
    calls.wait_beyond(seen)
    assert calls.threads == {"MainThread", "test-event-loop"}  # start's call, then the loop's
    assert {t for t in threading.enumerate() if t.name != "test-event-loop"} == before

    watcher.stop()
    watcher.stop()
    seen = calls.count
    target.write_bytes(b"y\r\n")
    time.sleep(0.2)

    assert not watcher.running
    assert calls.count == seen


@LINUX_ONLY
def test_with_an_event_loop_a_burst_of_writes_read_together_calls_back_once(
    tmp_path: Path,
) -> None:
    """MicroSIP's in-place rewrite is a truncate, a write and a close: three kernel events for
    one change. Read in one go, they make one read of the file, not three."""
    drains: list[Callable[[], None]] = []
    watcher = FileWatcher(lambda _fd, drain: (drains.append(drain), lambda: None)[1])
    target = tmp_path / "microsip.ini"
    target.write_bytes(b"")
    calls = Calls()
    watcher.watch(target, calls)
    watcher.start()
    seen = calls.count

    fd = os.open(target, os.O_WRONLY | os.O_TRUNC)
    os.write(fd, b"[Calls]\r\n1=+14155550100;Jane;1;1773151331;0;\r\n")
    os.close(fd)
    drains[0]()

    assert calls.count == seen + 1
    watcher.stop()


@pytest.mark.parametrize("mode", ["observer", pytest.param("event-loop", marks=LINUX_ONLY)])
def test_a_file_whose_folder_comes_back_is_said_to_be_watched_again_before_it_is_read(
    tmp_path: Path, mode: str
) -> None:
    """What showed "folder ... does not exist" hears that it is over, and before the read
    that may report the file's next problem."""
    target = tmp_path / "MicroSIP" / "microsip.ini"
    present = tmp_path / "present.ini"  # its folder is there all along: never "again"
    told: list[str] = []
    read = threading.Event()
    watcher = FileWatcher(
        ThreadLoop() if mode == "event-loop" else None,
        on_watched_again=lambda path: told.append(f"again {path}"),
    )
    calls = Calls()
    try:
        watcher.watch(present, lambda: told.append("present read"))
        watcher.watch(target, lambda: (told.append("read"), read.set()), calls.problem)
        watcher.start()
        assert "does not exist" in calls.wait_problem()
        told.clear()  # start() tells every file once
        read.clear()

        target.parent.mkdir()
        target.write_bytes(b"[Settings]\r\n")
        assert read.wait(TIMEOUT_S)
        assert told[:2] == [f"again {target}", "read"]
        assert "present read" not in told and told.count(f"again {target}") == 1
    finally:
        watcher.stop()
