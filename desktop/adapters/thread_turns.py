"""How long a thread running Python keeps the interpreter once the GUI thread asks for it.

CPython hands the interpreter lock to a waiting thread only every `sys.getswitchinterval()`
(5 ms by default). The GUI thread gives the lock up many times on one ring, around every X
round trip, paint flush and SQLite step, and has to ask for it back each time. While a worker
thread runs Python (a team directory sync reading vCards, the Duplicates scan, an undo, the
history writer) each of those asks waited up to the whole interval: with a thread reading
vCards, a card that paints in 3 ms took a median of 75-85 ms (benchmarks/ring_during_worker.py).
The interval matters only while two threads want to run; the GUI thread is idle between
rings, so a short one costs a worker nothing then (its throughput did not change).
"""

from __future__ import annotations

import sys

# Measured with a worker reading vCards (median caller ID -> painted): 5 ms 75 ms, 1 ms 14 ms,
# 0.5 ms 9.7 ms, 0.2 ms 6.8 ms (3 ms with no worker).
GUI_SWITCH_INTERVAL_S = 0.0002


def give_the_gui_thread_quick_turns() -> None:
    """For the app's process (not the CLI's, which has one thread)."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
