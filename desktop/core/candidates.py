"""Who an unknown caller might be: ranked guesses, each with the reason it is a guess.

A number we do not have still says a lot (anchors.md 4.2 points 5 and 8):
- the caller dialled out through a company's switchboard: their direct-dial number is the
  main number plus extension digits ("+49 30 1234 5678" behind "+49 30 1234 50"), so a stored
  number that is the caller's without its last 1-4 digits is the company line;
- numbers of one company sit in one block: a stored number sharing all but the last few
  digits is a colleague, and the more digits shared the likelier;
- a callback follows our voicemail: people we left a message for lately, in the caller's
  area (same country and area code), are the ones who ring back;
- the caller ID's name ("DANA WHITFIELD", "KESTREL LOGISTICS") is the caller saying who they
  are: a person of that name, or a contact at a company of that name, outranks any number
  link, and is a guess even with no link at all (a new mobile, a home number).
North American numbers are not cut into extensions (a US/CA company's DDIs are not suffixes
of its main number), and there a block is only the last two digits.

This module only ranks and explains; the store finds the people (index range scans on the
prefixes `plan_for` lists, and the voicemails in the area).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from desktop.core.caller_name_parts import contact_from_caller_name
from desktop.core.card import Candidate
from desktop.core.given_names import given_name, same_given_name
from desktop.core.models import Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.core.search_query import fold, recency_score, words

MAX_CANDIDATES = 5
SWITCHBOARD_DIGITS = 4  # extension digits a DDI may add to a main number
NANP_BLOCK_DIGITS = 2
AREA_MESSAGE_DAYS = 30  # a voicemail older than this no longer explains a callback
# Scores: a switchboard beats a shared block beats a voicemail in the area; recency (up to
# search_query.RECENCY_WEIGHT) breaks ties within a kind.
SWITCHBOARD_SCORE = 100.0
BLOCK_SCORE = 60.0
BLOCK_DIGIT_SCORE = 5.0  # per digit shared beyond the shortest prefix looked up
AREA_MESSAGE_SCORE = 40.0
SAME_AREA_SCORE = 10.0
NAME_SCORE = 20.0  # the name the rep typed (picker narrowing) matches
CALLER_NAME_SCORE = 200.0  # the caller ID names them: above a switchboard and a block together
CALLER_NAME_REASON = "Name matches the caller ID"
CALLER_COMPANY_REASON = "Company matches the caller ID"  # "ACME LTD" for Mike at Acme Tooling
# The caller ID names them by another form of their given name ("MIKE" for Michael Brandt):
# below the name as spelled, above every number link with recency.
CALLER_NICKNAME_SCORE = CALLER_NAME_SCORE - 10.0
# A company's legal form: "KESTREL LOGISTICS" is "Kestrel Logistics Ltd", and the other way.
_LEGAL_FORMS = frozenset(
    {"llc", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
     "gmbh", "ag", "plc", "llp", "lp", "pllc", "pc", "sa", "srl", "bv", "oy", "ab", "kg", "pty",
     "the", "and", "of"}
)  # fmt: skip

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class CandidatePlan:
    """What to look up for an unknown number."""

    e164: str
    prefixes: tuple[str, ...]  # the caller's number minus 1, 2, ... trailing digits
    area_prefix: str | None  # "+1415", "+4420"; None for numbers without a geographic area
    area_label: str  # "area code 415", "+44 20"
    north_american: bool


def plan_for(caller: CallerNumber) -> CandidatePlan | None:
    """None when there is nothing to go on (withheld, unreadable)."""
    if caller.withheld or not caller.e164:
        return None
    e164 = caller.e164
    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return None
    country = str(parsed.country_code)
    area_digits = phonenumbers.length_of_geographical_area_code(parsed)
    national = phonenumbers.national_significant_number(parsed)
    north_american = country == "1"
    # Keep the country code, the area code (or a network code) and at least two more digits:
    # a shorter prefix is a whole town, not a company.
    head = area_digits or phonenumbers.length_of_national_destination_code(parsed)
    shortest = 1 + len(country) + head + 2
    cuts = NANP_BLOCK_DIGITS if north_american else SWITCHBOARD_DIGITS
    prefixes = tuple(e164[:-k] for k in range(1, cuts + 1) if len(e164) - k >= shortest)
    area_prefix = f"+{country}{national[:area_digits]}" if area_digits else None
    if area_digits and north_american:
        area_label = f"area code {national[:area_digits]}"
    elif area_digits:
        area_label = f"+{country} {national[:area_digits]}"
    else:
        area_label = ""
    return CandidatePlan(e164, prefixes, area_prefix, area_label, north_american)


@dataclass(frozen=True)
class _Reason:
    score: float
    text: str


def rank_candidates(
    caller: CallerNumber,
    contacts: Iterable[Contact],
    now: datetime,
    *,
    named: Sequence[str] = (),
    caller_name: str = "",
    limit: int = MAX_CANDIDATES,
) -> tuple[Candidate, ...]:
    """The likeliest people first. Without `named`, only people with a link to the number
    count. With `named` (the words the rep typed as the caller said their name), only people
    whose name or company has those words count, linked or not: "all the Mikes I called,
    and which one has this number". `caller_name`: the caller ID's name when it names someone
    (cnam.searchable_name); the people it names come first, linked or not."""
    plan = plan_for(caller)
    wanted = [w for term in named for w in words(term)]
    said = caller_name_words(caller_name)
    scored: list[tuple[float, datetime | None, str, int, Candidate]] = []
    seen: set[int] = set()
    for contact in contacts:
        if contact.id in seen:
            continue
        seen.add(contact.id)
        if caller.e164 and any(n.e164 == caller.e164 for n in contact.numbers):
            continue  # an exact match is a contact on the card, not a guess
        reasons = _reasons(plan, contact, now, named=bool(wanted)) if plan is not None else []
        if wanted:
            if not _name_matches(contact, wanted):
                continue
            reasons.append(_Reason(NAME_SCORE, _name_reason(contact, now, bool(reasons))))
        if said is not None:
            reason = _caller_name_reason(contact, said)
            if reason is not None:
                reasons.append(reason)
        if not reasons:
            continue
        reasons.sort(key=lambda r: -r.score)
        total = sum(r.score for r in reasons[:2]) + recency_score(contact, now)
        why = " · ".join(r.text for r in reasons[:2] if r.text)
        scored.append((total, contact.last_contacted, fold(contact.name), contact.id,
                       Candidate(contact, why)))  # fmt: skip
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    scored.sort(key=lambda s: (-s[0], -(s[1] or epoch).timestamp(), s[2], s[3]))
    return tuple(s[4] for s in scored[:limit])


def _reasons(
    plan: CandidatePlan, contact: Contact, now: datetime, *, named: bool
) -> list[_Reason]:
    reasons: list[_Reason] = []
    best_link: _Reason | None = None
    for number in contact.numbers:
        link = _number_link(plan, number.e164 or "")
        if link is not None and (best_link is None or link.score > best_link.score):
            best_link = link
    if best_link is not None:
        reasons.append(best_link)
    if plan.area_prefix is None:
        return reasons
    since = now - timedelta(days=AREA_MESSAGE_DAYS)
    for attempt in contact.attempts:  # newest first
        if (
            attempt.direction is Direction.OUT
            and attempt.outcome is Outcome.VOICEMAIL
            and attempt.at >= since
        ):
            dialled = attempt.number_e164 or ""
            in_area = dialled.startswith(plan.area_prefix) or (
                not dialled and _has_area_number(contact, plan.area_prefix)
            )
            if in_area:
                age = max(0.0, (now - attempt.at).total_seconds() / 86400)
                score = AREA_MESSAGE_SCORE * (1 - age / (2 * AREA_MESSAGE_DAYS))
                reasons.append(_Reason(
                    score,
                    f"Voicemail left {short_date(attempt.at, now)}, same area ({plan.area_label})",
                ))  # fmt: skip
                return reasons
    # Only worth saying about someone the rep named: alone it would list half a town.
    if named and best_link is None and _has_area_number(contact, plan.area_prefix):
        reasons.append(
            _Reason(SAME_AREA_SCORE, f"Has a number in the same area ({plan.area_label})")
        )
    return reasons


def _number_link(plan: CandidatePlan, stored: str) -> _Reason | None:
    caller = plan.e164
    if not stored or stored == caller:
        return None
    dropped = len(caller) - len(stored)
    north_american = plan.north_american
    if not north_american and 1 <= dropped <= SWITCHBOARD_DIGITS and caller.startswith(stored):
        return _Reason(
            SWITCHBOARD_SCORE - dropped,
            f"Company switchboard {readable(stored)}",
        )
    if (
        not plan.north_american
        and 0 <= dropped < SWITCHBOARD_DIGITS
        and stored.endswith("0")
        and caller.startswith(stored[:-1])
    ):
        # "…50" is the main line, "…5678" a direct dial: the 0 stands for the operator.
        return _Reason(
            SWITCHBOARD_SCORE - dropped - 1,
            f"Company switchboard {readable(stored)}",
        )
    if not plan.prefixes:
        return None
    shared = _shared_length(caller, stored)
    shortest = len(plan.prefixes[-1])
    # NANP numbers all have ten digits; elsewhere a company's DDIs may differ in length.
    too_long_apart = dropped != 0 if north_american else abs(dropped) > SWITCHBOARD_DIGITS
    if shared < shortest or too_long_apart:
        return None
    return _Reason(
        BLOCK_SCORE + BLOCK_DIGIT_SCORE * (shared - shortest),
        f"Same number block as {readable(stored)}",
    )


@dataclass(frozen=True)
class CallerNameWords:
    """The words of a caller-ID name worth matching, and what they name."""

    words: tuple[str, ...]
    business: bool  # a company's name: matched against Company (and a Name that is one)


def caller_name_words(caller_name: str) -> CallerNameWords | None:
    """None for a name with nothing to match on. One-letter words are initials ("WHITFIELD
    D"), too weak to tell people apart; a legal form may be there on one side only."""
    if not caller_name.strip():
        return None
    business = not contact_from_caller_name(caller_name).name
    kept = tuple(
        w for w in words(caller_name) if len(w) > 1 and not (business and w in _LEGAL_FORMS)
    )
    return CallerNameWords(kept, business) if kept else None


def _caller_name_reason(contact: Contact, said: CallerNameWords) -> _Reason | None:
    """Why the caller ID's name names `contact`, or None. Prefixes: a carrier cuts a name at
    15 characters ("KESTREL LOGISTI"). A person's given name may come as another form of it
    ("MIKE BRANDT" for Michael Brandt, given_names.py); a company's words may not."""
    target = f"{contact.company} {contact.name}" if said.business else contact.name
    have = words(target)
    if all(any(w.startswith(term) for w in have) for term in said.words):
        named = all(any(w.startswith(t) for w in words(contact.name)) for t in said.words)
        return _Reason(CALLER_NAME_SCORE, CALLER_NAME_REASON if named else CALLER_COMPANY_REASON)
    if said.business:
        return None
    nicknamed: list[str] = []
    first = given_name(fold(contact.name))  # "MIKE" is not Tom Michael
    for term in said.words:
        if any(w.startswith(term) for w in have):
            continue
        if not same_given_name(term, first):
            return None
        nicknamed.append(f"{term.title()} for {first.title()}")
    return _Reason(CALLER_NICKNAME_SCORE, f"Caller ID says {', '.join(nicknamed)}")


def _has_area_number(contact: Contact, area_prefix: str) -> bool:
    return any((n.e164 or "").startswith(area_prefix) for n in contact.numbers)


def _name_matches(contact: Contact, wanted: Sequence[str]) -> bool:
    """The rep typed what the caller said ("Mike"): a name or company word starting with it,
    or another form of the given name in the name (Michael)."""
    have = words(f"{contact.name} {contact.company}")
    first = given_name(fold(contact.name))
    return all(
        any(w.startswith(term) for w in have) or same_given_name(term, first) for term in wanted
    )


def _name_reason(contact: Contact, now: datetime, linked: bool) -> str:
    if linked:
        return ""
    if contact.last_contacted is not None:
        return f"Name matches, last called {short_date(contact.last_contacted, now)}"
    return "Name matches, nothing links them to this number"


def _shared_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def readable(e164: str) -> str:
    """"+1 415-555-0142", or the input when it is not a number phonenumbers reads."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, None), PhoneNumberFormat.INTERNATIONAL
        )
    except NumberParseException:
        return e164


def short_date(at: datetime, now: datetime) -> str:
    """ "Tue 14 Oct" in `now`'s zone, with the year when it is not this year. English, like the
    rest of the card, and without strftime, which follows the process locale."""
    local = at.astimezone(now.tzinfo)
    text = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    return text if local.year == now.astimezone(now.tzinfo).year else f"{text} {local.year}"
