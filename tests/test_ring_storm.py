"""Nothing lost, nothing hangs: the real app under storms of rings and hoarded connections.

The app runs as a child process (offscreen Qt) with --trace; the hooks are real
`callercard ring` processes, or, where thousands of rings are wanted, lines written to the
app's socket directly. Every ring must be acked and then handled exactly once.
"""

from __future__ import annotations

import collections
import contextlib
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.core.ipc import End, Ring
from tests.test_hook_recipes import CALLERCARD, App, free_port

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Unix sockets, prlimit")

HOOKS = 32  # parallel hooks, as a hunt group ringing 32 reps' softphones on one desktop would
RINGS_PER_HOOK = 3
FD_LIMIT = 256  # the app's descriptors, so that hoarding them is cheap to try


class StormApp(App):
    """The app with a low descriptor limit, so running out of them takes a modest flood."""

    address: str  # where it listens, once started

    def start(self) -> None:
        # stderr to a file: offscreen Qt warns on every card shown, and a pipe nobody reads
        # fills after a few hundred rings and blocks the app.
        self.stderr_file = self.home / "stderr.txt"
        with self.stderr_file.open("w") as stderr:
            self.proc = subprocess.Popen(
                ["prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}", "--", str(CALLERCARD),
                 "--data-dir", str(self.data), "--region", "US", "--background",
                 "--trace", str(self.trace)],
                env=self.env, stdout=subprocess.DEVNULL, stderr=stderr, text=True,
            )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app to be ready", after=0)
        self.address = self._listening_at()

    def _listening_at(self) -> str:
        """Where the app listens, worked out as its hooks do, from their environment: under a
        TMPDIR so long that the runtime dir's socket would pass the AF_UNIX limit, that is
        /tmp/callercard-<uid>, not the runtime dir. Once, before the senders' threads start:
        the environment is the process's."""
        with pytest.MonkeyPatch.context() as env:
            for name in set(os.environ) - set(self.env):
                env.delenv(name)
            for name, value in self.env.items():
                env.setenv(name, value)
            address = instance_address(self.data)
        assert stat.S_ISSOCK(os.stat(address).st_mode), address
        return address

    def rss(self) -> int:
        assert self.proc is not None
        return int(psutil.Process(self.proc.pid).memory_info().rss)

    def handled(self, stage: str, after: int) -> collections.Counter[str]:
        return collections.Counter(
            r["caller_id"] for r in self.records()[after:] if r["stage"] == stage
        )

    def wait_handled(
        self, numbers: list[str], after: int, stage: str = "read", timeout: float = 60
    ) -> None:
        wanted = set(numbers)
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.handled(stage, after)):
            assert self.proc is not None and self.proc.poll() is None, "the app exited"
            if time.monotonic() > deadline:
                missing = wanted - set(self.handled(stage, after))
                pytest.fail(f"{len(missing)} of {len(wanted)} calls never reached {stage!r}")
            time.sleep(0.2)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[StormApp]:
    running = StormApp(tmp_path, free_port())
    running.start()
    yield running
    running.stop()


def number(i: int) -> str:
    return f"+1415556{i:04d}"


def test_thirty_two_parallel_hooks_deliver_every_ring_exactly_once(app: StormApp) -> None:
    mark = app.mark()
    failures: list[str] = []

    def hook(worker: int) -> None:
        for k in range(RINGS_PER_HOOK):
            caller = number(worker * RINGS_PER_HOOK + k)
            result = subprocess.run(
                [str(CALLERCARD), "ring", "--source", "storm", "--", caller],
                env=app.env, capture_output=True, text=True, timeout=30,
            )  # fmt: skip
            if result.returncode != 0:
                failures.append(f"{caller}: exit {result.returncode}: {result.stderr.strip()}")

    workers = [threading.Thread(target=hook, args=(w,)) for w in range(HOOKS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    numbers = [number(i) for i in range(HOOKS * RINGS_PER_HOOK)]
    assert failures == []
    app.wait_handled(numbers, mark)
    read = app.handled("read", mark)
    assert all(read[n] == 1 for n in numbers), {n: read[n] for n in numbers if read[n] != 1}
    assert app.proc is not None and app.proc.poll() is None


def test_hoarded_idle_connections_do_not_lock_out_a_ring(app: StormApp) -> None:
    # A same-user process opens connections and never writes: far more than the app has
    # descriptors for. The app drops idle and surplus peers, so a real hook still gets in.
    hoard: list[socket.socket] = []
    try:
        for _ in range(2_000):
            peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            peer.setblocking(False)
            # A full listen queue answers EAGAIN: the socket is kept, it may get in later.
            with contextlib.suppress(BlockingIOError):
                peer.connect(app.address)
            hoard.append(peer)
        mark = app.mark()
        result = subprocess.run(
            [str(CALLERCARD), "ring", "--source", "storm", "--", number(9000)],
            env=app.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        app.wait_handled([number(9000)], mark)
    finally:
        for peer in hoard:
            peer.close()
    assert app.proc is not None and app.proc.poll() is None


def test_a_lone_surrogate_from_the_socket_still_pops_a_card(app: StormApp) -> None:
    # JSON may spell a lone UTF-16 surrogate ("\ud800"); it is no character and cannot be
    # written to the trace or shown as such. It becomes U+FFFD; the ring goes through.
    mark = app.mark()
    line = (
        b'{"protocol_version":2,"kind":"ring","caller_id":"+14155550142",'
        b'"name":"Zo\\ud800e","source":"fu\\udc80zz","call_key":"lone","t_ns":0}\n'
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hook:
        hook.settimeout(10)
        hook.connect(app.address)
        hook.sendall(line)
        assert b'"ok":true' in hook.recv(4096)
    shown = app.wait_for(
        lambda r: r["stage"] == "shown" and r.get("call_key") == "lone", "the card", after=mark
    )
    assert shown["caller_id"] == "+14155550142"
    read = next(r for r in app.records()[mark:] if r["stage"] == "read")
    assert read["source"] == "fu\ufffdzz"
    assert app.proc is not None and app.proc.poll() is None


def test_ten_thousand_bad_lines_leave_a_small_private_log_and_a_working_app(
    app: StormApp,
) -> None:
    log = app.data / "callercard.log"
    before = log.stat().st_size
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as flood:
        flood.settimeout(30)
        flood.connect(app.address)
        for start in range(0, 10_000, 500):
            flood.sendall(
                b"".join(b'{"kind": "ring", "n": %d}\n' % i for i in range(start, start + 500))
            )
            acks = b""
            while acks.count(b"\n") < 500:
                acks += flood.recv(65536)
            assert acks.count(b'"ok":false') == 500
    mark = app.mark()
    result = subprocess.run(
        [str(CALLERCARD), "ring", "--source", "storm", "--", number(9001)],
        env=app.env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    app.wait_handled([number(9001)], mark)

    grown = log.stat().st_size - before
    assert 0 < grown < 16_384, f"the log grew by {grown} bytes for 10,000 bad lines"
    # Every file the app made is this user's alone.
    made = [log, app.trace, Path(f"{app.address}.lock"), *app.data.glob("callercard.sqlite3*"),
            *(app.data / "cache").glob("*")]  # fmt: skip
    modes = {str(path): oct(stat.S_IMODE(path.stat().st_mode)) for path in made}
    assert set(modes.values()) == {"0o600"}, modes


# Each ring and each end is a connection of its own: 2,000 of them through an app limited to
# FD_LIMIT descriptors, so one descriptor kept per connection runs it dry well before the end.
# The 5,000-ring soak and its memory are benchmarks/ring_storm.py's; the call history's bounds
# have their own tests (tests/adapters/test_call_history.py).
SOAK_RINGS = 1_000


@pytest.mark.slow
def test_a_thousand_rings_are_each_handled_once_and_the_app_lives(app: StormApp) -> None:
    rings = SOAK_RINGS
    start_rss = app.rss()
    mark = app.mark()
    lost: list[str] = []

    def send_share(first: int) -> None:
        for i in range(first, rings, 4):
            caller = number(i)
            for message in (Ring(caller, source="soak"), End(caller_id=caller)):
                result = deliver(app.address, message, timeout=10)
                if result.status is not SendStatus.DELIVERED:
                    lost.append(f"{caller}: {result.status}: {result.detail}")

    senders = [threading.Thread(target=send_share, args=(n,)) for n in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert lost == []
    numbers = [number(i) for i in range(rings)]
    app.wait_handled(numbers, mark, timeout=60)
    app.wait_handled(numbers, mark, stage="ended", timeout=60)
    read = app.handled("read", mark)
    assert [n for n in numbers if read[n] != 1] == []
    assert app.proc is not None and app.proc.poll() is None
    end_rss = app.rss()
    print(f"\napp RSS: {start_rss / 2**20:.0f} MiB at start, "
          f"{end_rss / 2**20:.0f} MiB after {rings:,} rings")  # fmt: skip
