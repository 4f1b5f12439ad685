"""Caller-ID text, numbers, the app's IPC lines and the URL endpoint's requests, fed their seed
corpus and mutants of it: only the documented errors, nothing hangs, well-formed results."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.adapters.url_endpoint import EndpointConfig, judge_request
from desktop.core import ipc
from desktop.core.caller_user_part import same_caller_key
from desktop.core.callerid_text import MAX_RAW_CHARS, split_number_text
from desktop.core.numbers import NumberPolicy, parse_number
from tests.core.test_numbers_property import _sound
from tests.fuzz import invariants
from tests.fuzz.corpus import Check, bounded, entries, fuzz_settings, mutants, replay_cases

POLICIES = (NumberPolicy("US", ("9",)), NumberPolicy("GB", ("9", "0")), NumberPolicy("DE"))
TOKEN = "Fz3dQ_k9"  # the token the url corpus entries carry
CONFIG = EndpointConfig(enabled=True, port=47123, token=TOKEN)
HEADERS = (
    {"Host": "127.0.0.1:47123"},
    {"host": "localhost:47123", "User-Agent": "Zoiper"},
    {"Host": "127.0.0.1:47123", "Sec-Fetch-Site": "none"},
)
_DIGITS = re.compile(r"[0-9]*")


def text_of(data: bytes) -> str:
    # Invalid UTF-8 becomes lone surrogates: text parsers must survive those too.
    return data.decode("utf-8", "surrogateescape")


def check_callerid_text(data: bytes) -> None:
    raw = text_of(data)
    got = split_number_text(raw)
    assert _DIGITS.fullmatch(got.digits) and _DIGITS.fullmatch(got.extension), got
    assert all(_DIGITS.fullmatch(guess) for guess in got.guesses), got
    if got.withheld:
        assert not got.digits and not got.problem, got
    if got.problem:
        invariants.one_line(got.problem)
        assert not got.digits
    if len(raw) > MAX_RAW_CHARS:
        assert got.problem and not got.digits


def check_numbers(data: bytes) -> None:
    raw = text_of(data)
    for policy in POLICIES:
        got = parse_number(raw, policy)
        assert got.raw == raw
        _sound(got)


def check_ipc(data: bytes) -> None:
    for decode, encode in ((ipc.decode, ipc.encode), (ipc.decode_ack, ipc.encode_ack)):
        try:
            message = decode(data)  # type: ignore[operator]
        except ipc.IpcError as exc:
            invariants.one_line(str(exc))
            continue
        for name in message.__slots__:
            value = getattr(message, name)
            if isinstance(value, str):
                value.encode("utf-8")  # storable: no lone surrogate
        again = encode(message)  # type: ignore[operator]
        assert again.endswith(b"\n") and again.count(b"\n") == 1
        assert decode(again) == message  # type: ignore[operator]


def check_url(data: bytes) -> None:
    # http.server decodes the request line as ISO-8859-1: every byte is a character.
    target = data.decode("iso-8859-1")
    now = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    for method in ("GET", "POST"):
        for headers in HEADERS:
            verdict = judge_request(method, target, headers, CONFIG, now=now)
            assert verdict.status in (200, 400, 403, 404, 405, 421), verdict
            invariants.one_line(verdict.reason)
            assert TOKEN not in verdict.reason
            if verdict.event is None:
                assert verdict.status != 200
                continue
            assert verdict.status == 200 and method == "GET"
            invariants.call_event(verdict.event, verdict.event.source)
            event = verdict.event
            assert event.number and event.number == event.number.strip()
            assert len(event.number) <= 512 and len(event.name) <= 512
            # keyed by the number; a caller ID that is none by what the history tells it by
            # ("sip:1001@pbx" and "1001" are one caller); a withheld one as every withheld is
            assert event.call_key in (f"hook:{event.number}", "hook:",
                                      f"hook:{same_caller_key(event.number)}")  # fmt: skip


CHECKS: dict[str, Check] = {
    "callerid_text": check_callerid_text,
    "numbers": check_numbers,
    "ipc": check_ipc,
    "url": check_url,
}
# Numbers are read from the same caller IDs as their text is.
CORPUS_OF = {"numbers": "callerid_text"}


def run(parser: str, data: bytes) -> None:
    with bounded(parser):
        CHECKS[parser](data)


@pytest.mark.parametrize(("parser", "data"), replay_cases(["callerid_text", "ipc", "url"]))
def test_every_corpus_entry_reads_cleanly(parser: str, data: bytes) -> None:
    for name, corpus in CORPUS_OF.items():
        if corpus == parser:
            run(name, data)
    run(parser, data)


@pytest.mark.parametrize("parser", list(CHECKS))
@fuzz_settings(200)
@given(draw=st.data())
def test_mutated_corpus_entries_read_cleanly(parser: str, draw: st.DataObject) -> None:
    run(parser, draw.draw(mutants(entries(CORPUS_OF.get(parser, parser))), label="input"))


@fuzz_settings(150)
@given(
    name=st.text(st.characters(exclude_categories=()), max_size=60),  # lone surrogates too
    number=st.sampled_from(entries("callerid_text")).map(text_of),
)
def test_a_ring_line_carries_any_name_unchanged(name: str, number: str) -> None:
    ring = ipc.Ring(caller_id=number, name=name, source="hook")
    got = ipc.decode(ipc.encode(ring))
    assert isinstance(got, ipc.Ring)
    if any("\ud800" <= c <= "\udfff" for c in name):
        # A lone surrogate (argv bytes that were not UTF-8) arrives as U+FFFD, the rest intact.
        assert len(got.name) <= len(name) and got.name.encode("utf-8")
        assert got.name.replace("\ufffd", "") == "".join(
            c for c in name if not "\ud800" <= c <= "\udfff"
        ).replace("\ufffd", "")
    else:
        assert got == ring
