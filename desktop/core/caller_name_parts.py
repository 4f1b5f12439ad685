"""A caller-ID name made into a contact's name or company, as people write them.

Carriers send names in capitals ("MIKE ROSS", "PDX WIRELESS"). Stored as they came, a new
contact reads "MIKE ROSS" everywhere and a business becomes a person: the opener said
"Hi PDX". A person's name is cased as people write it ("Mike Ross", "Sean O'Brien",
"Ann McDonald", "Pieter van der Berg"); a business goes in Company with no person's name, so
the opener greets the company. A name typed in mixed case is the rep's spelling: kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.display_text import one_line

# A word that only a business's name has: legal forms, and what a company (not a person) is.
_BUSINESS_WORDS = frozenset(
    {
        "llc", "l.l.c.", "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co",
        "co.", "company", "ltd", "ltd.", "limited", "gmbh", "ag", "plc", "llp", "lp", "pllc",
        "pc", "sa", "srl", "bv", "oy", "ab", "kg", "pty", "group", "holdings", "enterprises",
        "industries", "services", "solutions", "systems", "technologies", "tech", "wireless",
        "communications", "telecom", "networks", "bank", "insurance", "hospital", "clinic",
        "medical", "dental", "pharmacy", "school", "university", "college",
        "associates", "partners", "consulting", "realty", "motors", "auto", "logistics",
        "international", "intl", "store", "shop", "restaurant", "cafe", "hotel", "agency",
        "dept", "department", "office", "county", "city", "state", "federal", "gov",
    }
)  # fmt: skip
# Written in their own way inside a company's name, whatever case the carrier sent.
_COMPANY_SPELLING = {
    "llc": "LLC", "inc": "Inc", "corp": "Corp", "co": "Co", "ltd": "Ltd", "gmbh": "GmbH",
    "ag": "AG", "plc": "PLC", "llp": "LLP", "lp": "LP", "pllc": "PLLC", "pc": "PC",
    "sa": "SA", "srl": "SRL", "bv": "BV", "kg": "KG", "pty": "Pty", "intl": "Intl",
    "and": "and", "of": "of", "the": "the", "for": "for",
}  # fmt: skip
# Lower case inside a person's name ("Pieter van der Berg"), capitalised when it leads.
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "ter",
     "ten", "dos", "das", "do", "bin", "ibn"}
)  # fmt: skip
_SUFFIXES = {"jr": "Jr", "sr": "Sr", "ii": "II", "iii": "III", "iv": "IV"}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class NameParts:
    name: str  # a person's name, "" for a business
    company: str = ""


def contact_from_caller_name(text: str) -> NameParts:
    """What a new contact's Name and Company should say for a name from the caller ID (or the
    name box it stood in)."""
    name = one_line(text)
    words = name.split()
    if not words:
        return NameParts("")
    shouting = name == name.upper() and name != name.lower()
    if "&" in name or any(w.casefold().strip(",") in _BUSINESS_WORDS for w in words):
        return NameParts("", _company_case(words) if shouting else name)
    return NameParts(_person_case(words) if shouting else name)


def _person_case(words: list[str]) -> str:
    out = []
    for i, word in enumerate(words):
        folded = word.casefold().rstrip(".,")
        if folded in _SUFFIXES and i > 0:
            out.append(word.replace(word.rstrip(".,"), _SUFFIXES[folded]))
        elif folded in _PARTICLES and 0 < i < len(words) - 1:
            out.append(word.casefold())  # "VAN DER BERG" at the end of a name: "van der"
        else:
            out.append(_WORD.sub(lambda m: _capitalise(m.group(0)), word))
    return " ".join(out)


def _capitalise(part: str) -> str:
    # Each piece between ' and - is its own name: O'Brien, Smith-Jones.
    low = part.casefold()
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2:].capitalize()
    return low.capitalize()


def _company_case(words: list[str]) -> str:
    out = []
    for i, word in enumerate(words):
        bare = word.casefold().strip(".,")
        if bare in _COMPANY_SPELLING:
            spelt = _COMPANY_SPELLING[bare]
            out.append(word.replace(word.strip(".,"), spelt[0].upper() + spelt[1:] if i == 0
                                    else spelt))  # fmt: skip
        elif len(bare) <= 3:
            out.append(word)  # "PDX", "IBM": letters read out one by one, mostly
        else:
            out.append(_WORD.sub(lambda m: m.group(0).capitalize(), word.casefold()))
    return " ".join(out)
