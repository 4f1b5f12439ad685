"""`callercard quit`: the running app quits, and so does one still starting.

An app between its launch and its listen is waited for (desktop.adapters.starting_mark), so a
logout script or a rep who quits right after login finds the app gone rather than coming up.
"""

from __future__ import annotations

import time
from pathlib import Path

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import Delivery, SendStatus, deliver
from desktop.adapters.instance_socket import RETRY_EVERY
from desktop.adapters.starting_mark import START_WAIT_S, app_starting
from desktop.core.ipc import Quit


def quit_app(data_dir: Path, wait_s: float = START_WAIT_S) -> int:
    """0 when an app took the quit or none runs or starts; 1 when one did not take it."""
    result = deliver_quit(instance_address(data_dir), wait_s)
    return 0 if result.status in (SendStatus.DELIVERED, SendStatus.NO_INSTANCE) else 1


def deliver_quit(address: str, wait_s: float) -> Delivery:
    deadline = time.monotonic() + wait_s
    while True:
        # Looked at before the attempt: an app withdraws its mark only once it listens, so
        # a mark gone by now means the attempt below reaches it (or nothing is starting).
        starting = app_starting(address)
        result = deliver(address, Quit())
        if result.status is not SendStatus.NO_INSTANCE or not starting:
            return result
        if time.monotonic() >= deadline:
            return result
        time.sleep(RETRY_EVERY)
