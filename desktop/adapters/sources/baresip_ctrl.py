"""baresip's ctrl_tcp event stream as a source of CallEvents, at ring time.

baresip writes no call history, but with its ``ctrl_tcp`` module loaded it sends every event,
``CALL_INCOMING`` included, to the one client connected to it (default 0.0.0.0:4444; set
``ctrl_tcp_listen 127.0.0.1:4444`` in baresip's config so nothing else on the network can
connect). This source is that client: it connects, decodes the netstrings (in
desktop.core.dialects.baresip), and reconnects when baresip restarts.

baresip's calls die with it. When it goes away with calls it reported open (it cannot be
reached again, or it is back with "no active calls"), their CALL_CLOSED never comes: each is
ended as it stood (CallFollower.lost), so a ringing card closes and the call is logged, and the
rep is told. A connection that is back at once with a call still on keeps following it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from desktop.core.callerid_text import number_as_written
from desktop.core.candidates import readable
from desktop.core.dialects.baresip import (
    CALLSTAT_TAG,
    BaresipEvent,
    CallFollower,
    NetstringDecoder,
    StreamProblem,
    answered_call,
    callstat_command,
    names_no_call,
    parse_event,
    ringing_call,
)
from desktop.core.dialers import CtrlResponse, parse_ctrl_response
from desktop.core.events import CallEvent, CallFailed, CallGone
from desktop.core.models import Direction

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4444
# Where baresip's ctrl_tcp is looked for when no address is written (`callercard call`, the
# Call buttons with no baresip followed): a rep whose ctrl_tcp listens elsewhere sets it once,
# and the test suite points it at a port of its own, so that no test dials a real baresip.
ADDRESS_VARIABLE = "CALLERCARD_BARESIP_CTRL"
RECONNECT_S = 2.0  # baresip not running (yet): try again this often
_CONNECT_TIMEOUT_S = 2.0
NOT_CONNECTED = "not connected"  # request's answer while baresip is not running


def default_address(environ: Mapping[str, str] | None = None) -> tuple[str, int]:
    """127.0.0.1:4444 (baresip's own), or CALLERCARD_BARESIP_CTRL; raises ValueError."""
    given = (os.environ if environ is None else environ).get(ADDRESS_VARIABLE, "").strip()
    if not given:
        return DEFAULT_HOST, DEFAULT_PORT
    try:
        return parse_address(given)
    except ValueError as exc:
        raise ValueError(f"{ADDRESS_VARIABLE}: {exc}") from None


def parse_address(text: str) -> tuple[str, int]:
    """``host:port``, ``host`` or ``:port`` (``[::1]:4444`` for IPv6); raises ValueError.
    Nothing written is the default address (default_address)."""
    text = text.strip()
    if not text:
        return default_address()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    host = host or DEFAULT_HOST
    if not port_text:
        return host, DEFAULT_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"baresip ctrl_tcp address {text!r}: {port_text!r} is not a port")
    return host, int(port_text)


class BaresipCtrlSource:
    """Follows baresip's ctrl_tcp events and reports its calls as CallEvents
    (``source="baresip"``). ``on_event`` and ``on_problem`` are called one at a time from this
    source's own thread; nothing is reported after stop() returns."""

    def __init__(
        self,
        address: str,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        *,
        reconnect_s: float = RECONNECT_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_problem_over: Callable[[str], None] | None = None,
    ) -> None:
        self._host, self._port = parse_address(address)
        self._label = f"baresip ctrl_tcp at {self._host}:{self._port}"
        self._on_event = on_event
        self._on_problem = on_problem
        self.on_problem_over = on_problem_over
        self._reconnect_s = reconnect_s
        self._clock = clock
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._problem = ""
        self._follower = CallFollower()
        self._waiting: dict[str, _Answer] = {}  # a request's token -> where its answer goes
        self._asked_ringing = False  # callstat sent on connect, its answer not read yet

    @property
    def address(self) -> tuple[str, int]:
        return self._host, self._port

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="baresip-ctrl", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopping.set()
            sock = self._socket
        if sock is not None:
            with contextlib.suppress(OSError):  # wakes the thread out of recv()
                sock.shutdown(socket.SHUT_RDWR)
        if thread is not None and thread is not threading.current_thread():
            thread.join(_CONNECT_TIMEOUT_S + 1.0)

    def request(self, message: bytes, token: str, timeout: float) -> CtrlResponse | str:
        """Sends one framed command on the open connection and waits up to ``timeout`` for
        baresip's answer to ``token``; a sentence when there is none ("not connected" while
        baresip is not running). Any thread but this source's own."""
        answer = _Answer()
        with self._lock:
            sock = self._socket
            if sock is None:
                return NOT_CONNECTED
            self._waiting[token] = answer
        try:
            sock.sendall(message)
            if not answer.ready.wait(timeout):
                return "baresip did not answer"
        except OSError as exc:
            return f"the connection failed ({exc.strerror or exc})"
        finally:
            with self._lock:
                self._waiting.pop(token, None)
        return answer.response or "baresip did not answer"

    # --- the source's thread ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sock = socket.create_connection((self._host, self._port), _CONNECT_TIMEOUT_S)
            except OSError as exc:
                self._report_once(
                    f"cannot connect ({exc.strerror or exc}); is baresip running with the "
                    "ctrl_tcp module? Trying again."
                )
                self._end_lost_calls()
                self._stopping.wait(self._reconnect_s)
                continue
            with self._lock:
                if self._stopping.is_set():
                    sock.close()
                    return
                self._socket = sock
            if self._problem:
                logger.info("%s: connected", self._label)
                self._problem_over()
            self._problem = ""
            try:
                self._ask_what_rings(sock)
                self._read(sock)
            except Exception:  # a bug must not end the source for good
                logger.exception("%s: reading the event stream failed", self._label)
            finally:
                with self._lock:
                    self._socket = None
                sock.close()
            if not self._stopping.is_set():
                self._stopping.wait(min(self._reconnect_s, 0.5))

    def _read(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        decoder = NetstringDecoder()
        frames = 0
        while not self._stopping.is_set():
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                if not self._stopping.is_set():
                    self._report_once("baresip closed the connection; reconnecting")
                return
            for item in decoder.feed(data):
                if isinstance(item, StreamProblem):
                    self._report(
                        f"{self._label}: {item.describe('the event stream')}; reconnecting"
                    )
                    return
                frames += 1
                self._handle(item.payload, frames)

    def _ask_what_rings(self, sock: socket.socket) -> None:
        """A call that began ringing before this connection (the app starting, baresip
        restarted) sent its CALL_INCOMING to nobody: ask baresip for it."""
        self._asked_ringing = True
        try:
            sock.sendall(callstat_command())
        except OSError:
            self._asked_ringing = False  # the read that follows finds the connection gone

    def _handle(self, payload: bytes, frame: int) -> None:
        if self._waiting and self._answered(payload):
            return
        parsed = parse_event(payload)
        where = f"{self._label} event {frame}"
        if parsed is None and self._asked_ringing:
            parsed = self._ringing_at_connect(payload)
            where = f"{self._label} callstat on connecting"
        if parsed is None:
            return
        if not isinstance(parsed, BaresipEvent):
            self._report(f"{self._label}: event {frame}: {parsed}")
            return
        where = f"{where} ({parsed.type})"
        event = self._follower.follow(parsed, self._clock(), where=where)
        if event is None:
            return
        event = replace(event, read_ns=time.monotonic_ns())
        if self._stopping.is_set():
            return
        try:
            self._on_event(event)
        except Exception:
            logger.exception("on_event failed for %s", where)
        if isinstance(event, CallFailed):  # the rep asked for it and waits for the far end
            called = readable(number_as_written(event.number))  # as the card writes it
            self._report(f"baresip could not place the call to {called}: {event.why}. "
                         "It is logged as a failed call; any callback stays due.")  # fmt: skip

    def _ringing_at_connect(self, payload: bytes) -> BaresipEvent | None:
        """The incoming call still ringing that callstat's answer describes, once: the
        follower knows it from then on, by the id its own later events carry."""
        response = parse_ctrl_response(payload)
        if response is None or response.token != CALLSTAT_TAG:
            return None
        self._asked_ringing = False
        if not response.ok:
            return None
        if names_no_call(response.data):  # baresip restarted meanwhile: its calls went with it
            self._end_lost_calls()
            return None
        talking = answered_call(response.data)
        if talking is not None:  # nothing to pop; its end is then a call taken, not missed
            self._follower.adopt(talking, self._clock())
            return None
        return ringing_call(response.data)

    def _answered(self, payload: bytes) -> bool:
        response = parse_ctrl_response(payload)
        with self._lock:
            answer = self._waiting.get(response.token) if response is not None else None
        if answer is None:
            return False
        answer.response = response
        answer.ready.set()
        return True

    def _end_lost_calls(self) -> None:
        """The calls baresip reported open and never closed are over: their cards close and
        they are logged (core.dialects.baresip.CallFollower.lost), and the rep is told."""
        events = self._follower.lost(where=f"{self._label}: baresip went away")
        if not events or self._stopping.is_set():
            return
        for event in events:
            try:
                self._on_event(replace(event, read_ns=time.monotonic_ns()))
            except Exception:
                logger.exception("on_event failed for %s", event.where)
        self._report(_lost_calls_text(events))

    def _problem_over(self) -> None:
        if self.on_problem_over is None or self._stopping.is_set():
            return
        try:
            self.on_problem_over(f"{self._label}: ")
        except Exception:
            logger.exception("on_problem_over failed")

    def _report_once(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self._report(f"{self._label}: {message}")

    def _report(self, message: str) -> None:
        if self._stopping.is_set():
            return
        try:
            self._on_problem(message)
        except Exception:
            logger.exception("on_problem failed for %r", message)


def _lost_calls_text(events: list[CallEvent]) -> str:
    """What the rep is told, worded apart from the connection's problems (which the next
    connection takes back): this stays until something newer is said."""
    unknown = sum(1 for e in events if isinstance(e, CallGone) and e.direction is Direction.IN)
    ended = len(events) - unknown
    said = []
    if unknown:
        # Callbacks lists such a call only RANG_LISTED_AFTER it rang: not said to be there now.
        calls = "a call that was ringing is" if unknown == 1 else f"{unknown} ringing calls are"
        said.append(f"{calls} logged with the outcome unknown")
    if ended:
        said.append("a call in progress was logged as ended" if ended == 1
                    else f"{ended} calls in progress were logged as ended")  # fmt: skip
    cards = "its card is" if len(events) == 1 else "their cards are"
    return f"baresip went away during a call: {cards} closed; " + "; ".join(said) + "."


class _Answer:
    def __init__(self) -> None:
        self.ready = threading.Event()
        self.response: CtrlResponse | None = None
