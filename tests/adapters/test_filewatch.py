"""FileWatcher on real folders with watchdog's inotify observer: told at once, never polled."""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
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


@pytest.fixture
def watcher() -> Iterator[FileWatcher]:
    watcher = FileWatcher()
    yield watcher
    watcher.stop()


def test_a_write_calls_back_from_watchdogs_thread(tmp_path: Path, watcher: FileWatcher) -> None:
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
