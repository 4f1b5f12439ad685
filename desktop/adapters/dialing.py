"""Placing a call through the softphone the rep has, and saying plainly when none can.

Each softphone is tried through the door it really has (desktop/core/dialers.py says what it
is handed): baresip's ctrl_tcp socket, `twinkle --call`, `linphonecsh dial`, `microsip.exe
NUMBER`, or the desktop's tel: handler. Programs run without a shell. The answer is always a
DialResult with a sentence a rep understands; nothing fails silently.

baresip's ctrl_tcp serves one client at a time: a new connection replaces the old one. When
the app already follows baresip's events (sources/baresip_ctrl.py), the dial goes through that
connection (a BaresipChannel) so the call's own events are not lost to a second one.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop.adapters.sources.baresip_ctrl import NOT_CONNECTED, default_address
from desktop.adapters.sources.detect import set_up_softphones
from desktop.core.dialects.baresip import NetstringDecoder, StreamProblem
from desktop.core.dialers import (
    AUTOMATIC_ORDER,
    CtrlResponse,
    Dialer,
    baresip_dial,
    dialable,
    linphone_argv,
    linphonecsh_argv,
    microsip_argv,
    parse_ctrl_response,
    tel_uri,
    twinkle_argv,
    xdg_open_argv,
)
from desktop.core.softphones import softphone

log = logging.getLogger(__name__)

ANSWER_WAIT_S = 3.0  # a softphone on this machine answers in milliseconds
_CONNECT_S = 1.0
_LAUNCH_CHECK_S = 1.0  # a launcher that fails (no handler, bad argument) does so at once


@dataclass(frozen=True)
class DialResult:
    placed: bool
    dialer: Dialer | None  # the softphone that placed it (or the one chosen that could not)
    message: str  # for the rep, one sentence: what happened
    follows_up: bool = False  # False: nothing will report the call's end (the link handler)
    detail: str = ""  # when it failed: what was tried, and what the rep can do about it


class BaresipChannel(Protocol):
    """A connection to baresip's ctrl_tcp that is already open (the app's event source)."""

    @property
    def address(self) -> tuple[str, int]: ...

    def request(self, message: bytes, token: str, timeout: float) -> CtrlResponse | str: ...


@dataclass(frozen=True)
class _Absent:
    why: str  # "Twinkle is not running": Automatic moves on to the next
    # Not running but startable (Linphone's desktop app, MicroSIP, the tel: handler):
    # Automatic starts one only when no softphone already running took the call.
    can_launch: bool = False


class DialPlacer:
    """``place`` from the GUI thread: every wait is bounded by ANSWER_WAIT_S."""

    def __init__(
        self,
        *,
        home: Path | None = None,
        search_path: str | None = None,
        baresip_address: tuple[str, int] | None = None,  # None: default_address() when used
        channels: Callable[[], Sequence[BaresipChannel]] = tuple,
        platform: str = sys.platform,
        environ: Mapping[str, str] | None = None,
        linphonec_pipe: Path | None = None,
    ) -> None:
        self._home = home if home is not None else Path.home()
        self._pipe = linphonec_pipe or _linphonec_pipe_here()
        self._path = search_path  # None: the PATH of this process
        self._baresip_address = baresip_address
        self._channels = channels
        self._platform = platform
        self._environ = environ if environ is not None else os.environ

    # -- what is here ------------------------------------------------------------------

    def installed(self, dialer: Dialer) -> bool:
        """Cheap and quiet (never connects to baresip: that would end the app's own link)."""
        if dialer is Dialer.AUTOMATIC:
            return True
        if dialer is Dialer.BARESIP:
            return bool(self._channels()) or self._which("baresip") is not None
        if dialer is Dialer.TWINKLE:
            return self._which("twinkle") is not None
        if dialer is Dialer.LINPHONE:
            return self._linphone_program() is not None
        if dialer is Dialer.MICROSIP:
            return self._microsip() is not None
        return self._tel_handler() != ""

    # -- placing -------------------------------------------------------------------------

    def place(self, choice: Dialer, e164: str) -> DialResult:
        if not dialable(e164):
            return DialResult(False, None, f"{e164 or 'This number'} is not a full international "
                              "number, so no softphone was asked to call it.")  # fmt: skip
        if choice is not Dialer.AUTOMATIC:
            tried = self._try(choice, e164, launch=True)
            if isinstance(tried, _Absent):
                return DialResult(False, choice, f"{_sentence(tried.why)}.",
                                  detail=f"Start it, or {CHOOSE}.")  # fmt: skip
            return tried
        reasons: list[str] = []
        failed: DialResult | None = None
        # A softphone already running is asked first, each in the order of preference; only
        # then is one started: a Linphone set up but closed was launched ahead of the baresip
        # the rep had running.
        startable: list[Dialer] = []
        for dialer in self._automatic_order():
            tried = self._try(dialer, e164, launch=False)
            if isinstance(tried, _Absent) and tried.can_launch:
                startable.append(dialer)
                continue
            if isinstance(tried, DialResult) and tried.placed:
                return tried
            failed, reasons = _noted(tried, failed, reasons)
        for dialer in startable:
            tried = self._try(dialer, e164, launch=True)
            if isinstance(tried, DialResult) and tried.placed:
                return tried
            failed, reasons = _noted(tried, failed, reasons)
        if failed is not None:
            return failed
        return DialResult(False, None, "No softphone could place the call.",
                          detail=_sentence("; ".join(reasons)) + f". Install one, or {CHOOSE}.")

    def _automatic_order(self) -> list[Dialer]:
        """The softphones set up for this user first: a Twinkle rep's Call back went to a
        baresip that happened to listen on 127.0.0.1:4444, and Twinkle never rang."""
        mine = {softphone(i).dialer for i in set_up_softphones(
            home=self._home, env=self._environ, platform=self._platform)}  # fmt: skip
        if self._channels():  # a baresip whose events are followed is the rep's own
            mine.add(Dialer.BARESIP.value)
        first = [d for d in AUTOMATIC_ORDER if d.value in mine]
        return first + [d for d in AUTOMATIC_ORDER if d not in first]

    def _try(self, dialer: Dialer, e164: str, *, launch: bool) -> DialResult | _Absent:
        if dialer is Dialer.BARESIP:
            return self._baresip(e164)
        if dialer is Dialer.TWINKLE:
            return self._twinkle(e164, launch=launch)
        if dialer is Dialer.LINPHONE:
            return self._linphone(e164, launch=launch)
        if dialer is Dialer.MICROSIP:
            return self._run_microsip(e164, launch=launch)
        return self._system(e164, launch=launch)

    def _baresip(self, e164: str) -> DialResult | _Absent:
        token = f"callercard-{uuid.uuid4().hex[:12]}"
        message = baresip_dial(e164, token)
        channels = list(self._channels())
        if channels:
            channel = channels[0]
            host, port = channel.address
            answer = channel.request(message, token, ANSWER_WAIT_S)
        else:
            try:
                host, port = self._baresip_address or default_address()
            except ValueError as exc:
                return DialResult(False, Dialer.BARESIP, f"baresip was not tried: {exc}.")
            try:
                answer = _ctrl_request((host, port), message, token)
            except ConnectionRefusedError:
                return _Absent(f"baresip is not listening on {host}:{port} (ctrl_tcp)")
            except OSError as exc:
                answer = f"cannot reach it ({exc.strerror or exc})"
        where = f"baresip (ctrl_tcp at {host}:{port})"
        if isinstance(answer, str):
            if answer == NOT_CONNECTED:
                return _Absent(f"baresip is not running at {host}:{port}")
            return DialResult(False, Dialer.BARESIP, f"{where} did not place the call: {answer}.")
        if not answer.ok:
            said = f": {answer.data}" if answer.data else ""
            return DialResult(False, Dialer.BARESIP, f"{where} refused the call{said}.")
        return DialResult(True, Dialer.BARESIP, "Calling with baresip", follows_up=True)

    def _twinkle(self, e164: str, *, launch: bool) -> DialResult | _Absent:
        program = self._which("twinkle")
        if program is None:
            console = self._which("twinkle-console")
            why = ("only twinkle-console is installed, which takes no --call; install Twinkle "
                   "(package twinkle)") if console else "Twinkle is not installed"  # fmt: skip
            return _Absent(why)
        running = (self._home / ".twinkle" / ".cmdsock").exists()
        if not running and not launch:
            return _Absent("Twinkle is not running")
        if not running:  # chosen by name: start it, and it calls once its profile is up
            problem = _launch(twinkle_argv(program, e164))
            if problem:
                return DialResult(False, Dialer.TWINKLE, f"Twinkle did not start: {problem}.")
            return DialResult(True, Dialer.TWINKLE, "Starting Twinkle to call", follows_up=True)
        problem = _run(twinkle_argv(program, e164))
        if problem:
            return DialResult(False, Dialer.TWINKLE, f"Twinkle did not take the call: {problem}.")
        return DialResult(True, Dialer.TWINKLE, "Calling with Twinkle", follows_up=True)

    def _linphone(self, e164: str, *, launch: bool) -> DialResult | _Absent:
        shell = self._which("linphonecsh")
        pipe = self._linphonec_pipe()
        if shell is not None and pipe is not None and pipe.exists():
            problem = _run(linphonecsh_argv(shell, e164))
            if problem:
                return DialResult(False, Dialer.LINPHONE,
                                  f"linphonec did not take the call: {problem}.")  # fmt: skip
            return DialResult(True, Dialer.LINPHONE, "Calling with linphonec", follows_up=True)
        desktop = self._which("linphone")
        if desktop is None:
            # A linphonec started at its prompt was running, and "not running" puzzled its rep.
            return _Absent("no linphonec started with --pipe is running (linphonecsh reaches "
                           "only that one, or one started by `linphonecsh init`)" if shell else
                           "Linphone is not installed")  # fmt: skip
        if not launch:
            return _Absent("Linphone is not running", can_launch=True)
        problem = _launch(linphone_argv(desktop, e164))
        if problem:
            return DialResult(False, Dialer.LINPHONE, f"Linphone did not start: {problem}.")
        return DialResult(True, Dialer.LINPHONE, "Calling with Linphone", follows_up=True)

    def _run_microsip(self, e164: str, *, launch: bool) -> DialResult | _Absent:
        program = self._microsip()
        if program is None:
            return _Absent("MicroSIP is not installed" if self._platform == "win32"
                           else "MicroSIP runs on Windows only")  # fmt: skip
        if not launch:  # its command line reaches a running MicroSIP or starts one: no telling
            return _Absent("MicroSIP was not started", can_launch=True)
        problem = _launch(microsip_argv(program, e164))
        if problem:
            return DialResult(False, Dialer.MICROSIP, f"MicroSIP did not start: {problem}.")
        return DialResult(True, Dialer.MICROSIP, "Calling with MicroSIP", follows_up=True)

    def _system(self, e164: str, *, launch: bool) -> DialResult | _Absent:
        if not launch:
            return _Absent("the tel: link was not opened", can_launch=True)
        uri = tel_uri(e164)
        if self._platform == "win32":
            try:
                _start_file(uri)
            except OSError as exc:
                return _Absent(f"no application is set to open tel: links ({exc.strerror})")
            return DialResult(True, Dialer.SYSTEM, "Opened the tel: link")
        if self._platform == "darwin":
            problem = _run(["open", uri])
            if problem:
                return _Absent(f"no application is set to open tel: links ({problem})")
            return DialResult(True, Dialer.SYSTEM, "Opened the tel: link")
        handler = self._tel_handler()
        opener = self._which("xdg-open")
        if not handler or opener is None:
            return _Absent("no application is set to open tel: links")
        problem = _launch(xdg_open_argv(opener, e164))
        if problem:
            return DialResult(False, Dialer.SYSTEM, f"{handler} did not open the tel: link: "
                              f"{problem}.")  # fmt: skip
        return DialResult(True, Dialer.SYSTEM, f"Opened the tel: link with {handler}")

    # -- finding programs ------------------------------------------------------------------

    def _which(self, name: str) -> str | None:
        return shutil.which(name, path=self._path)

    def _linphone_program(self) -> str | None:
        return self._which("linphonecsh") or self._which("linphone")

    def _linphonec_pipe(self) -> Path | None:
        return self._pipe

    def _microsip(self) -> str | None:
        found = self._which("microsip")
        if found or self._platform != "win32":
            return found
        for variable in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA", "APPDATA"):
            folder = self._environ.get(variable, "")
            candidate = Path(folder) / "MicroSIP" / "microsip.exe"
            if folder and candidate.is_file():
                return str(candidate)
        return None

    def _tel_handler(self) -> str:
        """The desktop file that opens tel: links (freedesktop), "" when none is set."""
        if self._platform in ("win32", "darwin"):
            return "the system's handler"  # asked when used: the OS says whether one exists
        query = self._which("xdg-mime")
        if query is None:
            return ""
        try:
            done = subprocess.run(
                [query, "query", "default", "x-scheme-handler/tel"], capture_output=True,
                text=True, timeout=ANSWER_WAIT_S, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""


CHOOSE = "choose how calls are placed in Settings (Place calls with)"


def _noted(
    tried: DialResult | _Absent, failed: DialResult | None, reasons: list[str]
) -> tuple[DialResult | None, list[str]]:
    """Automatic's record of a softphone that did not place the call: the first failure
    (reported if none places it) or why it was absent (listed if none was there)."""
    if isinstance(tried, _Absent):
        return failed, [*reasons, tried.why]
    return failed or tried, reasons


def _sentence(text: str) -> str:
    if text.startswith("baresip"):  # a name its authors write in lower case
        return text
    return text[:1].upper() + text[1:]


def _ctrl_request(address: tuple[str, int], message: bytes, token: str) -> CtrlResponse | str:
    """One command on a connection of our own: send, read until its answer, close."""
    with socket.create_connection(address, _CONNECT_S) as sock:
        sock.sendall(message)
        decoder = NetstringDecoder()
        deadline = time.monotonic() + ANSWER_WAIT_S
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                return "baresip closed the connection"
            for item in decoder.feed(data):
                if isinstance(item, StreamProblem):
                    return item.describe("its answer")
                answer = parse_ctrl_response(item.payload)
                if answer is not None and answer.token == token:
                    return answer
    return "baresip did not answer"


def _run(argv: list[str]) -> str:
    """A program that hands the call over and exits: "" when it did, else what went wrong."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=ANSWER_WAIT_S,
                              stdin=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"{Path(argv[0]).name} did not finish within {ANSWER_WAIT_S:g} s"
    except OSError as exc:
        return exc.strerror or str(exc)
    said = " ".join((done.stderr or "").split())[:200]
    # Twinkle prints "Failed to send CALL command to …" and still exits 0.
    if done.returncode != 0 or "failed" in said.lower():
        return said or f"{Path(argv[0]).name} exited with status {done.returncode}"
    return ""


def _launch(argv: list[str]) -> str:
    """A program that may stay running (it is the softphone): started in a session of its own
    so it outlives us; "" unless it failed at once. Its errors go to a file, not a pipe: a
    softphone left writing to a pipe nobody reads would block, or die of SIGPIPE."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errors, start_new_session=True)  # fmt: skip
        except OSError as exc:
            return exc.strerror or str(exc)
        try:
            code = proc.wait(_LAUNCH_CHECK_S)
        except subprocess.TimeoutExpired:
            # Still running: the softphone itself, now calling. Reaped when it exits.
            threading.Thread(target=proc.wait, name="dialer-reaper", daemon=True).start()
            return ""
        if code == 0:
            return ""
        errors.seek(0)
        said = " ".join(errors.read(400).decode("utf-8", "replace").split())
    return said or f"{Path(argv[0]).name} exited with status {code}"


def _linphonec_pipe_here() -> Path | None:
    """ortp's server pipe for linphonec --pipe (and `linphonecsh init`): /tmp/linphonec-UID.
    None on Windows, which has no user ids (os.getuid raised there while the app started)."""
    if sys.platform == "win32":
        return None
    return Path("/tmp") / f"linphonec-{os.getuid()}"  # noqa: S108


def _start_file(uri: str) -> None:
    """Windows' shell opens the tel: link with the handler set for it."""
    if sys.platform != "win32":
        raise OSError(errno.ENOSYS, "only Windows opens a link with os.startfile")
    os.startfile(uri)  # noqa: S606 (a tel: URI)
