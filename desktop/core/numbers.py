"""Number policy: every shape a caller ID or a stored number arrives in, to E.164.

The app matches people by comparing E.164 strings, so this module's one job is that the same
number always gives the same string and a different number never does: no "last N digits"
shortcuts, and no guess that could name somebody else.

How digits are read, in order (the first valid reading wins):
1. as written: "+…", the international prefix ("00" always, and the home region's own, such as
   "011" in the US or "0011" in Australia), or a national number of the home region (trunk
   prefix, "(0)", and the home country code without "+" are phonenumbers' business);
2. the same digits read without a trailing label ("030 123456 Zentrale");
3. without a configured PBX outside-line prefix ("9 1 415 555 2671" -> +1 415 555 2671);
4. as a country code written without "+" ("442079460958" from a US home region).
One exception to reading 1: where national numbers take a trunk "0" (DE, GB, FR...), digits that
start with the home country code read as an international number when that is valid too
("4915123456789" in DE is +49 1512 3456789 with its "+" lost, not 0491 5123456789); its note
says so, with the national reading (see `_dropped_plus`).
Readings 2-4 are guesses, so they count only when phonenumbers says the result is a valid
number. When nothing is valid, the as-written reading is kept if its length is possible for its
country (see `_choose`).

Outside-line prefixes: a prefix is only ever removed from a number written without "+", and only
when the rest is a valid number and the number as written is not. One exception: where the
prefix and the home trunk prefix spell the international prefix (DE, GB, FR... with prefix "0":
"0" + "0201 234567" is "00201234567", which also reads as a valid Cairo number), the national
reading wins, because a PBX that adds "0" sends a real international call as "000…". That is
right for caller IDs from such a PBX and wrong for a contact file's "0020…", so a policy with
outside-line prefixes belongs to the caller-ID side only; contact imports should use none.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from desktop.core.callerid_text import NumberText, not_a_number, quote, split_number_text
from desktop.core.number_digits import parse_digits, region_and_validity, remember_read

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NumberPolicy:
    region: str  # home region, ISO 3166 alpha-2 upper case ("US", "GB")
    # PBX outside-line digits such as "9". Only for caller IDs from a PBX that adds them:
    # contact files never carry them, and "0" would turn a stored "0020…" (Egypt) national.
    outside_line_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallerNumber:
    raw: str  # exactly as given
    withheld: bool
    e164: str | None  # None when withheld or not a phone number
    extension: str = ""  # digits only
    display_name: str = ""  # from a SIP/CLID display name
    region: str | None = None  # the number's own region ("US"), None when unknown
    valid: bool = False  # phonenumbers.is_valid_number
    problem: str = ""  # why e164 is None (not withheld), one line for people
    note: str = ""  # how e164 was read when not as written ("outside-line prefix 9 removed")
    # As people write it ("+1 415-555-0142"), formatted once here so no view parses it again.
    international: str = ""


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_NON_GEO = phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY  # "001": +800, +882… belong to no region
_REGION_ALIASES = {"UK": "GB"}


def parse_number(raw: str, policy: NumberPolicy) -> CallerNumber:
    """Read a caller ID or a stored number. Never raises."""
    try:
        return _parse(raw, policy)
    except Exception:
        # The ring path must not die on one strange caller ID; the log keeps the bug visible.
        log.exception("could not read number %r", raw)
        return CallerNumber(
            raw=raw, withheld=False, e164=None, problem=f"internal error reading {quote(raw)}"
        )


def home_trunk(region: str) -> tuple[str, str]:
    """The trunk prefix a region's people dial their own country's numbers with, and its
    country code: ("0", "49") for DE, ("1", "1") for US; ("", "") for an unknown region."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
    if metadata is None or metadata.country_code is None:
        return "", ""
    return metadata.national_prefix or "", str(metadata.country_code)


def home_regions() -> frozenset[str]:
    """Every region a rep can call home (ISO 3166 alpha-2), for the Settings choice."""
    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def region_code(typed: str) -> str | None:
    """The region a rep typed ("de", "UK"), as phonenumbers knows it ("DE", "GB"); None for a
    code it does not know ("XX", "DEU"): numbers read in it would all be text."""
    code = typed.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def region_from_locale(locale_name: str | None, fallback: str = "US") -> str:
    """The territory of a POSIX ("en_US.UTF-8", "de_DE@euro") or BCP 47 ("en-GB") locale name,
    upper case; `fallback` for "C", "POSIX", empty names and territories phonenumbers lacks."""
    fallback = fallback.strip().upper()
    if not locale_name:
        return fallback
    name = locale_name.strip().split(".", 1)[0].split("@", 1)[0]
    for part in re.split(r"[_-]", name)[1:]:
        if len(part) == 2 and part.isascii() and part.isalpha():
            code = _REGION_ALIASES.get(part.upper(), part.upper())
            return code if code in phonenumbers.SUPPORTED_REGIONS else fallback
    return fallback


def warm_up(regions: Iterable[str] | None = None) -> None:
    """Load phonenumbers metadata and compile its patterns now, so the first unknown caller does
    not pay 6-13 ms of lazy loading on the ring path. `None` means every region. Leaves out
    phonenumbers.geocoder and carrier (100+ MB): this is only the parsing side."""
    # Patterns compiled here must survive: with every region loaded there are more of them than
    # the re module's own cache holds, and an evicted one is recompiled mid-ring.
    phonenumbers.enable_pattern_cache()
    wanted: set[str] = set()
    if regions is None:
        wanted.update(phonenumbers.SUPPORTED_REGIONS)
    for region in regions or ():
        code = _REGION_ALIASES.get(region.strip().upper(), region.strip().upper())
        # An invalid +1 number is checked against every NANP region, so warm them together.
        country_code = phonenumbers.country_code_for_region(code)
        wanted.update(phonenumbers.region_codes_for_country_code(country_code))
    country_codes: set[int] = set()
    for region in sorted(wanted):
        example = phonenumbers.example_number(region)
        if example is None or example.country_code is None:
            continue
        country_codes.add(example.country_code)
        national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
        parse_number(national, NumberPolicy(region))
        parse_number(
            phonenumbers.format_number(example, PhoneNumberFormat.E164), NumberPolicy(region)
        )
        # A card's local time and place ask for the number's type (number_type_of), which
        # tries the region's premium, toll-free, VoIP… patterns that reading it never does,
        # each only for the lengths it allows: compiled on the ring path, they cost the first
        # ~50 calls after start-up 0.4 ms on average, a country's first caller ~1 ms.
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            typed = phonenumbers.example_number_for_type(region, kind)
            if typed is not None:
                phonenumbers.number_type(typed)
    if regions is None:
        for country_code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
            example = phonenumbers.example_number_for_non_geo_entity(country_code)
            if example is not None:
                region_and_validity(example)
                phonenumbers.number_type(example)
    for country_code in country_codes:
        # The slowest first caller: a number valid nowhere walks every region of its code.
        region_and_validity(PhoneNumber(country_code=country_code, national_number=1))


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Home:
    region: str | None  # None when the policy's region is not one phonenumbers knows
    prefixes: tuple[str, ...]
    idd: re.Pattern[str] | None  # the home region's international prefix
    # The home country code when national numbers there are written with trunk prefix "0"
    # (DE, GB, FR, AU...), "" elsewhere: see `_dropped_plus`.
    zero_trunk_code: str = ""


# A NamedTuple rather than a frozen dataclass: one or more per number read, and a frozen
# dataclass takes twice as long to build.
class _Reading(NamedTuple):
    number: PhoneNumber | None
    international: bool  # the country code was written (+, 00, home IDD)
    error: int | None = None  # NumberParseException.error_type when parsing failed
    valid: bool = False
    region: str | None = None

    @property
    def possible(self) -> bool:
        return self.number is not None and (
            phonenumbers.is_possible_number_with_reason(self.number) == ValidationResult.IS_POSSIBLE
        )


@functools.lru_cache(maxsize=32)
def _home(policy: NumberPolicy) -> _Home:
    code = _REGION_ALIASES.get(policy.region.strip().upper(), policy.region.strip().upper())
    region = code if code in phonenumbers.SUPPORTED_REGIONS else None
    prefixes = tuple(p for p in (p.strip() for p in policy.outside_line_prefixes) if p.isdigit())
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    idd = metadata.international_prefix if metadata is not None else None
    zero_trunk = metadata is not None and metadata.national_prefix == "0"
    code = str(metadata.country_code) if metadata is not None and zero_trunk else ""
    return _Home(region, prefixes, re.compile(idd) if idd else None, code)


def _parse(raw: str, policy: NumberPolicy) -> CallerNumber:
    text = split_number_text(raw)
    if text.withheld:
        return CallerNumber(raw=raw, withheld=True, e164=None, display_name=text.display_name)
    if text.problem:
        return CallerNumber(
            raw=raw, withheld=False, e164=None, display_name=text.display_name, problem=text.problem
        )
    reading, note = _choose(text, _home(policy))
    e164 = shown = None
    if reading.number is not None and (
        reading.valid
        # "+49 00 3090…": zeros the country's trunk prefix should have consumed are noise, and
        # the valid numbers of countries that keep a leading zero (Italy) never get here.
        or (reading.possible and not reading.number.italian_leading_zero)
    ):
        e164 = phonenumbers.format_number(reading.number, PhoneNumberFormat.E164)
        shown = phonenumbers.format_number(reading.number, PhoneNumberFormat.INTERNATIONAL)
    if e164 is None or not _E164.fullmatch(e164):
        return CallerNumber(
            raw=raw,
            withheld=False,
            e164=None,
            display_name=text.display_name,
            problem=_why_not(raw, text, reading),
        )
    assert reading.number is not None  # e164 was formatted from it
    remember_read(e164, reading.number)
    return CallerNumber(
        raw=raw,
        withheld=False,
        e164=e164,
        extension=text.extension,
        display_name=text.display_name,
        region=reading.region if reading.region != _NON_GEO else None,
        valid=reading.valid,
        note=note,
        international=shown or e164,
    )


def _choose(text: NumberText, home: _Home) -> tuple[_Reading, str]:
    """The reading to use and, when it is not the number as written, a note saying how."""
    written = _read_as_written(text.digits, text.plus, home)
    rests = [
        (p, text.digits[len(p) :])
        for p in home.prefixes
        if not text.plus and text.digits.startswith(p) and len(text.digits) > len(p)
    ]
    # "0" + "0201 234567" looks international only because of the outside-line prefix.
    prefix_made_it_international = written.international and any(
        _after_idd(rest, home) is None for _, rest in rests
    )
    if written.valid and not prefix_made_it_international:
        return _dropped_plus(text, home, written) or (written, "")

    def guesses() -> Iterator[tuple[_Reading, str]]:
        for digits in text.guesses:
            yield _read_as_written(digits, text.plus, home), "trailing words left out"
        for prefix, rest in rests:
            yield _read_as_written(rest, False, home), f"outside-line prefix {prefix} removed"
        if written.valid:
            return
        if not text.plus and not written.international:
            for digits in (text.digits, *text.guesses):
                yield _read(digits, None, True), "read as a country code without +"
            for prefix, rest in rests:
                yield (
                    _read(rest, None, True),
                    f"outside-line prefix {prefix} removed, read as a country code without +",
                )

    for reading, note in guesses():
        if reading.valid:
            return reading, note
    # Nothing valid. phonenumbers' metadata trails new number ranges, and a stored number and an
    # incoming caller ID with the same digits give the same string, so a number of possible length
    # for its country still gets an E.164 (valid=False) and can match. Only the reading as
    # written qualifies: a guess that is not even valid is no better than noise.
    return written, ""


DROPPED_PLUS = "a spreadsheet may have dropped its +"


def _dropped_plus(
    text: NumberText, home: _Home, written: _Reading
) -> tuple[_Reading, str] | None:
    """The international reading of digits that start with the home country code, when both
    readings are valid. Where national numbers are written with a trunk "0", "4915123456789"
    is far more likely "+49 1512 3456789" with the "+" lost (Excel drops it, and a German SIP
    trunk sends caller IDs that way) than a national number written without its "0". The note
    keeps the other reading for the person to check."""
    digits, code = text.digits, home.zero_trunk_code
    if not code or text.plus or written.international or not digits.startswith(code):
        return None
    if written.number is None or str(written.number.national_number) != digits:
        return None  # phonenumbers already read the country code
    reading = _read(digits, None, True)
    if not reading.valid or reading.number is None:
        return None
    national = phonenumbers.format_number(written.number, PhoneNumberFormat.NATIONAL)
    shown = phonenumbers.format_number(reading.number, PhoneNumberFormat.INTERNATIONAL)
    return reading, f"read as {shown}: {DROPPED_PLUS}; as a national number it is {national}"


def _read_as_written(digits: str, plus: bool, home: _Home) -> _Reading:
    if plus:
        return _read(digits, None, True)
    after = _after_idd(digits, home)
    if after is not None:
        return _read(after, None, True)
    return _read(digits, home.region, False)


def _after_idd(digits: str, home: _Home) -> str | None:
    """The digits after an international prefix, or None when there is none."""
    if home.idd is not None:
        m = home.idd.match(digits)
        # A country code never starts with 0 (phonenumbers applies the same rule).
        if m is not None and not digits[m.end() :].startswith("0"):
            return digits[m.end() :]
    if digits.startswith("00") and not digits.startswith("000"):
        return digits[2:]
    return None


def _read(digits: str, region: str | None, international: bool) -> _Reading:
    """`digits` after "+" when `international`, else as a national number of `region`."""
    try:
        number = parse_digits(digits, region, international)
    except NumberParseException as exc:
        return _Reading(None, international, error=exc.error_type)
    own, valid = region_and_validity(number)
    return _Reading(number, international, valid=valid, region=own)


def _why_not(raw: str, text: NumberText, reading: _Reading) -> str:
    digits = text.digits
    if len(digits) >= 11 and digits.endswith("0000"):
        # "415555000000": what is left of 4.15555E+11 once a spreadsheet saved it as a number.
        return (
            f"a spreadsheet probably rounded this number: {quote(raw)} ends in zeros; "
            "check the original"
        )
    if reading.number is None:
        if reading.error == NumberParseException.INVALID_COUNTRY_CODE:
            if reading.international:
                return not_a_number(raw, "unknown country code")
            return not_a_number(raw, "no country code, and no home region set to assume one")
        if reading.error in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            return not_a_number(raw, "too short")
        if reading.error == NumberParseException.TOO_LONG:
            return not_a_number(raw, "too long")
        return not_a_number(raw)
    why = {
        ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number: add the area code",
        ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
        ValidationResult.TOO_SHORT: "too short",
        ValidationResult.TOO_LONG: "too long",
        ValidationResult.INVALID_LENGTH: f"wrong length for +{reading.number.country_code}",
    }.get(phonenumbers.is_possible_number_with_reason(reading.number), "")
    return not_a_number(raw, why)
