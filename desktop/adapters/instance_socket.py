"""The Unix-socket exchange of one protocol line with the running app: connect, write, read the ack.

Split from desktop.adapters.instance_client so that `callercard ring`'s fast path
(desktop.hook_send) can use it with nothing but the interpreter's C modules loaded: this imports
no enum, json or pathlib. What a failure means to the user (desktop.adapters.instance_client's
Delivery) is decided there; here it is only which of three things went wrong.
"""

from __future__ import annotations

# The C module, not `socket`: socket.py turns every constant into an enum member at import
# (about 2 ms), and this runs on every incoming call. Only connect/send/recv are used here.
import _socket
import os
import sys
import time

from desktop.adapters.instance_address import instance_lock_path
from desktop.core.ipc_line import HOOK_STALL_LOOK_S, HOOK_WAIT_S

# A healthy instance answers in milliseconds, a busy one (a storm of rings, or one still starting)
# within a second or two; MicroSIP gives its hook 10 s, and a hook not answered in this time
# records the call itself.
DEFAULT_TIMEOUT = HOOK_WAIT_S
MAX_ACK_BYTES = 4096
RETRY_EVERY = 0.05
_FIRST_BACKOFF = 0.002  # doubled on each retry of a connect, up to RETRY_EVERY


class NoInstanceError(Exception):
    pass


class BusyError(Exception):
    """Nothing was sent: the instance never took the connection within the budget."""


class SentError(Exception):
    """The line went out whole, but no ack came back within the budget."""


def owner_alive(address: str) -> bool:
    """Whether a live process holds the instance lock: an app that is starting (it listens a
    moment after taking the lock) rather than a socket file left by one that died."""
    try:
        first = instance_lock_path(address).read_text("ascii", "replace").split("\n", 1)[0]
        pid = int(first)
    except (OSError, ValueError):
        return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _may_listen_soon(address: str) -> bool:
    """Whether a refused connect is worth trying again: a live process holds the instance
    lock and is a CallerCard still starting (it listens a moment after taking the lock; its
    mark says so until it does: desktop.adapters.starting_mark). A lock naming a live pid
    that made no mark is a dead app's whose pid another process has now, or an app that
    stopped listening as it quits: neither will accept, and the softphone waits meanwhile."""
    if not owner_alive(address):
        return False
    from desktop.adapters.starting_mark import app_starting

    return app_starting(address)


def exchange_unix(address: str, line: bytes, timeout: float, watch_app: bool = False) -> bytes:
    """`watch_app`: a hook's line, given up on before `timeout` once the app is seen doing
    nothing with it (ipc_line.HOOK_STALL_LOOK_S)."""
    if sys.platform == "win32":
        raise NotImplementedError("Windows uses _exchange_pipe")
    deadline = time.monotonic() + timeout
    while True:
        sock = connect_unix(address, deadline, watch_app)
        try:
            try:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                sock.sendall(line)
            except TimeoutError:
                raise BusyError(
                    f"{address}: busy, the message was not taken within {timeout:g} s"
                ) from None
            except (BrokenPipeError, ConnectionResetError):
                # Dropped before the line was read (the app sheds connections under a flood):
                # nothing was delivered, so it is safe to try again while the budget lasts.
                if time.monotonic() + RETRY_EVERY >= deadline:
                    raise
                time.sleep(RETRY_EVERY)
                continue
            stalled = _MainThreadWatch.of(address) if watch_app else None
            return read_ack(sock, deadline, timeout, stalled)
        finally:
            sock.close()


def read_ack(
    sock: _socket.socket, deadline: float, timeout: float,
    stalled: _MainThreadWatch | None = None,
) -> bytes:  # fmt: skip
    answer = b""
    while not answer.endswith(b"\n") and len(answer) < MAX_ACK_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SentError(f"no answer within {timeout:g} s")
        sock.settimeout(remaining if stalled is None else min(remaining, HOOK_STALL_LOOK_S))
        try:
            chunk = sock.recv(MAX_ACK_BYTES)
        except TimeoutError:
            if stalled is not None and stalled():
                raise SentError("no answer: CallerCard is stopped or not responding") from None
            continue  # looked again, or past the deadline: said above
        except ConnectionResetError:
            return b""  # dropped unread, as a closed connection below
        if not chunk:
            break
        answer += chunk
    return answer


class _MainThreadWatch:
    """Whether the app whose ack a hook waits for is working on anything: its main thread
    (which reads the line and acks it) stopped, or asleep with nothing run since the last look,
    twice running. Linux only (/proc); elsewhere it never says so, and the hook waits its whole
    budget. The hook's fast path: nothing but os and the builtins."""

    __slots__ = ("idle_looks", "last", "task")

    def __init__(self, pid: int) -> None:
        self.task = f"/proc/{pid}/task/{pid}/"  # the main thread's tid is the pid
        self.last = self._look()
        self.idle_looks = 0

    @classmethod
    def of(cls, address: str) -> _MainThreadWatch | None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            # instance_lock_path's, without the pathlib it costs the hook's fast path
            pid = int(_read(address + ".lock").split(b"\n", 1)[0])
        except (OSError, ValueError):
            return None
        return cls(pid) if pid > 0 else None

    def _look(self) -> tuple[bytes, bytes] | None:
        """Its state, and what it has run so far: schedstat's time on the CPU, time waiting
        for one and slices run, in ns (stat's ticks of 10 ms miss a thread on a loaded
        machine that runs a little, often: a storm's app on two cores)."""
        try:
            stat = _read(self.task + "stat")
            # After the name in brackets (which may hold anything): the state, and utime and
            # stime as the 12th and 13th fields.
            fields = stat[stat.rfind(b")") + 2 :].split()
            try:
                ran = _read(self.task + "schedstat")
            except OSError:  # a kernel without scheduler statistics
                ran = b" ".join(fields[11:13])
            return fields[0], ran
        except (OSError, IndexError):
            return None

    def __call__(self) -> bool:
        now, before = self._look(), self.last
        self.last = now
        if now is None or before is None:
            return False  # cannot tell: wait for the ack
        state, ran = now
        if state in (b"T", b"t"):
            return True  # stopped (SIGSTOP) or held by a debugger
        # Runnable: working, or about to be. Asleep having run nothing since the last look
        # while a line waits to be read: blocked.
        self.idle_looks = self.idle_looks + 1 if state != b"R" and ran == before[1] else 0
        return self.idle_looks >= 2


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def connect_unix(address: str, deadline: float, watch_app: bool = False) -> _socket.socket:
    """A socket connected to `address`, retrying with backoff while the instance is busy (its
    listen queue full: EAGAIN) or still starting (lock held, not listening yet). `watch_app`:
    a hook's, which gives up on a full queue once the app is seen doing nothing
    (ipc_line.HOOK_STALL_LOOK_S): a stopped app accepts nothing however long it waits."""
    if sys.platform == "win32":
        raise NotImplementedError("Windows uses _exchange_pipe")
    backoff = _FIRST_BACKOFF
    stalled: _MainThreadWatch | None = None
    next_look = 0.0
    while True:
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            sock.connect(address)
            return sock
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            sock.close()
            if not _may_listen_soon(address) or time.monotonic() + backoff >= deadline:
                # No socket file, or one left behind by an instance that died: nobody listens.
                raise NoInstanceError(
                    f"{address}: no instance is running ({exc.strerror})"
                ) from exc
        except (BlockingIOError, InterruptedError, TimeoutError) as exc:
            sock.close()
            now = time.monotonic()
            gave_up = now + backoff >= deadline
            if watch_app and not gave_up and now >= next_look:
                if next_look == 0.0:
                    stalled = _MainThreadWatch.of(address)  # its state as the queue is full
                else:
                    gave_up = stalled is not None and stalled()
                next_look = now + HOOK_STALL_LOOK_S
            if gave_up:
                raise BusyError(
                    f"{address}: busy, the connection was not taken in time "
                    f"({getattr(exc, 'strerror', None) or 'timed out'}); nothing was sent"
                ) from exc
        except BaseException:
            sock.close()
            raise
        time.sleep(backoff)
        backoff = min(backoff * 2, RETRY_EVERY)
