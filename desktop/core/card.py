"""The card: everything the rep needs in the two seconds before saying hello."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from desktop.core.callerid_text import number_as_written
from desktop.core.display_text import shown
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact
from desktop.core.numbers import CallerNumber


class MatchTier(StrEnum):
    EXACT = "exact"
    SWITCHBOARD = "switchboard"  # the company's main number; the person is behind an extension
    NONE = "none"
    WITHHELD = "withheld"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]


REDACTED_LABEL = "Callback"  # what a redacted card says instead of who is calling

_TIER_LABELS = {
    MatchTier.EXACT: "Exact number",
    MatchTier.SWITCHBOARD: "Company switchboard",
    MatchTier.NONE: "Unknown number",
    MatchTier.WITHHELD: "Number withheld",
}


@dataclass(frozen=True)
class Candidate:
    """A guess for an unknown caller, always with the reason it is a guess."""

    contact: Contact
    why: str


@dataclass(frozen=True)
class Card:
    caller_id: str  # as the source gave it
    number: CallerNumber
    match: MatchTier
    contacts: tuple[Contact, ...]  # most recently contacted first
    candidates: tuple[Candidate, ...]
    opener: str
    local_time: LocalTime
    promise: str = ""  # "You said you'd be in 9–12 today" (core/callbacks.promise_line)
    # Stripped for a screen others may see (core/redaction.redact): company and a label only.
    redacted: bool = False

    @property
    def headline(self) -> str:
        """The one line that names the caller."""
        if self.redacted:
            company = self.contacts[0].company if self.contacts else ""
            return company or REDACTED_LABEL
        if self.contacts:
            first = self.contacts[0]
            if len(self.contacts) > 1:
                return f"{first.name or first.company} (+{len(self.contacts) - 1} more)"
            return first.name or first.company or self.display_number
        if self.match is MatchTier.WITHHELD:
            return "Number withheld"
        return self.number.display_name or self.display_number

    @property
    def display_number(self) -> str:
        if self.redacted:
            return ""
        return self.number.e164 or number_as_written(self.caller_id) or "(no number)"


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    return {
        "direction": attempt.direction.value,
        "at": attempt.at.isoformat(),
        "outcome": attempt.outcome.value,
        "message": attempt.message,
        "reason": attempt.reason,
        "rep": attempt.rep,
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "company": contact.company,
        "title": contact.title,
        "email": contact.email,
        "why": why_we_called(contact),
        "referred_by": contact.referred_by,
        "next_step": contact.next_step,
        "notes": contact.notes,  # whole: the card shows the first lines, "Show all" the rest
        "numbers": [
            {"raw": n.raw, "e164": n.e164, "extension": n.extension, "label": n.label}
            for n in contact.numbers
        ],
        "last_contacted": contact.last_contacted.isoformat() if contact.last_contacted else None,
        "last_attempts": [attempt_json(a) for a in contact.attempts],
        "sources": list(contact.sources),
        "demo": contact.demo,
    }


def why_we_called(contact: Contact) -> str:
    """The contact's current reason, else the reason of the newest attempt that had one. A
    reason of spaces or direction marks only says nothing: it hid an older call's reason and
    left the card's "Why we called" blank."""
    if shown(contact.reason):
        return contact.reason
    return next((a.reason for a in contact.attempts if shown(a.reason)), "")


def card_json(card: Card) -> dict[str, Any]:
    lt = card.local_time
    return {
        "caller_id": card.caller_id,
        "number": card.number.e164,
        "extension": card.number.extension,
        "display_name": card.number.display_name,
        "withheld": card.number.withheld,
        "problem": card.number.problem,
        "match": card.match.value,
        "contacts": [contact_json(c) for c in card.contacts],
        "candidates": [
            {**contact_json(c.contact), "candidate_why": c.why} for c in card.candidates
        ],
        "opener": card.opener,
        "local_time": lt.text or None,
        "time_zones": list(lt.zones),
        "time_zones_ambiguous": lt.ambiguous,
        "place": lt.place,
        "promise": card.promise,
    }


def order_by_recency(contacts: Sequence[Contact]) -> tuple[Contact, ...]:
    """Most recently contacted first; never-contacted last, by name for a stable order."""
    dated = [(c.last_contacted, c) for c in contacts if c.last_contacted is not None]
    recent = [c for _, c in sorted(dated, key=lambda pair: pair[0], reverse=True)]
    never = sorted((c for c in contacts if not c.last_contacted), key=lambda c: c.name)
    return (*recent, *never)
