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
# Once its line went out, a hook looks this often whether the app is working on anything: an
# app whose main thread is stopped (SIGSTOP), or did no work for two looks running while the
# line waited (blocked, a deadlock), will not ack in time, and the softphone waits meanwhile
# (MicroSIP sends no "180 Ringing": the caller hears nothing). The hook then leaves the call in
# the hooks' inbox and returns: the app reads the line when it runs again (a card if the call
# still rings) and records the call from either, once. An app busy with a storm of rings is
# working: its hooks wait for their acks, up to HOOK_WAIT_S.
HOOK_STALL_LOOK_S = 0.25
# A ring the app reads later than this after the hook stamped it is answered LATE_ACK_LINE: the
# hook, if it still waits, records the call itself, as one that gave up waiting does. Shorter
# than HOOK_WAIT_S by the time an ack takes to reach a hook that still waits. The app records
# such a ring too, and the history keeps it one row (desktop.core.late_ring).
LATE_RING_S = 2.5
LATE_ACK_ERROR = "read too late: the hook records the call"

# json.encoder's table: the two-character escapes, then \\u00XX for the other control characters.
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}  # fmt: skip


# A caller ID of only these, with a digit other than 0 in it, is a number as it stands: never
# withheld (FreeSWITCH's "0000000000" is), so it needs no reading here.
_NUMBER_CHARS = "0123456789+-()./ "
# What a caller ID must not hold for `withheld_words` alone to tell whether it is withheld: the
# SIP address, URI and escape marks desktop.core.callerid_text takes apart first.
_ADDRESS_MARKS = frozenset("<>:@;%")


def hook_call_key(caller_id: str) -> str:
    """The call a `ring` / `end` pair without a softphone call ID means: the one from that
    caller ID. Every withheld one keys alike, as "": a phone may ring with "anonymous" (or
    "Restricted", "sip:anonymous@…") and end with no caller ID at all, which must still close
    that call. A caller ID that is no number but not withheld either ("Reception",
    "sip:front-desk@pbx") keys by itself, as a number does: an end with none is not its end.
    It keys as the history tells such callers apart (unread_caller_id.same_caller_key): a
    phone may ring with "sip:Reception@pbx" and end with "Reception", and that end must close
    the card its ring put up.

    Withheld here is exactly what desktop.core.callerid_text says it is
    (tests/core/test_ipc_line.py holds the two to that), without its imports for the shapes a
    hook sees most: a number, nothing, a word."""
    if not caller_id.strip(_NUMBER_CHARS) and caller_id.strip("0+-()./ "):
        return HOOK_KEY_PREFIX + caller_id  # "+14155550142", the commonest: nothing to read
    if not caller_id.strip():
        return HOOK_KEY_PREFIX  # no caller ID at all (MicroSIP, a From with no user part)
    if _is_withheld(caller_id):
        return HOOK_KEY_PREFIX
    from desktop.core.caller_user_part import same_caller_key

    # Nothing left to tell it by ("***"): as it came, never the withheld callers' key.
    return HOOK_KEY_PREFIX + (same_caller_key(caller_id) or caller_id)


def _is_withheld(caller_id: str) -> bool:
    if caller_id.isascii() and not any(
        char.isdigit() or char in _ADDRESS_MARKS for char in caller_id
    ):
        # A word or a few ("anonymous", "Out of Area", "Reception"): the list alone says.
        from desktop.core.withheld_words import WITHHELD_WORDS, squash

        return squash(caller_id) in WITHHELD_WORDS
    # SIP addresses ("sip:anonymous@10.0.0.1"), names with digits, text in other scripts.
    from desktop.core.callerid_text import split_number_text

    return split_number_text(caller_id).withheld


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
