"""A hook's ring the app read after the hook stopped waiting for it (the app was hung, stopped
with SIGSTOP, in a modal loop that did not turn the socket server, or flooded).

The hook waits ipc_line.HOOK_WAIT_S for the ack, then records the call itself. The app answers
a ring it reads more than ipc_line.LATE_RING_S after the hook stamped it (Ring.t_ns, one
monotonic clock for the machine) with ipc_line.LATE_ACK_LINE: the hook records it whether it
still waits for that answer or gave up already. The app records it too, at the ring's stamped
time: the hook's write may have found the database held by an import and given up after its
lock wait, while the app's writer waits for as long as it takes. Whichever writes it first
makes the call's one row, the other finds it and writes nothing (a ring of the same call: same
caller, same hook key, ringing within a second or two; adapters/call_history.py). Its end
finishes that row, whoever takes it: an end finishes a ring once.

Its card pops only while the call may still ring: when no end for the same call was read
with it (an app that wakes finds, in its socket's queue, the end a hook sent meanwhile) and it
rang less than STALE_RING_S ago (a hook that sends no end: the card would be for a call that
long stopped ringing).

A ring whose line never reached the app (its listen queue full, or it hung a moment) reaches
it by the hooks' inbox (adapters/hook_inbox.py): a late ring by another road, under the same
rule (`still_ringing`). Its card pops when its end was not read with it, none reached the app
since, and it rang less than STALE_RING_S ago: within that the caller may still ring, or the
rep be on the call (late, but the card still says who it is); past it, a hook that sends no
end would pop a card for a call long over. No shorter window: an app whose queue was full
takes seconds to drain it, and the card is worth most in the first minute of a call.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from desktop.core.hook_number_key import E164Of, message_key
from desktop.core.ipc import End, Record, Ring
from desktop.core.ipc_line import LATE_RING_S

# Most phone systems send a ring nobody answers to voicemail, or drop it, within 30-45 s.
STALE_RING_S = 45
# A late ring waits this long for what the woken app's socket still holds (the end a hook
# sent meanwhile is read a few event-loop turns after the ring); it is late by seconds already.
SETTLE_MS = 250


class LateRing(Record):
    """A ring read after LATE_RING_S, answered LATE_ACK_LINE; `ended`: an end for the same
    call was read before it was handed on."""

    __slots__ = ("ended", "read_ns", "ring")
    ring: Ring
    read_ns: int  # time.monotonic_ns() when its line was read
    ended: bool

    def __init__(self, ring: Ring, read_ns: int, ended: bool = False) -> None:
        super().__init__(ring=ring, read_ns=read_ns, ended=ended)


def read_late(ring: Ring, read_ns: int) -> bool:
    """Whether the hook that sent `ring` may have stopped waiting by `read_ns`."""
    return ring.t_ns > 0 and read_ns - ring.t_ns > LATE_RING_S * 1e9


# The wall clock a hook's stamp was turned into and the app's may disagree by a moment.
_CLOCK_SLACK_S = 2


def still_ringing(rang: datetime, now: datetime) -> bool:
    """Whether a hook's ring, from the inbox, that rang at `rang` may still ring at `now`
    (no end known for it): its card pops, late."""
    age_s = (now - rang).total_seconds()
    return -_CLOCK_SLACK_S <= age_s <= STALE_RING_S


def message_call_key(message: Ring | End, e164_of: E164Of) -> str:
    """The call a hook's ring or end is about, as desktop.core.ring_input keys it: by the
    number's E.164, however the hook spelled it (desktop.core.hook_number_key)."""
    return message_key(message.call_key, message.caller_id, e164_of)


def with_end_read(late: LateRing, read_after: Iterable[object], e164_of: E164Of) -> LateRing:
    """`late`, told whether an end for its call is among the messages read after it."""
    key = message_call_key(late.ring, e164_of)
    ended = any(isinstance(m, End) and message_call_key(m, e164_of) == key for m in read_after)
    return LateRing(late.ring, late.read_ns, ended) if ended else late
