"""baresip's event stream (ctrl_tcp netstrings, or mqtt payloads): bytes in, call states out.

baresip writes no call history. Its ``ctrl_tcp`` module sends every event to the one connected
client as a netstring ``<length>:<json>,`` (length in bytes: display names are UTF-8), encoded
by src/bevent.c::

    {"event":true,"class":"call","type":"CALL_INCOMING","direction":"incoming",
     "peeruri":"sip:+14155550123@sip.example.com;user=phone","peerdisplayname":"Jane Doe",
     "id":"a84b4c76e66710@10.0.0.5","param":"...", ...}

What each call event means (softphones.md §3.7 and §8, as baresip 1.0.0 behaves):

* ``CALL_INCOMING`` arrives at the INVITE, but only when answering is manual; an auto-answered
  call starts at ``CALL_ESTABLISHED``. RINGING (or ANSWERED).
* ``CALL_OUTGOING`` (newer versions) and ``CALL_RINGING`` / ``CALL_PROGRESS`` (the far end
  rings) are an outgoing call being dialled: RINGING, direction out.
* ``CALL_ANSWERED`` (newer versions) and ``CALL_ESTABLISHED``: ANSWERED.
* ``CALL_CLOSED`` does not say whether the call was missed: an incoming call that never reached
  ``CALL_ESTABLISHED`` was. MISSED or ENDED. An outgoing one closed with a SIP failure status
  ("404 Not Found") before the far end rang or answered never reached anyone: CallFailed.
  One followed from its start that rang there and was refused ("486 Busy Here", "603
  Decline"), or that the rep hung up before an answer, reached nobody either: CallUnanswered.

The events carry no time: the receiver stamps them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from desktop.core.dialers import netstring
from desktop.core.events import CallEvent, CallFailed, CallGone, CallState, CallUnanswered
from desktop.core.models import Direction
from desktop.core.unicode_text import whole_unicode

SOURCE = "baresip"
MAX_FRAME_BYTES = 64 * 1024  # an event is under 1 KB; ctrl_tcp's own buffer is smaller still
_MAX_LENGTH_DIGITS = 9
_MAX_FOLLOWED = 200

_STATE_OF_TYPE = {
    "CALL_INCOMING": CallState.RINGING,
    "CALL_OUTGOING": CallState.RINGING,
    "CALL_RINGING": CallState.RINGING,
    "CALL_PROGRESS": CallState.RINGING,
    "CALL_ANSWERED": CallState.ANSWERED,
    "CALL_ESTABLISHED": CallState.ANSWERED,
    "CALL_CLOSED": CallState.ENDED,
}
_OUTGOING_TYPES = frozenset({"CALL_OUTGOING", "CALL_RINGING", "CALL_PROGRESS"})
_FAR_END_RANG = frozenset({"CALL_RINGING", "CALL_PROGRESS"})
# CALL_CLOSED's param when the far end refused the call ("404 Not Found", "503 Service
# Unavailable"); the rep hanging up first closes it with no status.
_SIP_FAILURE = re.compile(r"[456]\d\d\b")
_ORDER = {CallState.RINGING: 0, CallState.ANSWERED: 1, CallState.ENDED: 2, CallState.MISSED: 2}


@dataclass(frozen=True, slots=True)
class StreamProblem:
    message: str
    offset: int  # byte offset in the stream where the bad frame starts

    def describe(self, where: str) -> str:
        return f"{where} at byte {self.offset}: {self.message}"


@dataclass(frozen=True, slots=True)
class Frame:
    payload: bytes
    offset: int  # byte offset of the frame's length prefix in the stream


class NetstringDecoder:
    """Splits a byte stream into netstrings, however it arrives in pieces.

    After a malformed frame nothing more can be trusted in the stream (the next length prefix
    cannot be found), so the decoder stops: ``broken`` turns True and the caller reconnects.
    """

    def __init__(self, max_frame: int = MAX_FRAME_BYTES) -> None:
        self._max_frame = max_frame
        self._buffer = bytearray()
        self._offset = 0  # stream offset of self._buffer[0]
        self.broken = False

    @property
    def pending(self) -> int:
        """Bytes received that do not yet make a whole frame."""
        return len(self._buffer)

    @property
    def offset(self) -> int:
        """Stream offset of the first byte not yet consumed."""
        return self._offset

    def feed(self, data: bytes) -> list[Frame | StreamProblem]:
        if self.broken:
            return []
        self._buffer += data
        out: list[Frame | StreamProblem] = []
        while self._buffer:
            colon = self._buffer.find(b":", 0, _MAX_LENGTH_DIGITS + 1)
            if colon < 0:
                if len(self._buffer) > _MAX_LENGTH_DIGITS or not self._buffer.isdigit():
                    out.append(self._break("not a netstring: expected <length>:"))
                break
            digits = bytes(self._buffer[:colon])
            if not digits.isdigit():
                out.append(self._break(f"not a netstring: bad length {digits[:20]!r}"))
                break
            length = int(digits)
            if length > self._max_frame:
                out.append(self._break(f"frame of {length} bytes is over the {self._max_frame}"))
                break
            end = colon + 1 + length
            if len(self._buffer) < end + 1:
                break  # the rest is still on its way
            if self._buffer[end] != ord(","):
                out.append(self._break("netstring does not end with ','"))
                break
            out.append(Frame(bytes(self._buffer[colon + 1 : end]), self._offset))
            del self._buffer[: end + 1]
            self._offset += end + 1
        return out

    def _break(self, message: str) -> StreamProblem:
        self.broken = True
        problem = StreamProblem(message, self._offset)
        self._buffer.clear()
        return problem


@dataclass(frozen=True, slots=True)
class BaresipEvent:
    type: str  # "CALL_INCOMING", ...
    call_id: str
    direction: Direction
    peer_uri: str
    peer_name: str
    param: str = ""  # CALL_CLOSED's reason: "404 Not Found", "Connection reset by peer"


def parse_event(payload: bytes) -> BaresipEvent | str | None:
    """A call event; None for anything else baresip sends (other classes, command
    responses); a one-line reason when the payload is not a baresip event at all."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start} of the frame)"
    except (ValueError, RecursionError):
        return "not JSON"
    if not isinstance(data, dict):
        return "not a JSON object"
    # ctrl_tcp marks events with "event": true (command responses carry "response"); the mqtt
    # module publishes the same object without the marker.
    if data.get("event", True) is not True or data.get("class") != "call":
        return None
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _STATE_OF_TYPE:
        return None
    call_id = data.get("id")
    peer = data.get("peeruri")
    if not isinstance(call_id, str) or not isinstance(peer, str):
        return f"{kind} without a call id or peer URI"
    name = data.get("peerdisplayname")
    direction_text = data.get("direction")
    if direction_text in ("incoming", "outgoing"):
        direction = Direction.IN if direction_text == "incoming" else Direction.OUT
    else:
        direction = Direction.OUT if kind in _OUTGOING_TYPES else Direction.IN
    # JSON escapes can spell lone surrogates, which nothing downstream can store.
    return BaresipEvent(
        type=kind,
        call_id=whole_unicode(call_id),
        direction=direction,
        peer_uri=whole_unicode(peer),
        peer_name=whole_unicode(name) if isinstance(name, str) else "",
        param=whole_unicode(param) if isinstance(param := data.get("param"), str) else "",
    )


# A call already ringing when the source connects sent its CALL_INCOMING to nobody. ctrl_tcp's
# `callstat` command describes the newest call (baresip 1.0.0, checked against the real one):
#     ===== Call debug (INCOMING) =====
#      local_uri:  <sip:1001@127.0.0.1:5072>
#      peer_uri:  Dana W <sip:+14155550142@127.0.0.1:5090;user=phone>
#      af=AF_INET id=1-7431@127.0.0.1
#      direction: Incoming
# ("(no active calls)" when there is none). Its id is the events' "id", so the call's own
# CALL_ESTABLISHED or CALL_CLOSED later follows it as if its CALL_INCOMING had been seen.
CALLSTAT_TAG = "callercard-ringing-at-connect"  # the command's "token", echoed in its answer
_STILL_RINGING = frozenset({"INCOMING", "EARLY"})  # an incoming call nobody has answered yet
_CALL_DEBUG = re.compile(r"=+ Call debug \((\w+)\) =+")
_PEER_URI = re.compile(r"^\s*peer_uri:[ \t]*(.*?)[ \t]*<([^<>\s]+)>[ \t]*$", re.MULTILINE)
_CALL_ID = re.compile(r"(?:^|\s)id=(\S+)", re.MULTILINE)
_INCOMING = re.compile(r"^\s*direction:\s*Incoming\s*$", re.MULTILINE)


def callstat_command() -> bytes:
    """ctrl_tcp's `callstat`, framed; its answer carries CALLSTAT_TAG."""
    command = {"command": "callstat", "params": "", "token": CALLSTAT_TAG}
    return netstring(json.dumps(command, separators=(",", ":")).encode("utf-8"))


def ringing_call(callstat: str) -> BaresipEvent | None:
    """The call `callstat` describes as the CALL_INCOMING that announced it, when it is an
    incoming call still ringing; None for no call, an answered or outgoing one, or text in
    another shape."""
    return _incoming_call(callstat, _STILL_RINGING, "CALL_INCOMING")


def answered_call(callstat: str) -> BaresipEvent | None:
    """The incoming call `callstat` describes as already answered (the app started, or
    reconnected, while the rep was talking), as the CALL_ESTABLISHED that went to nobody;
    None for anything else."""
    return _incoming_call(callstat, frozenset({"ESTABLISHED"}), "CALL_ESTABLISHED")


def _incoming_call(callstat: str, states: frozenset[str], kind: str) -> BaresipEvent | None:
    header = _CALL_DEBUG.search(callstat)
    peer = _PEER_URI.search(callstat)
    call_id = _CALL_ID.search(callstat)
    if header is None or peer is None or call_id is None or not _INCOMING.search(callstat):
        return None
    if header.group(1) not in states:
        return None
    return BaresipEvent(
        type=kind,
        call_id=whole_unicode(call_id.group(1)),
        direction=Direction.IN,
        peer_uri=whole_unicode(peer.group(2)),
        peer_name=whole_unicode(peer.group(1)),
    )


def names_no_call(callstat: str) -> bool:
    """Whether `callstat`'s answer says baresip has no call at all. Only those words: an
    answer in another shape may still describe a call (callstat names the newest only)."""
    return "(no active calls)" in callstat


@dataclass(slots=True)
class _Followed:
    state: CallState
    started: datetime
    event: BaresipEvent  # the first event read of it: who and which way, for lost()
    rang: bool = False  # an outgoing call: the far end rang (CALL_RINGING, CALL_PROGRESS)


class CallFollower:
    """Turns baresip call events into CallEvents, each state once and never backwards."""

    def __init__(self) -> None:
        self._calls: dict[str, _Followed] = {}

    def adopt(self, event: BaresipEvent, now: datetime) -> None:
        """Knows a call from now on without announcing it: one answered before this stream
        was read, so that its CALL_CLOSED ends a call that was taken, not a missed one."""
        if event.call_id not in self._calls:
            if len(self._calls) >= _MAX_FOLLOWED:
                self._calls.pop(next(iter(self._calls)))
            self._calls[event.call_id] = _Followed(_STATE_OF_TYPE[event.type], now, event)

    def lost(self, *, where: str = "") -> list[CallEvent]:
        """baresip went away (its process, and so its calls, with the connection) before the
        calls followed were closed: each is over, as it stood. One that still rang is a
        CallGone (its card goes; an incoming one is logged outcome unknown and waits in
        Callbacks, as a hook's ring with no end does); one answered ended, taken."""
        calls, self._calls = self._calls, {}
        ended = CallState.ENDED
        return [
            self._event(f.event, ended, f.started, where, gone=f.state is CallState.RINGING)
            for f in calls.values()
        ]

    def follow(self, event: BaresipEvent, now: datetime, *, where: str = "") -> CallEvent | None:
        state = _STATE_OF_TYPE[event.type]
        followed = self._calls.get(event.call_id)
        if state is CallState.ENDED:
            self._calls.pop(event.call_id, None)
            never_answered = followed is None or followed.state is CallState.RINGING
            if event.direction is Direction.IN and never_answered:
                state = CallState.MISSED
            started = followed.started if followed is not None else now
            rang = followed is not None and followed.rang
            if event.direction is Direction.OUT and never_answered and not rang and (
                _SIP_FAILURE.match(event.param)
            ):
                return self._event(event, state, started, where, failed=event.param)
            # Only a call seen dialling: one whose start this stream never read (the app
            # started mid-call) may have been answered before.
            if event.direction is Direction.OUT and followed is not None and never_answered:
                return self._event(event, state, started, where, unanswered=True)
            return self._event(event, state, started, where)
        if followed is not None:
            followed.rang = followed.rang or event.type in _FAR_END_RANG
            if _ORDER[state] <= _ORDER[followed.state]:
                return None
            followed.state = state
            return self._event(event, state, followed.started, where)
        if len(self._calls) >= _MAX_FOLLOWED:  # calls whose CALL_CLOSED never came
            self._calls.pop(next(iter(self._calls)))
        self._calls[event.call_id] = _Followed(state, now, event, event.type in _FAR_END_RANG)
        return self._event(event, state, now, where)

    @staticmethod
    def _event(
        event: BaresipEvent, state: CallState, started: datetime, where: str, *,
        gone: bool = False, failed: str = "", unanswered: bool = False,
    ) -> CallEvent:
        """A CallGone when `gone`; a CallFailed, saying why, when `failed`; a CallUnanswered
        (with the status it closed with) when `unanswered`."""
        make: Callable[..., CallEvent] = (
            partial(CallFailed, why=failed) if failed
            else partial(CallUnanswered, why=event.param) if unanswered
            else CallGone if gone else CallEvent
        )  # fmt: skip
        return make(
            source=SOURCE,
            direction=event.direction,
            state=state,
            number=event.peer_uri,
            name=event.peer_name,
            time=started,
            call_key=f"{SOURCE}:{event.call_id}",
            where=where,
        )
