"""The server side of the single-instance channel: one tray app per instance address.

A QLockFile decides ownership; only its holder removes a leftover socket and listens, so a
second launch can never unlink a live instance's socket. QLockFile recognises a lock whose
owner died (crash, SIGKILL) by its PID and takes it over, so no manual clean-up is ever needed.

Who may talk to us: the socket sits in a 0700 directory (see desktop.adapters.instance_address)
and is itself user-only (UserAccessOption; on Windows the pipe gets a user-only DACL). On Linux
each connection's peer uid is also checked with SO_PEERCRED, in case the directory was made
reachable after the fact. Everything a peer sends is still treated as untrusted: each line is
decoded strictly, answered with an ack, and a bad or oversized line costs a logged warning,
never the app.

A storm of rings (a hunt group, a script) and a same-user process hoarding connections must
not cost a ring either: the listen queue is deep, every line is acked before any message is
acted on (messages are handed on one per event-loop turn), a peer that has not completed a
line within IDLE_TIMEOUT_S is dropped, and past MAX_CONNECTIONS open peers the longest-idle
one makes room for the newcomer, so the descriptors in use stay bounded and a fresh hook,
which writes its line as soon as it connects, always gets in.

A hook waits ipc_line.HOOK_WAIT_S for its ack, then records the call itself; a ring read
after ipc_line.LATE_RING_S (this app was hung or stopped) is answered LATE_ACK_LINE and handed
on as a LateRing, never recorded here, and a moment later than the rest, so that the end a hook
sent meanwhile is read by then (desktop.core.late_ring).

When `acquire()` returns False another instance owns the address: the caller forwards its
message (a ring, or "show" for a plain second launch) with
`desktop.adapters.instance_client.forward_to_running` and exits.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import sys
import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop.adapters.instance_address import instance_lock_path
from desktop.core.hook_number_key import E164Of
from desktop.core.ipc import (
    MAX_LINE_BYTES,
    Ack,
    IpcError,
    Message,
    Quit,
    Ring,
    decode,
    encode_ack,
)
from desktop.core.ipc_line import LATE_ACK_LINE
from desktop.core.late_ring import SETTLE_MS, LateRing, read_late, with_end_read

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 1024  # Qt's default of 50 turned a burst of 32 hooks into EAGAIN for most
MAX_CONNECTIONS = 64  # a hook holds one for milliseconds; more at once is a storm or abuse
IDLE_TIMEOUT_S = 5.0  # a hook writes its line at once; a peer silent this long is dropped
_REAP_EVERY_MS = 1000
_ACCEPT_BATCH = 256
QUIT_ANSWER_S = 0.5  # at quit, for the hooks already connected to send their line


class _Peer:
    __slots__ = ("buffer", "since")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.since = time.monotonic()  # accepted, or last complete line


class InstanceLockError(OSError):
    """The lock or the server could not be set up for a reason other than another instance."""


def _unread(_caller_id: str) -> str | None:
    return None


class SingleInstance(QObject):
    """Owns the instance address and turns incoming lines into `message_received` signals."""

    # Carries a desktop.core.ipc.Message (Ring, End, Show or Quit), or a LateRing.
    message_received = Signal(object)
    # A Quit came while messages are held (the app is still being built): whoever holds them
    # may quit at once, as for a logout, instead of building the app only to quit it.
    quit_held = Signal()

    def __init__(
        self,
        address: str,
        parent: QObject | None = None,
        *,
        lock_path: Path | None = None,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self._idle_timeout_s = idle_timeout_s
        self._address = address
        self._lock_path = lock_path or instance_lock_path(address)
        self._lock = QLockFile(str(self._lock_path))
        # 0: never call a lock stale because of its age; a dead owner PID is what makes it stale.
        self._lock.setStaleLockTime(0)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.setListenBacklogSize(LISTEN_BACKLOG)
        self._server.setMaxPendingConnections(LISTEN_BACKLOG)
        self._server.newConnection.connect(self._accept)
        self._peers: dict[QLocalSocket, _Peer] = {}
        self._inbox: deque[Message | LateRing] = deque()
        self._e164_of: E164Of = _unread
        self._holding = False
        self._accepting = False
        self._reaper = QTimer(self)
        self._reaper.setInterval(min(_REAP_EVERY_MS, max(10, int(idle_timeout_s * 500))))
        self._reaper.timeout.connect(self._drop_idle)
        self._dispatcher = QTimer(self)
        self._dispatcher.setSingleShot(True)
        self._dispatcher.setInterval(0)
        self._dispatcher.timeout.connect(self._dispatch)
        self._settle = QTimer(self)  # a late ring at the head of the inbox waits for its end
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._dispatch)
        # Closed connections, freed on the next event-loop turn: never inside the socket's own
        # `disconnected` emission, which is where a connection is usually let go.
        self._closed: list[QLocalSocket] = []
        self._burial = QTimer(self)
        self._burial.setSingleShot(True)
        self._burial.setInterval(0)
        self._burial.timeout.connect(self._closed.clear)

    @property
    def address(self) -> str:
        return self._address

    def acquire(self) -> bool:
        """Become the instance: True when we now listen, False when another instance runs.

        Raises InstanceLockError when the lock file or the socket cannot be created at all.
        """
        if self._server.isListening():
            return True
        if not self._lock.tryLock(0):
            error = self._lock.error()
            if error == QLockFile.LockError.LockFailedError:
                return False
            raise InstanceLockError(
                f"{self._lock_path}: cannot create the instance lock ({error.name})"
            )
        if os.name == "posix":
            # QLockFile creates it 0644; it names our PID and host, which are ours to know.
            os.chmod(self._lock_path, 0o600)
        # We hold the lock, so a socket file still there belongs to an instance that died.
        QLocalServer.removeServer(self._address)
        if not self._server.listen(self._address):
            reason = self._server.errorString()
            self._lock.unlock()
            raise InstanceLockError(f"{self._address}: cannot listen: {reason}")
        log.info("single instance: listening on %s", self._address)
        return True

    def hold_messages(self) -> None:
        """Ack and keep what arrives without handing it on, until `hand_on_messages`: the
        tray is up before the app that acts on a ring is built."""
        self._holding = True

    def hand_on_messages(self, first: Message | None = None) -> None:
        """Hand on what was kept, in the order it came (`first` before it), one message per
        event-loop turn as ever."""
        self._holding = False
        if first is not None:
            self._inbox.appendleft(first)
        if self._inbox:
            self._dispatcher.start()

    def answer_at_quit(self, wait_s: float = QUIT_ANSWER_S) -> None:
        """At quit, with the event loop over: stop listening, then read and ack every hook
        already connected (its message kept for `take_waiting`). Cut off without an answer
        when the server closed, such a hook recorded nothing (exit 1); one that comes after
        this finds no app and records its call itself."""
        self._holding = True  # kept, never handed on: the app takes them at its shutdown
        self._accept()  # the listen queue, now
        self._server.close()
        deadline = time.monotonic() + wait_s
        for connection in list(self._peers):
            # Until its line is acked (the ack waits in the buffer), it hangs up, or time is up.
            while connection in self._peers and not connection.bytesToWrite():
                if connection.bytesAvailable():
                    self._read(connection)
                    continue
                left_ms = int((deadline - time.monotonic()) * 1000)
                if left_ms <= 0 or not connection.waitForReadyRead(left_ms):
                    break
            if connection in self._peers and connection.bytesToWrite():
                connection.waitForBytesWritten(100)  # release() aborts: unwritten, it is lost

    def take_waiting(self) -> list[Message | LateRing]:
        """What was acked but not yet handed on, oldest first, and no longer kept: at quit, a
        hook's ring acked on the turn before it must still be recorded (the hook, told it
        was delivered, does not record it itself); a LateRing's hook records it."""
        waiting = list(self._inbox)
        self._inbox.clear()
        return waiting

    def release(self) -> None:
        """Stop listening and give the lock up (the socket file goes with the server)."""
        for connection in list(self._peers):
            connection.abort()
        self._reaper.stop()
        self._server.close()
        if self._lock.isLocked():
            self._lock.unlock()

    def _accept(self) -> None:
        # Qt takes one connection off the listen queue per event-loop turn, and a turn may
        # also act on a ring; in a storm the last hook in the queue would wait for every ring
        # ahead of it just to be acked. So the queue is drained here, a bounded batch at once.
        if self._accepting:
            return  # waitForNewConnection() below re-enters through newConnection
        self._accepting = True
        try:
            for _ in range(_ACCEPT_BATCH):
                self._take_pending()
                ready, _timed_out = self._server.waitForNewConnection(0)
                if not ready:
                    break
            self._take_pending()
        finally:
            self._accepting = False

    def _take_pending(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            if not self._peer_is_us(connection):
                connection.abort()
                self._let_go(connection)
                continue
            if len(self._peers) >= MAX_CONNECTIONS:
                self._drop(min(self._peers, key=lambda peer: self._peers[peer].since))
            self._peers[connection] = _Peer()
            if not self._reaper.isActive():
                self._reaper.start()
            # Bound methods, not lambdas: Qt drops a receiver's connections before deleting its
            # children, whereas a lambda still runs when a socket emits `disconnected` from its
            # destructor, after this object is half gone (a segfault in PySide6 6.11).
            connection.readyRead.connect(self._on_ready_read)
            connection.disconnected.connect(self._on_disconnected)
            if connection.bytesAvailable():
                self._read(connection)

    def _on_ready_read(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket):
            self._read(connection)

    def _on_disconnected(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket):
            self._forget(connection)

    def _peer_is_us(self, connection: QLocalSocket) -> bool:
        if sys.platform != "linux":
            return True  # the 0700 directory and UserAccessOption are the guard there
        descriptor = int(connection.socketDescriptor())
        if descriptor < 0:
            return False
        try:
            with socket.socket(fileno=os.dup(descriptor)) as peer:
                creds = peer.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        except OSError as exc:
            log.warning("single instance: cannot check a connection's peer, dropped: %s", exc)
            return False
        pid, uid, _gid = struct.unpack("iII", creds)
        if uid != os.getuid():
            log.warning(
                "single instance: dropped a connection from uid %d (pid %d) on %s",
                uid,
                pid,
                self._address,
            )
            return False
        return True

    def _read(self, connection: QLocalSocket) -> None:
        peer = self._peers.get(connection)
        if peer is None:
            return
        buffer = peer.buffer
        while connection.bytesAvailable() > 0:
            # Never pull more than one line's worth past the limit into memory.
            chunk = connection.read(MAX_LINE_BYTES + 1 - len(buffer)).data()
            if not chunk:
                break
            buffer += chunk
            while (end := buffer.find(b"\n")) >= 0:
                line = bytes(buffer[: end + 1])
                del buffer[: end + 1]
                peer.since = time.monotonic()
                self._handle(connection, line)
                if connection not in self._peers:
                    return
            if len(buffer) > MAX_LINE_BYTES:
                log.warning(
                    "single instance: dropped a connection sending a line over %d bytes",
                    MAX_LINE_BYTES,
                )
                self._reply(connection, Ack(False, f"line over the {MAX_LINE_BYTES}-byte limit"))
                self._forget(connection)
                connection.disconnectFromServer()
                return

    def _handle(self, connection: QLocalSocket, line: bytes) -> None:
        try:
            message = decode(line)
        except IpcError as exc:
            log.warning("single instance: ignored a bad message: %s", exc)
            self._reply(connection, Ack(False, str(exc)))
            return
        if isinstance(message, Ring) and read_late(message, read_ns := time.monotonic_ns()):
            # Its hook records it (it may have stopped waiting): we must not as well.
            connection.write(LATE_ACK_LINE)
            connection.flush()
            self._inbox.append(LateRing(message, read_ns))
            self._dispatcher.start()
            return
        # Ack before acting: the hook is waiting on it inside the softphone's call setup, and
        # the popup need not be on screen for the message to count as delivered. Acting waits
        # for the event loop, so the acks of every other waiting hook go out first.
        self._reply(connection, Ack(True))
        self._inbox.append(message)
        self._dispatcher.start()
        if self._holding and isinstance(message, Quit):
            self.quit_held.emit()

    def read_numbers_with(self, e164_of: E164Of) -> None:
        """How caller IDs read as numbers, so that a late ring is matched with an end read
        with it however each hook spelled the number (desktop.core.hook_number_key). Until
        set, each is keyed as spelled."""
        self._e164_of = e164_of

    def _dispatch(self) -> None:
        if self._holding or not self._inbox:
            return
        message = self._inbox[0]
        if isinstance(message, LateRing):
            wait_ms = SETTLE_MS - (time.monotonic_ns() - message.read_ns) // 1_000_000
            if wait_ms > 0:
                self._settle.start(int(wait_ms))
                return
            self._inbox.popleft()
            message = with_end_read(message, self._inbox, self._e164_of)
        else:
            self._inbox.popleft()
        if self._inbox:
            self._dispatcher.start()
        self.message_received.emit(message)

    def _drop_idle(self) -> None:
        cutoff = time.monotonic() - self._idle_timeout_s
        idle = [connection for connection, peer in self._peers.items() if peer.since < cutoff]
        for connection in idle:
            self._drop(connection)
        if idle:
            log.warning(
                "single instance: dropped %d connection(s) idle for %g s", len(idle),
                self._idle_timeout_s,
            )  # fmt: skip
        if not self._peers:
            self._reaper.stop()

    def _drop(self, connection: QLocalSocket) -> None:
        self._forget(connection)
        connection.abort()

    def _reply(self, connection: QLocalSocket, ack: Ack) -> None:
        connection.write(encode_ack(ack))
        connection.flush()

    def _forget(self, connection: QLocalSocket) -> None:
        if self._peers.pop(connection, None) is not None:
            self._let_go(connection)

    def _let_go(self, connection: QLocalSocket) -> None:
        # Taken from the server, whose child it was until now: PySide keeps the wrapper of a
        # server's child, with its signal connections, until the server goes (deleteLater
        # did not free it), about 1 KB for every hook that ever rang. Owned by Python, it is
        # freed when the list below lets it go. While it lives it stays the server's child,
        # so it never outlives this object with its signals still connected.
        connection.setParent(None)
        self._closed.append(connection)
        self._burial.start()
