"""`callercard ring` / `end` on the softphone's clock: one line to the running app, and its ack.

A softphone runs its hook on every incoming call and waits for it (MicroSIP holds back
"180 Ringing" until it returns), and the card cannot appear before the line arrives. So the
common case, an app that is running and takes the line, is done here with nothing but the
interpreter's own C modules: no enum, json, re or pathlib (together they cost as much again as
a bare interpreter's start), and no platformdirs on Linux.

Everything else goes the full way (desktop.cli_ring), and only when nothing was sent yet, so a
ring is never written twice: no app listening (a `ring` starts one, an `end` has nothing to
close), Windows' named pipe. After the line went out, an answer other than the plain ack, or
none, is read and reported by desktop.adapters.instance_client exactly as the full way does;
an app that runs but did not take the line in time (hung, stopped, flooded) leaves the call
to the full way to record, which then sends nothing (`Unanswered`).
"""

from __future__ import annotations

import os
import sys
import time

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_socket import (
    DEFAULT_TIMEOUT,
    BusyError,
    NoInstanceError,
    SentError,
    exchange_unix,
)
from desktop.adapters.paths import hook_data_dir
from desktop.core.hook_fields import hook_fields
from desktop.core.ipc_line import OK_ACK_LINE, json_line

TYPE_CHECKING = False  # not typing's: see the module docstring
if TYPE_CHECKING:
    from desktop.hook_argv import HookArgs


# Set by the frozen `callercard-hook` (desktop.hook_main) for the main executable it hands an
# unanswered call to: record it, do not send it again. Its value is Unanswered.value().
UNANSWERED_ENV = "CALLERCARD_HOOK_UNANSWERED"


class Unanswered:
    """A running app did not take the line in time (hung, stopped, flooded, or it read a ring
    too late to record it): desktop.cli_ring.send_ring records the call and sends nothing."""

    __slots__ = ("code", "t_ns")

    def __init__(self, code: int, t_ns: int = 0) -> None:
        self.code = code  # the exit code if the call cannot be recorded either
        # The stamp of the line the app has: the call is recorded as ringing then, not when
        # the wait ended, so the app reading that line late finds the call under its key
        # (desktop.core.late_ring). 0: none (a stamp is taken anew).
        self.t_ns = t_ns

    def value(self) -> str:
        """UNANSWERED_ENV's value: "code:stamp"."""
        return f"{self.code}:{self.t_ns}"

    @classmethod
    def from_value(cls, value: str) -> Unanswered:
        code, _, stamp = value.partition(":")
        # hook_exit's EXIT_UNCONFIRMED or EXIT_NOT_DELIVERED (that module imports enum)
        return cls(3 if code == "3" else 1, int(stamp) if stamp.isdigit() else 0)


def send_line(args: HookArgs) -> int | Unanswered | None:
    """The exit code of a ring / end the running app took (or refused); Unanswered when it did
    not take it in time; None when nothing was sent and desktop.cli_ring.send_ring must do it."""
    handed = os.environ.pop(UNANSWERED_ENV, None)
    if handed is not None:
        return Unanswered.from_value(handed)
    if sys.platform == "win32":
        return None
    t_ns = time.monotonic_ns()
    fields = hook_fields(args.verb, caller_id=args.caller_id, name_words=args.name_words,
                         name=args.name, source=args.source, outcome=args.outcome,
                         environ=os.environ, t_ns=t_ns)  # fmt: skip
    try:
        address = instance_address(hook_data_dir(args.data_dir))
    except (OSError, ValueError):
        return None  # an unusable socket directory: the full way says so, as it always did
    try:
        answer = exchange_unix(address, json_line(fields), DEFAULT_TIMEOUT, watch_app=True)
    except NoInstanceError:
        return None
    except (BusyError, SentError, OSError) as exc:
        return _reported(address, t_ns, failure=exc)
    if answer == OK_ACK_LINE:
        return 0
    return _reported(address, t_ns, answer=answer)


def _reported(
    address: str, t_ns: int, *, answer: bytes = b"", failure: Exception | None = None
) -> int | Unanswered:
    """Anything but the plain ack, read and reported as the full way does it."""
    from desktop.adapters.instance_client import answered_delivery, failed_delivery
    from desktop.hook_exit import exit_code, failure_code

    if failure is not None:
        result = failed_delivery(address, failure, DEFAULT_TIMEOUT)
    else:
        result = answered_delivery(address, answer)
    if result.unanswered:
        return Unanswered(failure_code(result), t_ns)
    return exit_code(result)


def exit_now(code: int) -> None:
    """End the hook's process without the interpreter's tear-down, which frees every module
    object by object (~3 ms, a quarter of a bare interpreter's start) while the softphone still
    waits. Nothing on the hook's path registers atexit work or starts a thread, and an app it
    launched is a process of its own: only the two streams need flushing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: nobody is reading what there was to say
    os._exit(code)
