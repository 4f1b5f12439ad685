"""The call on screen is not one of the caller's past calls.

A ring is logged a moment after its card paints, so a card built again during the call (the
rep linked an unknown caller to a contact with "Who is it?") finds that call in the history and
would list it under the contact's past attempts ("They called", today). The call's row is the
inbound one from the time it rang on (a softphone's own start time may come a little earlier:
the caller passes that margin in)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from desktop.core.models import Contact, Direction


def without_call_in_flight(contact: Contact, rang_from: datetime, keep: int) -> Contact:
    """`contact` with its inbound attempts from `rang_from` on left out, and at most `keep`
    of the others (it was read with one more than the card shows)."""
    past = tuple(
        a for a in contact.attempts if a.direction is not Direction.IN or a.at < rang_from
    )[:keep]
    return contact if past == contact.attempts else replace(contact, attempts=past)
