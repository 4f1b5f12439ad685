"""The client side of the single-instance channel: hand a message to the running tray app.

`callercard ring` runs inside a softphone's call-setup path (MicroSIP waits up to 10 s for it and
delays "180 Ringing" meanwhile; Twinkle blocks outright), so this module imports only the stdlib
and desktop.core.ipc, never Qt, and every call here returns within its timeout.

When no instance runs, `ring_or_launch` starts the app detached and returns without waiting for
it. The launched app receives the message on its command line and delivers it to itself once it
is up. The argv contract, which the app's argument parser implements:

    <launch_argv...> --background --data-dir <data_dir> --deliver <message>

`--background` starts in the tray without opening a window; `<message>` is one protocol line as
`desktop.core.ipc.encode` writes it, without the trailing newline (decode it with
`desktop.core.ipc.decode(value.encode())`). `launch_argv` defaults to `default_launch_argv()`.

What the statuses promise: an ack means the app has the message (its card is shown, or queued
behind others). A storm of rings can fill the listen queue (connect answers EAGAIN) and an app
that holds the lock may not listen yet (connect is refused): both are retried with backoff
within the budget, since nothing was sent. Once the line has been written, a missing ack is
UNCONFIRMED, never a failure: the app may still read it and act on it. (A connection closed
without an ack is different: the app acks every line it reads before acting on it, so that
line was dropped unread and nothing was delivered.)
"""

from __future__ import annotations

import io
import os
import sys
import time
from enum import StrEnum
from pathlib import Path

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_socket import (
    DEFAULT_TIMEOUT,
    MAX_ACK_BYTES,
    RETRY_EVERY,
    BusyError,
    NoInstanceError,
    SentError,
    exchange_unix,
)
from desktop.core.ipc import (
    Ack,
    IpcError,
    Message,
    OpenImport,
    Record,
    Ring,
    Show,
    decode_ack,
    encode,
)
from desktop.core.ipc_line import LATE_ACK_ERROR

TYPE_CHECKING = False  # typing.TYPE_CHECKING would import typing on every ring
if TYPE_CHECKING:
    from collections.abc import Sequence



class SendStatus(StrEnum):
    DELIVERED = "delivered"  # the instance acked it
    NO_INSTANCE = "no_instance"  # nothing listens at the address
    REJECTED = "rejected"  # the instance answered that the message is invalid (see detail)
    NO_ANSWER = "no_answer"  # nothing was delivered: busy past the budget, hung, or not ours
    UNCONFIRMED = "unconfirmed"  # sent, but no ack within the budget: it may still be shown
    LATE = "late"  # a ring the app read too late to record (it was hung): it may still be shown
    LAUNCHED = "launched"  # nothing was running, so the app was started with the message
    LAUNCH_FAILED = "launch_failed"  # nothing was running and starting the app failed


class Delivery(Record):
    """What became of a message; `detail` says why, for whoever reads `callercard ring` output."""

    __slots__ = ("detail", "pid", "status")
    status: SendStatus
    detail: str
    pid: int | None  # the launched process, when status is LAUNCHED

    def __init__(self, status: SendStatus, detail: str = "", pid: int | None = None) -> None:
        super().__init__(status=status, detail=detail, pid=pid)

    @property
    def ok(self) -> bool:
        return self.status in (SendStatus.DELIVERED, SendStatus.LAUNCHED)

    @property
    def unanswered(self) -> bool:
        """A running app did not take it in time (hung, stopped, flooded, or it read a ring
        too late): nothing it does will record the call, so the sender records it."""
        return self.status in (SendStatus.NO_ANSWER, SendStatus.UNCONFIRMED, SendStatus.LATE)


def send(address: str, message: Message, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when the running instance acknowledged the message."""
    return deliver(address, message, timeout).status is SendStatus.DELIVERED


def deliver(
    address: str, message: Message, timeout: float = DEFAULT_TIMEOUT, watch_app: bool = False
) -> Delivery:
    """Send one message and wait for its ack (`watch_app`: not once the app is seen doing
    nothing with it, instance_socket.exchange_unix); never raises for a missing or broken
    instance."""
    line = encode(message)
    try:
        if sys.platform == "win32":
            answer = _exchange_pipe(address, line, timeout)
        else:
            answer = exchange_unix(address, line, timeout, watch_app)
    except (NoInstanceError, BusyError, SentError, OSError) as exc:
        return failed_delivery(address, exc, timeout)
    return answered_delivery(address, answer)


def failed_delivery(address: str, exc: Exception, timeout: float) -> Delivery:
    """What an exchange that raised `exc` (instance_socket's errors, or OSError) delivered."""
    if isinstance(exc, NoInstanceError):
        return Delivery(SendStatus.NO_INSTANCE, str(exc))
    if isinstance(exc, BusyError):
        return Delivery(SendStatus.NO_ANSWER, str(exc))
    if isinstance(exc, SentError):
        return Delivery(
            SendStatus.UNCONFIRMED,
            f"{address}: sent, but {exc}; the card may still appear",
        )
    if isinstance(exc, TimeoutError):
        return Delivery(SendStatus.NO_ANSWER, f"{address}: no answer within {timeout:g} s")
    strerror = exc.strerror if isinstance(exc, OSError) else None
    return Delivery(SendStatus.NO_ANSWER, f"{address}: {strerror or exc}")


def answered_delivery(address: str, answer: bytes) -> Delivery:
    """What a line whose exchange returned `answer` (the bytes read back) delivered."""
    if not answer:
        # The app acks a line as soon as it reads it, before acting on it: a connection closed
        # with no ack was dropped unread (refused, shed, or the app died), so nothing arrived.
        return Delivery(SendStatus.NO_ANSWER, f"{address}: closed the connection without an answer")
    try:
        ack = decode_ack(answer)
    except IpcError as exc:
        return Delivery(SendStatus.NO_ANSWER, f"{address}: answered something else: {exc}")
    return _from_ack(ack)


def forward_to_running(address: str, message: Message, wait: float = 5.0) -> Delivery:
    """Deliver to the instance that holds the lock, which may still be starting to listen.

    For a second launch that found the lock taken: retry while nothing listens, up to `wait`.
    """
    deadline = time.monotonic() + wait
    while True:
        result = deliver(address, message)
        if result.status is not SendStatus.NO_INSTANCE or time.monotonic() >= deadline:
            return result
        time.sleep(RETRY_EVERY)


def ring_or_launch(
    data_dir: Path,
    message: Message,
    launch_argv: Sequence[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Delivery:
    """Deliver to the running instance, or start one that will deliver it to itself.

    Only a ring, a show or a file to import is worth starting the app for; an "end" or
    "quit" with nothing running reports NO_INSTANCE. A rejected or unanswered message does
    not start a second app: an instance holds the address and a new one would only bounce off
    its lock.

    Raises what `instance_address` raises (InstanceDirError, ValueError) when there is no safe
    address to use; nothing is sent or started then.
    """
    result = deliver(instance_address(data_dir), message, timeout)
    worth_starting = isinstance(message, Ring | Show | OpenImport)
    if result.status is not SendStatus.NO_INSTANCE or not worth_starting:
        return result
    argv = [*(launch_argv or default_launch_argv()), *launch_args(data_dir, message)]
    try:
        pid = _spawn_detached(argv)
    except OSError as exc:
        return Delivery(SendStatus.LAUNCH_FAILED, f"could not start {argv[0]}: {exc}")
    return Delivery(SendStatus.LAUNCHED, "no instance was running; started one", pid)


def launch_args(data_dir: Path, message: Message) -> list[str]:
    """The arguments that make a new instance start in the tray and deliver `message` to itself."""
    payload = encode(message).decode("ascii").rstrip("\n")
    return ["--background", "--data-dir", str(data_dir.absolute()), "--deliver", payload]


def default_launch_argv() -> list[str]:
    """How to start the app from the running interpreter (or the frozen bundle)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "desktop"]


def _from_ack(ack: Ack) -> Delivery:
    if ack.ok:
        return Delivery(SendStatus.DELIVERED)
    if ack.error == LATE_ACK_ERROR:
        return Delivery(SendStatus.LATE, f"it was {LATE_ACK_ERROR}; the card may still appear")
    return Delivery(SendStatus.REJECTED, ack.error or "rejected without a reason")


def _exchange_pipe(address: str, line: bytes, timeout: float) -> bytes:
    # A file opened on a pipe has no timeouts, so the blocking part runs in a daemon thread the
    # hook can abandon: the process exits right after, and a daemon thread does not hold it up.
    import threading

    deadline = time.monotonic() + timeout
    result: list[bytes] = []
    failure: list[BaseException] = []

    def talk() -> None:
        try:
            # FileIO, not pathlib: a device path like \\.\pipe\x is no file-system path.
            with io.FileIO(address, "r+") as pipe:
                pipe.write(line)
                result.append(pipe.readline(MAX_ACK_BYTES))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    while True:
        worker = threading.Thread(target=talk, name="callercard-pipe", daemon=True)
        worker.start()
        worker.join(max(deadline - time.monotonic(), 0))
        if worker.is_alive():
            raise TimeoutError
        if not failure:
            return result[0] if result else b""
        exc = failure.pop()
        if isinstance(exc, FileNotFoundError):
            raise NoInstanceError(f"{address}: no instance is running") from exc
        # ERROR_PIPE_BUSY: every server end is taken for a moment; the server opens another.
        if getattr(exc, "winerror", None) == 231 and time.monotonic() < deadline:
            time.sleep(RETRY_EVERY)
            continue
        raise exc


def _spawn_detached(argv: list[str]) -> int:
    """Start argv in its own session with no terminal and stdio on the null device."""
    if sys.platform == "win32":
        import subprocess

        flags = (
            subprocess.DETACHED_PROCESS
            | subprocess.CREATE_NO_WINDOW
            | subprocess.CREATE_NEW_PROCESS_GROUP
        )
        # The Popen object may warn when collected with the app still running (ResourceWarning,
        # silent by default); the hook process exits right after anyway.
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            creationflags=flags,
            close_fds=True,
        )
        return process.pid
    # posix_spawn rather than subprocess: no Popen object whose finaliser warns about a child
    # that is meant to outlive us, and a vfork-fast start on the hook's clock.
    devnull = os.devnull
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
    ]
    try:
        return os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions, setsid=True)
    except NotImplementedError:
        # No POSIX_SPAWN_SETSID (older macOS): a process group of its own is the next best.
        return os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions, setpgroup=0)
