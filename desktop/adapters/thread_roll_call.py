"""At quit, every thread the app still has is waited for, a little, and named if it stays.

The app's workers are daemon threads (a preview reading a big file, an import, a directory sync
waiting on a slow server, a notification the desktop has not answered, the number warm-up).
Each one its owner can stop is stopped and joined by that owner first; what is left here is
work nobody can interrupt. Waiting for it before the windows and QApplication go means no
worker runs while Qt is torn down, or while the interpreter finalises: a daemon thread that
reached for the GIL then was ended inside whatever C++ call it was in (an abort, "terminate
called without an active exception"). One that outlasts the wait is named in the log, so the
next rare failure at quit says which thread was still running.

No Qt here: it only counts threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection

QUIT_WAIT_S = 2.0  # a logout must not hang on a worker; its result is dropped past this
# Waits for a softphone a Call button started, which outlives us (desktop/adapters/dialing.py);
# it touches nothing of ours.
NOT_WAITED_FOR = frozenset({"dialer-reaper"})


def wait_for_threads(
    timeout_s: float = QUIT_WAIT_S, *, before: Collection[threading.Thread] = ()
) -> list[str]:
    """Join every thread but the caller, the main thread and those in `before` (running
    before the app was built: not the app's), within `timeout_s` in all; the names of those
    still running after it."""
    deadline = time.monotonic() + timeout_s
    me = threading.current_thread()
    others = [
        thread
        for thread in threading.enumerate()
        # A dummy thread is one Python did not start (a Qt thread that ran a slot): no join.
        if thread is not me
        and thread is not threading.main_thread()
        and thread.name not in NOT_WAITED_FOR
        and thread not in before
        and not isinstance(thread, threading._DummyThread)
    ]
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread.name for thread in others if thread.is_alive()]
