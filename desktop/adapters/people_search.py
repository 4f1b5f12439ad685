"""Search and the contact view across sources: the same person in the rep's own book, a team's
CardDAV book and the company directory is one result, naming every source it was found in
(desktop.core.sources decides who is the same person and merges them, as the card does).

The Search window lists calls under the people too (`search_calls`): "mike" finds the calls
with the Mikes found and those whose caller ID said MIKE, unknown callers included."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from desktop.adapters.directories.mirror import contact_origins
from desktop.adapters.store import SEARCH_LIMIT, LoggedCall, Store
from desktop.adapters.store.calls import CALL_SEARCH_LIMIT
from desktop.core.numbers import home_trunk
from desktop.core.search_query import SearchHit, SearchQuery, called_since, with_home_trunk
from desktop.core.sources import LOCAL, people_across_sources


def at_home(query: SearchQuery, region: str) -> SearchQuery:
    """`query` with digits typed the way `region` writes its own numbers ("0171" in DE) also
    looked for in E.164, as stored numbers hold them."""
    return with_home_trunk(query, *home_trunk(region))


def search_people(
    store: Store, query: SearchQuery, *, now: datetime | None = None, limit: int = SEARCH_LIMIT
) -> list[SearchHit]:
    """`Store.search`, one result per person, each with `contact.sources` filled in."""
    # The store's best `limit`, merged: a person found in two sources takes two of them, so a
    # page can hold a few fewer rows. Asking for more costs every keystroke (twice as many:
    # +1.6 ms at 100,000 contacts, measured) for rows past what anyone reads.
    hits = store.search(query, now=now, limit=limit)
    if not hits:
        return []
    origins = contact_origins(store, [hit.contact.id for hit in hits])
    merged = []
    for contact, positions in people_across_sources([hit.contact for hit in hits], origins):
        members = [hits[p] for p in positions]
        matched = tuple(dict.fromkeys(f for hit in members for f in hit.matched_in))
        merged.append(SearchHit(contact, max(hit.score for hit in members), matched,
                                min(hit.tier for hit in members)))  # fmt: skip
    return merged


# A person found by who they are or by their number: their calls are what was looked for. One
# found only in their notes ("met Mike at the fair") is not: their calls would be noise.
_CALLS_OF = frozenset({"name", "company", "number"})


def search_calls(
    store: Store, query: SearchQuery, hits: list[SearchHit], *, now: datetime | None = None
) -> list[LoggedCall]:
    """The calls for what was typed, the newest first: with the people `hits` found by name,
    company or number, and any whose caller ID holds the words (its name) and digits (its
    number). "Called in the last N days" keeps the last N days; "Message left" and "Has a
    referral" are about people, so only the calls of the people found are kept then."""
    if not (query.terms or query.fragments):
        return []
    filters = query.filters
    by_caller_id = not (filters.awaiting_callback or filters.has_referral)
    since = called_since(filters, now or datetime.now(UTC))
    calls = store.search_calls(
        contact_ids=[hit.contact.id for hit in hits if _CALLS_OF & set(hit.matched_in)],
        words=query.terms if by_caller_id else (),
        digits=query.fragment_forms() if by_caller_id else (),
        since=since,
    )
    if not by_caller_id:
        return calls
    return _with_unnamed_calls(store, calls, since, fetch=bool(query.terms))


# Numbers known only by a caller ID's name whose other calls are looked up: "mike" finds a
# handful of such numbers at most; more is a word too common to be about one caller.
_NAMED_NUMBERS = 10


def _with_unnamed_calls(
    store: Store, calls: list[LoggedCall], since: datetime | None, *, fetch: bool
) -> list[LoggedCall]:
    """`calls`, those of a number known only by a caller ID's name and logged without one
    (the rep's own calls to it) named as the caller ID named it; with `fetch` (found by the
    name), those calls looked up too. Used as a rep: "mike" found MIKE ROSS's call but not
    the call back to him, which "0177" listed as "Unknown · +1 415-555-0177"."""
    named: dict[str, str] = {}
    for call in calls:  # the newest first: a number is named as it was last
        number = call.attempt.number_e164
        if call.contact is None and number and call.attempt.caller_name:
            named.setdefault(number, call.attempt.caller_name)
    if not named:
        return calls
    seen = {call.id for call in calls}
    more = [
        call
        for number in (list(named)[:_NAMED_NUMBERS] if fetch else [])
        for call in store.search_calls(digits=[number.lstrip("+")], since=since)
        if call.id not in seen and call.attempt.number_e164 == number
    ]
    merged = sorted([*calls, *more], key=lambda call: call.attempt.at, reverse=True)
    return [_named(call, named) for call in merged[:CALL_SEARCH_LIMIT]]


def _named(call: LoggedCall, named: dict[str, str]) -> LoggedCall:
    number = call.attempt.number_e164
    if call.contact is not None or call.attempt.caller_name or number not in named:
        return call
    return replace(call, attempt=replace(call.attempt, caller_name=named[number]))


def sources_of(store: Store, contact_id: int) -> tuple[str, ...]:
    """Where this person is found, in priority order ("local" and directories' names): the
    contact's own source and those of the same person elsewhere (a shared number or e-mail
    address, names that agree). () when the contact does not exist."""
    contact = store.contact(contact_id, attempts_limit=0)
    if contact is None:
        return ()
    numbers = [(n.e164, n.extension) for n in contact.numbers if n.e164]
    ids = store.contact_ids_with_numbers(numbers)
    if contact.email.strip():
        ids |= store.contact_ids_with_email(contact.email)
    ids.discard(contact_id)
    others = store.contacts_by_id(sorted(ids), attempts_limit=0)
    origins = contact_origins(store, [contact_id, *ids])
    for person, positions in people_across_sources([contact, *others], origins):
        if 0 in positions:
            return person.sources
    return (LOCAL,)  # pragma: no cover (position 0 is always in one group)

