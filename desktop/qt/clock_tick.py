"""A window's "Synced 5 min ago" follows the clock while it is shown: a timer that runs only
then, so a window left open all day never says "just now" an hour later, and a hidden one
costs nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from desktop.qt.book_watch import run_while_shown

# ago_text's finest step is a minute: a look every half minute is never more than that late.
TICK_MS = 30_000


def tick_while_shown(window: QWidget, on_tick: Callable[[], object]) -> QTimer:
    """Call `on_tick` every TICK_MS while `window` is shown."""
    timer = QTimer(window)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(on_tick)

    def start() -> None:
        if not timer.isActive():
            timer.start()

    run_while_shown(window, start, timer.stop)
    return timer
