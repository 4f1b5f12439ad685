"""What `callercard ring` / `end` exit with (docs/softphone-hooks.md lists them for hook
authors), apart from the command line: the frozen `callercard-hook` reads it on its fast path,
and PyInstaller bundles whatever a module it reaches imports, even inside a function (the
command line's imports brought PySide6 and its runtime hook, ~100 ms, into every ring).
"""

from __future__ import annotations

import sys

from desktop.adapters.instance_client import Delivery, SendStatus

EXIT_DELIVERED = 0  # the app acked it (shown or queued), or was started with it
EXIT_NOT_DELIVERED = 1  # it did not get through: no app could take it, or it was refused
EXIT_USAGE = 2
EXIT_UNCONFIRMED = 3  # sent whole, but no ack in time: the card may still appear
# 4 (desktop.hook_record.EXIT_RECORDED_ONLY): no app was running (nor could one show a card),
# or the one running did not answer in time; the hook recorded the call in the history itself.


def exit_code(result: Delivery) -> int:
    if result.ok:
        return EXIT_DELIVERED
    print(f"callercard: {result.detail or result.status.value}", file=sys.stderr)
    return failure_code(result)


def failure_code(result: Delivery) -> int:
    """What a message that did not get through exits with (said on stderr by the caller)."""
    if result.status in (SendStatus.UNCONFIRMED, SendStatus.LATE):
        return EXIT_UNCONFIRMED  # the app has the line, and may still act on it
    return EXIT_NOT_DELIVERED
