"""The single-instance wire protocol: what round-trips, and every way a line is refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.ipc import (
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    Ack,
    Dial,
    End,
    EndOutcome,
    IpcError,
    Message,
    OpenImport,
    Ping,
    Quit,
    Ring,
    Show,
    ShowTarget,
    decode,
    decode_ack,
    encode,
    encode_ack,
)

MESSAGES: list[Message] = [
    Ring(caller_id="+14155550123", name="Jane Doe", source="microsip", call_key="12", t_ns=5),
    Ring(caller_id="anonymous"),
    Ring(caller_id="", name='Zoë "the boss" O\'Neil\n<b>x</b>', source="twinkle"),
    Ring(caller_id="+442079460321@trunk.example.net;user=phone", name="株式会社 🙂"),
    Ring(caller_id="1001", t_ns=2**63 - 1),
    End(call_key="12"),
    End(caller_id="+14155550123"),
    End(call_key="k", caller_id="1001"),
    End(caller_id="1001", outcome=EndOutcome.MISSED),
    End(call_key="k", outcome=EndOutcome.ANSWERED),
    Show(),
    Show(ShowTarget.SETTINGS),
    Quit(),
    Ping(),
    OpenImport("/home/rep/Downloads/Messe 2026 – Kontakte.csv"),
    Dial("+14155550142"),
]


@pytest.mark.parametrize("message", MESSAGES, ids=repr)
def test_every_message_round_trips(message: Message) -> None:
    line = encode(message)

    assert decode(line) == message
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1  # a newline in a caller's name must not split the message
    assert line.isascii()


def test_line_carries_version_and_kind() -> None:
    body = json.loads(encode(Ring("1001")))

    assert body["protocol_version"] == PROTOCOL_VERSION == 2
    assert body["kind"] == "ring"


def test_decode_accepts_the_line_without_its_newline() -> None:
    assert decode(encode(Quit()).rstrip(b"\n")) == Quit()


@given(
    caller_id=st.text(max_size=200),
    name=st.text(max_size=200),
    source=st.text(max_size=20),
    call_key=st.text(max_size=40),
    t_ns=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_any_text_round_trips(
    caller_id: str, name: str, source: str, call_key: str, t_ns: int
) -> None:
    ring = Ring(caller_id, name, source, call_key, t_ns)

    assert decode(encode(ring)) == ring


@pytest.mark.parametrize("ack", [Ack(True), Ack(False, "unknown kind 'x'")])
def test_ack_round_trips(ack: Ack) -> None:
    assert decode_ack(encode_ack(ack)) == ack


def test_a_message_is_not_an_ack() -> None:
    with pytest.raises(IpcError, match="expected an ack"):
        decode_ack(encode(Quit()))


def test_an_ack_is_not_a_message() -> None:
    with pytest.raises(IpcError, match="not a message"):
        decode(encode_ack(Ack(True)))


_DROP = object()  # marks a field to leave out

_VALID_FIELDS: dict[str, dict[str, object]] = {
    "ring": {"caller_id": "+1415", "name": "", "source": "hook", "call_key": "", "t_ns": 0},
    "end": {"call_key": "7", "caller_id": "", "outcome": ""},
    "show": {"window": "search"},
    "quit": {},
    "import": {"path": "/tmp/contacts.csv"},
}


def _line(template: str = "ring", /, **fields: object) -> bytes:
    """A line that is a valid `template` message except for `fields`."""
    body: dict[str, object] = {"protocol_version": 2, "kind": template, **_VALID_FIELDS[template]}
    body.update(fields)
    return json.dumps({k: v for k, v in body.items() if v is not _DROP}).encode()


BAD_LINES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "not JSON"),
    ("not json", b"ring +14155550123\n", "not JSON"),
    ("truncated", b'{"protocol_version": 1, "kind": "ri', "not JSON"),
    ("not utf-8", b'{"kind": "\xff\xfe"}\n', "not UTF-8"),
    ("array", b"[1, 2]", "expected a JSON object, got an array"),
    ("string", b'"ring"', "expected a JSON object, got a string"),
    ("null", b"null", "expected a JSON object, got null"),
    ("NaN", b'{"protocol_version": NaN}', "NaN is not a JSON value"),
    ("Infinity", b'{"t_ns": Infinity}', "Infinity is not a JSON value"),
    ("huge int", b'{"protocol_version": ' + b"9" * 5000 + b"}", "number is too long"),
    ("deep nesting", b"[" * 60000, "nested too deeply"),
    ("two lines", encode(Quit()) + encode(Quit()), "more than one line"),
    ("oversize", b" " * MAX_LINE_BYTES + b"{}", f"over the {MAX_LINE_BYTES}-byte limit"),
    ("no version", _line(protocol_version=_DROP), "missing field 'protocol_version'"),
    ("newer version", _line(protocol_version=3), "unsupported protocol_version 3"),
    ("older version", _line(protocol_version=1), "unsupported protocol_version 1"),
    ("version 0", _line(protocol_version=0), "unsupported protocol_version 0"),
    ("end outcome unknown", _line("end", outcome="voicemail"), "field 'outcome' must be"),
    ("version as text", _line(protocol_version="2"), "'protocol_version' must be an integer"),
    ("version as float", _line(protocol_version=2.0), "'protocol_version' must be an integer"),
    ("version as bool", _line(protocol_version=True), "'protocol_version' must be an integer"),
    ("no kind", _line(kind=_DROP), "missing field 'kind'"),
    ("kind not text", _line(kind=3), "field 'kind' must be a string"),
    ("unknown kind", _line("quit", kind="dial"), "unknown kind 'dial'"),
    ("long unknown kind", _line("quit", kind="x" * 5000), "unknown kind 'xxxxx"),
    ("missing caller_id", _line(caller_id=_DROP), "missing field 'caller_id' in a 'ring'"),
    ("missing t_ns", _line(t_ns=_DROP), "missing field 't_ns'"),
    ("caller_id number", _line(caller_id=14155550123), "'caller_id' must be a string, got an"),
    ("caller_id null", _line(caller_id=None), "'caller_id' must be a string, got null"),
    ("name list", _line(name=["Jane"]), "'name' must be a string, got an array"),
    ("source object", _line(source={}), "'source' must be a string, got an object"),
    ("t_ns text", _line(t_ns="5"), "'t_ns' must be an integer, got a string"),
    ("t_ns float", _line(t_ns=5.5), "'t_ns' must be an integer, got a number"),
    ("t_ns bool", _line(t_ns=True), "'t_ns' must be an integer, got true/false"),
    ("t_ns negative", _line(t_ns=-1), "'t_ns' out of range"),
    ("t_ns past 64 bits", _line(t_ns=2**63), "'t_ns' out of range"),
    ("extra field", _line(priority="high"), "unknown field 'priority' in a 'ring'"),
    ("duplicate field", b'{"protocol_version":1,"kind":"quit","kind":"ring"}', "duplicate field"),
    ("end without ids", _line("end", call_key="", caller_id=""), "needs call_key or caller_id"),
    ("end id as number", _line("end", call_key=7), "'call_key' must be a string"),
    ("show unknown window", _line("show", window="inbox"), "'window' must be one of"),
    ("show window null", _line("show", window=None), "'window' must be a string, got null"),
    ("quit with a field", _line("quit", now=True), "unknown field 'now' in a 'quit'"),
    ("import without a path", _line("import", path=""), "an 'import' message needs a path"),
    ("import path null", _line("import", path=None), "'path' must be a string, got null"),
    ("ack as message", _line("quit", kind="ack"), "missing field 'ok'"),
]


@pytest.mark.parametrize(
    ("line", "error"), [c[1:] for c in BAD_LINES], ids=[c[0] for c in BAD_LINES]
)
def test_bad_line_is_refused_with_a_reason(line: bytes, error: str) -> None:
    with pytest.raises(IpcError) as caught:
        decode(line)

    assert error in str(caught.value)
    assert len(str(caught.value)) < 200  # it gets logged; untrusted input must not flood the log


def test_ipc_error_is_a_value_error() -> None:
    assert issubclass(IpcError, ValueError)


def test_a_message_too_big_to_send_is_refused_before_sending() -> None:
    with pytest.raises(IpcError, match="over the"):
        encode(Ring("+1415", name="x" * MAX_LINE_BYTES))


def test_end_needs_something_to_identify_the_call() -> None:
    with pytest.raises(IpcError, match="call_key or caller_id"):
        End()


def test_the_largest_sendable_message_is_accepted() -> None:
    overhead = len(encode(Ring("", name="")))
    ring = Ring("", name="x" * (MAX_LINE_BYTES - overhead))
    line = encode(ring)

    assert len(line) == MAX_LINE_BYTES
    assert decode(line) == ring


def test_messages_are_immutable_values() -> None:
    ring = Ring("+14155550123", name="Jane")

    assert ring == Ring("+14155550123", name="Jane")
    assert len({ring, Ring("+14155550123", name="Jane"), Ring("+14155550123")}) == 2
    assert Quit() == Quit()
    assert Quit() != Show()  # equal fields, different kinds
    assert End(caller_id="1001") != Ring("1001")
    assert ring != ("+14155550123", "Jane")
    assert repr(ring).startswith("Ring(") and "'Jane'" in repr(ring)
    with pytest.raises(AttributeError, match="immutable"):
        ring.name = "Mallory"
    with pytest.raises(AttributeError):
        ring.extra = 1  # type: ignore[attr-defined]


def test_a_lone_surrogate_in_a_field_decodes_as_a_replacement_character() -> None:
    # JSON may escape a lone UTF-16 surrogate; no UTF-8 writer (trace, log, screen) takes it.
    line = (
        b'{"protocol_version":2,"kind":"ring","caller_id":"1\\ud800","name":"\\udfff",'
        b'"source":"a\\ud83d\\ude00b","call_key":"","t_ns":0}\n'
    )
    ring = decode(line)
    assert isinstance(ring, Ring)
    assert (ring.caller_id, ring.name, ring.source) == ("1\ufffd", "\ufffd", "a\U0001f600b")
    ring.caller_id.encode("utf-8")


def test_a_call_needs_a_number() -> None:
    with pytest.raises(IpcError, match="needs a number"):
        Dial("")
    with pytest.raises(IpcError, match="field 'number'"):
        decode(b'{"protocol_version": %d, "kind": "call"}' % PROTOCOL_VERSION)
