"""The call on screen is not one of the caller's past calls.

A ring is logged a moment after its card paints, so a card built again during the call (the
rep linked an unknown caller to a contact with "Who is it?") finds that call in the history and
would list it under the contact's past attempts ("They called", today). The call's row is the
inbound one from the time it rang on.

The ring's own card can find its call in the history already too: a hook that found no app
listening records the ring itself (desktop/hook_record.py), and a second ring while the first
one's app starts is handed over only once that app is up, seconds after its hook wrote the row.
So the ring's card leaves out, as the ringing call, an inbound call from that number that

- rang from the ring's own second on (rows keep whole seconds: the hook's row of 22:05:07.8
  is at 22:05:07), whatever it says by now; a hook's row, whose key says when it rang to the
  ms, from SAME_RING_MS_S before the ring on: a caller who redials within the second of a
  missed call (22:05:07.1, then 22:05:07.8) sees the missed one as an earlier call; or
- rang at most OPEN_CALL_WITHIN_S before it and has no end yet (outcome unknown): a hook's
  stamp not trusted, or none, puts the app's ring at the time it was read, up to an app's
  start later than its row. An earlier call that was missed, answered or voicemailed has an
  end, so it is listed however close before: a caller who rings again at once (0843d8d) sees
  the call they just made. What is lost is only a second open call within that minute (a hook
  that sends no `end`), which is on screen as its own card anyway.

A call out (a `callercard log-call` note, a call back) and a teammate's shared note are never
the ringing call, however close.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from desktop.core.ipc_line import HOOK_KEY_PREFIX
from desktop.core.models import Attempt, Contact, Direction, Outcome

# How long before its ring an unfinished call of the same number is taken for the ringing one.
OPEN_CALL_WITHIN_S = 60
# Rows keep whole seconds: the ringing call's row can read up to this much before its ring.
STORED_SECOND = timedelta(seconds=1)
# One hook ring's time as two processes work it out from its one monotonic stamp (its hook,
# and the app that read its line) differs by a ms or so; a caller's next ring is later.
SAME_RING_MS_S = 0.25


def is_ringing_call(attempt: Attempt, rang_at: datetime) -> bool:
    """Whether `attempt`, on the number ringing since `rang_at`, is that ringing call's row."""
    if attempt.direction is not Direction.IN or attempt.rep:
        return False
    stamp = hook_ring_stamp(attempt.call_key)
    if stamp is not None:
        if stamp >= rang_at.timestamp() - SAME_RING_MS_S:
            return True
    elif attempt.at > rang_at - STORED_SECOND:
        return True
    return attempt.outcome is Outcome.UNKNOWN and (
        attempt.at >= rang_at - timedelta(seconds=OPEN_CALL_WITHIN_S)
    )


def without_ringing_call(contact: Contact, rang_at: datetime, keep: int) -> Contact:
    """`contact` as the ring's card shows it: the ringing call left out of its attempts, and
    at most `keep` of the others (it was read with one more than the card shows)."""
    past = tuple(a for a in contact.attempts if not is_ringing_call(a, rang_at))[:keep]
    return contact if past == contact.attempts else replace(contact, attempts=past)


def hook_ring_stamp(call_key: str) -> float | None:
    """When a hook's call rang, as its key says it to the ms (``hook:<number>@<s>.<ms>``);
    None for another source's key, or a hook's of before rings were stamped to the ms."""
    if not call_key.startswith(HOOK_KEY_PREFIX):
        return None
    stamp = key_stamp(call_key)
    return stamp[0] if stamp is not None and stamp[1] else None


def key_stamp(call_key: str) -> tuple[float, bool] | None:
    """When a hook's call rang as its key says it (``…@<s>``, or ``…@<s>.<ms>`` since rings
    are stamped to the ms), and whether to the ms; None for a key that says no time."""
    stamp = call_key.rpartition("@")[2]
    seconds, dot, ms = stamp.partition(".")
    if not seconds.isdigit() or (dot and not ms.isdigit()):
        return None
    return float(stamp), bool(dot)
