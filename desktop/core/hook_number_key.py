"""The call a hook's ring or end is about, once the app has read its caller ID as a number.

A hook keys a call by its caller ID as spelled (ipc_line.hook_call_key): its own process must
stay light and reads no numbers. The app keys it by the number's E.164: a hook may pass
"+1 (415) 555-0142" at the ring and "+14155550142" at the end (or a national "4155550142"),
one call. Every place in the app that matches a hook's ring with its end uses this one rule
(ring_input.keyed_by_number for the pipeline, late_ring.with_end_read for a ring read late),
else one of them would take the two for different calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop.core.ipc_line import HOOK_KEY_PREFIX, hook_call_key

_E164_SHAPED = re.compile(r"\+[1-9][0-9]{6,14}")  # the commonest caller ID: its own E.164

# Reads a caller ID: its E.164, or None (not a number we can read, or withheld).
E164Of = Callable[[str], str | None]


def number_call_key(caller_id: str, e164_of: E164Of) -> str:
    """hook_call_key(caller_id), keyed by the number's E.164 when it reads as one (not read
    again when it is written as its E.164 already, the commonest, on the ring's path)."""
    key = hook_call_key(caller_id)
    if _E164_SHAPED.fullmatch(caller_id):
        return key
    e164 = e164_of(caller_id)
    return HOOK_KEY_PREFIX + e164 if e164 else key


def message_key(call_key: str, caller_id: str, e164_of: E164Of) -> str:
    """The key of a hook's call: the one its source gave (a softphone's call ID), else its
    caller ID's by number_call_key."""
    if call_key and call_key != hook_call_key(caller_id):
        return call_key
    return number_call_key(caller_id, e164_of)
