"""What the real-softphone tests are built from: a private network namespace, the processes
started in it, CallerCard running there with a contact book, and SIPp placing the calls.

Every call stays on the loopback of a network namespace the test creates (`ip netns add`) and
deletes: inside it only `lo` exists and is up, so nothing a softphone or SIPp sends can reach
any other address. Every process runs in that namespace under coreutils `timeout` in a process
group of its own, so a run that dies leaves nothing running for long, and teardown stops each
group by its ID: politely first (the program's quit command, then SIGTERM), then SIGKILL.

Where this cannot run (not root, no `ip netns`, a program not installed) the test skips and
says why; scripts/e2e_prereqs installs the programs.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import python_env

if TYPE_CHECKING:
    from desktop.core.events import CallEvent

SCENARIOS = Path(__file__).resolve().parent / "sipp"
# No process in the namespace outlives this, even when pytest itself is killed.
PROCESS_LIMIT_S = 150
_STOP_WAIT_S = 5.0
_POLL_S = 0.02
_SETTLE_S = 1.0

# Which Debian package brings each program, for the skip message.
DEBIAN_PACKAGE = {
    "ip": "iproute2",
    "ss": "iproute2",
    "timeout": "coreutils",
    "sipp": "sip-tester",
    "twinkle-console": "twinkle-console",
    "twinkle": "twinkle",
    "linphonec": "linphone-cli",
    "baresip": "baresip-core",
}

_names = itertools.count()
NAMESPACE_PREFIX = "callercard-e2e-"  # then the creating pytest's PID and a counter

Record = dict[str, Any]


@dataclass(frozen=True)
class Prospect:
    """The person who calls back: in the imported book, and on the From line SIPp sends."""

    name: str
    company: str
    number: str  # E.164, also the user part of SIPp's From URI
    display: str  # the From display name: what the caller's own phone calls them


PROSPECT = Prospect("Dana Whitfield", "Harbor Freight Lines", "+14155550142", "Dana W")


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        package = DEBIAN_PACKAGE.get(program, program)
        pytest.skip(
            f"{program} is not installed (Debian package {package}); scripts/e2e_prereqs "
            "installs every program these tests ring"
        )
    return path


def require_source(kind: str) -> None:
    """Fails, naming the missing piece, when CallerCard cannot watch ``kind`` at all.

    A failure, not a skip: the programs are here, CallerCard is what falls short.
    """
    from desktop.adapters.sources.registry import SOURCE_KINDS

    if kind not in SOURCE_KINDS:
        pytest.fail(f"CallerCard has no {kind!r} call source to --watch; it knows "
                    f"{', '.join(sorted(SOURCE_KINDS))}")  # fmt: skip


@dataclass(frozen=True)
class Namespace:
    name: str
    ip: str
    timeout: str

    def command(self, argv: list[str]) -> list[str]:
        """argv run inside the namespace, ended by `timeout` if nobody stops it sooner."""
        return [self.ip, "netns", "exec", self.name,
                self.timeout, "--kill-after=5", str(PROCESS_LIMIT_S), *argv]  # fmt: skip

    def run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.ip, "netns", "exec", self.name, *argv],
                              capture_output=True, text=True, timeout=10)  # fmt: skip


def _delete_orphans(ip: str) -> None:
    """Deletes namespaces left by an earlier run that was killed before its teardown."""
    listed = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, timeout=10)
    for line in listed.stdout.splitlines():
        name = line.split(" ", 1)[0]
        pid = name.removeprefix(NAMESPACE_PREFIX).split("-", 1)[0]
        if name.startswith(NAMESPACE_PREFIX) and pid.isdigit() and not _alive(int(pid)):
            subprocess.run([ip, "netns", "delete", name], capture_output=True, timeout=10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's
    return True


@contextlib.contextmanager
def private_namespace() -> Iterator[Namespace]:
    """A new network namespace with only `lo`, up; skips when one cannot be made here."""
    if os.geteuid() != 0:
        pytest.skip(
            "needs root: the calls ring inside a private network namespace (ip netns add), "
            "which only root can create"
        )
    ip = require("ip")
    timeout = require("timeout")
    _delete_orphans(ip)
    name = f"{NAMESPACE_PREFIX}{os.getpid()}-{next(_names)}"
    added = subprocess.run([ip, "netns", "add", name], capture_output=True, text=True,
                           timeout=10)  # fmt: skip
    if added.returncode != 0:
        pytest.skip(f"`ip netns add {name}` failed, so there is no private network for the "
                    f"calls: {added.stderr.strip()}")  # fmt: skip
    try:
        up = subprocess.run([ip, "-n", name, "link", "set", "lo", "up"], capture_output=True,
                            text=True, timeout=10)  # fmt: skip
        if up.returncode != 0:
            pytest.fail(f"could not bring up lo in namespace {name}: {up.stderr.strip()}")
        yield Namespace(name, ip, timeout)
    finally:
        subprocess.run([ip, "netns", "delete", name], capture_output=True, timeout=10)


class Started:
    """One program running in the namespace, its output going to a log file."""

    def __init__(self, name: str, proc: subprocess.Popen[bytes], log: Path,
                 quit_line: str | None) -> None:  # fmt: skip
        self.name = name
        self.proc = proc
        self.log = log
        self._quit_line = quit_line

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def wait_for_output(self, marker: str, what: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.output():
            if self.proc.poll() is not None:
                pytest.fail(f"{self.name} exited ({self.proc.returncode}) before {what}:\n"
                            f"{self.output()[-3000:]}")  # fmt: skip
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:g} s waiting for {what}:\n"
                            f"{self.output()[-3000:]}")  # fmt: skip
            time.sleep(_POLL_S)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} still running after {timeout:g} s:\n"
                        f"{self.output()[-3000:]}")  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None and self._quit_line is not None and self.proc.stdin:
            try:
                self.proc.stdin.write(self._quit_line.encode() + b"\n")
                self.proc.stdin.flush()
                self.proc.wait(_STOP_WAIT_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
        # The group is the one this process leads: `timeout`, the program and its children
        # (Twinkle's hooks), so a SIGKILL cannot leave the program behind its `timeout`.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                continue
        if self.proc.stdin:
            self.proc.stdin.close()


class Processes:
    def __init__(self, netns: Namespace, logs: Path) -> None:
        self.netns = netns
        self._logs = logs
        self._started: list[Started] = []

    def start(self, name: str, argv: list[str], *, env: dict[str, str] | None = None,
              cwd: Path | None = None, quit_line: str | None = None) -> Started:  # fmt: skip
        log = self._logs / f"{name}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                self.netns.command(argv), env=env or python_env(), cwd=cwd,
                stdin=subprocess.PIPE if quit_line is not None else subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        started = Started(name, proc, log, quit_line)
        self._started.append(started)
        return started

    def stop_all(self) -> None:
        for started in reversed(self._started):
            started.stop()


class CallerCard:
    """The app in the namespace (offscreen Qt), its trace, and its command-line verbs."""

    def __init__(self, processes: Processes, tmp: Path) -> None:
        self._processes = processes
        self.data = tmp / "callercard"
        self.trace = tmp / "trace.jsonl"
        self.app: Started | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        # The verbs reach the app through a Unix socket path, which a namespace does not hide.
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args, "--data-dir", str(self.data)],
            capture_output=True, text=True, timeout=30,
            env=python_env(QT_QPA_PLATFORM="offscreen"),
        )  # fmt: skip

    def import_book(self, tmp: Path, prospect: Prospect) -> int:
        """Imports a one-line CSV with the prospect; returns their contact id."""
        book = tmp / "prospects.csv"
        book.write_text(
            "Name,Company,Phone,Notes\n"
            f"{prospect.name},{prospect.company},{prospect.number},Left a voicemail on Tuesday\n",
            encoding="utf-8",
        )
        result = self.cli("import", str(book), "--region", "US", "--json")
        assert result.returncode == 0, result.stderr
        card = self.lookup(prospect.number)
        assert card["match"] == "exact", card
        return int(card["contacts"][0]["id"])

    def lookup(self, caller_id: str) -> Record:
        result = self.cli("lookup", caller_id, "--region", "US", "--json")
        assert result.returncode == 0, result.stderr
        card: Record = json.loads(result.stdout)
        return card

    def wait_for_incoming_calls(self, number: str, since: float,
                                timeout: float = 15.0) -> list[Record]:  # fmt: skip
        """The incoming attempts the store holds for ``number`` from ``since`` (Unix time) on.

        Once one is there, waits a little longer so that a second record of the same call
        (the file read twice while the softphone rewrote it) would be there too.
        """
        deadline = time.monotonic() + timeout
        settled: float | None = None
        while True:
            card = self.lookup(number)
            found = [
                dict(attempt)
                for contact in card["contacts"]
                for attempt in contact["last_attempts"]
                if attempt["direction"] == "in"
                # The logs keep whole seconds: a call placed at 12.7 s may be stored at 12 s.
                and datetime.fromisoformat(attempt["at"]).timestamp() >= int(since)
            ]
            if found:
                settled = settled or time.monotonic() + _SETTLE_S
                if time.monotonic() >= settled:
                    return found
            if time.monotonic() > deadline:
                pytest.fail(f"no incoming call from {number} reached the store within "
                            f"{timeout:g} s; the card says {card}\n{self.log_tail()}")  # fmt: skip
            time.sleep(0.2)

    def hook_command(self, verb: str, *args: str) -> list[str]:
        """`callercard ring ...` (or `end`) as a softphone's hook runs it."""
        script = Path(sys.executable).with_name("callercard")
        runner = [str(script)] if script.exists() else [sys.executable, "-m", "desktop"]
        return [*runner, verb, "--data-dir", str(self.data), *args]

    def start(self, *watch: str) -> None:
        for spec in watch:
            require_source(spec.partition(":")[0])
        argv = [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
                "--background", "--trace", str(self.trace),
                *(f"--watch={spec}" for spec in watch)]  # fmt: skip
        self.app = self._processes.start(
            "callercard", argv, env=python_env(QT_QPA_PLATFORM="offscreen")
        )
        self.wait_for(lambda r: r["stage"] == "ready", "CallerCard to start", timeout=30)

    def records(self) -> list[Record]:
        if not self.trace.exists():
            return []
        lines = self.trace.read_text(encoding="utf-8").splitlines()
        # The last line may be half-written while we read.
        return [json.loads(line) for line in lines if line.strip().endswith("}")]

    def wait_for(self, match: Callable[[Record], bool], what: str,
                 timeout: float = 15.0) -> Record:  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            for record in self.records():
                if match(record):
                    return record
            if self.app is not None and self.app.proc.poll() is not None:
                pytest.fail(f"CallerCard exited ({self.app.proc.returncode}) waiting for "
                            f"{what}:\n{self.app.output()[-3000:]}")  # fmt: skip
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:g} s waiting for {what}; "
                            f"trace: {self.records()}\n{self.log_tail()}")  # fmt: skip
            time.sleep(_POLL_S)

    def log_tail(self) -> str:
        log = self.data / "callercard.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return f"callercard.log:\n{text[-3000:]}"

    def quit(self) -> None:
        if self.app is not None and self.app.proc.poll() is None:
            self.cli("quit")
            with contextlib.suppress(subprocess.TimeoutExpired):  # stop_all() ends it then
                self.app.proc.wait(10)


class SourceWitness:
    """CallerCard's own source for ``kind``, run in the test process on the same file.

    It says whether CallerCard reads what the softphone wrote, apart from what the app then
    does with it, so a failure points at the right half.
    """

    def __init__(self, kind: str, path: Path) -> None:
        from desktop.adapters.filewatch import FileWatcher
        from desktop.adapters.sources.registry import SOURCE_KINDS

        require_source(kind)
        self.events: list[CallEvent] = []
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._watcher = FileWatcher()
        self._source = SOURCE_KINDS[kind].create(path, self._event, self._problem, self._watcher)

    def _event(self, event: CallEvent) -> None:
        with self._lock:
            self.events.append(event)

    def _problem(self, message: str) -> None:
        with self._lock:
            self.problems.append(message)

    def __enter__(self) -> SourceWitness:
        self._source.start()
        self._watcher.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._source.stop()
        self._watcher.stop()

    def wait_for(self, match: Callable[[CallEvent], bool], what: str,
                 timeout: float = 10.0) -> CallEvent:  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = next((e for e in self.events if match(e)), None)
                seen, problems = list(self.events), list(self.problems)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"CallerCard's source did not report {what} within {timeout:g} s; "
                            f"it reported {seen}, problems {problems}")  # fmt: skip
            time.sleep(_POLL_S)


@dataclass(frozen=True)
class Call:
    sipp: Started
    sent_ns: int  # time.monotonic_ns() just before SIPp started
    ring_ms: int
    messages: Path  # every SIP message SIPp sent and received

    @property
    def cancel_not_before_ns(self) -> int:
        # SIPp sends the INVITE after sent_ns and the CANCEL ring_ms after the 180: whatever
        # happened before this instant happened while the phone was still ringing.
        return self.sent_ns + self.ring_ms * 1_000_000

    def ringing_after_ms(self) -> float:
        """How long after SIPp's INVITE the softphone's "180 Ringing" came, from SIPp's log."""
        sent = rang = stamp = None
        for line in self.messages.read_text("utf-8", "replace").splitlines():
            if line.startswith("-----"):  # "------ 2026-11-22 09:59:56.883746" heads each
                stamp = datetime.strptime(line.split(" ", 1)[1].strip(), "%Y-%m-%d %H:%M:%S.%f")
            elif line.startswith("INVITE ") and sent is None:
                sent = stamp
            elif line.startswith("SIP/2.0 180 ") and rang is None:
                rang = stamp
        if sent is None or rang is None:
            pytest.fail(f"SIPp's log {self.messages} has no INVITE and 180 Ringing")
        return (rang - sent).total_seconds() * 1000

    def wait_done(self, timeout: float = 20.0) -> None:
        code = self.sipp.wait(timeout)
        if code != 0:
            sent = self.messages.read_text("utf-8", "replace") if self.messages.exists() else ""
            pytest.fail(f"SIPp's call failed (exit {code}):\n{self.sipp.output()[-3000:]}\n"
                        f"SIP messages:\n{sent[-4000:]}")  # fmt: skip


def ring_then_cancel(processes: Processes, tmp: Path, *, to_user: str, to_port: int,
                     ring_ms: int, prospect: Prospect = PROSPECT,
                     scenario: str = "ring_then_cancel.xml") -> Call:  # fmt: skip
    """Places one call to 127.0.0.1:to_port that rings for ring_ms and is then cancelled
    (with ``scenario`` "ring_then_answer.xml": that waits to be answered, talks for ring_ms
    and hangs up)."""
    sipp = require("sipp")
    logs = tmp / "logs"
    messages = logs / f"sipp-messages-{scenario.removesuffix('.xml')}.log"
    argv = [
        sipp, "-sf", str(SCENARIOS / scenario),
        "-key", "caller_name", prospect.display, "-key", "caller_user", prospect.number,
        "-s", to_user, "-d", str(ring_ms), "-i", "127.0.0.1", "-p", "5090", "-m", "1",
        "-timeout", "30s", "-timeout_error", "-recv_timeout", "20s", "-nostdin",
        "-trace_msg", "-message_file", str(messages),
        "-trace_err", "-error_file", str(logs / "sipp-errors.log"),
        f"127.0.0.1:{to_port}",
    ]  # fmt: skip
    sent_ns = time.monotonic_ns()
    started = processes.start("sipp", argv, cwd=logs)
    return Call(started, sent_ns, ring_ms, messages)


def connected(netns: Namespace, port: int) -> bool:
    result = netns.run([require("ss"), "-Htn", "state", "established", f"( dport = :{port} )"])
    return bool(result.stdout.strip())


def wait_until(check: Callable[[], bool], what: str, timeout: float = 10.0,
               detail: Callable[[], str] = str) -> None:  # fmt: skip
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n{detail()}")
        time.sleep(0.05)
