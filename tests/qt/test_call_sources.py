"""The call logs followed, in process with a real file watcher, a real MicroSIP ini and a
real store: a ring written is heard; the same log started again after a settings change
resumes without popping what the rep has seen; a log no longer watched takes its problem
with it; the hooks' inbox folder is made private."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.settings import WatchedSource
from desktop.adapters.store import Store
from desktop.adapters.write_journal import Job
from desktop.core.dialects.microsip import CallType
from desktop.core.events import CallEvent, CallState
from desktop.qt.call_sources import CallSources
from desktop.qt.file_events import wait_in_gui_thread
from desktop.qt.icons import app_icon
from desktop.qt.log_positions import LogPositions
from desktop.qt.tray import TrayMenu
from tests.softphone_writers import encode_ini, render_call, render_ini


def test_a_ring_is_heard_a_restart_resumes_and_a_dropped_log_takes_its_problem_along(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "MicroSIP" / "microsip.ini"
    ini.parent.mkdir()
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, {})))
    menu = TrayMenu(app_icon(), False)
    qtbot.addWidget(menu.fallback)
    store = Store.open(tmp_path / "cc.sqlite3")
    heard: list[CallEvent] = []
    jobs: list[Job] = []
    watcher = FileWatcher(event_loop=wait_in_gui_thread)
    sources = CallSources(watcher, menu, ringing_since=time.time() - 60,
                          on_event=heard.append, on_problem=menu.fallback.set_status,
                          problem_over=menu.problem_over)  # fmt: skip
    positions = LogPositions(store, jobs.append, lambda: sources.sources)
    microsip = WatchedSource("microsip", str(ini))
    try:
        sources.start([microsip], positions)
        assert sources.watched_specs == [microsip]
        assert sources.watched_formats == {"microsip"}

        rang = int(time.time()) - 2  # a second or more before the restart below
        calls = {0: render_call("+14155550142", "", CallType.INCOMING, rang)}
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, calls)))
        qtbot.waitUntil(lambda: any(e.state is CallState.RINGING for e in heard))
        assert heard[-1].number == "+14155550142"

        # Settings applied: the same log again; what rang before it was the old reader's.
        sources.start([microsip], positions)
        qtbot.wait(200)
        assert [e.state for e in heard].count(CallState.RINGING) == 1, "not popped twice"

        menu.notify("CallerCard", f"{ini}: not the call history")
        sources.start([], positions)
        assert menu.fallback.status.text() == ""
        assert sources.sources == [] and sources.watched_formats == set()

        inbox = tmp_path / "hooks" / "inbox.jsonl"
        sources.watch_hook_inbox(inbox, lambda: None)
        assert inbox.parent.stat().st_mode & 0o777 == 0o700
    finally:
        sources.stop()
        positions.stop()
        watcher.stop()
        store.close()
        menu.let_go()
