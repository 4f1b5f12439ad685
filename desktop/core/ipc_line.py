"""The protocol line as bytes, written without the json module, and the constants both ends share.

`callercard ring` writes one of these on every incoming call, from a softphone that waits for
it. Importing json costs that process more than the rest of its work (json.decoder brings re,
and re brings enum, functools and collections: ~7 ms on top of a ~10 ms interpreter start), so
the line is written here by hand, the way `json.dumps(body, ensure_ascii=True,
separators=(",", ":"))` writes it, byte for byte (tests/core/test_ipc_line.py holds it to
that). `desktop.core.ipc` writes every message with this too, so there is one writer; reading
stays with json there, since the hook reads nothing but the one ack it expects.
"""

from __future__ import annotations

PROTOCOL_VERSION = 2  # 2: an 'end' says whether the call was answered
MAX_LINE_BYTES = 64 * 1024  # a ring is a few hundred bytes; anything near this is abuse
HOOK_KEY_PREFIX = "hook:"
# How long a hook waits for the app's ack before it records the call itself (a hung or stopped
# app); MicroSIP gives its hook 10 s, and the rest goes to that recording.
HOOK_WAIT_S = 3.0
# A ring the app reads later than this after the hook stamped it is answered LATE_ACK_LINE: the
# hook, if it still waits, records the call itself, as one that gave up waiting does. Shorter
# than HOOK_WAIT_S by the time an ack takes to reach a hook that still waits. The app records
# such a ring too, and the history keeps it one row (desktop.core.late_ring).
LATE_RING_S = 2.5
LATE_ACK_ERROR = "read too late: the hook records the call"

# json.encoder's table: the two-character escapes, then \\u00XX for the other control characters.
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}  # fmt: skip


def hook_call_key(caller_id: str) -> str:
    """The call a `ring` / `end` pair without a softphone call ID means: the one from that
    caller ID. Every withheld one keys alike, as "": a phone may ring with "anonymous" (or
    "Restricted", "sip:anonymous@…") and end with no caller ID at all, which must still close
    that call."""
    if not any(char.isdigit() for char in caller_id):
        return HOOK_KEY_PREFIX  # "", "anonymous", "Private", "unknown": no number to key by
    if not any(char.isalpha() for char in caller_id):
        return HOOK_KEY_PREFIX + caller_id  # "+14155550142", the commonest: no marker in it
    # Only a caller ID with digits pays for the import (the hook itself never passes one):
    # the withheld markers that carry digits ("sip:anonymous@10.0.0.1").
    from desktop.core.callerid_text import split_number_text

    if split_number_text(caller_id).withheld:
        return HOOK_KEY_PREFIX
    return HOOK_KEY_PREFIX + caller_id


def json_line(body: dict[str, str | int | bool]) -> bytes:
    """`body` (flat: strings, integers, booleans) as one compact ASCII JSON object and "\\n"."""
    parts = []
    for key, value in body.items():
        if value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif isinstance(value, int):
            text = int.__repr__(value)  # an IntEnum's repr would be its name
        else:
            text = _string(value)
        parts.append(f"{_string(key)}:{text}")
    return ("{" + ",".join(parts) + "}\n").encode("ascii")


def _string(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # the common case: a phone number, a name in plain ASCII
    out = []
    for char in text:
        code = ord(char)
        if 0x20 <= code < 0x7F and char not in '"\\':
            out.append(char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:  # outside the BMP: a UTF-16 surrogate pair, as JSON spells it
            code -= 0x10000
            out.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
    return '"' + "".join(out) + '"'


OK_ACK_LINE = json_line(
    {"protocol_version": PROTOCOL_VERSION, "kind": "ack", "ok": True, "error": ""}
)
"""The answer a running app gives a line it took: anything else is read with the full decoder."""
LATE_ACK_LINE = json_line(
    {"protocol_version": PROTOCOL_VERSION, "kind": "ack", "ok": False, "error": LATE_ACK_ERROR}
)
"""The answer to a ring read after LATE_RING_S: its card may still show, its record is the
hook's."""
