"""One tray app per instance address: lock, private socket, strict lines, crash recovery.

Cross-process behaviour (a second app, a SIGKILLed app, the hook talking to the app) runs real
child processes with a tiny QCoreApplication server; the rest runs in-process with qtbot.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import queue
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

from desktop.adapters.instance_address import instance_address, instance_lock_path
from desktop.adapters.instance_client import SendStatus, deliver, send
from desktop.core.ipc import (
    MAX_LINE_BYTES,
    End,
    EndOutcome,
    Message,
    Quit,
    Ring,
    Show,
    ShowTarget,
    decode,
    decode_ack,
    encode,
)
from desktop.core.ipc_line import LATE_ACK_LINE, OK_ACK_LINE
from desktop.core.late_ring import LateRing
from desktop.qt.single_instance import SingleInstance

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")

# No stamp: a hook's stamp is its monotonic clock, and one older than ipc_line.LATE_RING_S
# makes the ring a late one (test_a_ring_read_late_is_answered_late_and_handed_on_as_such).
RING = Ring(caller_id="+14155550123", name="Zoë O'Neil", source="microsip", call_key="7", t_ns=0)

SERVER = textwrap.dedent(
    """\
    import sys
    from PySide6.QtCore import QCoreApplication
    from desktop.core.ipc import Quit, encode
    from desktop.qt.single_instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(sys.argv[1])
    if not instance.acquire():
        print("LOCKED", flush=True)
        sys.exit(3)

    def received(message):
        print("MSG", encode(message).decode().rstrip(), flush=True)
        if isinstance(message, Quit):
            app.quit()

    instance.message_received.connect(received)
    print("READY", flush=True)
    app.exec()
    instance.release()
    """
)


class ServerProcess:
    """A child process running SingleInstance; its output is read in the background."""

    def __init__(self, script: Path, address: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(script), address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stderr is not None
        self._stdout, self._stderr_pipe = self.proc.stdout, self.proc.stderr
        self._lines: queue.Queue[str] = queue.Queue()
        self._stderr: list[str] = []
        self._threads = [
            threading.Thread(target=self._pump, daemon=True),
            threading.Thread(target=self._drain, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self) -> None:
        for line in self._stdout:
            self._lines.put(line.rstrip("\n"))

    def _drain(self) -> None:
        for line in self._stderr_pipe:
            self._stderr.append(line)

    def next_line(self, timeout: float = 15) -> str:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            self.proc.kill()
            pytest.fail(f"server said nothing within {timeout}s; stderr: {self.stderr()}")

    def received(self) -> Message:
        line = self.next_line()
        assert line.startswith("MSG "), line
        return decode(line[4:].encode())

    def stderr(self) -> str:
        """What the server wrote to stderr; complete once it has exited."""
        if self.proc.poll() is not None:
            self._threads[1].join(5)
        return "".join(self._stderr)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for thread in self._threads:
            thread.join(5)
        self._stdout.close()
        self._stderr_pipe.close()


@pytest.fixture
def server_script(tmp_path: Path) -> Path:
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    return script


@pytest.fixture
def servers(server_script: Path) -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop()


def _start(servers: list[ServerProcess], script: Path, address: str) -> ServerProcess:
    server = ServerProcess(script, address)
    servers.append(server)
    return server


@pytest.fixture
def address(tmp_path: Path) -> str:
    return instance_address(tmp_path / "data")


# --- across processes -------------------------------------------------------------------------


def test_hook_messages_reach_the_running_app_intact(
    servers: list[ServerProcess], server_script: Path, address: str
) -> None:
    server = _start(servers, server_script, address)
    assert server.next_line() == "READY"

    for message in (RING, End(call_key="7"), Show(ShowTarget.SETTINGS)):
        assert send(address, message) is True
        assert server.received() == message

    assert send(address, Quit()) is True
    assert server.received() == Quit()
    assert server.proc.wait(10) == 0
    assert server.stderr() == ""  # no Qt warnings, no tracebacks
    # A clean exit leaves nothing behind for the next start to trip over.
    assert not Path(address).exists()
    assert not instance_lock_path(address).exists()


def test_a_second_app_is_refused_and_leaves_the_first_one_working(
    servers: list[ServerProcess], server_script: Path, address: str
) -> None:
    first = _start(servers, server_script, address)
    assert first.next_line() == "READY"

    second = _start(servers, server_script, address)

    assert second.next_line() == "LOCKED"
    assert second.proc.wait(10) == 3
    # The loser must not have removed the winner's socket.
    assert send(address, RING) is True
    assert first.received() == RING


def test_an_app_killed_mid_run_is_replaced_by_the_next_start(
    servers: list[ServerProcess], server_script: Path, address: str
) -> None:
    crashed = _start(servers, server_script, address)
    assert crashed.next_line() == "READY"
    crashed.proc.send_signal(signal.SIGKILL)
    crashed.proc.wait(10)
    # What a crash leaves: a lock naming a dead PID, and a socket nobody listens on.
    assert instance_lock_path(address).exists()
    assert stat.S_ISSOCK(Path(address).lstat().st_mode)
    assert deliver(address, RING).status is SendStatus.NO_INSTANCE

    replacement = _start(servers, server_script, address)

    assert replacement.next_line() == "READY"
    assert send(address, RING) is True
    assert replacement.received() == RING


def _exchange(address: str, data: bytes) -> list[bytes]:
    """Send raw bytes, return every line answered until the server closes or goes quiet."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(address)
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.splitlines()


def test_garbage_and_oversize_lines_cost_a_warning_not_the_app(
    servers: list[ServerProcess], server_script: Path, address: str
) -> None:
    server = _start(servers, server_script, address)
    assert server.next_line() == "READY"

    answers = _exchange(
        address,
        b"\xff\xfe\x00garbage\n"
        + b'{"protocol_version": 1, "kind": "ring"}\n'
        + encode(Show()),  # the same connection still works after bad lines
    )

    acks = [decode_ack(a) for a in answers]
    assert [a.ok for a in acks] == [False, False, True]
    assert "not UTF-8" in acks[0].error
    assert "unsupported protocol_version 1" in acks[1].error
    assert server.received() == Show()

    # A line that never ends: refused once it passes the limit, and the connection is dropped.
    answers = _exchange(address, b"{" + b"x" * (MAX_LINE_BYTES + 10))
    assert len(answers) == 1
    assert not decode_ack(answers[0]).ok
    assert f"{MAX_LINE_BYTES}-byte limit" in decode_ack(answers[0]).error

    assert send(address, RING) is True
    assert server.received() == RING
    assert send(address, Quit()) is True
    assert server.received() == Quit()
    assert server.proc.wait(10) == 0
    log = server.stderr()
    assert log.count("ignored a bad message") == 2
    assert "over 65536 bytes" in log
    assert "Traceback" not in log


# --- in process -------------------------------------------------------------------------------


@pytest.fixture
def instance(qtbot: QtBot, address: str) -> Iterator[SingleInstance]:
    server = SingleInstance(address)
    assert server.acquire()
    yield server
    server.release()


def _send_in_thread(address: str, message: Message) -> tuple[threading.Thread, list[bool]]:
    # The client blocks for its ack, which the server can only write while qtbot spins the loop.
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(send(address, message, timeout=5)))
    thread.start()
    return thread, result


def test_message_received_carries_the_typed_message(
    qtbot: QtBot, instance: SingleInstance, address: str
) -> None:
    with qtbot.waitSignal(instance.message_received, timeout=5000) as signal_:
        thread, result = _send_in_thread(address, RING)
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)

    assert signal_.args == [RING]
    assert result == [True]


def test_a_ring_read_late_is_answered_late_and_handed_on_as_such(
    qtbot: QtBot, instance: SingleInstance, address: str
) -> None:
    """A ring read after its hook may have stopped waiting (this app was stopped, or hung) is
    answered "read too late", so its hook records the call; the app gets it as a LateRing,
    told whether its call's end was read behind it. A fresh ring is a plain one."""
    now = time.monotonic_ns()
    late = Ring("+14155550123", source="microsip", t_ns=now - 3_000_000_000)
    still = Ring("+14155550199", t_ns=now - 3_000_000_000)
    fresh = Ring("+14155550142", t_ns=now)
    lines = [late, still, End(caller_id="+14155550123", outcome=EndOutcome.MISSED), fresh]
    received: list[object] = []
    instance.message_received.connect(received.append)
    hooks = []
    for message in lines:
        hook = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        hooks.append(hook)
        hook.settimeout(5)
        hook.connect(address)
        hook.sendall(encode(message))
    try:
        qtbot.waitUntil(lambda: len(received) == len(lines), timeout=5000)
        answers = []
        for hook in hooks:
            qtbot.waitUntil(lambda hook=hook: _readable(hook), timeout=5000)
            answers.append(hook.recv(4096))
    finally:
        for hook in hooks:
            hook.close()

    assert answers == [LATE_ACK_LINE, LATE_ACK_LINE, OK_ACK_LINE, OK_ACK_LINE]
    first, second, end, plain = received
    assert isinstance(first, LateRing) and isinstance(second, LateRing)
    assert (first.ring, first.ended) == (late, True)  # its end came while it waited
    assert (second.ring, second.ended) == (still, False)  # another caller's: may still ring
    assert (end, plain) == (lines[2], fresh)


def test_socket_and_its_directory_are_private_to_the_user(
    instance: SingleInstance, address: str
) -> None:
    sock = Path(address).lstat()
    assert stat.S_ISSOCK(sock.st_mode)
    assert stat.S_IMODE(sock.st_mode) & 0o077 == 0
    assert sock.st_uid == os.getuid()
    assert stat.S_IMODE(Path(address).parent.lstat().st_mode) == 0o700


def test_a_second_instance_in_the_same_process_does_not_acquire(
    qtbot: QtBot, instance: SingleInstance, address: str
) -> None:
    other = SingleInstance(address)

    assert other.acquire() is False
    assert Path(address).exists()  # the live socket is untouched


def test_release_frees_the_address_for_the_next_instance(qtbot: QtBot, address: str) -> None:
    first = SingleInstance(address)
    assert first.acquire()
    first.release()

    assert not Path(address).exists()
    second = SingleInstance(address)
    assert second.acquire()
    second.release()


def test_a_socket_left_over_without_a_lock_is_replaced(qtbot: QtBot, address: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(address)

    server = SingleInstance(address)
    try:
        assert server.acquire()
        with qtbot.waitSignal(server.message_received, timeout=5000):
            thread, result = _send_in_thread(address, Quit())
        qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)
        assert result == [True]
    finally:
        server.release()


def test_quitting_from_inside_the_message_handler_is_safe(qtbot: QtBot, address: str) -> None:
    # What the app does on "quit": release the instance from the slot, then drop it.
    server = SingleInstance(address)
    assert server.acquire()
    server.message_received.connect(server.release)
    answers: list[list[bytes]] = []

    with qtbot.waitSignal(server.message_received, timeout=5000):
        thread = threading.Thread(target=lambda: answers.append(_exchange(address, encode(Quit()))))
        thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)
    del server
    gc.collect()
    qtbot.wait(50)  # deferred deletions of the connection run here

    assert [decode_ack(a).ok for a in answers[0]] == [True]
    assert not Path(address).exists()


def test_dropping_the_instance_with_a_hook_still_connected_is_safe(
    qtbot: QtBot, address: str
) -> None:
    server = SingleInstance(address)
    assert server.acquire()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hook:
        hook.settimeout(5)
        hook.connect(address)
        with qtbot.waitSignal(server.message_received, timeout=5000):
            hook.sendall(encode(Show()))
        qtbot.waitUntil(lambda: _readable(hook), timeout=5000)
        assert decode_ack(hook.recv(4096)).ok

        del server  # the connection is still open: its socket dies with the server
        gc.collect()
        qtbot.wait(50)

        assert hook.recv(4096) == b""  # closed, not left hanging


def _readable(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs setuid")
def test_a_connection_from_another_user_is_dropped(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    # Open the directory and socket up on purpose: the peer-uid check must hold on its own.
    shared = Path(tempfile.mkdtemp(prefix="cc-peer-", dir="/tmp"))
    try:
        shared.chmod(0o711)
        address = str(shared / "i.sock")
        server = SingleInstance(address)
        assert server.acquire()
        Path(address).chmod(0o777)
        received: list[object] = []
        server.message_received.connect(received.append)
        # The interpreter lives under root's 0700 home, so the intruder starts as root, loads
        # everything, and only then becomes "nobody"; SO_PEERCRED reports the uid at connect().
        code = (
            "import os, sys\n"
            "from desktop.adapters.instance_client import deliver\n"
            "from desktop.core.ipc import Ring\n"
            "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
            "print(os.getuid(), deliver(sys.argv[1], Ring('+14155550123'), timeout=3).status)\n"
        )
        with caplog.at_level(logging.WARNING, logger="desktop.qt.single_instance"):
            intruder = subprocess.Popen(
                [sys.executable, "-c", code, address],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            qtbot.waitUntil(lambda: intruder.poll() is not None, timeout=15000)
        out, err = intruder.communicate()
        server.release()

        assert out.split() == ["65534", "no_answer"], err
        assert received == []
        assert "dropped a connection from uid 65534" in caplog.text
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_server_output_is_json_lines(instance: SingleInstance, qtbot: QtBot, address: str) -> None:
    answers: list[list[bytes]] = []
    thread = threading.Thread(target=lambda: answers.append(_exchange(address, encode(End("9")))))
    with qtbot.waitSignal(instance.message_received, timeout=5000):
        thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)

    assert [json.loads(a) for a in answers[0]] == [
        {"protocol_version": 2, "kind": "ack", "ok": True, "error": ""}
    ]


def test_a_peer_that_never_finishes_its_line_is_dropped(qtbot: QtBot, address: str) -> None:
    # A same-user process that connects and dribbles (or says nothing) must not hold one of
    # the app's descriptors for ever; a hook writes its whole line at once.
    server = SingleInstance(address, idle_timeout_s=0.3)
    assert server.acquire()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle:
            idle.connect(address)
            idle.sendall(b'{"protocol_version":2,')
            readable: list[bytes] = []

            def closed_by_server() -> bool:
                ready, _, _ = select.select([idle], [], [], 0)
                if ready:
                    readable.append(idle.recv(4096))
                return bool(readable)

            qtbot.waitUntil(closed_by_server, timeout=5000)
            assert readable == [b""]  # closed, with nothing said
    finally:
        server.release()


def test_a_day_of_hooks_leaves_no_connection_behind(
    qtbot: QtBot, instance: SingleInstance, address: str
) -> None:
    """Each ring and end of a working day's calls connects once: every connection is freed
    once its hook is done, so a tray app running for weeks does not grow with each call."""
    hooks = 300
    received: list[Message] = []
    instance.message_received.connect(received.append)
    line = encode(RING)

    def ring_all() -> None:
        for _ in range(hooks):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hook:
                hook.settimeout(5)
                hook.connect(address)
                hook.sendall(line)
                assert decode_ack(hook.recv(4096)).ok

    thread = threading.Thread(target=ring_all)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive() and len(received) == hooks, timeout=60_000)
    qtbot.wait(50)  # the last connections are let go on the next turns of the loop
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, QLocalSocket)]
    assert len(alive) <= 2, f"{len(alive)} connections of {hooks} hooks are still held"
