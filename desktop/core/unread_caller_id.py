"""Calls from a caller ID that is not a phone number CallerCard can read.

A phone reports what it was sent: a number written nationally for another country ("030
90182013" on a rep whose home region is US), a PBX extension ("12345"), a SIP address
("sip:front-desk@pbx"), a name ("Reception"). Such a call is a call the rep got all the same,
so the history keeps it (adapters/call_history.py), with the caller ID as it came
(Attempt.caller_id) where a readable number keeps its E.164. It has no E.164, so nothing offers
to dial it, look it up or count it as a callback: the rep reads it back and copies it.

One call reported twice (a hook's ring and the softphone's log) is one row: where readable
numbers are told apart by their E.164, these are by `same_caller_key`, which ignores how the
caller ID was spelled around its user part ("sip:Front-Desk@pbx" and "front-desk" are one
caller; "030 90182013" and "03090182013" too).
"""

from __future__ import annotations

# Longer than any SIP From header's user part or a CNAM; a hook passes on whatever the phone
# was sent, and the history keeps a bounded line of it.
CALLER_ID_MAX = 200
CALLER_ID_SHOWN_CHARS = 40  # in a list's Number column or a CLI line, like a caller ID's name


def kept_caller_id(raw: str) -> str:
    """The caller ID as the history keeps it: as received, cut at CALLER_ID_MAX characters."""
    return raw[:CALLER_ID_MAX]


def shown_caller_id(caller_id: str) -> str:
    """The caller ID on one line, cut with "…" past CALLER_ID_SHOWN_CHARS (someone else's
    text: the views show it as plain text)."""
    # Here, not at the top: a hook keys a call by same_caller_key (desktop.core.ipc_line),
    # and card_text would bring it callerid_text's imports.
    from desktop.core.card_text import preview

    return preview(caller_id, CALLER_ID_SHOWN_CHARS)[0]


def caller_id_text(caller_id: str) -> str:
    """A caller ID with no number as every view and the CLI say it: a colleague's extension
    "x3103" (a bare "3103" beside phone numbers reads as a number cut short; a SIP address
    around it says nothing), anything else as it came, cut."""
    # Not at the top: the extension rule brings phonenumbers, which a hook keying a call by
    # same_caller_key has no time for.
    from desktop.core.internal_extension import extension_call_text

    return extension_call_text(caller_id) or shown_caller_id(caller_id)


def dialable_caller_id(caller_id: str) -> str:
    """What a rep can dial of a caller ID with no number: an extension's digits ("3103", not
    "sip:3103@pbx" nor "x3103"), anything else as it came (they read it back)."""
    from desktop.core.internal_extension import extension_digits

    return extension_digits(caller_id) or caller_id
