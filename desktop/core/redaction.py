"""What a card may show while the screen could be shared, and when it must be redacted.

Where the operating system can keep a window out of screen captures (Windows 10 2004+,
macOS), the card stays whole and its window is excluded instead. Where it cannot (Linux:
nothing excludes a window from an X11 or Wayland capture), the card is redacted while the
rep asked for it or while the desktop's Do Not Disturb is on, which KDE turns on by itself
during a screen share and which people turn on before presenting.
"""

from __future__ import annotations

from enum import StrEnum

from desktop.core.card import REDACTED_LABEL, Card
from desktop.core.localtime import LocalTime
from desktop.core.models import Contact
from desktop.core.numbers import CallerNumber

__all__ = ["REDACTED_LABEL", "Protection", "protection", "redact"]

_NO_NUMBER = CallerNumber(raw="", withheld=True, e164=None)


class Protection(StrEnum):
    NONE = "none"  # the card as it is
    EXCLUDED = "excluded"  # the card as it is, its window kept out of captures by the OS
    REDACTED = "redacted"  # company and REDACTED_LABEL only


def protection(*, keep_out: bool, do_not_disturb: bool, can_exclude: bool) -> Protection:
    """`keep_out`: the rep's setting; `can_exclude`: the OS took the exclusion for a window.

    Do Not Disturb is only read where windows cannot be excluded: elsewhere the setting is
    the one switch, and an exclusion the OS refused falls back to redaction.
    """
    if keep_out and can_exclude:
        return Protection.EXCLUDED
    if keep_out or (do_not_disturb and not can_exclude):
        return Protection.REDACTED
    return Protection.NONE


def redact(card: Card) -> Card:
    """The card with the caller's company and nothing else that names or reaches them.

    No name, number, caller-ID name, title, notes, attempts, guesses, opener, promise or
    place: a viewer of the shared screen learns that a company calls back, not who.
    """
    if card.redacted:
        return card
    company = next((c.company.strip() for c in card.contacts if c.company.strip()), "")
    return Card(
        caller_id="",
        number=_NO_NUMBER,
        match=card.match,  # only the stripe's colour: no label says it
        contacts=(Contact(id=0, name="", company=company),) if company else (),
        candidates=(),
        opener="",
        local_time=LocalTime(),
        promise="",
        redacted=True,
    )
