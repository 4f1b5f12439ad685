"""The hook side of the single-instance channel, against real sockets and real child processes.

The running app is played by small socket servers in threads here (no Qt); the real Qt server is
exercised in tests/qt/test_single_instance.py.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.adapters.instance_address import (
    ENV_INSTANCE,
    InstanceDirError,
    ensure_private_dir,
    instance_address,
    instance_lock_path,
)
from desktop.adapters.instance_client import (
    SendStatus,
    deliver,
    forward_to_running,
    launch_args,
    ring_or_launch,
    send,
)
from desktop.adapters.starting_mark import mark_launched
from desktop.core.ipc import Ack, End, Quit, Ring, Show, ShowTarget, decode, encode, encode_ack

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")

RING = Ring(caller_id="+14155550123", name="Zoë O'Neil", source="microsip", call_key="7", t_ns=42)


# --- where the socket lives -------------------------------------------------------------------


def test_address_is_in_a_private_callercard_dir_under_the_runtime_dir(tmp_path: Path) -> None:
    address = Path(instance_address(tmp_path / "data"))

    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    assert address.parent == runtime / "callercard"
    assert stat.S_IMODE(address.parent.stat().st_mode) == 0o700
    assert len(os.fsencode(address)) < 108  # AF_UNIX sun_path
    assert instance_lock_path(str(address)) == Path(f"{address}.lock")


def test_same_data_dir_however_spelled_gives_the_same_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "link").symlink_to(data)
    monkeypatch.chdir(tmp_path)

    assert instance_address(data) == instance_address(tmp_path / "link")
    assert instance_address(data) == instance_address(Path("data"))


def test_a_demo_data_dir_does_not_collide_with_the_real_one(tmp_path: Path) -> None:
    assert instance_address(tmp_path / "real") != instance_address(tmp_path / "demo")


def test_env_override_replaces_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_INSTANCE, "test-run_1.a")

    assert Path(instance_address(tmp_path / "a")).name == "test-run_1.a.sock"
    assert instance_address(tmp_path / "a") == instance_address(tmp_path / "b")


@pytest.mark.parametrize("key", ["../escape", "a/b", "x" * 41, "sp ace", "é"])
def test_env_override_that_is_not_a_plain_name_is_refused(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_INSTANCE, key)

    with pytest.raises(ValueError, match=ENV_INSTANCE):
        instance_address(tmp_path)


def test_without_a_usable_runtime_dir_the_socket_goes_to_a_private_tmp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A runtime dir so deep the socket path would pass the AF_UNIX limit is not usable either.
    deep = tmp_path / ("d" * 90)
    deep.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))

    address = Path(instance_address(tmp_path / "data"))

    assert address.parent == Path(f"/tmp/callercard-{os.getuid()}")
    info = address.parent.lstat()
    assert stat.S_ISDIR(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o700
    assert info.st_uid == os.getuid()


def test_a_runtime_callercard_dir_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (Path(os.environ["XDG_RUNTIME_DIR"]) / "callercard").symlink_to(elsewhere)

    with pytest.raises(InstanceDirError, match="symbolic link"):
        instance_address(tmp_path / "data")


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o277])
def test_private_dir_is_created_0700_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        made = ensure_private_dir(tmp_path / "sock")
    finally:
        os.umask(old)

    assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_existing_private_dir_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "sock").mkdir(mode=0o700)

    assert ensure_private_dir(tmp_path / "sock") == tmp_path / "sock"


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o701, 0o777, 0o500])
def test_private_dir_with_the_wrong_mode_is_refused(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "sock"
    target.mkdir()
    target.chmod(mode)

    with pytest.raises(InstanceDirError, match=f"mode {mode:04o}"):
        ensure_private_dir(target)


def test_private_dir_that_is_a_symlink_is_refused_even_to_a_good_dir(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "sock").symlink_to(real)

    with pytest.raises(InstanceDirError, match="symbolic link"):
        ensure_private_dir(tmp_path / "sock")


def test_private_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sock").write_text("")

    with pytest.raises(InstanceDirError, match="not a directory"):
        ensure_private_dir(tmp_path / "sock")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_private_dir_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "sock"
    target.mkdir(mode=0o700)
    os.chown(target, 65534, 65534)

    with pytest.raises(InstanceDirError, match="belongs to uid 65534"):
        ensure_private_dir(target)


# --- sending ----------------------------------------------------------------------------------


def test_send_with_no_instance_returns_false(tmp_path: Path) -> None:
    address = instance_address(tmp_path / "data")

    assert send(address, RING) is False
    assert deliver(address, RING).status is SendStatus.NO_INSTANCE


def test_a_socket_left_by_a_dead_instance_counts_as_no_instance(tmp_path: Path) -> None:
    address = instance_address(tmp_path / "data")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(address)  # bound, never listening: what a killed server leaves behind

    result = deliver(address, RING)

    assert Path(address).exists()
    assert result.status is SendStatus.NO_INSTANCE
    assert not result.ok


class FakeInstance:
    """A socket server standing in for the app: records lines, answers with `reply(line)`."""

    def __init__(self, address: str, reply: Callable[[bytes], bytes | None]) -> None:
        self.address = address
        self.lines: list[bytes] = []
        self._reply = reply
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(address)
        self._sock.listen()
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.lines.append(data)
                answer = self._reply(data)
                if answer is None:
                    self._stop.wait(2)  # hold the connection open, say nothing
                else:
                    conn.sendall(answer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


@pytest.fixture
def fake_instance(tmp_path: Path) -> Iterator[Callable[[Callable[[bytes], bytes | None]], str]]:
    started: list[FakeInstance] = []

    def start(reply: Callable[[bytes], bytes | None]) -> str:
        server = FakeInstance(instance_address(tmp_path / "data"), reply)
        started.append(server)
        return server.address

    yield start
    for server in started:
        server.close()


def _accept(line: bytes) -> bytes:
    return encode_ack(Ack(True))


def test_delivered_message_arrives_as_one_encoded_line(
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],
) -> None:
    received: list[bytes] = []

    def record(line: bytes) -> bytes:
        received.append(line)
        return encode_ack(Ack(True))

    address = fake_instance(record)

    assert send(address, RING) is True
    assert received == [encode(RING)]
    assert decode(received[0]) == RING


def test_a_rejected_message_reports_the_servers_reason(
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],
) -> None:
    address = fake_instance(lambda _: encode_ack(Ack(False, "unsupported protocol_version 1")))

    result = deliver(address, RING)

    assert result.status is SendStatus.REJECTED
    assert "protocol_version" in result.detail
    assert send(address, RING) is False


@pytest.mark.parametrize(
    ("reply", "status", "detail"),
    [
        # The line went out: the app may have taken it, so this is not called a failure.
        (lambda _: None, SendStatus.UNCONFIRMED, "no answer within"),
        # The app acks every line it reads before acting: closed unacked means dropped unread.
        (lambda _: b"", SendStatus.NO_ANSWER, "without an answer"),
        # Whatever answered is not CallerCard: nothing was delivered.
        (
            lambda _: b"HTTP/1.1 400 Bad Request\r\n\r\n",
            SendStatus.NO_ANSWER,
            "answered something else",
        ),
        (lambda _: encode(Ring("1")), SendStatus.NO_ANSWER, "expected an ack"),
    ],
    ids=["silent", "hangs-up", "not-json", "not-an-ack"],
)
def test_an_instance_that_does_not_ack_is_unconfirmed_or_no_answer(
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],
    reply: Callable[[bytes], bytes | None],
    status: SendStatus,
    detail: str,
) -> None:
    address = fake_instance(reply)

    result = deliver(address, RING, timeout=0.3)

    assert result.status is status
    assert detail in result.detail
    assert not result.ok


def test_forward_waits_for_an_instance_that_is_still_starting(tmp_path: Path) -> None:
    address = instance_address(tmp_path / "data")
    servers: list[FakeInstance] = []

    def start_late() -> None:
        time.sleep(0.3)
        servers.append(FakeInstance(address, _accept))

    starter = threading.Thread(target=start_late)
    starter.start()
    try:
        result = forward_to_running(address, Show(), wait=5)
    finally:
        starter.join()
        for server in servers:
            server.close()

    assert result.status is SendStatus.DELIVERED
    assert [decode(line) for line in servers[0].lines] == [Show()]


def test_a_full_listen_queue_is_waited_out_not_failed(tmp_path: Path) -> None:
    # A storm of hooks fills the app's listen queue: connect() answers EAGAIN until it drains.
    address = instance_address(tmp_path / "data")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(1)
    queued: list[socket.socket] = []
    while True:
        filler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        filler.setblocking(False)
        try:
            filler.connect(address)
        except BlockingIOError:
            filler.close()
            break
        queued.append(filler)
    lines: list[bytes] = []

    def drain_late() -> None:
        time.sleep(0.3)
        server.settimeout(2)
        while not lines:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(0.2)
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue  # one of the fillers: it never says anything
                if data.endswith(b"\n"):
                    lines.append(data)
                    conn.sendall(encode_ack(Ack(True)))

    drainer = threading.Thread(target=drain_late)
    drainer.start()
    try:
        result = deliver(address, RING, timeout=3)
    finally:
        drainer.join()
        for filler in queued:
            filler.close()
        server.close()

    assert result.status is SendStatus.DELIVERED, result.detail
    assert [decode(line) for line in lines] == [RING]


def test_an_app_holding_the_lock_but_not_listening_yet_is_waited_for(tmp_path: Path) -> None:
    # Between taking the lock and listening a starting app refuses connections; launching a
    # second app then would only bounce off the lock. It is marked as starting meanwhile, as
    # the app marks itself (desktop.adapters.starting_mark).
    address = instance_address(tmp_path / "data")
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    instance_lock_path(address).write_text(f"{owner.pid}\npython\nhost\n", encoding="ascii")
    mark_launched(tmp_path / "data", owner.pid)
    servers: list[FakeInstance] = []

    def start_late() -> None:
        time.sleep(0.3)
        servers.append(FakeInstance(address, _accept))

    starter = threading.Thread(target=start_late)
    starter.start()
    try:
        result = ring_or_launch(
            tmp_path / "data", RING, [sys.executable, "-c", "raise SystemExit(9)"], timeout=3
        )
    finally:
        starter.join()
        owner.kill()
        owner.wait()
        for server in servers:
            server.close()

    assert result.status is SendStatus.DELIVERED, result.detail
    assert [decode(line) for line in servers[0].lines] == [RING]


def test_forward_gives_up_when_nothing_ever_listens(tmp_path: Path) -> None:
    result = forward_to_running(instance_address(tmp_path / "data"), Show(), wait=0.2)

    assert result.status is SendStatus.NO_INSTANCE


# --- launching when nothing runs --------------------------------------------------------------

RECORDER = """\
import json, os, sys
fds = {str(fd): os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)} if os.path.isdir(
    "/proc/self/fd") else {}
record = {"argv": sys.argv[1:], "sid": os.getsid(0), "fds": fds}
out = os.environ["RECORD_TO"]
with open(out + ".tmp", "w") as f:
    json.dump(record, f)
os.replace(out + ".tmp", out)
print("stdout goes nowhere")
"""


def _wait_for(path: Path, timeout: float = 10) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)
    data: dict[str, object] = json.loads(path.read_text())
    return data


def _reap(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_ring_with_no_instance_starts_the_app_detached_with_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake_app.py"
    script.write_text(RECORDER)
    record = tmp_path / "record.json"
    monkeypatch.setenv("RECORD_TO", str(record))
    monkeypatch.chdir(tmp_path)
    data_dir = Path("my data")  # relative, as a hand-written hook command may give it

    result = ring_or_launch(data_dir, RING, [sys.executable, str(script)])

    assert result.status is SendStatus.LAUNCHED
    assert result.ok
    assert result.pid is not None
    seen = _wait_for(record)
    assert _reap(result.pid) == 0
    argv = seen["argv"]
    assert isinstance(argv, list)
    assert argv[:4] == ["--background", "--data-dir", str(tmp_path / "my data"), "--deliver"]
    assert decode(argv[4].encode()) == RING
    assert argv == launch_args(data_dir, RING)
    # Its own session: the softphone's job control and hang-ups never reach the app.
    assert seen["sid"] == result.pid
    assert seen["sid"] != os.getsid(0)
    if seen["fds"]:
        assert seen["fds"] == {"0": "/dev/null", "1": "/dev/null", "2": "/dev/null"}


def test_show_with_no_instance_also_starts_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake_app.py"
    script.write_text(RECORDER)
    monkeypatch.setenv("RECORD_TO", str(tmp_path / "record.json"))

    result = ring_or_launch(tmp_path, Show(ShowTarget.SETTINGS), [sys.executable, str(script)])

    assert result.status is SendStatus.LAUNCHED
    assert result.pid is not None
    seen = _wait_for(tmp_path / "record.json")
    _reap(result.pid)
    argv = seen["argv"]
    assert isinstance(argv, list)
    assert decode(argv[-1].encode()) == Show(ShowTarget.SETTINGS)


@pytest.mark.parametrize("message", [End(call_key="7"), Quit()], ids=["end", "quit"])
def test_end_or_quit_with_no_instance_starts_nothing(tmp_path: Path, message: End | Quit) -> None:
    result = ring_or_launch(tmp_path, message, [sys.executable, "-c", "raise SystemExit(9)"])

    assert result.status is SendStatus.NO_INSTANCE
    assert result.pid is None


def test_ring_with_a_running_instance_is_delivered_not_launched(
    tmp_path: Path, fake_instance: Callable[[Callable[[bytes], bytes | None]], str]
) -> None:
    fake_instance(_accept)

    result = ring_or_launch(tmp_path / "data", RING, [sys.executable, "-c", "raise SystemExit(9)"])

    assert result.status is SendStatus.DELIVERED
    assert result.pid is None


def test_an_unanswering_instance_is_not_answered_with_a_second_app(
    tmp_path: Path, fake_instance: Callable[[Callable[[bytes], bytes | None]], str]
) -> None:
    fake_instance(lambda _: None)

    result = ring_or_launch(
        tmp_path / "data", RING, [sys.executable, "-c", "raise SystemExit(9)"], timeout=0.2
    )

    assert result.status is SendStatus.UNCONFIRMED
    assert result.pid is None


def test_a_launch_that_cannot_start_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-app"

    result = ring_or_launch(tmp_path, RING, [str(missing)])

    assert result.status is SendStatus.LAUNCH_FAILED
    assert str(missing) in result.detail


# --- cost on the hook's clock -----------------------------------------------------------------


def test_the_client_imports_no_qt_and_nothing_outside_the_stdlib() -> None:
    code = (
        "import sys, desktop.adapters.instance_client;"
        "print('\\n'.join(sorted(m.partition('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()

    third_party = {"PySide6", "shiboken6", "phonenumbers", "watchdog", "keyring", "platformdirs"}
    assert third_party.isdisjoint(out)
    # dataclasses (it pulls in inspect) and hashlib (OpenSSL) cost ~20 ms on every ring.
    assert {"dataclasses", "inspect", "hashlib"}.isdisjoint(out)
    stdlib = set(sys.stdlib_module_names) | {"desktop", "__main__", "_distutils_hack"}
    assert {name for name in out if not name.startswith("__editable__")} <= stdlib


def test_inside_flatpak_the_socket_is_in_the_app_shared_runtime_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from desktop.adapters.instance_address import instance_address

    # A short base: a socket path must fit in 108 bytes, and pytest's tmp_path is long.
    runtime = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))
    (runtime / "app" / "io.callercard.CallerCard").mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("FLATPAK_ID", "io.callercard.CallerCard")
    address = instance_address(tmp_path / "data")
    try:
        shared = runtime / "app" / "io.callercard.CallerCard" / "callercard"
        assert address.startswith(str(shared))
    finally:
        import shutil

        shutil.rmtree(runtime)
