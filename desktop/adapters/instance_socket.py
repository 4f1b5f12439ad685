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
from desktop.core.ipc_line import HOOK_WAIT_S

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


def exchange_unix(address: str, line: bytes, timeout: float) -> bytes:
    if sys.platform == "win32":
        raise NotImplementedError("Windows uses _exchange_pipe")
    deadline = time.monotonic() + timeout
    while True:
        sock = connect_unix(address, deadline)
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
            return read_ack(sock, deadline, timeout)
        finally:
            sock.close()


def read_ack(sock: _socket.socket, deadline: float, timeout: float) -> bytes:
    answer = b""
    while not answer.endswith(b"\n") and len(answer) < MAX_ACK_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SentError(f"no answer within {timeout:g} s")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(MAX_ACK_BYTES)
        except TimeoutError:
            raise SentError(f"no answer within {timeout:g} s") from None
        except ConnectionResetError:
            return b""  # dropped unread, as a closed connection below
        if not chunk:
            break
        answer += chunk
    return answer


def connect_unix(address: str, deadline: float) -> _socket.socket:
    """A socket connected to `address`, retrying with backoff while the instance is busy (its
    listen queue full: EAGAIN) or still starting (lock held, not listening yet)."""
    if sys.platform == "win32":
        raise NotImplementedError("Windows uses _exchange_pipe")
    backoff = _FIRST_BACKOFF
    while True:
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            sock.connect(address)
            return sock
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            sock.close()
            if not owner_alive(address) or time.monotonic() + backoff >= deadline:
                # No socket file, or one left behind by an instance that died: nobody listens.
                raise NoInstanceError(
                    f"{address}: no instance is running ({exc.strerror})"
                ) from exc
        except (BlockingIOError, InterruptedError, TimeoutError) as exc:
            sock.close()
            if time.monotonic() + backoff >= deadline:
                raise BusyError(
                    f"{address}: busy, the connection was not taken in time "
                    f"({getattr(exc, 'strerror', None) or 'timed out'}); nothing was sent"
                ) from exc
        except BaseException:
            sock.close()
            raise
        time.sleep(backoff)
        backoff = min(backoff * 2, RETRY_EVERY)
