"""What a caller ID's name (CNAM, a SIP display name) says about who is calling: a person's or
a company's name worth looking for among the rep's contacts, or a placeholder.

A US carrier with no name on file sends where the line is ("SAN FRANCISCO CA", "CHICAGO IL")
or what it is ("WIRELESS CALLER", "TOLL FREE", "V4155550199"); a PBX sends "Anonymous". Those
name nobody, and a name search for them finds nothing or the wrong people. "MIKE ROSS" and
"PDX WIRELESS" (a company) are names. switchboard.rank_by_caller_name weighs a name against
the people at a known number; this decides whether a name is worth searching for at all.
"""

from __future__ import annotations

import re

from desktop.core.callerid_text import withheld_word
from desktop.core.display_text import one_line

# Words that only describe the line or the lookup: a name made of nothing else is a placeholder.
_LINE_WORDS = frozenset(
    {
        "wireless", "cellular", "cell", "mobile", "phone", "telephone", "landline", "line",
        "caller", "call", "calling", "id", "cnam", "number", "name", "info", "information",
        "toll", "free", "tollfree", "pay", "payphone", "voip", "internet", "sip", "pbx",
        "unknown", "unavailable", "not", "available", "provided", "private", "restricted",
        "blocked", "anonymous", "withheld", "out", "of", "area", "no", "none", "n/a", "na",
        "spam", "scam", "likely", "risk", "potential", "suspected", "fraud", "telemarketer",
        "robocall", "nuisance", "verified", "inbound", "incoming", "external", "outside",
    }
)  # fmt: skip
# A carrier's place is "CITY ST": US states, DC and territories, Canadian provinces.
_REGIONS = frozenset(
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
        "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:['’/-][^\W_]+)*")


def searchable_name(display_name: str, place: str = "") -> str:
    """The caller ID's name on one line when it looks like a person's or a company's, else "".
    `place`: where the number is ("San Francisco, CA", the card's), which a carrier sends as
    the name when it has none."""
    name = one_line(display_name)
    letters = sum(ch.isalpha() for ch in name)
    digits = sum(ch.isdigit() for ch in name)
    if letters < 2 or digits > letters or withheld_word(name):
        return ""  # "V4155550199", "4155550199", "P"
    words = _WORD.findall(name)
    if all(w.casefold() in _LINE_WORDS for w in words):
        return ""  # "WIRELESS CALLER", "TOLL FREE", "SPAM LIKELY"
    if len(words) >= 2 and words[-1].upper() in _REGIONS and words[-1].isupper():
        return ""  # "SAN FRANCISCO CA", "PORTLAND, OR", "CELL PHONE   CA"
    if place and _letters(name) in (_letters(place), _letters(place.split(",")[0])):
        return ""  # "SAN FRANCISCO" from a San Francisco number
    return name


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalpha())
