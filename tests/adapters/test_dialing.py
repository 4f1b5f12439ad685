"""DialPlacer: each softphone reached through the door it really has, and a sentence when none
can place the call.

baresip's side is a local peer that answers commands as its ctrl_tcp module does
(modules/ctrl_tcp: one client at a time, a netstring JSON answer carrying the command's
token); the programs are small executables on a PATH of the test's own, which record the
argv they were given. The real baresip and Twinkle are called in tests/e2e/test_click_to_call.py.
"""

from __future__ import annotations

import contextlib
import json
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.dialing import DialPlacer
from desktop.adapters.sources.baresip_ctrl import BaresipCtrlSource
from desktop.core.dialects.baresip import Frame, NetstringDecoder
from desktop.core.dialers import Dialer, netstring
from desktop.core.events import CallEvent, CallState
from tests.adapters.recorder import EventRecorder

NUMBER = "+14155550142"
NOWHERE = "/nonexistent/callercard-test-path"  # a PATH with no program on it
SETTINGS_HINT = "Start it, or choose how calls are placed in Settings (Place calls with)."


class CtrlTcpAnswerer:
    """baresip's ctrl_tcp minus the SIP: answers each command, remembers what it was sent."""

    def __init__(self, *, ok: bool = True, data: str = "") -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.ok, self.data = ok, data
        self.commands: list[dict[str, object]] = []
        self.client: socket.socket | None = None
        self.connections = 0
        self._threads = [threading.Thread(target=self._serve, daemon=True)]
        self._threads[0].start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.client is not None:  # as ctrl_tcp does: the newcomer replaces it
                with contextlib.suppress(OSError):
                    self.client.shutdown(socket.SHUT_RDWR)  # wakes its answering thread
                self.client.close()
            self.client, self.connections = client, self.connections + 1
            answering = threading.Thread(target=self._answer, args=(client,), daemon=True)
            self._threads.append(answering)
            answering.start()

    def _answer(self, client: socket.socket) -> None:
        decoder = NetstringDecoder()
        while True:
            try:
                data = client.recv(4096)
            except OSError:
                return
            if not data:
                return
            for item in decoder.feed(data):
                assert isinstance(item, Frame)
                command = json.loads(item.payload)
                self.commands.append(command)
                answer = {"response": True, "ok": self.ok, "data": self.data,
                          "token": command.get("token")}  # fmt: skip
                client.sendall(netstring(json.dumps(answer).encode()))

    def event(self, body: dict[str, object]) -> None:
        assert self.client is not None
        self.client.sendall(netstring(json.dumps({"event": True, **body}).encode()))

    def close(self) -> None:
        # A socket closed in one thread does not wake another blocked in accept() or recv()
        # on Linux: shut down first, or each answerer's threads outlived it for the session.
        for sock in (self.client, self.server):
            if sock is not None:
                with contextlib.suppress(OSError):  # the app hung up first
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        for thread in self._threads:
            thread.join(5)


@pytest.fixture
def baresip() -> Iterator[CtrlTcpAnswerer]:
    peer = CtrlTcpAnswerer()
    yield peer
    peer.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def program(folder: Path, name: str, body: str) -> Path:
    """An executable that records its arguments in <name>.argv, then runs ``body``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    record = folder / f"{name}.argv"
    path.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n{body}\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def argv_of(folder: Path, name: str) -> list[str]:
    return (folder / f"{name}.argv").read_text(encoding="utf-8").splitlines()


def test_baresip_gets_dial_with_the_number_on_ctrl_tcp(baresip: CtrlTcpAnswerer) -> None:
    placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
    result = placer.place(Dialer.BARESIP, NUMBER)
    assert (result.placed, result.dialer, result.message) == (True, Dialer.BARESIP,
                                                               "Calling with baresip")  # fmt: skip
    assert [(c["command"], c["params"]) for c in baresip.commands] == [("dial", NUMBER)]


def test_baresip_refusing_the_call_says_what_it_said() -> None:
    peer = CtrlTcpAnswerer(ok=False, data="could not find UA\n")
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", peer.port))
        result = placer.place(Dialer.BARESIP, NUMBER)
    finally:
        peer.close()
    assert not result.placed
    assert result.message == (f"baresip (ctrl_tcp at 127.0.0.1:{peer.port}) refused the call: "
                              "could not find UA.")  # fmt: skip


def test_the_dial_goes_through_the_followed_event_stream_not_a_second_connection(
    baresip: CtrlTcpAnswerer,
) -> None:
    events = EventRecorder()
    source = BaresipCtrlSource(f"127.0.0.1:{baresip.port}", events.on_event, events.on_problem)
    source.start()
    try:
        # Its first command (callstat) is sent once its connection is the one it dials on:
        # the accept alone can come before that.
        events.wait_until(lambda: bool(baresip.commands), "the source to connect")
        placer = DialPlacer(search_path=NOWHERE, channels=lambda: [source])
        result = placer.place(Dialer.AUTOMATIC, NUMBER)
        baresip.event({"class": "call", "type": "CALL_RINGING", "direction": "outgoing",
                       "peeruri": f"sip:{NUMBER}@pbx.example.com", "id": "c1"})  # fmt: skip
        events.wait_until(lambda: events.events, "the call's event")
    finally:
        source.stop()
    assert result.placed and result.dialer is Dialer.BARESIP, result
    assert baresip.connections == 1, "a second connection would have pushed the source off"
    # The source asked on connecting what was already ringing (callstat), then came the dial.
    assert [(c["command"], c["params"]) for c in baresip.commands] == [
        ("callstat", ""), ("dial", NUMBER)]  # fmt: skip
    ringing: CallEvent = events.events[0]
    assert (ringing.state, ringing.number) == (CallState.RINGING, f"sip:{NUMBER}@pbx.example.com")
    assert events.problems == []


def test_a_followed_baresip_that_is_not_running_is_passed_over() -> None:
    port = closed_port()
    events = EventRecorder()
    source = BaresipCtrlSource(f"127.0.0.1:{port}", events.on_event, events.on_problem)
    source.start()
    try:
        placer = DialPlacer(search_path=NOWHERE, channels=lambda: [source])
        result = placer.place(Dialer.BARESIP, NUMBER)
    finally:
        source.stop()
    assert not result.placed
    assert result.message == f"baresip is not running at 127.0.0.1:{port}."
    assert result.detail == SETTINGS_HINT


def test_twinkle_running_is_handed_the_call(tmp_path: Path) -> None:
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    program(bin_dir, "twinkle", "exit 0")
    (home / ".twinkle").mkdir(parents=True)
    (home / ".twinkle" / ".cmdsock").touch()  # what a running Twinkle listens on
    result = DialPlacer(home=home, search_path=str(bin_dir)).place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer, result.message) == (True, Dialer.TWINKLE,
                                                               "Calling with Twinkle")  # fmt: skip
    assert argv_of(bin_dir, "twinkle") == ["--immediate", "--call", NUMBER]


def test_twinkle_that_cannot_reach_its_instance_says_so(tmp_path: Path) -> None:
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    # What twinkle prints (and exits 0) when the socket is there but nobody listens.
    program(bin_dir, "twinkle", 'echo "Failed to send CALL command to $HOME/.twinkle/.cmdsock"'
            ' >&2; echo "Connection refused" >&2; exit 0')  # fmt: skip
    (home / ".twinkle").mkdir(parents=True)
    (home / ".twinkle" / ".cmdsock").touch()
    result = DialPlacer(home=home, search_path=str(bin_dir)).place(Dialer.TWINKLE, NUMBER)
    assert not result.placed
    assert result.message.startswith("Twinkle did not take the call: Failed to send CALL command")


def test_twinkle_console_alone_cannot_place_calls(tmp_path: Path) -> None:
    program(tmp_path / "bin", "twinkle-console", "exit 0")
    placer = DialPlacer(home=tmp_path, search_path=str(tmp_path / "bin"))
    result = placer.place(Dialer.TWINKLE, NUMBER)
    assert not result.placed
    assert result.message == ("Only twinkle-console is installed, which takes no --call; "
                              "install Twinkle (package twinkle).")  # fmt: skip
    assert not (tmp_path / "bin" / "twinkle-console.argv").exists(), "never run"


def test_the_tel_handler_opens_the_tel_link(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    program(bin_dir, "xdg-mime", 'echo "org.example.Softphone.desktop"')
    program(bin_dir, "xdg-open", "exit 0")
    # A closed port for baresip: another program on 127.0.0.1:4444 would take the call.
    result = DialPlacer(home=tmp_path, search_path=str(bin_dir), platform="linux",
                        baresip_address=("127.0.0.1", closed_port())).place(
        Dialer.AUTOMATIC, NUMBER
    )  # fmt: skip
    assert (result.placed, result.dialer) == (True, Dialer.SYSTEM)
    assert result.message == "Opened the tel: link with org.example.Softphone.desktop"
    assert result.follows_up is False  # nothing will say when that call ends
    assert argv_of(bin_dir, "xdg-open") == ["tel:+14155550142"]


def test_microsip_is_found_where_windows_installs_it(tmp_path: Path) -> None:
    exe = tmp_path / "Program Files" / "MicroSIP" / "microsip.exe"
    exe.parent.mkdir(parents=True)
    exe.touch()
    placer = DialPlacer(search_path=NOWHERE, platform="win32",
                        environ={"ProgramFiles": str(tmp_path / "Program Files")})  # fmt: skip
    assert placer.installed(Dialer.MICROSIP)
    assert not DialPlacer(search_path=NOWHERE, platform="win32", environ={}).installed(
        Dialer.MICROSIP
    )


def test_with_nothing_to_call_with_every_reason_is_given(tmp_path: Path) -> None:
    port = closed_port()
    placer = DialPlacer(home=tmp_path, search_path=NOWHERE, baresip_address=("127.0.0.1", port),
                        platform="linux")  # fmt: skip
    result = placer.place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer) == (False, None)
    assert result.message == "No softphone could place the call."
    assert result.detail == (
        f"baresip is not listening on 127.0.0.1:{port} (ctrl_tcp); Twinkle is not installed; "
        "Linphone is not installed; MicroSIP runs on Windows only; "
        "no application is set to open tel: links. Install one, or choose how calls are "
        "placed in Settings (Place calls with)."
    )


def test_a_number_that_is_not_international_is_never_handed_over(
    baresip: CtrlTcpAnswerer,
) -> None:
    placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
    result = placer.place(Dialer.BARESIP, "--help")
    assert not result.placed
    assert "not a full international number" in result.message
    assert baresip.commands == []


def test_automatic_calls_with_the_twinkle_set_up_here_before_a_baresip_that_answers(
    tmp_path: Path, baresip: CtrlTcpAnswerer
) -> None:
    """A Twinkle rep's Call back went to a baresip listening on ctrl_tcp (another program's,
    not theirs): the call was reported placed and Twinkle never rang."""
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    program(bin_dir, "twinkle", "exit 0")
    (home / ".twinkle").mkdir(parents=True)
    (home / ".twinkle" / "rep.cfg").write_text("user_name=1001\n")
    (home / ".twinkle" / ".cmdsock").touch()
    placer = DialPlacer(home=home, search_path=str(bin_dir), platform="linux",
                        baresip_address=("127.0.0.1", baresip.port))  # fmt: skip
    result = placer.place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer) == (True, Dialer.TWINKLE), result
    assert argv_of(bin_dir, "twinkle") == ["--immediate", "--call", NUMBER]
    assert baresip.commands == []
    # With Twinkle not running, Automatic still goes on to the baresip that is.
    (home / ".twinkle" / ".cmdsock").unlink()
    result = placer.place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer) == (True, Dialer.BARESIP), result


def test_automatic_asks_a_running_baresip_before_starting_a_closed_linphone(
    tmp_path: Path, baresip: CtrlTcpAnswerer
) -> None:
    """Linphone set up here but closed was started (and rang nobody's desk phone) while the
    rep's baresip, running with its config outside ~/.baresip, sat idle: a softphone already
    running is asked first; one is started only when none is."""
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    program(bin_dir, "linphone", "exit 0")
    (home / ".config" / "linphone").mkdir(parents=True)
    (home / ".config" / "linphone" / "linphonerc").write_text("[sip]\n")
    placer = DialPlacer(home=home, search_path=str(bin_dir), platform="linux",
                        baresip_address=("127.0.0.1", baresip.port),
                        environ={"HOME": str(home)})  # fmt: skip
    result = placer.place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer) == (True, Dialer.BARESIP), result
    assert [c["params"] for c in baresip.commands] == [NUMBER]
    assert not (bin_dir / "linphone.argv").exists()
    # With no softphone running, the Linphone set up here is started to call.
    baresip.close()
    result = placer.place(Dialer.AUTOMATIC, NUMBER)
    assert (result.placed, result.dialer, result.message) == (
        True, Dialer.LINPHONE, "Calling with Linphone")  # fmt: skip
    assert argv_of(bin_dir, "linphone") == [f"call sip-address={NUMBER}"]


def test_a_linphonec_without_its_pipe_is_named_so_not_said_to_be_off(tmp_path: Path) -> None:
    """A rep with linphonec open at its prompt was told "Linphone is not running": linphonecsh
    reaches only a linphonec started with --pipe (or by `linphonecsh init`)."""
    bin_dir, pipe = tmp_path / "bin", tmp_path / "linphonec-pipe"
    program(bin_dir, "linphonecsh", "exit 0")
    placer = DialPlacer(home=tmp_path, search_path=str(bin_dir), platform="linux",
                        linphonec_pipe=pipe)  # fmt: skip
    result = placer.place(Dialer.LINPHONE, NUMBER)
    assert not result.placed
    assert result.message == (
        "No linphonec started with --pipe is running (linphonecsh reaches only that one, or one "
        "started by `linphonecsh init`).")  # fmt: skip
    pipe.touch()  # linphonec --pipe is up
    result = placer.place(Dialer.LINPHONE, NUMBER)
    assert (result.placed, result.message) == (True, "Calling with linphonec")
    assert argv_of(bin_dir, "linphonecsh")[-1] == NUMBER
