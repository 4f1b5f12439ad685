"""Calls from a company's main number: several people stand behind it, so the card neither
greets one of them by name nor guesses blindly which one it is.

* Who is listed first: the person the caller-ID display name names ("DANA WHITFIELD",
  "Whitfield D"), when it names one; otherwise the one we contacted most recently.
* Which extension reaches each of them, from the number stored for them ("… ext. 204").
* The opener greets the company, and asks who is calling ("switchboard" template).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop.core.display_text import one_line
from desktop.core.given_names import given_name, same_given_name
from desktop.core.models import Contact
from desktop.core.search_query import fold

_WORD = re.compile(r"\w+")


def extension_at(contact: Contact, e164: str | None) -> str:
    """The extension stored with the contact's number `e164`; "" when none is."""
    if e164 is None:
        return ""
    return next((n.extension for n in contact.numbers if n.e164 == e164 and n.extension), "")


def extension_text(contact: Contact, e164: str | None) -> str:
    extension = extension_at(contact, e164)
    return f"ext. {extension}" if extension else ""


def rank_by_caller_name(contacts: Sequence[Contact], display_name: str) -> tuple[Contact, ...]:
    """`contacts` (most recent first) with the ones the caller-ID name names moved ahead,
    more of their name's words first, a word as spelled above another form of a given name
    ("MIKE BRANDT" names Michael Brandt, and Mike Brandt before him); the order is otherwise
    kept. A display name that names nobody in particular (the company, "WIRELESS CALLER")
    changes nothing."""
    words = _words(display_name)
    if not words or len(contacts) < 2:
        return tuple(contacts)
    scores = [_named_words(words, _words(c.name), given_name(fold(c.name))) for c in contacts]
    if max(scores) == 0:
        return tuple(contacts)
    order = sorted(range(len(contacts)), key=lambda i: -scores[i])  # stable: recency within
    return tuple(contacts[i] for i in order)


def names_one_of(contacts: Sequence[Contact], display_name: str) -> bool:
    """Whether the caller-ID name names one of `contacts` (rank_by_caller_name's rule): on
    a shared number, only then is it known whose call it was."""
    words = _words(display_name)
    return bool(words) and any(
        _named_words(words, _words(c.name), given_name(fold(c.name))) > 0 for c in contacts)


def either_of(contacts: Sequence[Contact]) -> str:
    """Who a missed call on a shared number may have been for, when nothing said whose it
    was: "Dana Whitfield or Raj Patel", "Dana Whitfield or 2 others" (one line at 2x too)."""
    names = [one_line(c.name or c.company) or "(no name)" for c in contacts]
    if len(names) < 2:
        return names[0] if names else ""
    if len(names) == 2:
        return f"{names[0]} or {names[1]}"
    return f"{names[0]} or {len(names) - 1} others"


def shared_company(contacts: Sequence[Contact]) -> str:
    """The company every one of `contacts` who has one names, "" when they differ."""
    companies = {one_line(c.company) for c in contacts if c.company.strip()}
    return companies.pop() if len(companies) == 1 else ""


def company_of(contacts: Sequence[Contact]) -> str:
    """The company the people at a shared number work for (the first one named)."""
    return next((c.company.strip() for c in contacts if c.company.strip()), "")


# A word said as another form of the given name counts a little less than the word spelled.
_GIVEN_NAME_WEIGHT = 0.9


def _named_words(said: set[str], name: set[str], first: str) -> float:
    spelled = said & name
    nicknamed = [w for w in said - spelled if same_given_name(w, first)]
    return len(spelled) + _GIVEN_NAME_WEIGHT * len(nicknamed)


def _words(text: str) -> set[str]:
    # One-letter words are initials ("D"): too weak to tell two people apart.
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 1}
