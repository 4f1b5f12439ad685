"""A problem is said where the rep looks (here, with no tray host: the no-tray window's status
line) and in the trace; said over from the thread that saw it end, it goes, and what is said
of another file does not take it down."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.trace import RingTrace
from desktop.qt.bridge import ThreadBridge
from desktop.qt.icons import app_icon
from desktop.qt.notifier import Notifier
from desktop.qt.problem_report import ProblemReport
from desktop.qt.tray import TrayMenu


def test_a_problem_is_shown_and_traced_and_goes_when_a_thread_says_it_is_over(
    qtbot: QtBot, tmp_path: Path
) -> None:
    menu = TrayMenu(app_icon(), False)
    qtbot.addWidget(menu.fallback)
    bridge = ThreadBridge()
    trace = RingTrace(tmp_path / "trace.jsonl")
    problems = ProblemReport(menu, Notifier(None, in_thread=False), bridge, trace)
    status = menu.fallback.status
    ini, db = tmp_path / "MicroSIP" / "microsip.ini", tmp_path / "Linphone" / "linphone.db"

    problems.report(f"{db}: not the call history")
    problems.report(f"{ini}: folder {ini.parent} does not exist")
    assert status.text().endswith(f"{ini}: folder {ini.parent} does not exist")

    over = threading.Thread(target=problems.over_from_thread, args=(f"{db}: ",))
    over.start()
    over.join()
    qtbot.wait(50)  # the bridge's turn: another file's problem is not the one shown
    assert status.text().endswith(f"{ini}: folder {ini.parent} does not exist")

    seen = threading.Thread(target=problems.watched_again, args=(ini,))
    seen.start()
    seen.join()
    qtbot.waitUntil(lambda: status.text() == "")
    trace.close()
    lines = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert [line["message"] for line in lines if line["stage"] == "problem"] == [
        f"{db}: not the call history", f"{ini}: folder {ini.parent} does not exist"]
    bridge.close()
    menu.let_go()
