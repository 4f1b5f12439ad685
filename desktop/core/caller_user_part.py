"""The user part of a caller ID that is a SIP or tel: address: what a PBX's "3103" and
'"Dana" <sip:3103@pbx>' have in common. Imports nothing of the app's, so that parsing a
search (desktop.core.search_query) can tell an extension without the card's text around it."""

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
