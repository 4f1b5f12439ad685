"""baresip's event stream: netstring framing, event meanings, following a call."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.dialects.baresip import (
    BaresipEvent,
    CallFollower,
    Frame,
    NetstringDecoder,
    StreamProblem,
    parse_event,
)
from desktop.core.events import CallEvent, CallFailed, CallState, CallUnanswered
from desktop.core.models import Direction

NOW = datetime(2026, 3, 10, 14, 2, 11, tzinfo=UTC)


def netstring(obj: dict[str, object]) -> bytes:
    payload = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return str(len(payload)).encode() + b":" + payload + b","


def event(kind: str, call_id: str = "c1", direction: str = "incoming", **extra: object) -> bytes:
    body: dict[str, object] = {
        "event": True, "class": "call", "type": kind, "direction": direction,
        "peeruri": "sip:+14155550123@sip.example.com;user=phone", "peerdisplayname": "Jane Doe",
        "id": call_id, "param": "",
    }  # fmt: skip
    body.update(extra)
    return netstring(body)


def states(*frames: bytes) -> list[tuple[str, Direction, CallState]]:
    follower = CallFollower()
    out = []
    for frame in NetstringDecoder().feed(b"".join(frames)):
        assert isinstance(frame, Frame)
        parsed = parse_event(frame.payload)
        if isinstance(parsed, BaresipEvent):
            followed = follower.follow(parsed, NOW)
            if followed is not None:
                out.append((followed.call_key, followed.direction, followed.state))
    return out


def test_the_shared_capture_decodes_to_its_frames(samples: Path) -> None:
    data = (samples / "softphones" / "baresip-ctrl_tcp-events.netstring").read_bytes()
    decoder = NetstringDecoder()
    frames = decoder.feed(data)
    assert all(isinstance(f, Frame) for f in frames)
    kinds = [json.loads(f.payload)["type"] for f in frames if isinstance(f, Frame)]
    assert kinds == ["CALL_INCOMING", "CALL_ESTABLISHED", "CALL_CLOSED", "CALL_INCOMING",
                     "CALL_CLOSED"]  # fmt: skip
    assert decoder.pending == 64  # the last frame was cut mid-read
    assert not decoder.broken


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=200))
def test_frames_come_out_whole_however_the_bytes_arrive(cuts: list[int]) -> None:
    stream = event("CALL_INCOMING", peerdisplayname="Zoë Ångström") + event("CALL_CLOSED")
    decoder = NetstringDecoder()
    frames: list[Frame | StreamProblem] = []
    position = 0
    for cut in cuts:
        frames += decoder.feed(stream[position : position + cut])
        position += cut
    frames += decoder.feed(stream[position:])
    assert all(isinstance(f, Frame) for f in frames)
    payloads = [json.loads(f.payload) for f in frames if isinstance(f, Frame)]
    assert [p["type"] for p in payloads] == ["CALL_INCOMING", "CALL_CLOSED"]
    assert payloads[0]["peerdisplayname"] == "Zoë Ångström"  # the length counts bytes
    assert decoder.pending == 0


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        (b"abc:{}", "not a netstring: bad length"),
        (b"12345678901234", "not a netstring: expected <length>:"),
        (b"2:{}x", "netstring does not end with ','"),
        (b"99999999:", "over the 65536"),
        (b":{},", "bad length"),
    ],
)
def test_a_broken_stream_is_reported_with_its_offset_and_then_ignored(
    stream: bytes, message: str
) -> None:
    decoder = NetstringDecoder()
    good = event("CALL_INCOMING")
    out = decoder.feed(good + stream)
    assert isinstance(out[0], Frame)
    problem = out[1]
    assert isinstance(problem, StreamProblem)
    assert message in problem.message
    assert problem.offset == len(good)
    assert decoder.broken
    assert decoder.feed(good) == []


def test_what_each_event_means() -> None:
    assert states(event("CALL_INCOMING"), event("CALL_ESTABLISHED"), event("CALL_CLOSED")) == [
        ("baresip:c1", Direction.IN, CallState.RINGING),
        ("baresip:c1", Direction.IN, CallState.ANSWERED),
        ("baresip:c1", Direction.IN, CallState.ENDED),
    ]


def test_an_incoming_call_closed_before_it_was_established_was_missed() -> None:
    assert states(event("CALL_INCOMING"), event("CALL_CLOSED", param="Request Terminated")) == [
        ("baresip:c1", Direction.IN, CallState.RINGING),
        ("baresip:c1", Direction.IN, CallState.MISSED),
    ]


def test_an_auto_answered_call_starts_at_established() -> None:
    assert states(event("CALL_ESTABLISHED"), event("CALL_CLOSED")) == [
        ("baresip:c1", Direction.IN, CallState.ANSWERED),
        ("baresip:c1", Direction.IN, CallState.ENDED),
    ]


def test_an_outgoing_call_is_dialled_then_ended_never_missed() -> None:
    out = [
        event("CALL_OUTGOING", "o1", "outgoing"),
        event("CALL_RINGING", "o1", "outgoing"),
        event("CALL_CLOSED", "o1", "outgoing"),
    ]
    assert states(*out) == [
        ("baresip:o1", Direction.OUT, CallState.RINGING),
        ("baresip:o1", Direction.OUT, CallState.ENDED),
    ]


def ends(*frames: bytes) -> list[CallEvent]:
    follower = CallFollower()
    out = []
    for frame in NetstringDecoder().feed(b"".join(frames)):
        assert isinstance(frame, Frame)
        parsed = parse_event(frame.payload)
        if isinstance(parsed, BaresipEvent) and (followed := follower.follow(parsed, NOW)):
            out.append(followed)
    return [e for e in out if e.state is CallState.ENDED]


@pytest.mark.parametrize(("before", "status"), [
    (("CALL_OUTGOING", "CALL_RINGING"), "486 Busy Here"),
    (("CALL_OUTGOING", "CALL_PROGRESS"), "603 Decline"),
    (("CALL_OUTGOING", "CALL_RINGING"), ""),  # the rep hung up while it rang
    (("CALL_OUTGOING",), ""),  # the rep hung up before it rang
])  # fmt: skip
def test_a_call_out_that_ended_unanswered_reached_nobody(
    before: tuple[str, ...], status: str
) -> None:
    """Logged "Called" it counted as a return that reached them, and took their missed call
    off Callbacks: a call back to a busy line reached nobody."""
    out = [event(kind, "o1", "outgoing") for kind in before]
    [end] = ends(*out, event("CALL_CLOSED", "o1", "outgoing", param=status))
    assert isinstance(end, CallUnanswered) and end.why == status
    assert (end.direction, end.state) == (Direction.OUT, CallState.ENDED)


def test_a_call_out_answered_or_refused_before_it_rang_is_not_unanswered() -> None:
    answered = ends(event("CALL_OUTGOING", "o1", "outgoing"),
                    event("CALL_ESTABLISHED", "o1", "outgoing"),
                    event("CALL_CLOSED", "o1", "outgoing"))  # fmt: skip
    assert [type(e) for e in answered] == [CallEvent]
    refused = ends(event("CALL_OUTGOING", "o1", "outgoing"),
                   event("CALL_CLOSED", "o1", "outgoing", param="404 Not Found"))  # fmt: skip
    assert [type(e) for e in refused] == [CallFailed]
    # Its start was never read (the app connected mid-call): it may have been answered.
    unseen = ends(event("CALL_CLOSED", "o1", "outgoing"))
    assert [type(e) for e in unseen] == [CallEvent]


def test_two_calls_at_once_are_followed_apart() -> None:
    assert states(
        event("CALL_INCOMING", "a"), event("CALL_INCOMING", "b"), event("CALL_CLOSED", "a"),
        event("CALL_ESTABLISHED", "b"),
    ) == [
        ("baresip:a", Direction.IN, CallState.RINGING),
        ("baresip:b", Direction.IN, CallState.RINGING),
        ("baresip:a", Direction.IN, CallState.MISSED),
        ("baresip:b", Direction.IN, CallState.ANSWERED),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"event":true,"class":"register","type":"REGISTER_OK"}', None),
        (b'{"response":true,"ok":true,"data":"","token":"t"}', None),
        (b'{"event":true,"class":"call","type":"CALL_DTMF_START"}', None),
        (b"[1,2]", "not a JSON object"),
        (b"{nope", "not JSON"),
        (b'{"event":true,"class":"call","type":"CALL_INCOMING"}', "CALL_INCOMING without"),
        (b"\xff{}", "not UTF-8"),
        (b"[" * 100_000, "not JSON"),
    ],
)
def test_other_payloads_are_ignored_or_explained(payload: bytes, expected: str | None) -> None:
    parsed = parse_event(payload)
    if expected is None:
        assert parsed is None
    else:
        assert isinstance(parsed, str) and expected in parsed


def test_mqtt_payloads_have_no_event_marker_and_still_count() -> None:
    payload = json.dumps(
        {"class": "call", "type": "CALL_INCOMING", "peeruri": "sip:1@x", "id": "m1"}
    ).encode()
    parsed = parse_event(payload)
    assert isinstance(parsed, BaresipEvent) and parsed.direction is Direction.IN
