"""Which stored people a caller's number belongs to, and how sure we are.

Only two tiers count as a match: the exact number (or a colleague's internal extension, the
caller ID "3103" and a stored "3103" with no number: desktop.core.internal_extension), and a
company switchboard (the caller's number equals a stored number that carries an extension, so
several people can share it).
Anything looser is a guess and belongs with the candidates, never with the contacts. When
several people share the number, the one the caller-ID name names comes first, then the most
recently contacted (desktop.core.switchboard).
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.card import MatchTier, order_by_recency
from desktop.core.internal_extension import internal_extension
from desktop.core.models import Contact, StoredNumber
from desktop.core.numbers import CallerNumber
from desktop.core.switchboard import rank_by_caller_name


def classify(
    caller: CallerNumber, rows: Sequence[tuple[Contact, StoredNumber]]
) -> tuple[MatchTier, tuple[Contact, ...]]:
    """`rows` are the stored numbers whose E.164 equals the caller's, or for a caller ID that
    is a colleague's internal extension, the numbers stored as that extension."""
    if caller.withheld:
        return MatchTier.WITHHELD, ()
    if caller.e164 is None:
        extension = internal_extension(caller)
        same = [c for c, n in rows if extension and n.e164 is None and n.extension == extension]
        if same:
            ranked = order_by_recency(_unique(same))
            return MatchTier.EXACT, rank_by_caller_name(ranked, caller.display_name)
        return MatchTier.NONE, ()
    rows = [(c, n) for c, n in rows if n.e164 == caller.e164]
    exact = [c for c, n in rows if n.extension in ("", caller.extension)]
    if exact:
        ranked = order_by_recency(_unique(exact))
        return MatchTier.EXACT, rank_by_caller_name(ranked, caller.display_name)
    if rows:
        ranked = order_by_recency(_unique([c for c, _ in rows]))
        return MatchTier.SWITCHBOARD, rank_by_caller_name(ranked, caller.display_name)
    return MatchTier.NONE, ()


def _unique(contacts: Sequence[Contact]) -> list[Contact]:
    seen: dict[int, Contact] = {}
    for c in contacts:
        seen.setdefault(c.id, c)
    return list(seen.values())
