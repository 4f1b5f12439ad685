"""A logged call in one line, as the lists that name calls write it: who (a contact's name, or
the name an unknown caller's caller ID gave, marked as such), the number, and what happened
when ("MIKE CELL (caller ID) · +1 415-555-0177 · missed Tue 14:05").

The caller ID's name is whatever the network or the softphone sent: it is never presented as
a contact's, and the windows show all of it as plain text.
"""

from __future__ import annotations

from datetime import datetime

from desktop.core.candidates import readable, short_date
from desktop.core.card_text import is_own_name, preview
from desktop.core.display_text import one_line
from desktop.core.localtime import HourCycle, clock_text
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.search_query import fold
from desktop.core.unread_caller_id import caller_id_text

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MISSED = (Outcome.MISSED, Outcome.NO_ANSWER)
# Carrier caller-ID names are 15 characters, SIP display names a department's name at most.
CALLER_ID_NAME_CHARS = 40


def unknown_who(caller_name: str, caller_id: str = "") -> str:
    """A caller nobody in the book has the number of: "MIKE CELL (caller ID)"; when the caller
    ID gave no name, a colleague's extension as their card says it ("x3103": a call out to
    it has no caller ID name, and said "Unknown" beside the calls in from "Front desk"),
    else "Unknown". A name past CALLER_ID_NAME_CHARS is cut with "…": a hook passes on
    whatever the phone was sent, and 500 characters of it pushed the rest of a Callbacks or
    Recent calls row out of the window."""
    name, _cut = preview(caller_name, CALLER_ID_NAME_CHARS)
    if name:
        return f"{name} (caller ID)"
    # Not at the top: the extension rule brings phonenumbers (unread_caller_id says why).
    from desktop.core.internal_extension import extension_call_text

    return (extension_call_text(caller_id) if caller_id else "") or "Unknown"


def call_who(attempt: Attempt, contact: Contact | None) -> str:
    """The contact ("Mike Kowalski · Harbor Freight"), with the caller ID's name when it is
    not theirs ("Bo (caller ID: MIKE CELL)": Search finds calls by it, and a row naming only
    Bo would not say why "mike" found it); an unknown caller by the caller ID alone."""
    if contact is None:
        return unknown_who(attempt.caller_name, attempt.caller_id)
    name = one_line(contact.name) or one_line(contact.company) or "(no name)"
    who = name
    said = preview(attempt.caller_name, CALLER_ID_NAME_CHARS)[0]
    if (
        said
        and fold(said) not in fold(f"{contact.name} {contact.company}")
        and not is_own_name(said, contact)
    ):
        who = f"{name} (caller ID: {said})"
    company = one_line(contact.company)
    return f"{who} · {company}" if company and company != name else who


def what_happened(attempt: Attempt) -> str:
    """"missed", "answered", "rang" (its end never came), "you called", "you called, no
    answer", "voicemail left"."""
    if attempt.direction is Direction.IN:
        if attempt.outcome in _MISSED:
            return "missed"
        return "rang" if attempt.outcome is Outcome.UNKNOWN else "answered"
    if attempt.outcome is Outcome.VOICEMAIL:
        return "voicemail left"
    # A call that rang out is no call that reached them: said, as Callbacks' "Tried" says it.
    if attempt.outcome is Outcome.NO_ANSWER:
        return "you called, no answer"
    if attempt.outcome is Outcome.FAILED:
        return "you called, it failed"
    return "you called"


def when_text(at: datetime, now: datetime, cycle: HourCycle = "24h") -> str:
    """"today 14:05", "yesterday 9:12 AM", "Tue 14:05" within the week, "Tue 3 Nov 14:05"
    before it; in ``now``'s zone."""
    local = at.astimezone(now.tzinfo)
    days = (now.astimezone(now.tzinfo).date() - local.date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "yesterday"
    elif 1 < days < 7:
        day = _WEEKDAYS[local.weekday()]
    else:
        day = short_date(at, now)
    return f"{day} {clock_text(local, local.date(), cycle)}"


def call_line(
    attempt: Attempt, contact: Contact | None, now: datetime, cycle: HourCycle = "24h"
) -> str:
    """"MIKE CELL (caller ID) · +1 415-555-0177 · missed Tue 14:05"."""
    parts = [call_who(attempt, contact)]
    if attempt.number_e164:
        parts.append(readable(attempt.number_e164))
    elif attempt.caller_id:  # not a number we can read: the caller ID as it came
        said = caller_id_text(attempt.caller_id)
        if said != parts[0]:  # an extension nobody has is named by it: "x3199", once
            parts.append(said)
    parts.append(f"{what_happened(attempt)} {when_text(attempt.at, now, cycle)}")
    return " · ".join(parts)
