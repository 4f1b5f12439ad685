"""Which stored people a caller's number belongs to, and how sure we are.

Only two tiers count as a match: the exact number, and a company switchboard (the caller's
number equals a stored number that carries an extension, so several people can share it).
Anything looser is a guess and belongs with the candidates, never with the contacts.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.card import MatchTier, order_by_recency
from desktop.core.models import Contact, StoredNumber
from desktop.core.numbers import CallerNumber


def classify(
    caller: CallerNumber, rows: Sequence[tuple[Contact, StoredNumber]]
) -> tuple[MatchTier, tuple[Contact, ...]]:
    """`rows` are the stored numbers whose E.164 equals the caller's."""
    if caller.withheld:
        return MatchTier.WITHHELD, ()
    if caller.e164 is None:
        return MatchTier.NONE, ()
    rows = [(c, n) for c, n in rows if n.e164 == caller.e164]
    exact = [c for c, n in rows if n.extension in ("", caller.extension)]
    if exact:
        return MatchTier.EXACT, order_by_recency(_unique(exact))
    if rows:
        return MatchTier.SWITCHBOARD, order_by_recency(_unique([c for c, _ in rows]))
    return MatchTier.NONE, ()


def _unique(contacts: Sequence[Contact]) -> list[Contact]:
    seen: dict[int, Contact] = {}
    for c in contacts:
        seen.setdefault(c.id, c)
    return list(seen.values())
