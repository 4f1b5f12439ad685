"""The hand-written protocol line is the line json.dumps writes, byte for byte, so an app that
reads lines with json (and a hook that writes them without it) never disagree."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.ipc import Ack, End, EndOutcome, Ring, decode, encode_ack
from desktop.core.ipc_line import OK_ACK_LINE, PROTOCOL_VERSION, hook_call_key, json_line
from tests.conftest import python_env

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


@pytest.mark.parametrize(
    "caller_id",
    ["Reception", "sip:front-desk@pbx", "Anonymous Coward", "12345", "030 90182013",
     "Front Desk <sip:fd@pbx>"],
)  # fmt: skip
def test_a_caller_id_that_is_no_number_but_not_withheld_keys_apart_from_withheld_calls(
    caller_id: str,
) -> None:
    # Keyed as withheld, an `end` with no caller ID closed the "Reception" card, and a
    # "Reception" call ringing with a withheld one shared its key.
    assert hook_call_key(caller_id) not in (hook_call_key(""), hook_call_key("anonymous"))
    assert hook_call_key(caller_id) == hook_call_key(caller_id)


# Caller IDs as phones send them, taken apart and put together: words from the withheld list
# and others, SIP addresses, digits (zeros too), marks, other scripts, control characters.
_PIECES = st.sampled_from(
    ["anonymous", "Out of Area", "P", "Reception", "front-desk", "Unterdrückt", "ＰＲＩＶＡＴＥ",
     "sip:", "tel:", "@", "anonymous.invalid", "<", ">", '"', ";", ":", "%20", "0", "00000",
     "1", "+", "-", "(", ")", ".", " ", "\t", "\x1c", "\u200b", "٠", "x", "#", ","]
)  # fmt: skip


@given(st.one_of(st.text(), st.lists(_PIECES, max_size=6).map("".join)))
def test_a_hook_keys_as_withheld_exactly_what_the_card_reads_as_withheld(caller_id: str) -> None:
    # hook_call_key reads the commonest shapes without callerid_text's imports: the two must
    # agree, or a card says "Number withheld" for a call keyed by its caller ID (or back).
    from desktop.core.callerid_text import split_number_text

    withheld = split_number_text(caller_id).withheld
    assert (hook_call_key(caller_id) == hook_call_key("")) == withheld


def test_every_withheld_word_is_withheld_for_the_hook_and_the_card() -> None:
    from desktop.core.callerid_text import split_number_text
    from desktop.core.withheld_words import WITHHELD_WORDS

    for word in WITHHELD_WORDS:
        assert split_number_text(word.upper()).withheld, word
        assert hook_call_key(word.upper()) == hook_call_key(""), word


def test_a_hook_reads_a_number_nothing_or_a_word_without_callerid_texts_imports() -> None:
    # callerid_text costs a hook ~22 ms of imports (re, unicodedata, urllib.parse): the
    # caller IDs a hook sees on nearly every call must not pay for it.
    script = (
        "import sys\n"
        "from desktop.core.ipc_line import hook_call_key\n"
        "for c in ('+14155550142', '(415) 555-0142', ''):\n"
        "    hook_call_key(c)\n"
        "light = 'desktop.core.withheld_words' not in sys.modules\n"
        "hook_call_key('Reception'); hook_call_key('anonymous')\n"
        "print(light, 'desktop.core.callerid_text' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env=python_env(), timeout=30)  # fmt: skip
    assert done.stdout.split() == ["True", "False"]
