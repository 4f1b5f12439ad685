"""A number a person types into a contact: read with the contact's own region, refused with a
sentence when it is not a number anyone could call back.

A contact's numbers are what calls are matched on, so a half-read number here would make the
card pop for nobody (or for somebody else): unlike an import, which keeps an unreadable cell as
text for later fixing, an edit either stores a valid E.164 (or a colleague's internal
extension, "3103", which a call from 3103 matches) or stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.candidates import readable
from desktop.core.import_region import region_title
from desktop.core.internal_extension import extension_digits
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy, parse_number

# What the label box offers; anything else typed is kept as typed.
LABELS = ("work", "mobile", "main", "direct", "home", "assistant", "other")


class NumberRefused(ValueError):
    """The typed text is not stored; str(exc) says why, for people."""


def contact_region(numbers: Sequence[StoredNumber], home: str) -> str:
    """The region a contact's national numbers are read in: that of their first number with a
    country (a London prospect's "020 7946 0321" is a London number from a US desk too), else
    the home region."""
    for number in numbers:
        if number.e164:
            region = parse_number(number.e164, NumberPolicy(home)).region
            if region:
                return region
    return home


def read_typed_number(
    text: str, label: str, region: str, existing: Sequence[StoredNumber] = ()
) -> StoredNumber:
    """The number to store for `text`, or NumberRefused. `existing` are the contact's other
    numbers: the same number twice is refused too."""
    typed = text.strip()
    if not typed:
        raise NumberRefused("Type the number first.")
    number = parse_number(typed, NumberPolicy(region))
    if number.e164 is None and (digits := extension_digits(typed)):
        # A colleague's internal extension ("3103", "x3103"): what the PBX presents when they
        # call, kept as the directory and an import keep it (desktop.core.internal_extension).
        for other in existing:
            if other.is_internal and other.extension == digits:
                raise NumberRefused(f"Not saved: this contact already has extension {digits}.")
        return StoredNumber(typed, None, digits, label.strip())
    if number.e164 is None:
        why = number.problem or f"{typed!r} is not a phone number"
        raise NumberRefused(f"Not saved: {why}.")
    if not number.valid:
        hint = "" if typed.startswith(("+", "00")) else (
            f" (read as a {region_title(region)} number; for another country, start with + "
            "and its country code)"
        )
        raise NumberRefused(
            f"Not saved: {readable(number.e164)} is not a number in use; check the digits{hint}."
        )
    shown = readable(number.e164) + (f" ext. {number.extension}" if number.extension else "")
    for other in existing:
        if other.e164 == number.e164 and other.extension == number.extension:
            raise NumberRefused(f"Not saved: this contact already has {shown}.")
    return StoredNumber(typed, number.e164, number.extension, label.strip())


def shown_number(number: StoredNumber) -> str:
    """"+44 20 7946 0321 ext. 204", or the text as typed when it was never readable."""
    if not number.e164:  # as typed, an internal extension's "x3103" included
        return number.raw.strip()
    return readable(number.e164) + (f" ext. {number.extension}" if number.extension else "")


def shared_number_warning(shown: str, holders: Sequence[tuple[str, str]]) -> str:
    """What Save says first when the number typed is another contact's already (`holders`:
    each one's name and the number's label there): a typo that would make that person's calls
    pop this card, or a line they share (a switchboard), which the rep may keep."""
    if not holders:
        return ""
    whose = [_whose(name, label) for name, label in holders[:2]]
    said = " and ".join(whose)
    if len(holders) > 2:
        said += f" (and {len(holders) - 2} more contacts')"
    return (f"{shown} is {said}. Saved here too, their calls may show this card instead. "
            "Save anyway for a line they share (a switchboard), or fix the number.")


def _whose(name: str, label: str) -> str:
    """"Dana Whitfield's mobile", "Acme's work number", "another contact's number"."""
    who = " ".join(name.split()) or "another contact"
    label = " ".join(label.split())
    if not label:
        what = "number"
    elif label.lower() in ("mobile", "cell", "fax", "pager") or label.lower().endswith(
        ("number", "phone", "line", "mobile")
    ):
        what = label
    else:
        what = f"{label} number"
    return f"{who}'{'' if who.endswith('s') else 's'} {what}"

