"""The GUI thread waits on the file watcher's inotify descriptor itself (FileWatcher's
`event_loop`): a ring written into a watched call log is read, looked up and shown in this
thread, with no hop from watchdog's threads through the bridge."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSocketNotifier


def wait_in_gui_thread(fd: int, drain: Callable[[], None]) -> Callable[[], None]:
    """Call `drain` from Qt's event loop whenever `fd` is readable, until the returned function
    is called (before the descriptor is closed). GUI thread only."""
    # Owned by the application, and deleted later rather than at once: stop may be called from
    # inside drain, that is, while the notifier is still emitting.
    notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, QCoreApplication.instance())
    notifier.activated.connect(lambda *_: drain())

    def stop() -> None:
        if notifier.isEnabled():
            notifier.setEnabled(False)
            notifier.deleteLater()

    return stop
