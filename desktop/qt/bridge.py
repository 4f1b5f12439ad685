"""The one hop from worker threads (watchdog, importers, the history writer) to the GUI thread.

Sources call `event_from_thread`/`problem_from_thread` from whatever thread they run in; the
bridge lives in the GUI thread, so Qt queues each emission to it. No widget is touched
anywhere but the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.events import CallEvent


class ThreadBridge(QObject):
    call_event = Signal(object)  # CallEvent
    problem = Signal(str)
    written = Signal(object)  # history_writer.CallWritten

    def written_from_thread(self, written: object) -> None:
        self.written.emit(written)

    def event_from_thread(self, event: CallEvent) -> None:
        self.call_event.emit(event)

    def problem_from_thread(self, message: str) -> None:
        self.problem.emit(message)
