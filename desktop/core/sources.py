"""One card across sources: the same person in the local book and in team directories is one
entry on the card, not one per source.

Two contacts at the caller's number are the same person when they come from different sources
and their names agree as the importer's do ("Dana" and "Dana Reyes"; two nameless contacts
when their companies are the same). Within one source, two contacts stay two: the importer and
the directory's owner decided that.

Priority (docs/team-directories.md): the local book, then CardDAV books, then LDAP directories,
directories of a kind by name. The entry keeps the first one's id (so what the rep logs or
edits goes to their own contact when they have one), takes the fullest of the agreeing names,
and each other field from the first source that has it; numbers and attempts are the union,
and `sources` lists where it was found, in that order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from desktop.core.card import order_by_recency
from desktop.core.models import Attempt, Contact, StoredNumber

LOCAL = "local"
RANKS = {LOCAL: 0, "carddav": 1, "ldap": 2}  # a source's kind -> its priority


@dataclass(frozen=True, order=True)
class Origin:
    rank: int  # RANKS of its kind
    name: str  # LOCAL or the directory's name


LOCAL_ORIGIN = Origin(0, LOCAL)


def one_entry_per_person(
    contacts: Sequence[Contact], origins: Mapping[int, Origin]
) -> tuple[Contact, ...]:
    """`contacts` (all at one number) with each person once and `sources` filled in; contacts
    missing from `origins` are the local book's. Most recently contacted first."""
    groups: list[list[tuple[Origin, Contact]]] = []
    for contact in contacts:
        origin = origins.get(contact.id, LOCAL_ORIGIN)
        for group in groups:
            if all(o != origin for o, _ in group) and _same_person(group[0][1], contact):
                group.append((origin, contact))
                break
        else:
            groups.append([(origin, contact)])
    return order_by_recency([_merged(sorted(g, key=lambda pair: pair[0])) for g in groups])


def one_hit_per_person(
    contacts: Sequence[Contact], origins: Mapping[int, Origin]
) -> list[Contact]:
    """A search's `contacts`, in their order, with each person once: a contact joins the
    first one before it from another source that shares a number with it and whose name
    agrees, merged as on the card, in the place of the better ranked."""
    groups: list[list[tuple[Origin, Contact]]] = []
    for contact in contacts:
        origin = origins.get(contact.id, LOCAL_ORIGIN)
        numbers = _e164s(contact)
        for group in groups:
            if (all(o != origin for o, _ in group)
                    and any(numbers & _e164s(c) for _, c in group)
                    and _same_person(group[0][1], contact)):  # fmt: skip
                group.append((origin, contact))
                break
        else:
            groups.append([(origin, contact)])
    return [_merged(sorted(g, key=lambda pair: pair[0])) for g in groups]


def _e164s(contact: Contact) -> set[str]:
    return {n.e164 for n in contact.numbers if n.e164}


def _merged(group: Sequence[tuple[Origin, Contact]]) -> Contact:
    first = group[0][1]
    sources = tuple(o.name for o, _ in group)
    if len(group) == 1:
        return replace(first, sources=sources)
    people = [c for _, c in group]

    def pick(name: str) -> str:
        return next((value for c in people if (value := str(getattr(c, name)))), "")

    dated = [c.last_contacted for c in people if c.last_contacted is not None]
    return replace(
        first,
        name=max((c.name for c in people), key=lambda n: len(_words(n))),
        title=pick("title"), company=pick("company"), email=pick("email"),
        notes=pick("notes"), reason=pick("reason"), referred_by=pick("referred_by"),
        next_step=pick("next_step"), opener_override=pick("opener_override"),
        numbers=_numbers(people),
        attempts=_attempts(people),
        last_contacted=max(dated, default=None),
        sources=sources,
    )  # fmt: skip


def _numbers(people: Sequence[Contact]) -> tuple[StoredNumber, ...]:
    seen: dict[tuple[str, str], StoredNumber] = {}
    for contact in people:
        for n in contact.numbers:
            seen.setdefault((n.e164 or n.raw, n.extension), n)
    return tuple(seen.values())


def _attempts(people: Sequence[Contact]) -> tuple[Attempt, ...]:
    """Everyone's attempts (each contact's as many as were read), newest first."""
    unique = dict.fromkeys(a for c in people for a in c.attempts)
    return tuple(sorted(unique, key=lambda a: a.at, reverse=True))


def _same_person(a: Contact, b: Contact) -> bool:
    words_a, words_b = _words(a.name), _words(b.name)
    if words_a and words_b:
        return words_a <= words_b or words_b <= words_a
    if words_a or words_b:
        return False
    return bool(a.company.strip()) and a.company.casefold() == b.company.casefold()


def _words(name: str) -> frozenset[str]:
    # The importer's name_words would load its header tables on the ring path for this.
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return frozenset("".join(c if c.isalnum() else " " for c in plain).split())
