"""Whom a call out to a number was for, when several contacts hold that number (a shared
line: Google's "Bo" and Michael Brandt on +1 415-555-0199).

The call goes to the contact the rep meant when the place it was made from says so (a card's
Call back or Call button); else to the one whose missed call from that number is still due
(the ring named Michael by his caller ID, so calling the number back returns his call); else
to the one last in touch on that number; else, truly ambiguous, by the switchboard's rule (the
name the dialler gave, then the most recently contacted: desktop.core.switchboard). One rule
for log-call, a softphone's report of a call out, the Call buttons and the wrap-up, so the
card, Callbacks and Search agree on whose call it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.card import order_by_recency
from desktop.core.models import Contact
from desktop.core.switchboard import rank_by_caller_name


@dataclass(frozen=True)
class NumberHistory:
    """What the history says of a number's holders, each list newest first: whose missed
    call from it is not returned yet, and who had any call on it."""

    missed_due: tuple[int, ...] = ()
    in_touch: tuple[int, ...] = ()


def callee(
    contacts: Sequence[Contact],
    history: NumberHistory,
    *,
    meant: int | None = None,
    name: str = "",
) -> Contact | None:
    """The contact a call out to a number their `contacts` share was for; None for none."""
    if not contacts:
        return None
    by_id = {c.id: c for c in contacts}
    for cid in (meant, *history.missed_due, *history.in_touch):
        if cid is not None and cid in by_id:
            return by_id[cid]
    return rank_by_caller_name(order_by_recency(contacts), name)[0]
