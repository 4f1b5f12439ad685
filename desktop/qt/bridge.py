"""The one hop from worker threads (watchdog, importers, the history writer, the notifier) to
the GUI thread.

Sources call `event_from_thread`/`problem_from_thread` from whatever thread they run in; the
bridge lives in the GUI thread, so Qt queues each emission to it. No widget is touched
anywhere but the GUI thread. One bridge carries everything, so results reach the GUI thread
in the order they were handed over.

A call log read in the GUI thread itself (desktop/qt/file_events.py) hands its event over
directly, with no trip through the event queue, unless events from other threads (a source's
retry timer) are still queued: then it queues behind them, so a call's end never overtakes
its ring.

At quit the app closes the bridge once every source and worker it could stop has stopped
(desktop/qt/app.py shutdown), before its windows and QApplication go: from then on what a
worker still running hands over is dropped. A worker's emit that came later, into a deleted
QObject or into PySide during the interpreter's teardown, ended the app with "Signal source
has been deleted", a segfault or an abort ("terminate called without an active exception").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from desktop.core.events import CallEvent

log = logging.getLogger(__name__)


class ThreadBridge(QObject):
    problem = Signal(str)
    written = Signal(object)  # history_writer.CallWritten
    _call = Signal(object, object)  # a callable to run in the GUI thread, its owner or None
    _queued_event = Signal(object)  # CallEvent, always through the GUI thread's event queue

    def __init__(self) -> None:
        super().__init__()
        self._call.connect(self._run)
        self._gui_thread = threading.get_ident()  # made there, like every QObject of the app
        self._lock = threading.Lock()
        self._events_queued = 0
        # Held by a worker across its emit: close() waits for an emit in progress.
        self._gate = threading.Lock()
        self._closed = False
        self._queued_event.connect(self._deliver_queued, Qt.ConnectionType.QueuedConnection)
        # Call events are handed over by a plain call, not a signal: a Qt signal with a Python
        # slot took 80 µs of a ring's path (measured cold, as every ring is).
        self._receivers: tuple[Callable[[CallEvent], None], ...] = ()

    def receive_call_events(self, receive: Callable[[CallEvent], None]) -> None:
        """Hand every call event to `receive`, in the GUI thread, in the order they came."""
        self._receivers = (*self._receivers, receive)

    def call_from_thread(self, fn: Callable[[], None], owner: QObject | None = None) -> None:
        """Run `fn` in the GUI thread, soon: a worker's result handed to the widget waiting
        for it (Settings' directory syncs, the Import window, the notifier). With `owner`,
        `fn` is dropped if that window was deleted meanwhile (closed while a file was read)."""
        self._emit(lambda: self._call.emit(fn, owner))

    def close(self) -> None:
        """From the GUI thread, at quit: nothing handed over after this returns reaches it,
        and no worker is in the middle of handing something over."""
        with self._gate:
            self._closed = True

    def _emit(self, emit: Callable[[], None]) -> None:
        """`emit` unless closed; it touches the Qt object only then (deleted once closed)."""
        if threading.get_ident() == self._gui_thread:
            # The thread that closes: no race with itself. A direct call may re-enter the
            # bridge, so it must not hold the gate.
            if not self._closed:
                emit()
            return
        # A worker's emit only queues an event for the GUI thread: it never waits on it.
        with self._gate:
            if self._closed:
                log.debug("quitting: a worker's result was dropped")
                return
            emit()

    def _run(self, fn: Callable[[], None], owner: QObject | None) -> None:
        if self._closed:  # queued before the quit, run after it: the windows are going
            return
        if owner is not None and not shiboken6.isValid(owner):
            return
        fn()

    def written_from_thread(self, written: object) -> None:
        self._emit(lambda: self.written.emit(written))

    def event_from_thread(self, event: CallEvent) -> None:
        with self._lock:
            direct = threading.get_ident() == self._gui_thread and not self._events_queued
            if not direct:
                self._events_queued += 1
        if direct:
            if not self._closed:
                self._hand_over(event)
        else:
            self._emit(lambda: self._queued_event.emit(event))

    def _deliver_queued(self, event: CallEvent) -> None:
        with self._lock:
            self._events_queued -= 1
        if not self._closed:
            self._hand_over(event)

    def _hand_over(self, event: CallEvent) -> None:
        for receive in self._receivers:
            receive(event)

    def problem_from_thread(self, message: str) -> None:
        self._emit(lambda: self.problem.emit(message))
