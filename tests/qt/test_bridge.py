"""Results from worker threads (the importer, the notifier) reach the GUI thread through the
app's one ThreadBridge, and a result for a window closed meanwhile is dropped."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.import_action import ImportAction
from desktop.qt.notifier import Notifier


def test_the_notifiers_answer_is_taken_in_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no daemon: logged instead
    caplog.set_level(logging.INFO)
    bridge = ThreadBridge()
    Notifier(None, on_main=bridge.call_from_thread).notify("Mike", "ringing")
    qtbot.waitUntil(lambda: "notification: Mike: ringing" in caplog.text, timeout=5000)
    said = [r for r in caplog.records if r.getMessage().startswith(("notifier:", "notification:"))]
    assert {r.threadName for r in said} == {threading.main_thread().name}


def test_an_import_started_without_the_window_reports_in_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    contacts = tmp_path / "a.csv"
    contacts.write_text("Name,Phone\nAnn Lee,+1 415 555 0144\n", encoding="utf-8")
    action = ImportAction(tmp_path / "cc.sqlite3", ThreadBridge())
    threads: list[str] = []
    action.finished.connect(lambda _result: threads.append(threading.current_thread().name))
    with qtbot.waitSignal(action.finished, timeout=30_000) as finished:
        action.start(contacts, NumberPolicy("US"))
    assert finished.args is not None and finished.args[0].imported == 1
    assert threads == [threading.main_thread().name]


def test_a_result_for_a_window_deleted_meanwhile_is_dropped(qtbot: QtBot) -> None:
    bridge = ThreadBridge()
    window = QWidget()
    ran: list[str] = []
    worker = threading.Thread(target=lambda: bridge.call_from_thread(
        lambda: ran.append("late"), owner=window))  # fmt: skip
    shiboken6.delete(window)  # closed and deleted before the worker answers
    worker.start()
    worker.join()
    bridge.call_from_thread(lambda: ran.append("kept"))
    qtbot.waitUntil(lambda: ran == ["kept"])


def test_a_call_log_read_in_the_gui_thread_never_overtakes_an_event_queued_before_it(
    qtbot: QtBot,
) -> None:
    """Linphone's source re-reads from a timer thread while the GUI thread reads on inotify:
    a ring read on the timer, then its end read in the GUI thread, arrive in that order."""
    from datetime import UTC, datetime

    from desktop.core.events import CallEvent, CallState
    from desktop.core.models import Direction

    bridge = ThreadBridge()
    arrived: list[CallState] = []
    bridge.receive_call_events(lambda event: arrived.append(event.state))

    def event(state: CallState) -> CallEvent:
        return CallEvent("linphone", Direction.IN, state, "+14155550142", "Mike",
                         datetime.now(UTC), call_key="linphone:7")  # fmt: skip

    timer = threading.Thread(target=lambda: bridge.event_from_thread(event(CallState.RINGING)))
    timer.start()
    timer.join()
    bridge.event_from_thread(event(CallState.MISSED))  # the GUI thread, before the queue ran
    qtbot.waitUntil(lambda: len(arrived) == 2)
    assert arrived == [CallState.RINGING, CallState.MISSED]

    bridge.event_from_thread(event(CallState.RINGING))  # nothing queued: handed over at once
    assert arrived[2:] == [CallState.RINGING]


def test_a_worker_answering_after_the_bridge_closed_at_quit_hands_over_nothing(
    qtbot: QtBot,
) -> None:
    """At quit the app closes the bridge before its windows and QApplication go. A worker still
    running then (a preview of a big file, a sync waiting on a slow server) that answers later
    reaches neither the GUI thread nor the deleted Qt object: its emit used to raise "Signal
    source has been deleted" in the worker, or crash the app on its way out."""
    from datetime import UTC, datetime

    from desktop.core.events import CallEvent, CallState
    from desktop.core.models import Direction

    bridge = ThreadBridge()
    arrived: list[object] = []
    bridge.receive_call_events(arrived.append)
    bridge.problem.connect(arrived.append)
    bridge.written.connect(arrived.append)
    answer = threading.Event()
    raised: list[BaseException] = []

    def worker() -> None:
        answer.wait()
        try:
            bridge.call_from_thread(lambda: arrived.append("the preview"))
            bridge.problem_from_thread("the directory did not answer")
            bridge.written_from_thread("a call recorded")
            bridge.event_from_thread(CallEvent("microsip", Direction.IN, CallState.RINGING,
                                               "+14155550142", "Mike", datetime.now(UTC),
                                               call_key="microsip:7"))  # fmt: skip
        except BaseException as exc:  # what the thread would have died of
            raised.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    bridge.close()
    shiboken6.delete(bridge)  # as QApplication's teardown deletes it
    answer.set()
    thread.join()
    qtbot.wait(50)  # anything queued would be delivered by now
    assert raised == []
    assert arrived == []
