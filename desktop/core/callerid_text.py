"""The text around a phone number, taken apart before phonenumbers sees it.

Caller IDs and contact cells wrap the digits in SIP name-addrs, URIs, extensions, DTMF pauses,
labels, spreadsheet artefacts and withheld markers. phonenumbers either rejects these or, worse,
silently folds them into the digits (`p217` becomes part of the number, `(mobile)` becomes
662453). This module turns the raw text into plain digits plus what surrounded them, or into a
verdict: withheld, or a one-line reason why it is not a number. It knows nothing of regions.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import NamedTuple

from desktop.core.withheld_words import WITHHELD_WORDS as _WITHHELD_WORDS
from desktop.core.withheld_words import squash as _squash

# Longer than any SIP From header a softphone writes; stops pathological input from costing
# regex time on the ring path.
MAX_RAW_CHARS = 512

_KEYPAD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "2223334445556667777888999922233344455566677778889999",
)
# Trailing words that name the kind of number rather than spell it ("+49 30 901820-55 Büro").
_LABEL_WORDS = frozenset(
    {
        "mobile", "mob", "cell", "cellular", "home", "work", "office", "main", "fax", "direct",
        "tel", "phone", "voice", "pager", "other", "business", "private", "handy", "mobil",
        "büro", "buero", "privat", "zentrale", "geschäftlich", "dienstlich", "arbeit",
        "portable", "bureau", "domicile", "travail", "maison", "fixe", "standard",
        "x", "ext", "extn", "extension",
    }
)  # fmt: skip

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹘﹣", "-"))
_DIGIT = re.compile(r"[0-9]")
_NUMBER_START = re.compile(r"[+0-9]")
# Unicode's Cc category, which the stability policy fixes at these code points.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LETTER = re.compile(r"[^\W\d_]")
_NON_DIGITS = re.compile(r"[^0-9]+")
# Anything beyond these in a number body means it is something else (an e-mail, a dial code).
_BODY_CHARS = re.compile(r"[0-9+\s\-./()\[\]~]*")
# "." and "," stay out: "14155550199.0" needs the spreadsheet repair below.
_NEEDS_TEXT_WORK = re.compile(r"[^0-9+ \-()/]")
# The commonest shapes ("+1 415 555 0142", "(415) 555-0142", "+14155550142"), told apart in one
# match: before the first digit only what `_LEADING_LABEL` allows, or a "+" and separators.
_PLAIN = re.compile(r"[ (/-]*(\+[ ()/-]*)?[0-9][0-9 ()/-]*")

_NAME_ADDR = re.compile(
    r'\s*(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<token>[^"<]*?))\s*<(?P<uri>[^<>]*)>'
)
_SCHEME = re.compile(r"(?:sips?|tel|callto|phone):(?://)?", re.IGNORECASE)

_FLOAT = re.compile(r"\+?[0-9]{5,}[.,]0+")
_THOUSANDS_EN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.0+)?")
_THOUSANDS_DE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,0+)?")
_SCIENTIFIC = re.compile(r"\+?(?P<lead>[0-9])(?:[.,](?P<frac>[0-9]*))?[eE]\+?(?P<exp>[0-9]{1,3})")

# The word may stand in brackets after the number: "(ext. 204)", "(Durchwahl 12)", "[x5]".
_EXT_WORD = re.compile(
    r"(?P<head>.*?)[\s,;:(\[]*(?<![^\W\d_])(?:extension|extn|ext|x|poste|durchwahl|dw|anexo|доб)"
    r"\.?\s*[:=#.]?\s*(?P<ext>[0-9]{1,10})\s*\#?\s*[)\]]?\s*",
    re.IGNORECASE | re.DOTALL,
)
_EXT_HASH = re.compile(r"(?P<head>.*?[0-9)])\s*\#\s*(?P<ext>[0-9]{1,10})\s*\#?\s*", re.DOTALL)
# A DTMF pause (",") or Android pause/wait ("p", "w", ";") before the digits dialled once the
# call connects: the extension. Only the first group counts; later groups are menu choices.
_EXT_PAUSE = re.compile(
    r"(?P<head>.*?[0-9)])\s*[,;pPwW]+\s*(?P<ext>[0-9]{1,10})(?:\s*[,;pPwW]+\s*[0-9*#]*)*\s*\#?\s*",
    re.DOTALL,
)
# Words before the digits ("Tel:", "Mobile -", "T.") are dropped, as phonenumbers does.
_LEADING_LABEL = re.compile(r"(?:[^\W\d_]|[\s:.(\[/-])*")
_TRAILING_NON_DIGITS = re.compile(r"(?P<head>.*[0-9])(?P<tail>[^0-9]*)", re.DOTALL)


# A NamedTuple rather than a frozen dataclass: one per number read, and a frozen dataclass takes
# twice as long to build.
class NumberText(NamedTuple):
    digits: str = ""  # ASCII digits as written, vanity letters converted
    plus: bool = False  # written with a leading "+": the country code is explicit
    # Other readings of the same text (a trailing label dropped), worth using only when they
    # give a valid number and `digits` does not.
    guesses: tuple[str, ...] = ()
    extension: str = ""
    display_name: str = ""
    withheld: bool = False
    problem: str = ""


def quote(raw: str, limit: int = 40) -> str:
    """The raw value for a one-line message: shortened, control characters escaped."""
    short = raw if len(raw) <= limit else raw[: limit - 1] + "…"
    return repr(short)


def withheld_word(text: str) -> bool:
    """Whether `text` is one of the words a network or phone puts where the caller is
    withheld ("Anonymous", "OUT-OF-AREA", "Unbekannt"), however written."""
    return _squash(text) in _WITHHELD_WORDS


def not_a_number(raw: str, why: str = "") -> str:
    return f"not a phone number: {quote(raw)}" + (f" ({why})" if why else "")


_URI_SCHEMES = ("sip:", "sips:", "tel:")


def number_as_written(caller_id: str) -> str:
    """A caller ID that could not be read, as people write it: the number of a SIP or tel URI
    ("sip:015233445566@10.0.0.5;user=phone" headed the card whole, cut after the host), any
    other text as it came."""
    text = caller_id.strip()
    if "<" in text or text.lower().startswith(_URI_SCHEMES):
        written = split_number_text(text)
        if written.digits:
            return ("+" if written.plus else "") + written.digits
    return text


def split_number_text(raw: str) -> NumberText:
    """Digits and their surroundings, or a verdict (withheld / problem)."""
    if len(raw) > MAX_RAW_CHARS:
        return NumberText(problem=not_a_number(raw, f"{len(raw)} characters long"))
    text = _normalise(raw)
    if not text:
        return NumberText(withheld=True)
    plain = _plain(text, "", "")
    if plain is not None:
        return plain
    if _DIGIT.search(text) is None and _squash(text) in _WITHHELD_WORDS:
        return NumberText(withheld=True)
    if _NEEDS_TEXT_WORK.search(text) is None:
        # The common shapes ("+14155550142", "020 7946 0958") need none of what follows.
        return _body(raw, text, "", "")

    lines = [line for line in text.splitlines() if line.strip()]
    if ":::" in text or sum(1 for line in lines if _DIGIT.search(line)) > 1:
        return NumberText(problem=_several(raw))
    text = " ".join(line.strip() for line in lines)
    if _CONTROL.search(text):
        return NumberText(problem=not_a_number(raw, "control characters"))

    display, address = _split_name_addr(text)
    user, withheld_host = _uri_user(address)
    number, params = _split_params(user)
    if withheld_host or (_DIGIT.search(number) is None and _squash(number) in _WITHHELD_WORDS):
        return NumberText(withheld=True, display_name=display)
    if not number.strip():
        # "<sip:@host>", "<>": a caller ID that carries no number at all.
        return NumberText(withheld=True, display_name=display)
    extension, context, problem = _read_params(raw, params)
    if problem:
        return NumberText(display_name=display, problem=problem)
    number = number.strip()
    if context and not number.startswith("+"):
        # RFC 3966 local number: the context carries the country (and area) code.
        number = context + number

    number, problem = _undo_spreadsheet(raw, number)
    if problem:
        return NumberText(display_name=display, problem=problem)
    number, found = _split_extension(number)
    return _body(raw, number, extension or found, display)


def _normalise(raw: str) -> str:
    text = raw
    if not text.isascii():
        # NFKC folds no-break, thin and ideographic spaces to " " and fullwidth digits to ASCII.
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
        # Zero-width spaces, direction marks and BOMs come along when numbers are copied from web
        # pages and right-to-left text; they carry nothing.
        text = "".join(
            str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
            for ch in text
            if unicodedata.category(ch) != "Cf"
        )
    return text.replace("\t", " ").strip()


def _several(raw: str) -> str:
    return f"more than one number in one value: {quote(raw)}; split them first"


def _split_name_addr(text: str) -> tuple[str, str]:
    """Display name and address of `"Mike K" <sip:…>` (RFC 3261 name-addr); header params after
    the closing ">" (";tag=…") are dropped."""
    if "<" not in text:
        return "", text
    m = _NAME_ADDR.match(text)
    if m is None:
        return "", text
    quoted = m.group("quoted")
    if quoted is not None:
        display = re.sub(r"\\(.)", r"\1", quoted).strip()
    else:
        display = (m.group("token") or "").strip()
    return display, m.group("uri").strip()


def _uri_user(address: str) -> tuple[str, bool]:
    """The user part of a sip:/sips:/tel: URI (or of MicroSIP's scheme-less `user@host`), and
    whether the host says the caller is anonymous (RFC 3323 `anonymous.invalid`)."""
    m = _SCHEME.match(address)
    rest = address[m.end() :] if m else address
    withheld_host = False
    if "@" in rest:
        rest, host = rest.split("@", 1)
        withheld_host = (
            host.split(";", 1)[0].split(":", 1)[0].strip().lower() == "anonymous.invalid"
        )
        rest = rest.split(":", 1)[0]  # "user:password@host" (RFC 3261 userinfo)
    if "%" in rest:
        rest = urllib.parse.unquote(rest)
    return rest, withheld_host


def _split_params(user: str) -> tuple[str, list[str]]:
    if ";" not in user:
        return user, []
    number, *params = user.split(";")
    return number, params


def _read_params(raw: str, params: list[str]) -> tuple[str, str, str]:
    """(extension, phone-context prefix, problem) from `;ext=55;phone-context=+1…`."""
    extension = context = ""
    for param in params:
        key, sep, value = param.partition("=")
        key, value = key.strip().lower(), value.strip()
        if sep and key == "ext":
            extension = _NON_DIGITS.sub("", value)
        elif sep and key == "phone-context" and value.startswith("+"):
            context = value
        elif not sep and key.isdigit() and len(key) <= 10:
            extension = extension or key  # Android's ";" wait character before an extension
        elif not sep and _DIGIT.search(key):
            return "", "", _several(raw)
    return extension, context, ""


def _undo_spreadsheet(raw: str, number: str) -> tuple[str, str]:
    """Undo what a spreadsheet did to a number stored as a number, or say it cannot be undone."""
    if _FLOAT.fullmatch(number):
        return number.rsplit("." if "." in number else ",", 1)[0], ""
    if _THOUSANDS_EN.fullmatch(number):
        return number.split(".", 1)[0].replace(",", ""), ""
    if _THOUSANDS_DE.fullmatch(number):
        return number.split(",", 1)[0].replace(".", ""), ""
    m = _SCIENTIFIC.fullmatch(number)
    if m is None:
        return number, ""
    frac, exp = m.group("frac") or "", int(m.group("exp"))
    if exp < 6:
        return number, not_a_number(raw)
    if len(frac) < exp:
        # Excel shows a rounded mantissa and writes exactly that to CSV: the digits after it are
        # gone, and any guess at them would be somebody else's number.
        return number, (
            f"a spreadsheet destroyed this number: {quote(raw)} lost its last digits; "
            "re-export the column formatted as text"
        )
    if frac[exp:].strip("0"):
        return number, not_a_number(raw, "not a whole number")
    return m.group("lead") + frac[:exp], ""


def _split_extension(number: str) -> tuple[str, str]:
    m = _EXT_WORD.fullmatch(number)
    if m is None:
        m = _EXT_HASH.fullmatch(number)
    if m is None:
        m = _EXT_PAUSE.fullmatch(number)
        # A "p"/"w" after letters is part of a vanity word (1-800-FLOWERS), not a pause.
        if m is not None and any(ch.isalpha() for ch in m.group("head")):
            m = None
    if m is None or _DIGIT.search(m.group("head")) is None:
        return number, ""
    return m.group("head").strip(), m.group("ext")


def _plain(number: str, extension: str, display: str) -> NumberText | None:
    """What `_body` makes of the commonest shapes in a third of its time; None for the rest."""
    m = _PLAIN.fullmatch(number)
    if m is None:
        return None
    digits = _NON_DIGITS.sub("", number)
    if digits.strip("0") == "":
        return NumberText(withheld=True, display_name=display)
    return NumberText(
        digits=digits, plus=m.group(1) is not None, extension=extension, display_name=display
    )


def _body(raw: str, number: str, extension: str, display: str) -> NumberText:
    plain = _plain(number, extension, display)
    if plain is not None:
        return plain
    start = _NUMBER_START.search(number)
    if start is None or not _LEADING_LABEL.fullmatch(number[: start.start()]):
        # "*67 415…" is a dial code, not a label; its digits are not the number's.
        return NumberText(display_name=display, problem=not_a_number(raw))
    body = number[start.start() :].strip()
    plus = body.startswith("+")
    if "+" in body[1:]:
        return NumberText(display_name=display, problem=_several(raw))
    guesses: tuple[str, ...] = ()
    if _LETTER.search(body):
        m = _TRAILING_NON_DIGITS.fullmatch(body)
        head, tail = (m.group("head"), m.group("tail")) if m else (body, "")
        words = _squash(tail)
        if words and (
            tail.lstrip().startswith(("(", "["))
            or words in _LABEL_WORDS
            or not words.isascii()  # no keypad carries "ü"
        ):
            body = head
        elif words:
            # "+1 415 555 CALL" spells digits; "030 123456 Zentrale" names the line. Read the
            # letters as digits first, and fall back to dropping them.
            guesses = (_NON_DIGITS.sub("", head),)
        body = body.translate(_KEYPAD)
    if not _BODY_CHARS.fullmatch(body):
        return NumberText(display_name=display, problem=not_a_number(raw))
    digits = _NON_DIGITS.sub("", body)
    if not digits:
        return NumberText(display_name=display, problem=not_a_number(raw))
    if digits.strip("0") == "":
        # FreeSWITCH writes 0000000000 for "no caller ID"; no real number is all zeros.
        return NumberText(withheld=True, display_name=display)
    return NumberText(
        digits=digits,
        plus=plus,
        guesses=tuple(g for g in guesses if g and g != digits),
        extension=extension,
        display_name=display,
    )
