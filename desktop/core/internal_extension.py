"""A colleague's short internal extension: Active Directory's `ipPhone: 3103`, a card's
`TEL:x3103`, and the "3103" the office PBX presents when that colleague calls.

It is no phone number (no E.164 reading: desktop.core.numbers), so it is stored and matched
as itself: a number with no E.164 whose extension is the digits (adapters/store), found by a
ring whose caller ID is that extension and nothing else. An outside caller always has an
E.164, so +1 415 555 3103 never finds the colleague at 3103, nor does a number cut short
("555-01": one run of digits only, as PBXs present and directories keep them).
"""

from __future__ import annotations

import re

from desktop.core.caller_user_part import caller_user_part
from desktop.core.numbers import CallerNumber

# Three digits (a small office's 101) to six (a large site's); not led by 0, which PBXs keep
# for the operator and the outside line.
_EXTENSION = re.compile(r"(?:(?:x|ext\.?|extension)\s*)?([1-9][0-9]{2,5})", re.IGNORECASE)


def extension_digits(text: str) -> str:
    """The extension's digits when `text` is one ("3103", "x3103", "Ext. 3103",
    "sip:3103@pbx"), else ""; for text that has no E.164 reading."""
    found = _EXTENSION.fullmatch(caller_user_part(text).strip())
    return found.group(1) if found else ""


def internal_extension(number: CallerNumber) -> str:
    """The extension a caller ID is when it is no phone number, else ""."""
    if number.e164 is not None or number.withheld:
        return ""
    return extension_digits(number.raw)


def call_back_to(number: CallerNumber) -> str:
    """What a missed card's Call back dials: the caller's E.164, or the colleague's internal
    extension ("3103") their call came from, which the office PBX connects; "" for neither."""
    return number.e164 or internal_extension(number)


def extension_call_text(caller_id: str) -> str:
    """A call from a colleague's extension as a call list's Number says it: "x3103" for the
    caller ID "3103" or "sip:3103@pbx" (beside phone numbers, a bare "3103" reads as a
    number cut short), else ""."""
    digits = extension_digits(caller_id) if caller_id else ""
    return f"x{digits}" if digits else ""
