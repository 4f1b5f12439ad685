"""phonenumbers' parse and is_valid_number for plain digits, without the work those do not need.

Contact imports read 100,000s of numbers, and most of phonenumbers.parse's time goes on what
callerid_text has already taken away (extensions, letters, punctuation, RFC 3966 parameters,
non-ASCII digits), while is_valid_number works a shared country code's (+1, +44) number type
out twice. The rest of parse is done here with phonenumbers' own private helpers, and validity
with patterns compiled once per region from its metadata; test_numbers.py holds both to
phonenumbers' public functions in every region. Should a phonenumbers release drop or change
those helpers, the public functions take over (see `parse_digits`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType, ValidationResult

log = logging.getLogger(__name__)

_NON_GEO = phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY

try:
    from phonenumbers.phonenumberutil import (
        _MAX_INPUT_STRING_LENGTH,
        _MAX_LENGTH_FOR_NSN,
        _MIN_LENGTH_FOR_NSN,
        _extract_country_code,
        _match_national_number,
        _maybe_strip_national_prefix_carrier_code,
        _set_italian_leading_zeros_for_phone_number,
        _test_number_length,
    )
except ImportError:  # pragma: no cover - a phonenumbers release without them
    _fast_parse = False
else:
    _fast_parse = True

# Shorter digits take phonenumbers.parse, whose viability rules for them differ with and without
# "+" ("15" is a number to it, "+15" is not).
_MIN_FAST_DIGITS = 3
# parse keeps the national prefix when what is left without it would be too short, local-only or
# of an impossible length.
_KEEP_NATIONAL_PREFIX = (
    ValidationResult.TOO_SHORT,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ValidationResult.INVALID_LENGTH,
)


def parse_digits(digits: str, region: str | None, international: bool) -> PhoneNumber:
    """Exactly phonenumbers.parse("+" + digits) when `international`, else
    phonenumbers.parse(digits, region)."""
    global _fast_parse
    text = "+" + digits if international else digits
    if (
        _fast_parse
        and digits.isascii()
        and digits.isdigit()
        and len(digits) >= _MIN_FAST_DIGITS
        and len(text) <= _MAX_INPUT_STRING_LENGTH
        and (international or region in phonenumbers.SUPPORTED_REGIONS)
    ):
        try:
            if international:
                return _parse_international(digits)
            assert region is not None
            return _parse_national(digits, region)
        except NumberParseException:
            raise
        except Exception:
            _fast_parse = False
            log.exception("phonenumbers' private helpers changed; using phonenumbers.parse")
    return phonenumbers.parse(text, None if international else region)


# The number parse_number read last, as (its E.164, the PhoneNumber): a ring's card reads the
# caller ID, then wants the same number again for its time zones and place (parse_e164). A
# plain tuple swapped whole, so a reader in another thread sees one pair or the other.
_last_read: tuple[str, PhoneNumber] | None = None


def remember_read(e164: str, number: PhoneNumber) -> None:
    """`number` (formatted as `e164`) was just read: parse_e164(e164) answers it, unparsed."""
    global _last_read
    _last_read = (e164, number)


def parse_e164(e164: str) -> PhoneNumber | None:
    """A stored or caller E.164 string ("+14155550142") read back, None when it is not one.

    A ring's time zones and its place both need the number parsed: the caller ID's own reading
    is reused (cold, as every ring is, a parse costs 40-70 µs), else it is cached, so the card
    parses it once. The object is shared: never change it.
    """
    last = _last_read
    if last is not None and last[0] == e164:
        return last[1]
    return _parse_e164(e164)


@functools.lru_cache(maxsize=64)
def _parse_e164(e164: str) -> PhoneNumber | None:
    if not (e164[:1] == "+" and e164[1:].isdigit()):
        return None
    try:
        return parse_digits(e164[1:], None, True)
    except NumberParseException:
        return None


@functools.lru_cache(maxsize=64)
def number_type_of(e164: str) -> int:
    """phonenumbers.number_type of an E.164 string (a PhoneNumberType value; UNKNOWN when it
    is not one). A ring's time zones and its place both need it: cached like parse_e164, so
    the card works it out once."""
    number = parse_e164(e164)
    return PhoneNumberType.UNKNOWN if number is None else phonenumbers.number_type(number)


def _parse_international(digits: str) -> PhoneNumber:
    return _after_country_code(digits, "Could not interpret numbers after plus-sign.")


def _after_country_code(digits: str, unknown_code: str) -> PhoneNumber:
    """`digits` that start with a country code; `unknown_code` is parse's message when none
    does."""
    country_code, national = _extract_country_code(digits)
    if country_code == 0:
        raise NumberParseException(NumberParseException.INVALID_COUNTRY_CODE, unknown_code)
    return _finish(country_code, national, _metadata_for_code(country_code))


def _parse_national(digits: str, region: str) -> PhoneNumber:
    home = _region_parsing(region)
    # The region's international prefix, unless a 0 follows it (no country code starts with 0).
    m = home.idd.match(digits) if home.idd is not None else None
    if m is not None and not digits.startswith("0", m.end()):
        rest = digits[m.end() :]
        if len(rest) <= _MIN_LENGTH_FOR_NSN:
            raise NumberParseException(
                NumberParseException.TOO_SHORT_AFTER_IDD,
                "Phone number had an IDD, but after this was not long enough to be a viable "
                "phone number.",
            )
        return _after_country_code(rest, "Country calling code supplied was not recognised.")
    if digits.startswith(home.country_code_digits):
        # The home country code written without "+" ("442079460958" at home in GB), taken only
        # when the digits make no sense as a national number.
        _, national, _ = _maybe_strip_national_prefix_carrier_code(
            digits[len(home.country_code_digits) :], home.metadata
        )
        general = home.metadata.general_desc
        if (
            not _match_national_number(digits, general, False)
            and _match_national_number(national, general, False)
        ) or _test_number_length(digits, home.metadata) == ValidationResult.TOO_LONG:
            return _finish(home.country_code, national, _metadata_for_code(home.country_code))
    return _finish(home.country_code, digits, home.metadata)


def _finish(country_code: int, national: str, metadata: phonenumbers.PhoneMetadata) -> PhoneNumber:
    """The national prefix and carrier code taken off, as parse does after the country code."""
    if len(national) < _MIN_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_SHORT_NSN,
            "The string supplied is too short to be a phone number.",
        )
    _, without_prefix, _ = _maybe_strip_national_prefix_carrier_code(national, metadata)
    if (
        without_prefix != national
        and _test_number_length(without_prefix, metadata) not in _KEEP_NATIONAL_PREFIX
    ):
        national = without_prefix
    if len(national) < _MIN_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_SHORT_NSN,
            "The string supplied is too short to be a phone number.",
        )
    if len(national) > _MAX_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_LONG, "The string supplied is too long to be a phone number."
        )
    number = PhoneNumber(country_code=country_code)
    _set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


@functools.cache
def _metadata_for_code(country_code: int) -> phonenumbers.PhoneMetadata:
    """The metadata parse reads a number of this country code with: its main region's."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, phonenumbers.region_code_for_country_code(country_code)
    )
    assert metadata is not None  # the country code came from COUNTRY_CODE_TO_REGION_CODE
    return metadata


class _RegionParsing(NamedTuple):
    metadata: phonenumbers.PhoneMetadata
    idd: re.Pattern[str] | None
    country_code: int
    country_code_digits: str


@functools.cache
def _region_parsing(region: str) -> _RegionParsing:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None  # region is one of SUPPORTED_REGIONS
    country_code = metadata.country_code
    assert country_code is not None
    idd = metadata.international_prefix
    return _RegionParsing(
        metadata, re.compile(idd) if idd else None, country_code, str(country_code)
    )


def region_and_validity(number: PhoneNumber) -> tuple[str | None, bool]:
    """phonenumbers.region_code_for_number and is_valid_number, without working out the number
    type twice when regions share the country code."""
    country_code = number.country_code
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code or 0)
    if country_code is None or regions is None:
        return None, False
    nsn = phonenumbers.national_significant_number(number)
    if len(regions) == 1:
        patterns = _patterns(country_code, regions[0])
        return regions[0], patterns is not None and patterns.own and patterns.valid(nsn)
    # region_code_for_number: the first region whose leading digits match, or, for a region
    # without them, whose patterns say valid (which is then all is_valid_number asks).
    for region in regions:
        patterns = _patterns(country_code, region)
        if patterns is None:
            continue
        if patterns.leading_digits is not None:
            if patterns.leading_digits.match(nsn):
                return region, patterns.own and patterns.valid(nsn)
        elif patterns.valid(nsn):
            return region, patterns.own
    return None, False


class _Patterns:
    """A region's validity patterns from its metadata, compiled: valid is what
    _number_type_helper calls anything but UNKNOWN (the general pattern, then any one type)."""

    __slots__ = ("general", "kinds", "leading_digits", "own")

    def __init__(self, metadata: phonenumbers.PhoneMetadata, country_code: int, region: str):
        self.leading_digits = (
            re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        )
        # is_valid_number_for_region's check that the region really has this country code.
        self.own = region == _NON_GEO or metadata.country_code == country_code
        self.general = _desc(metadata.general_desc)
        kinds = [metadata.fixed_line]
        if not metadata.same_mobile_and_fixed_line_pattern:
            kinds.append(metadata.mobile)
        kinds += [
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
        ]
        self.kinds = tuple(d for d in map(_desc, kinds) if d is not None)

    def valid(self, nsn: str) -> bool:
        general = self.general
        if general is None:
            return False
        length = len(nsn)
        lengths, fullmatch = general
        if (lengths and length not in lengths) or fullmatch(nsn) is None:
            return False
        for lengths, fullmatch in self.kinds:
            if (not lengths or length in lengths) and fullmatch(nsn) is not None:
                return True
        return False


_Desc = tuple[frozenset[int], Callable[[str], "re.Match[str] | None"]]


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    """_is_number_matching_desc's possible lengths (empty: any) and pattern; None for a
    description that matches nothing."""
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern).fullmatch


@functools.cache
def _patterns(country_code: int, region: str) -> _Patterns | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    return None if metadata is None else _Patterns(metadata, country_code, region)
