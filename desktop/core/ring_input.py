"""One call arriving or ending, whichever way it came: a watched call log or event stream,
the URL endpoint, a `callercard ring`/`end` hook, the demo session or the welcome's Test ring.

The ring pipeline (desktop/qt/ring_pipeline.py) takes only this, so how a call is shown,
closed and recorded does not depend on how it reached us.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent, CallState
from desktop.core.hook_number_key import E164Of, number_call_key
from desktop.core.ipc import End, EndOutcome, Ring, hook_call_key
from desktop.core.late_ring import STALE_RING_S, LateRing
from desktop.core.models import Direction

RING_AGE_MAX_S = 120  # older than this, a hook's time stamp is not trusted as the ring's time
# A ring the app read late (desktop.core.late_ring) is as old as the app was stopped or hung:
# its stamp, from the machine's monotonic clock, is trusted for that long.
LATE_RING_AGE_MAX_S = 24 * 3600
TEST_RING_KEY = "test-ring"
DEMO_KEY = "demo"


@dataclass(frozen=True)
class RingInput:
    """What a source reported about one call, and what the pipeline is to do with it."""

    event: CallEvent  # the call as the history records it (number, name, key, state, hook)
    read_ns: int  # time.monotonic_ns() when it was read: the "read" trace and ring latency
    # Reported as it happens: an incoming ring pops a card and its end closes it. A line from
    # an end-of-call log is history only (it is read after the call is over).
    live: bool = True
    recorded: bool = True  # the welcome's Test ring is shown, never logged (nobody called)

    @property
    def caller_id(self) -> str:
        return self.event.number

    @property
    def call_key(self) -> str:
        return self.event.call_key

    @property
    def source(self) -> str:
        return self.event.source

    @property
    def rings(self) -> bool:
        """An incoming call ringing now: its card pops."""
        event = self.event
        return self.live and event.direction is Direction.IN and event.state is CallState.RINGING

    @property
    def ends(self) -> bool:
        """An incoming call is over (taken, hung up or missed): its card goes."""
        event = self.event
        return (
            self.live
            and event.direction is Direction.IN
            and event.state in (CallState.ENDED, CallState.MISSED)
        )

    @property
    def calls_out(self) -> bool:
        """The rep is calling out, from the softphone itself (a watched log or event stream)."""
        event = self.event
        return self.live and event.direction is Direction.OUT and event.state is CallState.RINGING

    @property
    def answered(self) -> bool:
        """The rep took an incoming call (baresip's CALL_ESTABLISHED, Linphone's answer)."""
        event = self.event
        return self.live and event.direction is Direction.IN and event.state is CallState.ANSWERED

    @property
    def missed(self) -> bool:
        """The call ended without being answered, as far as the source knows."""
        return self.ends and self.event.state is CallState.MISSED


def from_call_event(event: CallEvent) -> RingInput:
    """A watched call log, baresip's event stream or the URL endpoint (via the bridge)."""
    return RingInput(event, event.read_ns, live=not isinstance(event, HistoryEvent))


def from_ring_message(
    message: Ring, now: datetime, now_ns: int, *, max_age_s: float = RING_AGE_MAX_S
) -> RingInput:
    """`callercard ring`: logged at the hook's own time stamp, so a ring that had to start the
    app is logged when it rang, not seconds later."""
    key = message.call_key or hook_call_key(message.caller_id)
    event = CallEvent(
        message.source, Direction.IN, CallState.RINGING, message.caller_id, message.name,
        hook_wall_time(message.t_ns, now, now_ns, max_age_s), call_key=key,
        where=f"callercard ring ({key})", hook=True,
    )  # fmt: skip
    return RingInput(event, message.t_ns or now_ns)


def from_late_ring(late: LateRing, now: datetime, now_ns: int) -> RingInput:
    """A ring read after its hook stopped waiting (desktop.core.late_ring): a card only while
    its call may still ring; recorded at the ring's own time, as its hook records it, so that
    whichever of the two writes first is the call's one row (the hook's write may have found
    the database held by an import and given up). A ring whose stamp does not say when it
    rang is left to its hook: recorded at the time it was read, it would be a second row."""
    call = from_ring_message(late.ring, now, now_ns, max_age_s=LATE_RING_AGE_MAX_S)
    ringing = not late.ended and now_ns - late.ring.t_ns <= STALE_RING_S * 1e9
    stamped = ring_age_s(late.ring.t_ns, now_ns, LATE_RING_AGE_MAX_S) is not None
    return replace(call, event=replace(call.event, late=True), live=ringing, recorded=stamped)


def from_end_message(message: End, now: datetime, now_ns: int) -> RingInput:
    """`callercard end`: a hook knows at most whether the call was answered."""
    key = message.call_key or hook_call_key(message.caller_id)
    missed = message.outcome is EndOutcome.MISSED
    event = CallEvent(
        "hook", Direction.IN, CallState.MISSED if missed else CallState.ENDED,
        message.caller_id, "", now, call_key=key, where=f"callercard end ({key})", hook=True,
        said_answered=message.outcome is EndOutcome.ANSWERED,
    )  # fmt: skip
    return RingInput(event, now_ns)


def keyed_by_number(call: RingInput, e164_of: E164Of) -> RingInput:
    """A hook's call keyed by its caller ID as the hook spelled it (hook_call_key) is keyed by
    the number's E.164 once the app (or the hook writing the call itself) has read it: a hook
    may pass "+1 (415) 555-0142" at the ring and "+14155550142" at the end (or a national
    "4155550142"), one call, whose end must close the ring's card and finish its row. The
    hook's own process keys by the text: it must stay light, and reads no numbers.
    `e164_of` reads a caller ID (None: not a number we can read, or withheld: kept as keyed).
    Not a call its source keyed itself (Twinkle's call ID, the demo's), and not read again
    when the caller ID is written as its E.164 already (the commonest, on the ring's path)."""
    event = call.event
    if not event.hook or event.call_key != hook_call_key(event.number):
        return call
    key = number_call_key(event.number, e164_of)
    return call if key == event.call_key else replace(call, event=replace(event, call_key=key))


def demo_call(caller_id: str, name: str, now: datetime, now_ns: int) -> RingInput:
    """The demo session's ring: shown and logged like a hook's."""
    event = CallEvent(
        "demo", Direction.IN, CallState.RINGING, caller_id, name, now, call_key=DEMO_KEY,
        hook=True,
    )  # fmt: skip
    return RingInput(event, now_ns)


def welcome_test_ring(caller_id: str, name: str, now: datetime, now_ns: int) -> RingInput:
    """The welcome's Test ring: the demo caller's card, kept out of the call history."""
    event = CallEvent(
        "test", Direction.IN, CallState.RINGING, caller_id, name, now, call_key=TEST_RING_KEY
    )
    return RingInput(event, now_ns, recorded=False)


def hook_wall_time(
    t_ns: int, now: datetime, now_ns: int, max_age_s: float = RING_AGE_MAX_S
) -> datetime:
    """When a hook's ring happened, from its monotonic stamp (one clock for every process of
    the machine); `now` when there is no stamp or one from another clock."""
    age_s = ring_age_s(t_ns, now_ns, max_age_s)
    if age_s is None:
        return now
    return (now - timedelta(seconds=age_s)).astimezone(UTC)


def ring_age_s(t_ns: int, now_ns: int, max_age_s: float = RING_AGE_MAX_S) -> float | None:
    """How long ago a hook stamped its ring; None when there is no stamp, or one that cannot
    be this machine's monotonic clock's (ahead of it, or older than `max_age_s`)."""
    age_s = (now_ns - t_ns) / 1e9
    return age_s if t_ns > 0 and 0 <= age_s <= max_age_s else None
