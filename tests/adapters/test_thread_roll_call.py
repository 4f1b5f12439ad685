"""At quit the app waits a little for its own threads, never for threads that were running
before it was built (in the test suite, threads other tests left: each cost every later
app's quit the whole wait, 2 s)."""

from __future__ import annotations

import threading
import time

from desktop.adapters.thread_roll_call import wait_for_threads


def test_a_thread_running_before_the_app_is_not_waited_for() -> None:
    stop = threading.Event()
    old = threading.Thread(target=stop.wait, name="someone-elses", daemon=True)
    old.start()
    before = frozenset(threading.enumerate())
    mine = threading.Thread(target=lambda: time.sleep(0.05), name="the-apps", daemon=True)
    mine.start()
    try:
        # Not joined, so not named as left running: the app's own thread is, and has ended.
        assert wait_for_threads(1.0, before=before) == []
        assert not mine.is_alive()
    finally:
        stop.set()
        old.join()
