"""`callercard quit`: the running app quits, and so does one still starting.

An app between its launch and its listen is waited for (desktop.adapters.starting_mark), so a
logout script or a rep who quits right after login finds the app gone rather than coming up.
"""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import Delivery, SendStatus
from desktop.adapters.starting_mark import START_WAIT_S, deliver_once_listening
from desktop.core.ipc import Quit


def quit_app(data_dir: Path, wait_s: float = START_WAIT_S) -> int:
    """0 when an app took the quit or none runs or starts; 1 when one did not take it."""
    result = deliver_quit(instance_address(data_dir), wait_s)
    return 0 if result.status in (SendStatus.DELIVERED, SendStatus.NO_INSTANCE) else 1


def deliver_quit(address: str, wait_s: float) -> Delivery:
    return deliver_once_listening(address, Quit(), wait_s)
