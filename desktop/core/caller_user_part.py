"""The user part of a caller ID that is a SIP or tel: address: what a PBX's "3103" and
'"Dana" <sip:3103@pbx>' have in common. Imports nothing of the app's, so that parsing a
search (desktop.core.search_query) can tell an extension without the card's text around it,
and a softphone hook can key a call by it (desktop.core.ipc_line) without the card's text and
phonenumbers reaching the frozen hook's bundle (packaging/smoke_test.py's size check)."""

from __future__ import annotations

import re

_NAME_ADDR = re.compile(r"<([^<>]*)>")
_SCHEME = re.compile(r"^\s*(?:sips?|tel):(?://)?", re.IGNORECASE)


def caller_user_part(caller_id: str) -> str:
    """The user part of a SIP or tel: address ("3103" of '"Dana" <sip:3103@pbx>'), or the
    whole text when it is none."""
    text = caller_id
    inside = _NAME_ADDR.search(text)
    if inside is not None:
        text = inside.group(1)
    return _SCHEME.sub("", text).split(";", 1)[0].split("@", 1)[0]


def same_caller_key(caller_id: str) -> str:
    """What two reports of one caller ID have in common: the user part of a SIP address (or
    the whole text), its letters and digits alone, casefolded."""
    return "".join(ch for ch in caller_user_part(caller_id).casefold() if ch.isalnum())
