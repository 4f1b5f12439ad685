"""What a `callercard ring` / `end` invocation means, as the fields of its protocol line.

Kept free of `desktop.core.ipc` (its enums and json) because the hook's fast path
(desktop.hook_send) writes the line straight from these fields; `desktop.cli_ring.hook_message`
builds the same Ring / End from them for everything else, so both say the same thing.

Each softphone calls its hook in its own shape (docs/softphone-hooks.md has the recipes):

* MicroSIP appends the SIP user part of the caller as the last argument, and nothing else:
  ``callercard ring --source microsip --`` becomes ``... -- +14155550123``.
* Zoiper substitutes ``{number}`` into the command it runs.
* Jitsi substitutes ``${caller.address}`` and ``${caller.name}``, then splits the command at
  every space, so a name arrives as several words after the number: they are joined again.
* A hook written ``callercard ring %number% %name%`` without quotes hands a number the phone
  shows with spaces (``+4930 1234567``) as several words: the digit groups after a number
  are the rest of it, not a name (``number_words``).
* Twinkle passes nothing on the command line: the caller is in the environment
  (``SIP_FROM_USER``, ``SIP_FROM_DISPLAY``, ``SIP_FROM``; ``SIP_TO_*`` when we hung up, since
  the message is then our own BYE), with the trigger in ``TWINKLE_TRIGGER`` and the SIP
  Call-ID in ``SIP_CALL_ID``.
"""

from __future__ import annotations

from desktop.core.ipc_line import PROTOCOL_VERSION, hook_call_key

TYPE_CHECKING = False  # not typing's: this runs on every incoming call
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Triggers whose SIP message was sent by us, so the remote party is in To, not From
# (Twinkle src/call_script.cpp callers: our INVITE for out_call*, our BYE for local_release).
_TWINKLE_REMOTE_IN_TO = frozenset(
    {"out_call", "out_call_answered", "out_call_failed", "local_release"}
)
# Values of desktop.core.ipc.EndOutcome.
_TWINKLE_END_OUTCOME = {
    "in_call_failed": "missed",
    "local_release": "answered",
    "remote_release": "answered",
}
_MAX_FIELD = 512  # longer than any caller ID or display name a phone shows
_NUMBER_MARKS = frozenset("-.()")  # what a phone writes between a number's digit groups
_MAX_DIGITS = 17  # 00 + the 15 of the longest E.164 number: a group beyond that is no part of it


def hook_fields(
    verb: str,
    *,
    caller_id: str,
    name_words: Sequence[str] = (),
    name: str = "",
    source: str = "hook",
    outcome: str = "",
    environ: Mapping[str, str],
    t_ns: int = 0,
) -> dict[str, str | int | bool]:
    """The protocol line's object for a `ring` or `end` (verb), as desktop.core.ipc.encode
    would write the Ring / End it means.

    Twinkle's trigger tells how an incoming call ended: ``in_call_failed`` is a call that was
    never answered (the caller gave up, or it was declined), a release ends one that was."""
    caller_id = _clean(caller_id).strip()
    caller_id, name_words = number_words(caller_id, name_words)
    name = _clean(name or " ".join(name_words)).strip()
    call_key = ""
    trigger = environ.get("TWINKLE_TRIGGER", "")
    if not caller_id and trigger:
        caller_id, twinkle_name, call_id = twinkle_party(environ)
        name = name or twinkle_name
        if call_id:
            call_key = f"twinkle:{call_id}"
        if source == "hook":
            source = "twinkle"
    if verb == "end":
        if not caller_id and not call_key:
            # No caller ID is a withheld number, as for `ring`: MicroSIP passes none at all
            # when the From has no user part, other phones pass "".
            call_key = hook_call_key("")
        said = outcome or _TWINKLE_END_OUTCOME.get(trigger, "")
        return {"protocol_version": PROTOCOL_VERSION, "kind": "end", "call_key": call_key,
                "caller_id": caller_id, "outcome": said}  # fmt: skip
    return {"protocol_version": PROTOCOL_VERSION, "kind": "ring", "caller_id": caller_id,
            "name": name, "source": source, "call_key": call_key, "t_ns": t_ns}  # fmt: skip


def number_words(caller_id: str, words: Sequence[str]) -> tuple[str, Sequence[str]]:
    """(caller ID, the name's words) once the digit groups that follow a number, as an unquoted
    ``%number%`` splits it, are back in the number: ``+4930``, ``1234567`` is ``+4930 1234567``.
    A word with a letter ends them (``Room 101`` stays a name), and so do groups that would make
    a number longer than any, or that only say the number again (a phone that names a caller
    with no name by the number)."""
    digits = _digits(caller_id, first="+")
    if not digits:
        return caller_id, words
    groups = 0
    total = len(digits)
    for word in words:
        group = _digits(word)
        if not group or total + len(group) > _MAX_DIGITS:
            break
        groups += 1
        total += len(group)
    if not groups or "".join(_digits(w) for w in words[:groups]) == digits:
        return caller_id, words
    return " ".join((caller_id, *words[:groups])), words[groups:]


def _digits(word: str, first: str = "") -> str:
    """The digits of a number or a group of one (``+``, when ``first``, may lead it); "" for
    anything else: a letter, a word with no digit."""
    text = word[1:] if first and word.startswith(first) else word
    digits = "".join(c for c in text if c.isdigit() and c.isascii())
    if not digits or any(not (c.isdigit() and c.isascii()) and c not in _NUMBER_MARKS
                         for c in text):  # fmt: skip
        return ""
    return digits


def twinkle_party(environ: Mapping[str, str]) -> tuple[str, str, str]:
    """(user part, display name, Call-ID) of the remote party from Twinkle's script
    environment. Twinkle 1.10.2, the version distributions ship, sets no SIP_FROM_DISPLAY;
    the name is then taken from the From (or To) header itself."""
    side = "TO" if environ.get("TWINKLE_TRIGGER", "") in _TWINKLE_REMOTE_IN_TO else "FROM"
    user = _clean(environ.get(f"SIP_{side}_USER", "")).strip()
    display = _clean(environ.get(f"SIP_{side}_DISPLAY", "")).strip()
    if not display:
        display = header_display_name(_clean(environ.get(f"SIP_{side}", "")))
    return user, display, _clean(environ.get("SIP_CALL_ID", "")).strip()


def header_display_name(header: str) -> str:
    """The display name of a From/To header value: ``"Jane Doe" <sip:…>;tag=…`` or
    ``Jane Doe <sip:…>``; "" for a bare URI."""
    text = header.strip()
    if text.startswith('"'):
        name: list[str] = []
        escaped = False
        for char in text[1:]:
            if escaped:
                name.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                return "".join(name).strip()
            else:
                name.append(char)
        return ""  # an unterminated quote: no name rather than half of one
    angle = text.find("<")
    return text[:angle].strip() if angle > 0 else ""


def _clean(text: str) -> str:
    """What the softphone handed over, as text fit to show: bounded, and bytes that were not
    UTF-8 (which Python keeps as lone surrogates) replaced."""
    text = text[:_MAX_FIELD]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")
