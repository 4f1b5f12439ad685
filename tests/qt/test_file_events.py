"""A watched call log read in the GUI thread's own event loop (Linux): Qt waits on the file
watcher's inotify descriptor, so a MicroSIP ring reaches the app with no watchdog thread and no
hop through the bridge, and every way the file changes still reaches it."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.microsip import MicroSipSource
from desktop.core.events import CallEvent, CallState
from desktop.qt.file_events import wait_in_gui_thread

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")

HEAD = "[Settings]\r\naccountId=1\r\n[Calls]\r\n"
TAIL = "[Account1]\r\nusername=1001\r\n"


def ini(*calls: str) -> bytes:
    return b"\xff\xfe" + (HEAD + "".join(c + "\r\n" for c in calls) + TAIL).encode("utf-16-le")


def rewrite_in_place(path: Path, data: bytes) -> None:
    """As WritePrivateProfileString does: the same file truncated and written whole."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    os.write(fd, data)
    os.close(fd)


def test_rings_in_place_by_rename_and_after_the_folder_is_back_reach_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "MicroSIP" / "microsip.ini"
    path.parent.mkdir()
    path.write_bytes(ini())
    threads_before = set(threading.enumerate())
    events: list[tuple[CallEvent, str]] = []
    problems: list[str] = []
    watcher = FileWatcher(event_loop=wait_in_gui_thread)
    source = MicroSipSource(
        path, lambda e: events.append((e, threading.current_thread().name)), problems.append,
        watcher=watcher, news_window_s=None,
    )  # fmt: skip
    source.start()
    watcher.start()
    try:
        assert set(threading.enumerate()) == threads_before  # no observer, no helper

        rewrite_in_place(path, ini("1=+14155550142;Mike;1;1773151331;0;"))
        qtbot.waitUntil(lambda: len(events) == 1)

        renamed = path.with_name("microsip.ini.tmp")
        renamed.write_bytes(ini("1=+14155550142;Mike;1;1773151331;0;",
                                "2=+14155550143;Anna;1;1773151400;0;"))  # fmt: skip
        os.replace(renamed, path)
        qtbot.waitUntil(lambda: len(events) == 2)

        os.replace(path.parent, tmp_path / "MicroSIP.old")  # the profile moved away...
        qtbot.waitUntil(lambda: any("does not exist" in p for p in problems))
        path.parent.mkdir()  # ...and a new one appears later, its ini with it
        path.write_bytes(ini("3=+14155550144;Ann Lee;1;1773151500;0;"))
        qtbot.waitUntil(lambda: len(events) == 3)
    finally:
        source.stop()
        watcher.stop()

    assert [(e.number, e.state) for e, _thread in events] == [
        ("+14155550142", CallState.RINGING),
        ("+14155550143", CallState.RINGING),
        ("+14155550144", CallState.RINGING),
    ]
    assert {thread for _e, thread in events} == {threading.main_thread().name}


def test_a_callback_that_stops_the_watcher_ends_the_waiting(qtbot: QtBot, tmp_path: Path) -> None:
    """Settings applied from a card (sources restarted) may stop the watcher from inside the
    read: the notifier goes, nothing more is read, and a new start watches again."""
    path = tmp_path / "microsip.ini"
    watcher = FileWatcher(event_loop=wait_in_gui_thread)
    told: list[str] = []

    def stop_on_change() -> None:
        told.append("changed")
        if len(told) == 2:  # the first call is start's
            watcher.stop()

    watcher.watch(path, stop_on_change)
    watcher.start()
    path.write_bytes(ini())
    qtbot.waitUntil(lambda: len(told) == 2)
    assert not watcher.running

    path.write_bytes(ini("1=+14155550142;Mike;1;1773151331;0;"))
    qtbot.wait(100)
    assert len(told) == 2

    watcher.start()  # tells the file once, and watches it again
    path.write_bytes(ini())
    qtbot.waitUntil(lambda: len(told) == 4)
    watcher.stop()
