"""What a softphone tells us about a call, in one shape whatever the source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop.core.models import Direction


class CallState(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"
    MISSED = "missed"


@dataclass(frozen=True)
class CallEvent:
    source: str  # "microsip", "hook", ...
    direction: Direction
    state: CallState
    number: str  # the remote party exactly as the source wrote it
    name: str  # display name as written, "" when none
    time: datetime  # timezone-aware
    call_key: str = ""  # identifies the call within its source, so later states follow it
    where: str = ""  # file and key/line it came from, for messages and traces
    read_ns: int = 0  # time.monotonic_ns() when the source had read and parsed it (for --trace)
    # From a ring/end hook or the URL endpoint, which know only that a call rang and ended
    # (and at most whether it was answered), unlike a softphone's own log or event stream.
    hook: bool = False
    # A hook's ring written by the app that read its line too late, or by the hook whose app
    # did not take it in time (desktop.core.late_ring): the other may have written it too,
    # under another withheld key (the app keys a withheld card apart from another one's).
    late: bool = False
    # A call out placed from a contact's card or view: whom it was for, on a number several
    # contacts share (desktop.core.callee); None when the place it came from does not say.
    for_contact: int | None = None
    # A hook's end that said the call was answered (`end --answered`, the URL's
    # outcome=answered), not merely that it ended: the caller's missed card can go then. A
    # softphone's own ENDED says as much already.
    said_answered: bool = False


def key_source(call_key: str) -> str:
    """Which source keyed a call: "microsip" for "microsip:12", "hook" for "hook:+1415…"."""
    return call_key.partition(":")[0]


@dataclass(frozen=True)
class CallFailed(CallEvent):
    """A call of ours that ended before the far end rang or answered (baresip's dial met
    "404 Not Found" at once): state ENDED, logged Outcome.FAILED, no wrap-up. `why` is what
    the softphone said."""

    why: str = ""


@dataclass(frozen=True)
class CallUnanswered(CallEvent):
    """A call of ours that ended before anyone answered, after the far end rang or with the
    rep hanging up first (baresip's dial met "180 Ringing" and then "486 Busy Here" or
    "603 Decline"): state ENDED, logged Outcome.NO_ANSWER, so a call back that reached
    nobody leaves the missed call due. `why` is what the softphone said, "" for none."""

    why: str = ""


@dataclass(frozen=True)
class CallGone(CallEvent):
    """A call known to be over only because its source's log gave its place to another call
    (MicroSIP's 1000-entry ring buffer reusing a key) or deleted it while it still rang: the
    source never wrote how it ended. State ENDED: its card goes; recorded as a call whose
    outcome is not known (it waits in Callbacks as one), unless a hook recorded it already."""
