"""Prepared openers: a template chosen by what we know, filled with plain values.

Rendering substitutes `{placeholder}` names from a fixed set and nothing else: no attribute
access, no indexing, no format specs, no evaluation. Templates are user-editable and contact
fields come from imported files, so neither side may ever be interpreted as code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from desktop.core.card import why_we_called
from desktop.core.display_text import display_text, shown
from desktop.core.models import Contact, Outcome
from desktop.core.switchboard import company_of

# Most specific first: the first kind whose required placeholders, and every placeholder its
# template uses, all have values wins.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("referral_reason", ("referred_by", "reason")),
    ("referral", ("referred_by",)),
    ("reason", ("reason",)),
    ("voicemail", ("last_called",)),
    ("fallback", ()),
)
UNKNOWN_KIND = "unknown"
SWITCHBOARD_KIND = "switchboard"  # a company's main number: greet the company, not a person
PLACEHOLDERS = frozenset(
    {"first_name", "name", "company", "title", "reason", "referred_by", "last_called",
     "message", "next_step", "my_name"}
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(?P<name>[A-Za-z_]+)\}")
# A placeholder with the words that introduce it ("about {reason}", "Re: {reason}"): with no
# value the clause goes whole, so the line never reads "thanks for calling back about .".
# Four times slower than the plain one, so only for a template with a value missing.
_CLAUSE = re.compile(
    r"\{\{|\}\}|(?P<lead>[ \t]*(?:\b(?i:about|regarding|concerning|re:|on)[ \t]+)?)"
    r"\{(?P<name>[A-Za-z_]+)\}"
)
_GONE = "\ufdd0"  # where a clause went, until the sentence is mended around it (a noncharacter)
# A clause gone at a sentence's end takes the comma before it: "Hi Mike, about ." is "Hi Mike."
_GONE_AT_END = re.compile(f"[,;:]?{_GONE}+(?=[.!?…]|$)")
# Said when even the fallback template needs a value this contact lacks and reads as nothing.
LAST_RESORT = "Hi {first_name}, good to hear from you."


@dataclass(frozen=True)
class Opener:
    kind: str
    text: str


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill known placeholders; `{{`/`}}` are literal braces; anything else stays as written.
    A known one with no value goes with the words that bring it in ("about {reason}")."""
    missing = False

    def fill(m: re.Match[str]) -> str:
        nonlocal missing
        whole = m.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        name = m.group("name")
        if name not in PLACEHOLDERS:
            return whole  # an unknown name is shown as typed, so the user can spot the typo
        value = values.get(name, "")
        if shown(value):
            lead = m.group("lead") if m.re is _CLAUSE else ""
            return lead + (value if value.isascii() else value.replace(_GONE, ""))
        missing = True
        return _GONE

    filled = _PLACEHOLDER.sub(fill, template)
    if missing:
        filled = _GONE_AT_END.sub("", _CLAUSE.sub(fill, template)).replace(_GONE, "")
    # The opener is read out and copied: the contact's fields must not steer its direction.
    return display_text(filled)


def opener_for(
    contact: Contact | None,
    templates: Mapping[str, str],
    now: datetime,
    my_name: str = "",
) -> Opener:
    if contact is None:
        return Opener(UNKNOWN_KIND, render(templates.get(UNKNOWN_KIND, ""), {"my_name": my_name}))
    values = opener_values(contact, now, my_name)
    if contact.opener_override.strip() and _all_filled(contact.opener_override, (), values):
        return Opener("override", render(contact.opener_override, values))
    company_only = contact.company.strip() and not contact.name.strip()
    if company_only and templates.get(SWITCHBOARD_KIND):
        # A business with nobody named in it ("PDX Wireless" from its caller ID): greet the
        # company and ask who is calling, not "Hi there".
        return switchboard_opener((contact,), templates, now, my_name)
    # A template is used only when everything it says has a value: in any language, a
    # sentence with a hole in it ("wir hatten über gesprochen", "still on for?") cannot be
    # mended by dropping words, so the next kind that has all its values is said instead.
    for kind, required in KINDS:
        template = templates.get(kind)
        if template and _all_filled(template, required, values):
            return Opener(kind, render(template, values))
    # The rep's own fallback needs something this contact lacks: said with what can go gone
    # (render drops "about {reason}"), or a plain greeting, never an empty opener box.
    text = render(templates.get("fallback", ""), values)
    return Opener("fallback", text if text.strip() else render(LAST_RESORT, values))


@lru_cache(maxsize=256)  # the same few templates on every ring
def placeholders_in(template: str) -> tuple[str, ...]:
    """The known placeholders a template fills, in order: `{{reason}}` is literal text, a typo
    is not one."""
    names = (m.group("name") for m in _PLACEHOLDER.finditer(template))
    return tuple(dict.fromkeys(name for name in names if name in PLACEHOLDERS))


def unfilled(template: str, values: Mapping[str, str]) -> tuple[str, ...]:
    """The placeholders a template uses that have no value here: it is not said until then."""
    return tuple(name for name in placeholders_in(template) if not shown(values.get(name, "")))


def _all_filled(template: str, required: Sequence[str], values: Mapping[str, str]) -> bool:
    return all(shown(values.get(name, "")) for name in required) and not unfilled(
        template, values
    )


def switchboard_opener(
    contacts: Sequence[Contact], templates: Mapping[str, str], now: datetime, my_name: str = ""
) -> Opener:
    """For a call from a company's main number: whoever is calling, it is someone at the
    company, so the opener greets the company and asks who it is; without a company name or
    a template, the unknown caller's opener."""
    company = company_of(contacts)
    template = templates.get(SWITCHBOARD_KIND, "")
    if company and template:
        return Opener(SWITCHBOARD_KIND, render(template, {"company": company, "my_name": my_name}))
    return opener_for(None, templates, now, my_name)


def opener_values(contact: Contact, now: datetime, my_name: str = "") -> dict[str, str]:
    last_voicemail = next(
        (a for a in contact.attempts if a.outcome is Outcome.VOICEMAIL), None
    )
    return {
        "first_name": contact.first_name or "there",
        "name": contact.name,
        "company": contact.company,
        "title": contact.title,
        "reason": why_we_called(contact),
        "referred_by": contact.referred_by,
        "last_called": relative_day(last_voicemail.at, now) if last_voicemail else "",
        "message": last_voicemail.message if last_voicemail else "",
        "next_step": contact.next_step,
        "my_name": my_name,
    }


def relative_day(when: datetime, now: datetime) -> str:
    """'today', 'yesterday', 'on Tuesday', 'last week', 'on 3 October': how people say it."""
    days = (now.astimezone().date() - when.astimezone().date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {when.astimezone():%A}"
    if days < 14:
        return "last week"
    local = when.astimezone()
    return f"on {local.day} {local:%B}"
