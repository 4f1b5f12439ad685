"""The GUI thread waits on the file watcher's inotify descriptor itself (FileWatcher's
`event_loop`): a ring written into a watched call log is read, looked up and shown in this
thread, with no hop from watchdog's threads through the bridge."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier


def wait_in_gui_thread(fd: int, drain: Callable[[], None]) -> Callable[[], None]:
    """Call `drain` from Qt's event loop whenever `fd` is readable, until the returned function
    is called (before the descriptor is closed). GUI thread only."""
    notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda *_: drain())

    def stop() -> None:
        # Only disabled: the notifier goes with this function, which may be while drain runs
        # (a callback stopped the watcher); Qt 6 guards the emission against that.
        notifier.setEnabled(False)

    return stop
