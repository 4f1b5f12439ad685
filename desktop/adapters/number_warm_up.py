"""Number metadata for every region loaded in idle time after start-up, off the GUI thread
(~200 ms), so the first unknown caller does not pay for lazy loading and the tray stays
responsive meanwhile. Then the collector, off since start-up began (desktop.cli), comes back
on with everything loaded so far frozen: a full collection never lands in a ring."""

from __future__ import annotations

import gc
import threading

from desktop.adapters.native_heap import release_idle_memory
from desktop.core.numbers import warm_up


def warm_numbers_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_numbers, name="callercard-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_numbers() -> None:
    try:
        warm_up()
    finally:
        # What is loaded by now lives for the whole session; keep the collector off it.
        gc.collect()
        gc.freeze()
        gc.enable()
        release_idle_memory()  # start-up's temporaries and the sources linecache kept
