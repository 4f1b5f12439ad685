"""Real calls to the softphones Debian ships, and what CallerCard makes of them.

SIPp calls each softphone on the loopback of a private network namespace as the prospect in
CallerCard's book (From: "Dana W" <sip:+14155550142@…>), lets it ring, and hangs up: the
prospect called back and nobody picked up. While it rings, CallerCard must pop the prospect's
card (Twinkle's incoming-call hook, baresip's ctrl_tcp event stream) and close it when the
caller hangs up; once the call is over (written down in twinkle.ch or Linphone's
call-history.db, or seen to close on baresip's stream), CallerCard must have recorded it,
once, as a missed call from that prospect. What these versions really do: softphones.md §8.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.missed_cards_file import MissedCardsFile
from desktop.core.events import CallState
from desktop.core.models import Direction
from tests.e2e.harness import (
    PROSPECT,
    Call,
    CallerCard,
    Namespace,
    Processes,
    Record,
    SourceWitness,
    connected,
    ring_then_cancel,
    wait_until,
)
from tests.e2e.softphones import (
    BARESIP_CTRL_PORT,
    BARESIP_SIP_PORT,
    BARESIP_USER,
    LINPHONE_SIP_PORT,
    LINPHONE_USER,
    TWINKLE_SIP_PORT,
    TWINKLE_USER,
    linphone_history,
    start_baresip,
    start_linphonec,
    start_twinkle,
    twinkle_history,
)

pytestmark = pytest.mark.slow

# Long enough that "popped while ringing" cannot be luck, short enough to keep the module fast.
RING_MS = 2500
# `callercard ring` takes ~0.2 s here (most of it Python starting); well past that, a caller
# would notice the silence before the ring.
HOOK_HOLD_LIMIT_MS = 2000


def home() -> Path:
    return Path(os.environ["HOME"])  # the suite's per-test home (tests/conftest.py)


def assert_card_popped_while_ringing(callercard: CallerCard, call: Call, dana: int) -> Record:
    shown = callercard.wait_for(
        lambda r: r["stage"] == "shown", "the card to pop while the phone rings",
        timeout=RING_MS / 1000 + 10,
    )  # fmt: skip
    matched = next(r for r in callercard.records() if r["stage"] == "matched")
    assert matched["match"] == "exact", matched
    assert matched["contacts"] == [dana], "the card is the prospect's"
    assert PROSPECT.number[1:] in str(shown["caller_id"])
    assert int(shown["t_ns"]) < call.cancel_not_before_ns, (
        f"the card popped {(int(shown['t_ns']) - call.sent_ns) / 1e6:.0f} ms after the call "
        f"was placed, after the caller had hung up (rang {RING_MS} ms)"
    )
    return shown


def assert_card_turned_missed_when_the_caller_gave_up(callercard: CallerCard, call: Call,
                                               shown: Record) -> None:  # fmt: skip
    ended = callercard.wait_for(
        lambda r: r["stage"] == "ended" and r["call_key"] == shown["call_key"],
        "the card to turn missed when the caller hung up",
    )
    # Nobody answered: the ringing card turns into the missed call's (Call back, Dismiss).
    assert (ended["missed"], ended["kept"], ended["closed"]) == (True, True, False), ended
    assert int(ended["t_ns"]) >= call.cancel_not_before_ns, "ended before the caller hung up"


def assert_missed_call_read(witness: SourceWitness) -> None:
    event = witness.wait_for(lambda e: PROSPECT.number in e.number, "the prospect's call")
    assert event.direction is Direction.IN, event
    assert event.state is CallState.MISSED, event
    assert event.name == PROSPECT.display, event


def test_twinkle_hook_pops_the_card_and_twinkle_ch_records_the_missed_call(
    callercard: CallerCard, processes: Processes, tmp_path: Path
) -> None:
    dana = callercard.import_book(tmp_path, PROSPECT)
    history = twinkle_history(home())
    callercard.start(f"twinkle:{history}")
    start_twinkle(processes, home(),
                  ring_hook=callercard.hook_command("ring", "--source", "twinkle"),
                  end_hook=callercard.hook_command("end", "--source", "twinkle"))  # fmt: skip

    placed = time.time()
    with SourceWitness("twinkle", history) as witness:
        call = ring_then_cancel(processes, tmp_path, to_user=TWINKLE_USER,
                                to_port=TWINKLE_SIP_PORT, ring_ms=RING_MS)  # fmt: skip
        shown = assert_card_popped_while_ringing(callercard, call, dana)
        # Twinkle writes twinkle.ch only when a call ends: the card cannot have come from it.
        assert not history.exists() or PROSPECT.number not in history.read_text("utf-8")

        call.wait_done()
        assert_card_turned_missed_when_the_caller_gave_up(callercard, call, shown)
        # Twinkle holds the call until its hook returns: the caller hears nothing meanwhile.
        held_ms = call.ringing_after_ms()
        assert held_ms < HOOK_HOLD_LIMIT_MS, f"the hook held Twinkle's ring for {held_ms:.0f} ms"
        wait_until(lambda: history.exists() and PROSPECT.number in history.read_text("utf-8"),
                   "Twinkle to write the call to twinkle.ch")  # fmt: skip
        assert_missed_call_read(witness)
    calls = callercard.wait_for_incoming_calls(PROSPECT.number, since=placed)
    assert [c["outcome"] for c in calls] == ["missed"], calls


def test_baresip_event_stream_pops_the_card_while_it_rings(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    dana = callercard.import_book(tmp_path, PROSPECT)
    start_baresip(processes, tmp_path / "baresip")
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    # ctrl_tcp sends its events to the one client connected when they happen.
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip

    placed = time.time()
    call = ring_then_cancel(processes, tmp_path, to_user=BARESIP_USER, to_port=BARESIP_SIP_PORT,
                            ring_ms=RING_MS)  # fmt: skip
    shown = assert_card_popped_while_ringing(callercard, call, dana)
    call.wait_done()
    assert_card_turned_missed_when_the_caller_gave_up(callercard, call, shown)
    # baresip writes no history: CallerCard keeps the call it followed (closed, never answered).
    calls = callercard.wait_for_incoming_calls(PROSPECT.number, since=placed)
    assert [c["outcome"] for c in calls] == ["missed"], calls


def test_baresip_call_already_ringing_when_callercard_starts_pops_its_card(
    callercard: CallerCard, processes: Processes, tmp_path: Path
) -> None:
    """Its CALL_INCOMING went to nobody: CallerCard asks baresip (callstat) on connecting."""
    dana = callercard.import_book(tmp_path, PROSPECT)
    baresip = start_baresip(processes, tmp_path / "baresip")
    ring_ms = 6_000  # rings from before CallerCard starts until well after its card is up
    call = ring_then_cancel(processes, tmp_path, to_user=BARESIP_USER, to_port=BARESIP_SIP_PORT,
                            ring_ms=ring_ms)  # fmt: skip
    baresip.wait_for_output("Incoming call from", "baresip to ring")
    placed = time.time()
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    shown = callercard.wait_for(lambda r: r["stage"] == "shown",
                                "the card of the call ringing at start", timeout=ring_ms / 1000)
    matched = next(r for r in callercard.records() if r["stage"] == "matched")
    assert matched["contacts"] == [dana], "the card is the prospect's"
    assert int(shown["t_ns"]) < call.cancel_not_before_ns, "popped after the caller hung up"
    call.wait_done()
    assert_card_turned_missed_when_the_caller_gave_up(callercard, call, shown)
    calls = callercard.wait_for_incoming_calls(PROSPECT.number, since=placed)
    assert [c["outcome"] for c in calls] == ["missed"], calls
    assert len([r for r in callercard.records() if r["stage"] == "shown"]) == 1, "popped once"


def test_baresip_killed_while_it_rings_closes_the_card_and_keeps_the_call(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    """baresip dies mid-ring (SIGKILL: no CALL_CLOSED is ever sent): the card does not stay
    up for a call nobody can answer any more, and the call is logged, outcome unknown."""
    dana = callercard.import_book(tmp_path, PROSPECT)
    baresip = start_baresip(processes, tmp_path / "baresip")
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip
    placed = time.time()
    call = ring_then_cancel(processes, tmp_path, to_user=BARESIP_USER, to_port=BARESIP_SIP_PORT,
                            ring_ms=6_000)  # fmt: skip
    shown = assert_card_popped_while_ringing(callercard, call, dana)
    os.killpg(baresip.proc.pid, signal.SIGKILL)
    ended = callercard.wait_for(
        lambda r: r["stage"] == "ended" and r["call_key"] == shown["call_key"],
        "the card to close when baresip went away",
    )
    assert int(ended["t_ns"]) < call.cancel_not_before_ns, "closed only when the caller gave up"
    assert (ended["missed"], ended["closed"]) == (False, True), ended
    calls = callercard.wait_for_incoming_calls(PROSPECT.number, since=placed)
    assert [c["outcome"] for c in calls] == [""], calls


def test_linphonec_call_history_records_the_missed_call_and_leaves_its_card_once(
    callercard: CallerCard, processes: Processes, tmp_path: Path
) -> None:
    """linphonec 5.1 writes the call only once it is over: no card rang for it, so the missed
    call's card comes when the row does, and a restart (which reads the row again) does not
    make a second one; the card still open at the quit is the one that comes back."""
    callercard.import_book(tmp_path, PROSPECT)
    start_linphonec(processes, home(), tmp_path / "linphonerc")
    history = linphone_history(home())
    callercard.start(f"linphone-legacy:{history}")

    def callers() -> list[str]:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{history}?mode=ro", uri=True)) as db:
                return [row[0] for row in db.execute("SELECT caller FROM call_history")]
        except sqlite3.OperationalError:
            return []  # not there yet, or linphonec is mid-write (its journal fails readers)

    placed = time.time()
    with SourceWitness("linphone-legacy", history) as witness:
        call = ring_then_cancel(processes, tmp_path, to_user=LINPHONE_USER,
                                to_port=LINPHONE_SIP_PORT, ring_ms=1000)  # fmt: skip
        call.wait_done()
        wait_until(lambda: any(PROSPECT.number in caller for caller in callers()),
                   "linphonec to write the call to call-history.db")  # fmt: skip
        assert_missed_call_read(witness)
    calls = callercard.wait_for_incoming_calls(PROSPECT.number, since=placed)
    assert [c["outcome"] for c in calls] == ["missed"], calls
    card = callercard.wait_for(lambda r: r["stage"] == "missed_card", "the missed call's card")
    assert (card["rang_unseen"], card["call_back"]) == (True, True), card
    assert PROSPECT.number[1:] in str(card["caller_id"])
    assert not [r for r in callercard.records() if r["stage"] == "shown"], "it never rang here"

    callercard.quit()
    seen = len(callercard.records())
    callercard.start(f"linphone-legacy:{history}")
    wait_until(lambda: [r["stage"] for r in callercard.records()[seen:]].count("ready") == 1,
               "CallerCard to start again")  # fmt: skip
    time.sleep(0.5)  # a first read that made a card would have done so by now
    again = [r for r in callercard.records()[seen:] if r["stage"] == "missed_card"]
    assert [(r.get("restored"), r.get("rang_unseen")) for r in again] == [(True, None)], again


def test_baresip_call_answered_from_a_number_with_a_missed_card_takes_the_card_away(
    callercard: CallerCard, processes: Processes, netns: Namespace, tmp_path: Path
) -> None:
    """Used as a rep: the prospect's missed call left its card ("Missed call · 14:05", Call
    back); they rang again and the rep picked up. Callbacks no longer counted them as
    waiting, but the card stayed up offering Call back, and came back after a restart."""
    dana = callercard.import_book(tmp_path, PROSPECT)
    console = 5999
    start_baresip(processes, tmp_path / "baresip", console_port=console)
    callercard.start(f"baresip:127.0.0.1:{BARESIP_CTRL_PORT}")
    wait_until(lambda: connected(netns, BARESIP_CTRL_PORT),
               "CallerCard to connect to baresip's ctrl_tcp port",
               detail=callercard.log_tail)  # fmt: skip
    missed = ring_then_cancel(processes, tmp_path, to_user=BARESIP_USER,
                              to_port=BARESIP_SIP_PORT, ring_ms=RING_MS)  # fmt: skip
    first = assert_card_popped_while_ringing(callercard, missed, dana)
    missed.wait_done()
    assert_card_turned_missed_when_the_caller_gave_up(callercard, missed, first)
    kept = MissedCardsFile(callercard.data / "missed-cards.json")
    wait_until(lambda: bool(kept.load()), "the missed card to be kept for the next start")

    answered = ring_then_cancel(processes, tmp_path, to_user=BARESIP_USER,
                                to_port=BARESIP_SIP_PORT, ring_ms=1500,
                                scenario="ring_then_answer.xml")  # fmt: skip
    callercard.wait_for(lambda r: r["stage"] == "shown" and r["call_key"] != first["call_key"],
                        "the second call's card")  # fmt: skip
    accept = "import socket; socket.socket(2, 2).sendto(b'/accept\\n', ('127.0.0.1', %d))"
    netns.run([sys.executable, "-c", accept % console])  # the rep picks up
    took = callercard.wait_for(lambda r: r["stage"] == "answered", "the answer to be seen")
    assert took["missed_cards_closed"] == 1, took
    answered.wait_done()
    callercard.wait_for(lambda r: r["stage"] == "ended" and r["call_key"] != first["call_key"],
                        "the answered call to end")  # fmt: skip
    callercard.quit()
    assert kept.load() == [], "the missed card would come back at the next start"
