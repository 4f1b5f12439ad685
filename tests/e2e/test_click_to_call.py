"""Click to call through real softphones: the call CallerCard asks for is the one the far end
gets.

SIPp plays the prospect's phone on 127.0.0.1:5060 of the test's private namespace: it rings
for a moment, then says "486 Busy Here" (ring_then_busy.xml), so no audio is ever needed. The
softphone is asked to call the prospect's number exactly as the Call buttons ask it
(adapters/dialing.py, here through `callercard call`), and the INVITE SIPp receives must be
for that number. Twinkle is its full build in command-line mode (twinkle-console has no
--call); baresip takes `dial` on ctrl_tcp, both as a client of its own and through the event
stream the running app already follows, where the call must then be logged once and its end
log it "No answer", with no wrap-up to ask (it reached nobody).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.e2e.harness import (
    PROSPECT,
    SCENARIOS,
    Call,
    CallerCard,
    Namespace,
    Processes,
    Record,
    connected,
    require,
    wait_until,
)
from tests.e2e.softphones import BARESIP_CTRL_PORT, start_baresip, start_twinkle_gui

pytestmark = pytest.mark.slow

FAR_END_PORT = 5060  # where Twinkle sends a bare number (user_domain=127.0.0.1)
RING_MS = 1500


def home() -> Path:
    return Path(os.environ["HOME"])  # the suite's per-test home (tests/conftest.py)


def far_end_rings_then_busy(processes: Processes, netns: Namespace, tmp: Path,
                            scenario: str = "ring_then_busy.xml") -> Call:  # fmt: skip
    """SIPp waiting for one call on 127.0.0.1:5060; returns once it listens."""
    sipp = require("sipp")
    logs = tmp / "logs"
    messages = logs / "far-end-messages.log"
    argv = [
        sipp, "-sf", str(SCENARIOS / scenario), "-d", str(RING_MS),
        "-i", "127.0.0.1", "-p", str(FAR_END_PORT), "-m", "1",
        "-timeout", "30s", "-timeout_error", "-nostdin",
        "-trace_msg", "-message_file", str(messages),
        "-trace_err", "-error_file", str(logs / "far-end-errors.log"),
    ]  # fmt: skip
    started = processes.start("far-end", argv, cwd=logs)
    ss = require("ss")
    wait_until(lambda: bool(netns.run([ss, "-Hlun", f"( sport = :{FAR_END_PORT} )"]).stdout),
               "SIPp to listen as the far end", detail=started.output)  # fmt: skip
    return Call(started, time.monotonic_ns(), RING_MS, messages)


def dialled_user(call: Call) -> str:
    """The user part of the first INVITE's request URI the far end received."""
    text = call.messages.read_text("utf-8", "replace") if call.messages.exists() else ""
    for line in text.splitlines():
        if line.startswith("INVITE "):
            uri = line.split(" ")[1]
            return uri.removeprefix("sip:").split("@", 1)[0]
    pytest.fail(f"the far end received no INVITE:\n{text[-3000:]}")


def call_from_the_command_line(processes: Processes, callercard: CallerCard,
                               *args: str) -> Record:  # fmt: skip
    """`callercard call … --json` inside the namespace, as a script or the buttons would."""
    argv = [sys.executable, "-m", "desktop", "call", *args, "--json",
            "--data-dir", str(callercard.data)]  # fmt: skip
    started = processes.start("callercard-call", argv,
                              env=python_env(QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    code = started.wait(30)
    lines = [line for line in started.output().splitlines() if line.startswith("{")]
    assert lines, f"no JSON from `callercard call` (exit {code}):\n{started.output()}"
    outcome: Record = json.loads(lines[-1])
    assert code == (0 if outcome["placed"] else 1), outcome
    return outcome


def test_twinkle_places_the_call_for_the_number_asked(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    start_twinkle_gui(processes, home())
    far_end = far_end_rings_then_busy(processes, netns, tmp_path)

    outcome = call_from_the_command_line(processes, callercard, PROSPECT.number,
                                         "--with", "twinkle")  # fmt: skip

    assert outcome == {"placed": True, "number": PROSPECT.number, "dialer": "twinkle",
                       "message": "Calling with Twinkle", "detail": ""}  # fmt: skip
    far_end.wait_done()
    assert dialled_user(far_end) == PROSPECT.number


def test_baresip_places_the_call_for_the_number_asked(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    start_baresip(processes, tmp_path / "baresip", outbound=f"sip:127.0.0.1:{FAR_END_PORT}")
    far_end = far_end_rings_then_busy(processes, netns, tmp_path)

    # A national number: completed with the home region, as the buttons' numbers are stored.
    outcome = call_from_the_command_line(processes, callercard, "(415) 555-0142",
                                         "--region", "US")  # fmt: skip

    assert outcome == {"placed": True, "number": PROSPECT.number, "dialer": "baresip",
                       "message": "Calling with baresip", "detail": ""}  # fmt: skip
    far_end.wait_done()
    assert dialled_user(far_end) == PROSPECT.number


def test_nothing_to_call_with_says_so(callercard: CallerCard, processes: Processes) -> None:
    outcome = call_from_the_command_line(processes, callercard, PROSPECT.number,
                                         "--with", "baresip")  # fmt: skip
    assert outcome["placed"] is False
    assert outcome["message"] == (
        f"baresip is not listening on 127.0.0.1:{BARESIP_CTRL_PORT} (ctrl_tcp)."), outcome
    assert outcome["detail"].startswith("Start it, or choose how calls are placed"), outcome


def test_a_call_placed_through_the_followed_baresip_is_logged_once(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    dana = callercard.import_book(tmp_path, PROSPECT)
    start_baresip(processes, tmp_path / "baresip", outbound=f"sip:127.0.0.1:{FAR_END_PORT}")
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip
    far_end = far_end_rings_then_busy(processes, netns, tmp_path)

    placed = callercard.cli("call", PROSPECT.number)
    assert placed.returncode == 0, placed.stderr

    dialed = callercard.wait_for(lambda r: r["stage"] == "dialed", "the app to place the call")
    assert dialed["caller_id"] == PROSPECT.number and dialed["dialer"] == "baresip", dialed
    assert dialed["followed"] is True, dialed
    # Logged once, by whichever reached the history first: the button's row (then taken
    # over by baresip's report) or baresip's CALL_RINGING (the dial is asked from a worker).
    logged = callercard.wait_for(
        lambda r: r["stage"] == "recorded" and r.get("wrap_up") is False,
        "the placed call to be logged",
    )
    far_end.wait_done()
    assert dialled_user(far_end) == PROSPECT.number
    # baresip's end (CALL_CLOSED after it rang: "486 Busy Here") finishes that attempt as
    # "No answer", and asks nothing: it reached nobody, there is nothing to wrap up.
    ended = callercard.wait_for(
        lambda r: r["stage"] == "recorded" and r.get("outcome") == "no_answer", "the call's end"
    )
    assert ended["attempt"] == logged["attempt"], (ended, logged)
    assert str(ended["call_key"]).startswith("baresip:"), ended
    assert ended["wrap_up"] is False, ended
    assert "wrap-up shown" not in callercard.log_tail()
    card = callercard.lookup(PROSPECT.number)
    assert card["contacts"][0]["id"] == dana
    calls_out = [a for a in card["contacts"][0]["last_attempts"] if a["direction"] == "out"]
    assert len(calls_out) == 1, f"the call was logged {len(calls_out)} times: {calls_out}"
    # The dial went through the app's own ctrl_tcp connection, which was never pushed off.
    assert "closed the connection" not in callercard.log_tail()


def test_a_call_back_baresip_could_not_place_is_logged_failed_and_stays_due(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    """The prospect's missed call waits in Callbacks; the rep calls back and the far end says
    "404 Not Found" before anything rang: logged as a failed call, no wrap-up, still due."""
    callercard.import_book(tmp_path, PROSPECT)
    start_baresip(processes, tmp_path / "baresip", outbound=f"sip:127.0.0.1:{FAR_END_PORT}")
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip
    for verb in (["ring"], ["end", "--missed"]):  # a ring hook's missed call, to call back
        assert callercard.cli(*verb, PROSPECT.number).returncode == 0
    callercard.wait_for(lambda r: r["stage"] == "recorded" and r.get("outcome") == "missed",
                        "the missed call")  # fmt: skip
    far_end = far_end_rings_then_busy(processes, netns, tmp_path, "not_found.xml")

    placed = callercard.cli("call", PROSPECT.number)
    assert placed.returncode == 0, placed.stderr
    far_end.wait_done()
    # Whichever reached the history first (the button's row or baresip's CALL_CLOSED), the
    # call is recorded failed, and the callback it took off for a moment is counted again.
    failed = callercard.wait_for(
        lambda r: r["stage"] == "recorded" and r.get("outcome") == "failed", "the failed call")
    assert failed["wrap_up"] is False, failed
    callercard.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 1,
                        "'Callbacks (1 due)' again")  # fmt: skip
    wait_until(lambda: "could not place the call" in callercard.log_tail(),
               "the rep to be told", detail=callercard.log_tail)  # fmt: skip
    due = json.loads(callercard.cli("callbacks", "--json").stdout)
    assert due["due"] == 1 and due["waiting_for_us"][0]["number"] == PROSPECT.number, due


def test_linphonec_places_the_call_for_the_number_asked(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    exe = require("linphonec")
    require("linphonecsh")
    (home() / ".local/share/linphone").mkdir(parents=True, exist_ok=True)
    rc = tmp_path / "linphonerc"
    # A proxy that is never registered with: a bare number completes to its domain, the far end.
    rc.write_text(
        "[sip]\nsip_port=5074\nsip_tcp_port=0\nsip_tls_port=0\ndefault_proxy=0\n"
        f"[proxy_0]\nreg_proxy=sip:127.0.0.1:{FAR_END_PORT}\nreg_identity=sip:1003@127.0.0.1\n"
        "reg_sendregister=0\n[video]\nenabled=0\ncapture=0\ndisplay=0\n",
        encoding="utf-8",
    )
    # --pipe: linphonec listens on /tmp/linphonec-UID, where linphonecsh sends its commands.
    linphonec = processes.start("linphonec", [exe, "--pipe", "-c", str(rc), "-d", "0"],
                                quit_line="quit")  # fmt: skip
    linphonec.wait_for_output("linphonec>", "linphonec's command prompt")
    far_end = far_end_rings_then_busy(processes, netns, tmp_path)

    try:
        outcome = call_from_the_command_line(processes, callercard, PROSPECT.number,
                                             "--with", "linphone")  # fmt: skip
        far_end.wait_done()
    finally:
        # With --pipe, linphonec takes seconds to obey "quit"; SIGTERM (to its process group,
        # which this test started) ends it at once.
        os.killpg(linphonec.proc.pid, signal.SIGTERM)
        linphonec.proc.wait(10)
    assert outcome["placed"] is True and outcome["dialer"] == "linphone", outcome
    assert dialled_user(far_end) == PROSPECT.number


def test_a_call_back_that_rang_then_met_a_busy_line_is_logged_no_answer_and_stays_due(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    """The prospect's missed call waits in Callbacks; the rep calls back, it rings at their
    end (180 Ringing) and then "486 Busy Here": logged "Called" it counted as a return that
    reached them. Logged No answer, the missed call stays due."""
    callercard.import_book(tmp_path, PROSPECT)
    start_baresip(processes, tmp_path / "baresip", outbound=f"sip:127.0.0.1:{FAR_END_PORT}")
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip
    for verb in (["ring"], ["end", "--missed"]):  # a ring hook's missed call, to call back
        assert callercard.cli(*verb, PROSPECT.number).returncode == 0
    callercard.wait_for(lambda r: r["stage"] == "recorded" and r.get("outcome") == "missed",
                        "the missed call")  # fmt: skip
    far_end = far_end_rings_then_busy(processes, netns, tmp_path)

    placed = callercard.cli("call", PROSPECT.number)
    assert placed.returncode == 0, placed.stderr
    far_end.wait_done()
    unanswered = callercard.wait_for(
        lambda r: r["stage"] == "recorded" and r.get("outcome") == "no_answer", "the busy call")
    assert str(unanswered["call_key"]).startswith("baresip:"), unanswered
    callercard.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 1,
                        "'Callbacks (1 due)' again")  # fmt: skip
    due = json.loads(callercard.cli("callbacks", "--json").stdout)
    assert due["due"] == 1 and due["waiting_for_us"][0]["number"] == PROSPECT.number, due
    calls = json.loads(callercard.cli("calls", "--json").stdout)
    rows = calls if isinstance(calls, list) else calls["calls"]
    assert [r["outcome"] for r in rows if r["direction"] == "out"] == ["no_answer"], rows
