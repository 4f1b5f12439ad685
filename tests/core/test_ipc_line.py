"""The hand-written protocol line is the line json.dumps writes, byte for byte, so an app that
reads lines with json (and a hook that writes them without it) never disagree."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.ipc import Ack, End, EndOutcome, Ring, decode, encode_ack
from desktop.core.ipc_line import OK_ACK_LINE, PROTOCOL_VERSION, hook_call_key, json_line

VALUES = st.one_of(st.text(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70))


def _json_dumps_line(body: dict[str, str | int | bool]) -> bytes:
    return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


@given(st.dictionaries(st.text(), VALUES, max_size=6))
def test_any_flat_object_is_written_as_json_dumps_writes_it(
    body: dict[str, str | int | bool],
) -> None:
    assert json_line(body) == _json_dumps_line(body)


def test_the_awkward_characters_are_escaped_as_json_escapes_them() -> None:
    # quotes and backslashes, every control character, DEL, a lone surrogate (undecodable bytes
    # a softphone passed), a character outside the BMP, and non-ASCII names
    text = '"\\' + "".join(map(chr, range(0x20))) + "\x7f\udc80😀Zoë Ångström O'Neil"
    body: dict[str, str | int | bool] = {"name": text, "t_ns": 2**63 - 1, "ok": False}

    assert json_line(body) == _json_dumps_line(body)


@given(st.text(), st.text(), st.text(), st.text(), st.integers(0, 2**63 - 1))
def test_a_ring_written_by_hand_reads_back_as_the_same_ring(
    caller_id: str, name: str, source: str, call_key: str, t_ns: int
) -> None:
    line = json_line({"protocol_version": PROTOCOL_VERSION, "kind": "ring",
                      "caller_id": caller_id, "name": name, "source": source,
                      "call_key": call_key, "t_ns": t_ns})  # fmt: skip
    ring = decode(line)

    assert isinstance(ring, Ring)
    assert (ring.t_ns, ring.caller_id.isascii()) == (t_ns, caller_id.isascii())


def test_an_end_says_its_outcome_in_the_line_json_would_write() -> None:
    line = json_line({"protocol_version": PROTOCOL_VERSION, "kind": "end", "call_key": "",
                      "caller_id": "+14155550123", "outcome": "missed"})  # fmt: skip

    assert decode(line) == End(caller_id="+14155550123", outcome=EndOutcome.MISSED)


def test_the_ack_a_hook_expects_is_the_one_the_app_sends() -> None:
    assert encode_ack(Ack(True)) == OK_ACK_LINE


@pytest.mark.parametrize(
    "withheld",
    ["anonymous", "Anonymous", "Restricted", "Private", "unknown", "Unavailable", " ",
     '"Anonymous" <sip:anonymous@anonymous.invalid>', "sip:anonymous@10.0.0.1"],
)  # fmt: skip
def test_every_withheld_caller_id_keys_as_the_end_with_none_does(withheld: str) -> None:
    # `ring anonymous` then `end` with no caller ID (MicroSIP, a From without a user part).
    assert hook_call_key(withheld) == hook_call_key("")


def test_numbers_key_apart() -> None:
    keys = {hook_call_key(n) for n in ("+14155550142", "+14155550178", "")}
    assert len(keys) == 3
