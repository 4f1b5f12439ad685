"""BaresipCtrlSource against a local peer that behaves as baresip's ctrl_tcp module does.

The peer (modules/ctrl_tcp/ctrl_tcp.c, tcp_netstring.c, src/bevent.c): it listens on TCP,
sends every event to the connected client as a netstring ``<bytes>:<json>,`` with
``"event":true``, in whatever segments TCP delivers, answers nothing unasked, and closes the
connection when baresip quits.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource, parse_address
from desktop.core.events import CallFailed, CallGone, CallState
from desktop.core.models import Direction
from tests.adapters.recorder import EventRecorder

TIMEOUT_S = 5.0


_PEERS: list[CtrlTcpPeer] = []


@pytest.fixture(autouse=True)
def _peers_quit() -> Iterator[None]:
    yield
    while _PEERS:
        _PEERS.pop().quit()


class CtrlTcpPeer:
    """baresip with ctrl_tcp loaded, minus the SIP: events are played on demand."""

    def __init__(self, port: int = 0) -> None:
        _PEERS.append(self)
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.client: socket.socket | None = None
        self._accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            client, _ = self.server.accept()
        except OSError:
            return
        self.client = client
        self._accepted.set()

    def wait_client(self) -> None:
        assert self._accepted.wait(TIMEOUT_S), "the source never connected"

    def send(self, data: bytes, *, piece: int = 0) -> None:
        self.wait_client()
        assert self.client is not None
        if not piece:
            self.client.sendall(data)
            return
        for start in range(0, len(data), piece):  # TCP may deliver any segmentation
            self.client.sendall(data[start : start + piece])
            time.sleep(0.001)

    def answer(self, data: str) -> None:
        """Reads the client's command and answers it as ctrl_tcp does: with its token."""
        self.wait_client()
        assert self.client is not None
        self.client.settimeout(TIMEOUT_S)
        received = b""
        while not received.endswith(b","):
            received += self.client.recv(4096)
        command = json.loads(received[received.index(b":") + 1 : -1])
        assert command["command"] == "callstat"
        body = {"response": True, "ok": True, "data": data, "token": command["token"]}
        payload = json.dumps(body).encode("utf-8")
        self.client.sendall(f"{len(payload)}:".encode() + payload + b",")

    def drop_client(self) -> None:
        """The connection drops while baresip (and its calls) stay: the next one is taken."""
        self.wait_client()
        assert self.client is not None
        self.client.close()
        self.client = None
        self._accepted.clear()
        threading.Thread(target=self._accept, daemon=True).start()

    def quit(self) -> None:
        if self.client is not None:
            self.client.close()
        self.server.close()
        self._accepted.set()


def frame(kind: str, call_id: str = "a84b4c76e66710@10.0.0.5", **extra: object) -> bytes:
    """A netstring as bevent_odict_encode + ctrl_tcp write it."""
    body: dict[str, object] = {
        "event": True, "class": "call", "type": kind, "accountaor": "sip:1001@sip.example.com",
        "cuser": "1001", "direction": "incoming",
        "peeruri": "sip:+14155550123@sip.example.com;user=phone",
        "contacturi": "sip:+14155550123@203.0.113.10:5060", "localuri": "sip:1001@sip.example.com",
        "peerdisplayname": "Jane Doe", "id": call_id, "param": "",
    }  # fmt: skip
    body.update(extra)
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return f"{len(payload)}:".encode() + payload + b","


class Recorder(EventRecorder):
    def wait(self, events: int = 0, problems: int = 0) -> None:
        self.wait_until(
            lambda: len(self.events) >= events and len(self.problems) >= problems,
            f"{events} events and {problems} problems",
        )


@pytest.fixture
def started() -> Iterator[list[BaresipCtrlSource]]:
    sources: list[BaresipCtrlSource] = []
    yield sources
    for source in sources:
        source.stop()


def start(address: str, sources: list[BaresipCtrlSource]) -> tuple[BaresipCtrlSource, Recorder]:
    recorder = Recorder()
    source = BaresipCtrlSource(address, recorder.on_event, recorder.on_problem, reconnect_s=0.05)
    sources.append(source)
    source.start()
    return source, recorder


def test_an_incoming_call_pops_and_is_followed_to_its_end(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send(frame("CALL_INCOMING"))
    recorder.wait(events=1)
    ring = recorder.events[0]
    assert (ring.number, ring.name) == ("sip:+14155550123@sip.example.com;user=phone", "Jane Doe")
    assert (ring.direction, ring.state, ring.source) == (Direction.IN, CallState.RINGING, "baresip")
    assert ring.time.utcoffset() is not None and ring.read_ns > 0
    peer.send(frame("CALL_ESTABLISHED") + frame("CALL_CLOSED", param="Connection reset by peer"))
    recorder.wait(events=3)
    assert [e.state for e in recorder.events] == [
        CallState.RINGING, CallState.ANSWERED, CallState.ENDED,
    ]  # fmt: skip
    assert {e.call_key for e in recorder.events} == {"baresip:a84b4c76e66710@10.0.0.5"}
    assert recorder.problems == []
    peer.quit()


def test_a_missed_call_with_a_utf8_name_sent_byte_by_byte(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    stream = frame("CALL_INCOMING", "z1", peerdisplayname="Zoë Ångström")
    stream += frame("CALL_CLOSED", "z1", param="Request Terminated", peerdisplayname="Zoë Ångström")
    peer.send(stream, piece=1)
    recorder.wait(events=2)
    assert [(e.name, e.state) for e in recorder.events] == [
        ("Zoë Ångström", CallState.RINGING),
        ("Zoë Ångström", CallState.MISSED),
    ]
    peer.quit()


def test_the_shared_capture_played_by_the_peer(
    samples: Path, started: list[BaresipCtrlSource]
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send((samples / "softphones" / "baresip-ctrl_tcp-events.netstring").read_bytes(), piece=97)
    recorder.wait(events=5)
    assert [e.state for e in recorder.events] == [
        CallState.RINGING, CallState.ANSWERED, CallState.ENDED, CallState.RINGING,
        CallState.MISSED,
    ]  # fmt: skip
    peer.quit()


def test_other_events_and_command_responses_are_ignored(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    register = json.dumps({"event": True, "class": "register", "type": "REGISTER_OK"}).encode()
    response = json.dumps({"response": True, "ok": True, "data": "", "token": "1"}).encode()
    for payload in (register, response):
        peer.send(f"{len(payload)}:".encode() + payload + b",")
    peer.send(frame("CALL_INCOMING"))
    recorder.wait(events=1)
    assert len(recorder.events) == 1 and recorder.problems == []
    peer.quit()


def test_baresip_started_later_is_picked_up(started: list[BaresipCtrlSource]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _source, recorder = start(f"127.0.0.1:{port}", started)
    recorder.wait(problems=1)
    assert recorder.problems[0].startswith(f"baresip ctrl_tcp at 127.0.0.1:{port}: cannot connect")
    time.sleep(0.2)
    assert len(recorder.problems) == 1, "reported once, not at every retry"
    peer = CtrlTcpPeer(port)
    peer.send(frame("CALL_INCOMING"))
    recorder.wait(events=1)
    peer.quit()


def test_a_baresip_restart_is_followed(started: list[BaresipCtrlSource]) -> None:
    peer = CtrlTcpPeer()
    port = peer.port
    _source, recorder = start(f"127.0.0.1:{port}", started)
    peer.wait_client()
    peer.quit()
    recorder.wait(problems=1)
    assert "closed the connection" in recorder.problems[0]
    again = CtrlTcpPeer(port)
    again.send(frame("CALL_INCOMING", "after-restart"))
    recorder.wait(events=1)
    assert recorder.events[0].call_key == "baresip:after-restart"
    again.quit()


def test_a_garbled_stream_is_reported_and_the_source_reconnects(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    port = peer.port
    _source, recorder = start(f"127.0.0.1:{port}", started)
    peer.send(frame("CALL_INCOMING", "g1") + b"GARBAGE:{},")
    recorder.wait(events=1, problems=1)
    assert "the event stream at byte" in recorder.problems[0]
    peer.quit()
    again = CtrlTcpPeer(port)
    again.send(frame("CALL_INCOMING", "g2"))
    recorder.wait(events=2)
    again.quit()


def test_stop_is_prompt_and_final(started: list[BaresipCtrlSource]) -> None:
    peer = CtrlTcpPeer()
    source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.wait_client()
    began = time.monotonic()
    source.stop()
    assert time.monotonic() - began < 2.0
    with contextlib.suppress(OSError):  # the source closed its end
        peer.send(frame("CALL_INCOMING"))
    time.sleep(0.1)
    assert recorder.events == []
    peer.quit()


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("", ("127.0.0.1", 4444)),
        ("127.0.0.1:4444", ("127.0.0.1", 4444)),
        ("localhost", ("localhost", 4444)),
        (":5555", ("127.0.0.1", 5555)),
        ("[::1]:4444", ("::1", 4444)),
    ],
)
def test_addresses_as_written_in_settings(
    text: str, address: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLERCARD_BARESIP_CTRL")  # the suite's own port (tests/conftest.py)
    assert parse_address(text) == address


def test_a_bad_port_says_so() -> None:
    with pytest.raises(ValueError, match="is not a port"):
        parse_address("127.0.0.1:http")


def callstat(state: str, call_id: str = "1-7431@127.0.0.1", direction: str = "Incoming") -> str:
    """What the real baresip 1.0.0 answered to `callstat` while SIPp's call rang it."""
    return (
        f"\n===== Call debug ({state}) =====\n local_uri:  <sip:callercard@127.0.0.1:5072>\n"
        " peer_uri:  Dana W <sip:+14155550142@127.0.0.1:5090;user=phone>\n"
        f" af=AF_INET id={call_id}\n direction: {direction}\nSDP session\n"
        "  local attributes:\n    tool='baresip 1.0.0'\n  remote attributes:\nsession media:\n"
        "audio RTP/AVP\n  local formats:\n      0 PCMU/8000/1 () *\n\n"
    )


def test_a_call_ringing_when_the_source_connects_pops_once(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    port = peer.port
    _source, recorder = start(f"127.0.0.1:{port}", started)
    peer.answer(callstat("INCOMING"))
    recorder.wait(events=1)
    ring = recorder.events[0]
    assert (ring.number, ring.name) == ("sip:+14155550142@127.0.0.1:5090;user=phone", "Dana W")
    assert (ring.direction, ring.state) == (Direction.IN, CallState.RINGING)
    assert ring.call_key == "baresip:1-7431@127.0.0.1"
    # The connection drops and comes back while it still rings: not popped again.
    peer.drop_client()
    again = peer
    again.answer(callstat("INCOMING"))
    # Its own CALL_CLOSED, never answered, ends that call: the card turns missed.
    again.send(frame("CALL_CLOSED", "1-7431@127.0.0.1", peeruri=ring.number,
                     peerdisplayname="Dana W", param="Request Terminated"))  # fmt: skip
    recorder.wait(events=2)
    assert [(e.state, e.call_key) for e in recorder.events] == [
        (CallState.RINGING, ring.call_key), (CallState.MISSED, ring.call_key)]  # fmt: skip
    again.quit()


@pytest.mark.parametrize("answer", [
    "\n(no active calls)\n",
    callstat("ESTABLISHED"),  # the rep is talking: nothing to pop
    callstat("RINGING", direction="Outgoing"),  # the rep is calling out
])  # fmt: skip
def test_no_call_ringing_in_when_the_source_connects_pops_nothing(
    started: list[BaresipCtrlSource], answer: str
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.answer(answer)
    peer.send(frame("CALL_INCOMING", "next"))  # what rings afterwards still pops
    recorder.wait(events=1)
    assert [e.call_key for e in recorder.events] == ["baresip:next"]
    assert recorder.problems == []
    peer.quit()


def test_a_call_already_answered_when_the_source_connects_ends_as_taken_not_missed(
    started: list[BaresipCtrlSource],
) -> None:
    # The rep quit and restarted CallerCard while talking: the call's CALL_CLOSED is the
    # first event of it this connection sees, and it was a call taken, not a missed one.
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.answer(callstat("ESTABLISHED"))
    peer.send(frame("CALL_CLOSED", "1-7431@127.0.0.1",
                    peeruri="sip:+14155550142@127.0.0.1:5090;user=phone",
                    peerdisplayname="Dana W", param="Connection reset by peer"))  # fmt: skip
    recorder.wait(events=1)
    assert [(e.state, e.call_key) for e in recorder.events] == [
        (CallState.ENDED, "baresip:1-7431@127.0.0.1")]  # fmt: skip
    assert recorder.problems == []
    peer.quit()


RINGING_GONE = (
    "baresip went away during a call: its card is closed; a call that was ringing is logged "
    "with the outcome unknown."
)


def test_baresip_gone_mid_ring_closes_the_card_and_logs_the_call_outcome_unknown(
    started: list[BaresipCtrlSource],
) -> None:
    # baresip crashed (or was quit) while a call rang: its CALL_CLOSED will never come.
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send(frame("CALL_INCOMING", "dies-ringing"))
    recorder.wait(events=1)
    peer.quit()
    recorder.wait(events=2, problems=3)
    ring, gone = recorder.events
    assert isinstance(gone, CallGone) and not isinstance(ring, CallGone)
    assert (gone.state, gone.call_key, gone.time, gone.number, gone.name) == (
        CallState.ENDED, "baresip:dies-ringing", ring.time, ring.number, ring.name)  # fmt: skip
    assert "closed the connection" in recorder.problems[0]
    assert "cannot connect" in recorder.problems[1]
    assert recorder.problems[2] == RINGING_GONE
    time.sleep(0.2)  # told once, not at every retry
    assert (len(recorder.events), len(recorder.problems)) == (2, 3)


def test_baresip_gone_mid_call_ends_the_answered_call_as_taken(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send(frame("CALL_INCOMING", "talking") + frame("CALL_ESTABLISHED", "talking"))
    recorder.wait(events=2)
    peer.quit()
    recorder.wait(events=3, problems=3)
    ended = recorder.events[2]
    assert not isinstance(ended, CallGone)
    assert (ended.state, ended.call_key) == (CallState.ENDED, "baresip:talking")
    assert recorder.problems[2] == (
        "baresip went away during a call: its card is closed; a call in progress was logged "
        "as ended."
    )


def test_baresip_back_at_once_without_the_call_ends_it(
    started: list[BaresipCtrlSource],
) -> None:
    # Restarted quicker than the source reconnects: connected again, but the call is gone.
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send(frame("CALL_INCOMING", "before-restart"))
    recorder.wait(events=1)
    peer.drop_client()
    peer.answer("\n(no active calls)\n")
    recorder.wait(events=2, problems=2)
    assert isinstance(recorder.events[1], CallGone)
    assert recorder.events[1].call_key == "baresip:before-restart"
    assert recorder.problems[1] == RINGING_GONE


def test_connected_again_takes_the_cannot_connect_problem_back(
    started: list[BaresipCtrlSource],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    over: list[str] = []
    source = BaresipCtrlSource(f"127.0.0.1:{port}", recorder.on_event, recorder.on_problem,
                               reconnect_s=0.05, on_problem_over=over.append)  # fmt: skip
    started.append(source)
    source.start()
    recorder.wait(problems=1)
    assert over == []
    peer = CtrlTcpPeer(port)
    peer.wait_client()
    recorder.wait_until(lambda: bool(over), "the problem taken back")
    assert recorder.problems[0].startswith(over[0])
    assert over == [f"baresip ctrl_tcp at 127.0.0.1:{port}: "]
    assert not RINGING_GONE.startswith(over[0]), "calls ended stay told"


def test_a_dial_refused_before_it_rang_is_a_failed_call_and_the_rep_is_told(
    started: list[BaresipCtrlSource],
) -> None:
    peer = CtrlTcpPeer()
    _source, recorder = start(f"127.0.0.1:{peer.port}", started)
    peer.send(frame("CALL_CLOSED", "out-1", direction="outgoing", param="404 Not Found"))
    recorder.wait(events=1, problems=1)
    failed = recorder.events[0]
    assert isinstance(failed, CallFailed)
    assert (failed.state, failed.direction, failed.why) == (
        CallState.ENDED, Direction.OUT, "404 Not Found")  # fmt: skip
    assert recorder.problems == [
        "baresip could not place the call to +1 415-555-0123: 404 Not Found. It is logged as a "
        "failed call; any callback stays due."
    ]
