"""The number policy: every shape a caller ID or a stored number arrives in, to one E.164 string.

The app matches a ringing number to people by comparing these strings, so each table below is a
promise to a salesperson: the same number written any way pops the same card, a different number
never does, and anything that is not a number says so instead of guessing.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable

import phonenumbers
import pytest

from desktop.core.number_digits import parse_digits, region_and_validity
from desktop.core.numbers import (
    CallerNumber,
    NumberPolicy,
    parse_number,
    region_from_locale,
)


def parse(raw: str, region: str, prefixes: tuple[str, ...] = ()) -> CallerNumber:
    return parse_number(raw, NumberPolicy(region, prefixes))


def case(region: str, raw: str, expected: str | None, name: str) -> object:
    return pytest.param(region, raw, expected, id=name)


# -- national, international and bare forms ------------------------------------------------

FORMS = [
    case("US", "+1 415 555 0142", "+14155550142", "us-e164-spaced"),
    case("US", "+14155550142", "+14155550142", "us-e164-compact"),
    case("US", "(415) 555-0199", "+14155550199", "us-national-parens"),
    case("US", "415.555.0177", "+14155550177", "us-national-dots"),
    case("US", "1-415-555-0142", "+14155550142", "us-trunk-1"),
    case("US", "14155550199", "+14155550199", "us-bare-digits-with-1"),
    case("US", "011 44 20 7946 0958", "+442079460958", "us-own-idd-011"),
    case("US", "0044 20 7946 0958", "+442079460958", "us-00-means-plus"),
    case("US", "0044 (0)20 7946 0958", "+442079460958", "us-00-and-(0)"),
    case("US", "+44 (0)20 7946 0958", "+442079460958", "us-plus-and-(0)"),
    case("US", "442079460958", "+442079460958", "us-bare-gb-country-code"),
    case("US", "+49 (0)30 901820-59", "+493090182059", "us-de-with-(0)"),
    case("US", "+1\u00a0415\u202f555\u20090142", "+14155550142", "us-no-break-thin-spaces"),
    case("US", "+1 415–555—0142", "+14155550142", "us-en-em-dashes"),
    case("US", "＋１ ４１５ ５５５ ０１４２", "+14155550142", "us-fullwidth-digits"),
    case("US", "\u200e+1 415 555 0142\u200f", "+14155550142", "us-direction-marks"),
    case("US", "Tel: +1 415 555 0142", "+14155550142", "us-leading-label"),
    case("US", "+1 (415) 555-0142 (Mobile)", "+14155550142", "us-trailing-label-in-parens"),
    case("US", "1-800-FLOWERS", "+18003569377", "us-vanity-800"),
    case("US", "+1 415 555 CALL", "+14155552255", "us-vanity-tail"),
    case("US", "1-888-TAX-1040", "+18888291040", "us-vanity-x-is-not-extension"),
    case("GB", "020 7946 0958", "+442079460958", "gb-national-trunk-0"),
    case("GB", "020-7946-0958", "+442079460958", "gb-dashes"),
    case("GB", "2079460958", "+442079460958", "gb-leading-zero-lost"),
    case("GB", "0044 20 7946 0958", "+442079460958", "gb-00"),
    case("GB", "442079460958", "+442079460958", "gb-own-code-without-plus"),
    case("GB", "1 415 555 0142", "+14155550142", "gb-bare-us-country-code"),
    case("GB", "+1 415 555 0142", "+14155550142", "gb-us-e164"),
    case("DE", "030 123456", "+4930123456", "de-national-berlin"),
    case("DE", "030/901820-55", "+493090182055", "de-slash-and-dash"),
    case("DE", "3090182055", "+493090182055", "de-leading-zero-lost"),
    case("DE", "0049 30 123456", "+4930123456", "de-00"),
    case("DE", "4930123456", "+4930123456", "de-own-code-without-plus"),
    case("DE", "+49 30 90182055 Büro", "+493090182055", "de-trailing-label-word"),
    case("DE", "030 123456 Zentrale", "+4930123456", "de-trailing-unknown-word"),
    case("FR", "01 99 00 12 34", "+33199001234", "fr-national"),
    case("FR", "01.99.00.12.34", "+33199001234", "fr-dots"),
    case("FR", "+33 (0)1 99 00 12 34", "+33199001234", "fr-plus-(0)"),
    case("FR", "0033 1 99 00 12 34", "+33199001234", "fr-00"),
    case("FR", "33199001234", "+33199001234", "fr-own-code-without-plus"),
    case("AU", "02 9374 4000", "+61293744000", "au-national"),
    case("AU", "0412 345 678", "+61412345678", "au-mobile"),
    case("AU", "0011 44 20 7946 0958", "+442079460958", "au-own-idd-0011"),
    case("AU", "0044 20 7946 0958", "+442079460958", "au-00-is-still-international"),
    case("AU", "+61 (0)2 9374 4000", "+61293744000", "au-plus-(0)"),
    case("AU", "61293744000", "+61293744000", "au-own-code-without-plus"),
]


@pytest.mark.parametrize(("region", "raw", "expected"), FORMS)
def test_every_way_of_writing_a_number_gives_its_e164(region: str, raw: str, expected: str) -> None:
    got = parse(raw, region)
    assert (got.e164, got.withheld, got.problem) == (expected, False, "")


def test_the_fictional_test_ranges_are_valid_numbers() -> None:
    # The demo data and every sample file use these ranges; if phonenumbers ever called them
    # invalid the product would still have to match them.
    for raw, region in [
        ("+1 415 555 0100", "US"),
        ("+1 415 555 0199", "US"),
        ("020 7946 0000", "GB"),
        ("020 7946 0999", "GB"),
        ("+49 30 90182000", "DE"),
    ]:
        got = parse(raw, region)
        assert got.valid, raw
        assert got.region == region


def test_a_number_knows_its_own_region_not_the_home_one() -> None:
    got = parse("+44 20 7946 0958", "US")
    assert (got.region, got.valid) == ("GB", True)
    assert parse("+800 1234 5678", "US").region is None  # international freephone: no country


def test_national_reading_wins_over_a_country_code_reading() -> None:
    # 4415550142 is a valid US number (area code 441 reads as US here); it must not turn British.
    assert parse("4415550142", "US").e164 != "+4415550142"
    # Berlin digits that also start with 49 stay German national numbers.
    assert parse("4930123456", "DE").e164 == "+4930123456"
    assert parse("442079460958", "US").note == "read as a country code without +"


def test_possible_but_invalid_numbers_still_get_an_e164() -> None:
    # Ofcom's drama mobile range: phonenumbers calls it invalid, but a stored number and a caller
    # ID with these digits are the same number, and new ranges reach callers before metadata.
    got = parse("+44 7700 900123", "GB")
    assert (got.e164, got.valid, got.problem) == ("+447700900123", False, "")


def test_a_local_number_without_area_code_is_refused() -> None:
    got = parse("555-2671", "US")
    assert got.e164 is None
    assert "area code" in got.problem


# -- false-match traps ----------------------------------------------------------------------

TRAPS = [
    pytest.param(
        "US",
        ["+1 415 555 0142", "+44 415 555 0142", "+61 415 555 0142", "+49 415 555 0142"],
        id="same-last-ten-digits-other-country-code",
    ),
    pytest.param(
        "GB",
        ["+44 20 7946 0958", "+1 20 7946 0958", "+33 20 7946 0958", "0020 7946 0958"],
        id="uk-digits-under-other-codes",
    ),
    pytest.param(
        "US",
        ["+1 415 555 0142", "+1 415 555 0143", "+1 415 555 0124", "+1 415 555 0141"],
        id="off-by-one-and-transposed",
    ),
    pytest.param(
        "GB",
        ["020 7946 0958", "020 7946 0959", "020 7946 0985", "020 7946 0957"],
        id="uk-off-by-one",
    ),
    pytest.param(
        "DE",
        ["030 90182055", "030 90182056", "+49 30 90182055 5", "030 9018205"],
        id="de-extra-or-missing-digit",
    ),
]


@pytest.mark.parametrize(("region", "raws"), TRAPS)
def test_different_numbers_never_share_an_e164(region: str, raws: list[str]) -> None:
    e164s = [parse(raw, region).e164 for raw in raws]
    found = [e for e in e164s if e is not None]
    assert e164s[0] is not None
    assert len(found) == len(set(found)), dict(zip(raws, e164s, strict=True))


def test_the_same_number_in_every_shape_is_one_e164() -> None:
    shapes = [
        ("US", "+44 20 7946 0958"),
        ("US", "+44 (0)20 7946 0958"),
        ("US", "011 44 20 7946 0958"),
        ("US", "442079460958"),
        ("US", "sip:+442079460958@trunk.example.net;user=phone"),
        ("US", "tel:+44-20-7946-0958"),
        ("GB", "020 7946 0958"),
        ("GB", "2079460958"),
        ("GB", "0044 20 7946 0958"),
        ("AU", "0011 44 20 7946 0958"),
        ("DE", "0044 20 7946 0958"),
        ("FR", "+44 20 7946 0958 ext. 12"),
    ]
    assert {parse(raw, region).e164 for region, raw in shapes} == {"+442079460958"}


# -- SIP, tel and display names -------------------------------------------------------------

URIS = [
    pytest.param(
        '"Mike K" <sip:4155550142@pbx.local>', "+14155550142", "Mike K", "", id="quoted-name"
    ),
    pytest.param("Mike K <sip:4155550142@pbx.local>", "+14155550142", "Mike K", "", id="bare-name"),
    pytest.param(
        '"Mike \\"The Closer\\" K" <sip:+14155550142@h>',
        "+14155550142",
        'Mike "The Closer" K',
        "",
        id="escaped-quotes-in-name",
    ),
    pytest.param("<sip:+14155550142@host;user=phone>", "+14155550142", "", "", id="angle-only"),
    pytest.param(
        "sip:+442079460321@trunk.example.net;transport=tcp;user=phone",
        "+442079460321",
        "",
        "",
        id="linphone-params",
    ),
    pytest.param(
        "sips:+442079460321@trunk.example.net:5061", "+442079460321", "", "", id="sips-with-port"
    ),
    pytest.param(
        "+442079460321@trunk.example.net;user=phone",
        "+442079460321",
        "",
        "",
        id="microsip-schemeless",
    ),
    pytest.param("+14155550123@sip.example.com", "+14155550123", "", "", id="jitsi-schemeless"),
    pytest.param("tel:+1-415-555-2671;ext=55", "+14155552671", "", "55", id="tel-with-ext"),
    pytest.param(
        "tel:555-0142;phone-context=+1-415", "+14155550142", "", "", id="tel-phone-context"
    ),
    pytest.param("sip:%2B14155550142@host", "+14155550142", "", "", id="percent-encoded-plus"),
    pytest.param('"Jane Doe" <+14155550123>', "+14155550123", "Jane Doe", "", id="asterisk-clid"),
    pytest.param(
        '"Acme <Sales>" <sip:+14155550150@pbx>;tag=a1b2',
        "+14155550150",
        "Acme <Sales>",
        "",
        id="name-with-angles-and-header-tag",
    ),
]


@pytest.mark.parametrize(("raw", "e164", "display_name", "extension"), URIS)
def test_sip_and_tel_addresses_give_number_and_display_name(
    raw: str, e164: str, display_name: str, extension: str
) -> None:
    got = parse(raw, "US")
    assert (got.e164, got.display_name, got.extension) == (e164, display_name, extension)


# -- extensions -----------------------------------------------------------------------------

EXTENSIONS = [
    case("US", "415 555 0142 x204", "204", "x"),
    case("US", "415 555 0142x204", "204", "x-glued"),
    case("US", "415 555 0142 ext. 7", "7", "ext-dot"),
    case("US", "415 555 0142 ext 7", "7", "ext-space"),
    case("US", "415 555 0142 Ext: 9", "9", "ext-colon"),
    case("US", "415 555 0142 extension 12", "12", "extension-word"),
    case("US", "415 555 0142;ext=55", "55", "ext-param"),
    case("US", "415 555 0142 #204", "204", "hash"),
    case("US", "415 555 0142,,123", "123", "dtmf-double-pause"),
    case("US", "415 555 0142,123", "123", "dtmf-pause"),
    case("US", "+14155550142p217", "217", "android-pause-p"),
    case("US", "+14155550142w217", "217", "android-wait-w"),
    case("US", "+14155550142;217", "217", "android-wait-semicolon"),
    case("US", "+14155550142,,217,,4", "217", "pause-then-menu-choice"),
    case("US", "415.555.0142 x44", "44", "salesforce-style"),
    case("US", "415 555 0142 (ext. 204)", "204", "ext-in-brackets"),
    case("US", "(415) 555-0142 (x3)", "3", "x-in-brackets-after-area-code"),
    case("US", "415 555 0142 [ext 5]", "5", "ext-in-square-brackets"),
]


@pytest.mark.parametrize(("region", "raw", "extension"), EXTENSIONS)
def test_extensions_are_digits_apart_from_the_e164(region: str, raw: str, extension: str) -> None:
    got = parse(raw, region)
    assert (got.e164, got.extension) == ("+14155550142", extension)


@pytest.mark.parametrize(
    ("region", "raw", "e164", "extension"),
    [
        pytest.param("GB", "+44 (0)20 7946 0321 #204", "+442079460321", "204", id="gb-hash"),
        pytest.param("DE", "030 901820 dw 55", "+4930901820", "55", id="de-durchwahl"),
        pytest.param(
            "DE", "+49 30 90182056 (Durchwahl 12)", "+493090182056", "12", id="de-dw-in-brackets"
        ),
        pytest.param("FR", "01 99 00 12 34 poste 12", "+33199001234", "12", id="fr-poste"),
        pytest.param("AU", "02 9374 4000 ext 3", "+61293744000", "3", id="au-ext"),
    ],
)
def test_extensions_in_other_countries(region: str, raw: str, e164: str, extension: str) -> None:
    got = parse(raw, region)
    assert (got.e164, got.extension) == (e164, extension)


def test_an_extension_word_with_no_digits_is_ignored() -> None:
    assert parse("+1 415 555 0142 x", "US").e164 == "+14155550142"
    assert parse("415-555-0142 ext", "US").extension == ""


# -- withheld -------------------------------------------------------------------------------

WITHHELD = [
    "anonymous",
    "Anonymous",
    "ANONYMOUS",
    "Restricted",
    "Private",
    "Private Number",
    "Unavailable",
    "Unknown",
    "Withheld",
    "Blocked",
    "Out of Area",
    "OUT-OF-AREA",
    "P",
    "O",
    "",
    "   ",
    "\t",
    "0000000000",
    "sip:anonymous@anonymous.invalid",
    '"Anonymous" <sip:anonymous@anonymous.invalid>',
    "sip:anonymous@pbx.local",
    "<sip:+14155550142@anonymous.invalid>",
    "Unbekannt",
    "<>",
]


@pytest.mark.parametrize("raw", WITHHELD, ids=[repr(w) for w in WITHHELD])
@pytest.mark.parametrize("region", ["US", "GB", "DE", "FR", "AU"])
def test_withheld_callers_are_never_numbers(raw: str, region: str) -> None:
    got = parse(raw, region, ("9",))
    assert (got.withheld, got.e164, got.problem) == (True, None, "")


def test_a_display_name_alone_does_not_withhold_a_number() -> None:
    # Some PBXs send the name "Anonymous" with the real number still in the URI.
    got = parse('"Anonymous" <sip:+14155550142@pbx.local>', "US")
    assert (got.withheld, got.e164) == (False, "+14155550142")


def test_the_home_region_may_be_written_in_lower_case() -> None:
    assert parse("020 7946 0958", "gb").e164 == "+442079460958"


def test_withheld_keeps_the_display_name() -> None:
    got = parse('"Anonymous" <sip:anonymous@anonymous.invalid>', "US")
    assert got.display_name == "Anonymous"


# -- not numbers ----------------------------------------------------------------------------

NOT_NUMBERS = [
    pytest.param("abc", id="letters"),
    pytest.param("12", id="too-short"),
    pytest.param("x" * 10_000, id="10000-chars"),
    pytest.param("1" * 10_000, id="10000-digits"),
    pytest.param("\x00\x01\x02", id="control-characters"),
    pytest.param("+1 415 555 0142\x00", id="nul-inside"),
    pytest.param("📞📞📞", id="emoji"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("Anonymous Coward", id="withheld-word-inside-text"),
    pytest.param("john@example.com", id="email"),
    pytest.param("*67 415 555 0142", id="dial-code"),
    pytest.param("+999 1234567", id="unknown-country-code"),
    pytest.param("+1 415 555 014", id="one-digit-short"),
    pytest.param("Ext 9", id="extension-alone"),
    pytest.param("sip:204@pbx.local", id="internal-extension"),
]


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_anything_else_is_refused_with_one_line_saying_why(raw: str) -> None:
    got = parse(raw, "US")
    assert (got.e164, got.withheld) == (None, False)
    assert got.problem.startswith("not a phone number: ")
    assert "\n" not in got.problem
    assert len(got.problem) < 200


@pytest.mark.parametrize(
    "raw",
    [
        "+1 415 555 0100 ::: +1 415 555 0101",
        "+1 415 555 0100\n+1 415 555 0101",
        "+1 415 555 0100;+1 415 555 0101",
        "+1 415 555 0100 +1 415 555 0101",
    ],
    ids=["google-triple-colon", "newline", "semicolon", "two-plus-signs"],
)
def test_two_numbers_in_one_value_are_not_glued_together(raw: str) -> None:
    got = parse(raw, "US")
    assert got.e164 is None
    assert got.problem.startswith("more than one number in one value")


def test_a_national_number_without_a_home_region_says_so() -> None:
    got = parse("415 555 0142", "ZZ")
    assert got.e164 is None
    assert "home region" in got.problem
    assert parse("+1 415 555 0142", "ZZ").e164 == "+14155550142"


# -- spreadsheet artefacts ------------------------------------------------------------------

SPREADSHEET_OK = [
    case("US", "14155550199.0", "+14155550199", "calamine-float"),
    case("US", "4155550152.0", "+14155550152", "calamine-float-national"),
    case("US", "1.4155550199E+10", "+14155550199", "scientific-all-digits"),
    case("US", "1.4155550199e10", "+14155550199", "scientific-lower-e"),
    case("US", "1.41555501990E+10", "+14155550199", "scientific-trailing-zero"),
    case("DE", "4,93090182055E+11", "+493090182055", "scientific-comma-decimal"),
    case("US", "4,155,550,142", "+14155550142", "thousands-separators"),
    case("DE", "4.930.901.820,00", "+4930901820", "german-thousands-and-decimals"),
]


@pytest.mark.parametrize(("region", "raw", "expected"), SPREADSHEET_OK)
def test_spreadsheet_artefacts_that_kept_every_digit_are_undone(
    region: str, raw: str, expected: str
) -> None:
    assert parse(raw, region).e164 == expected


@pytest.mark.parametrize(
    ("region", "raw"),
    [
        pytest.param("US", "4.15555E+11", id="excel-us"),
        pytest.param("DE", "4,93091E+11", id="excel-de-comma"),
        pytest.param("US", "4.4207946095E+11", id="one-digit-missing"),
        pytest.param("GB", "4E+11", id="mantissa-only"),
    ],
)
def test_numbers_a_spreadsheet_destroyed_are_never_guessed(region: str, raw: str) -> None:
    got = parse(raw, region)
    assert (got.e164, got.withheld) == (None, False)
    assert got.problem.startswith("a spreadsheet destroyed this number")


def test_digits_rounded_to_zeros_are_flagged() -> None:
    got = parse("415555000000", "US")
    assert got.e164 is None
    assert "spreadsheet" in got.problem


# -- PBX outside-line prefixes --------------------------------------------------------------

OUTSIDE_LINE = [
    pytest.param("US", ("9",), "9 1 415 555 2671", "+14155552671", id="us-9-1"),
    pytest.param("US", ("9",), "94155552671", "+14155552671", id="us-9-national"),
    pytest.param("US", ("9",), "9 011 44 20 7946 0958", "+442079460958", id="us-9-idd"),
    pytest.param("US", ("9",), "9045550123", "+19045550123", id="us-904-area-code-kept"),
    pytest.param("US", ("9",), "+1 415 555 2671", "+14155552671", id="us-plus-untouched"),
    pytest.param("GB", ("9",), "9 020 7946 0958", "+442079460958", id="gb-9"),
    pytest.param("GB", ("9",), "9 00 1 415 555 0142", "+14155550142", id="gb-9-international"),
    pytest.param("GB", ("9",), "020 7946 0958", "+442079460958", id="gb-9-not-there"),
    pytest.param("GB", ("0",), "0 020 7946 0958", "+442079460958", id="gb-0-before-trunk-0"),
    pytest.param("DE", ("0",), "0 030 901820-55", "+493090182055", id="de-0-berlin"),
    pytest.param("DE", ("0",), "00201 234567", "+49201234567", id="de-0-essen"),
    # "0" + Potsdam 0331 36912951 also reads as a valid Paris number after "00".
    pytest.param("DE", ("0",), "0033136912951", "+4933136912951", id="de-0-potsdam-not-paris"),
    pytest.param("DE", ("0",), "0 0044 20 7946 0958", "+442079460958", id="de-0-then-00"),
    pytest.param("DE", ("0",), "030 901820-55", "+493090182055", id="de-0-not-there"),
    pytest.param("FR", ("0",), "0 01 99 00 12 34", "+33199001234", id="fr-0"),
    pytest.param("AU", ("0",), "0 02 9374 4000", "+61293744000", id="au-0"),
    pytest.param("AU", ("1", "0"), "0 0011 44 20 7946 0958", "+442079460958", id="au-two-prefixes"),
]


@pytest.mark.parametrize(("region", "prefixes", "raw", "expected"), OUTSIDE_LINE)
def test_outside_line_prefix_is_removed_only_when_that_makes_the_number(
    region: str, prefixes: tuple[str, ...], raw: str, expected: str
) -> None:
    assert parse(raw, region, prefixes).e164 == expected


def test_without_a_prefix_configured_the_same_digits_read_as_written() -> None:
    # The rule in numbers.py: "0" + "0331…" only means Potsdam when the PBX is known to add "0".
    assert parse("0033136912951", "DE").e164 == "+33136912951"
    assert parse("9 1 415 555 2671", "US").e164 != "+14155552671"


def test_the_note_says_when_a_prefix_was_removed() -> None:
    assert parse("9 020 7946 0958", "GB", ("9",)).note == "outside-line prefix 9 removed"
    assert parse("020 7946 0958", "GB", ("9",)).note == ""


# -- locale -> region -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale_name", "expected"),
    [
        ("en_US.UTF-8", "US"),
        ("de_DE@euro", "DE"),
        ("fr_CA", "CA"),
        ("en-GB", "GB"),
        ("en_AU.utf8", "AU"),
        ("zh-Hans-CN", "CN"),
        ("sr_RS@latin", "RS"),
        ("en_uk", "GB"),
        ("C", "NZ"),
        ("C.UTF-8", "NZ"),
        ("POSIX", "NZ"),
        (None, "NZ"),
        ("", "NZ"),
        ("de", "NZ"),
        ("en_XX", "NZ"),
        ("English_United States.1252", "NZ"),
    ],
)
def test_region_from_locale(locale_name: str | None, expected: str) -> None:
    assert region_from_locale(locale_name, fallback="nz") == expected


def test_region_from_locale_falls_back_to_us_by_default() -> None:
    assert region_from_locale("C") == "US"


# -- warm-up --------------------------------------------------------------------------------


def test_warm_up_loads_every_region_without_the_geocoder() -> None:
    # A fresh interpreter: this test process may have imported the geocoder for other reasons.
    script = (
        "import sys, phonenumbers\n"
        "from desktop.core.numbers import warm_up\n"
        "warm_up()\n"
        "missing = [r for r in phonenumbers.SUPPORTED_REGIONS\n"
        "           if f'phonenumbers.data.region_{r}' not in sys.modules]\n"
        "heavy = [m for m in sys.modules if m.split('.')[:2] in (\n"
        "         ['phonenumbers', 'geocoder'], ['phonenumbers', 'carrier'])]\n"
        "print(len(missing), len(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["0", "0"], done.stderr


def test_warm_up_for_one_region_covers_its_shared_country_code() -> None:
    # +44 is shared with Jersey, Guernsey and the Isle of Man: an unknown +44 caller walks them.
    script = (
        "import sys\n"
        "from desktop.core.numbers import warm_up\n"
        "warm_up(['gb'])\n"
        "print(*sorted(m.rsplit('_', 1)[1] for m in sys.modules\n"
        "              if m.startswith('phonenumbers.data.region_')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["GB", "GG", "IM", "JE"], done.stderr


def test_after_the_warm_up_no_caller_s_local_time_compiles_a_pattern_on_the_ring() -> None:
    # A card's local time and place ask for the number's type: before, the first callers from
    # each country after start-up compiled its premium, toll-free, VoIP… patterns mid-ring
    # (~1 ms for a country's first caller).
    script = (
        "import phonenumbers\n"
        "from phonenumbers import re_util\n"
        "from desktop.core.localtime import zones_for\n"
        "from desktop.core.numbers import warm_up\n"
        "warm_up()\n"
        "before = len(re_util._COMPILED_PATTERNS)\n"
        "for region in sorted(phonenumbers.SUPPORTED_REGIONS):\n"
        "    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE,\n"
        "                 phonenumbers.PhoneNumberType.MOBILE):\n"
        "        example = phonenumbers.example_number_for_type(region, kind)\n"
        "        if example is not None:\n"
        "            zones_for(phonenumbers.format_number(\n"
        "                example, phonenumbers.PhoneNumberFormat.E164))\n"
        "print(len(re_util._COMPILED_PATTERNS) - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["0"], done.stderr


def test_every_region_reads_its_own_example_number() -> None:
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert parse(national, region).e164 == e164, (region, national)
        assert parse(e164, "US").e164 == e164, (region, e164)


# -- the same answers as phonenumbers -------------------------------------------------------
#
# number_digits.py reads digits with phonenumbers' private helpers and its own compiled copy of the
# validity patterns, because through phonenumbers' public functions a contact import spent three
# times as long reading numbers. These hold that copy to phonenumbers' public functions in every
# region, so a phonenumbers release that reads a number differently fails here, not in a
# salesperson's list.

TYPES = [
    getattr(phonenumbers.PhoneNumberType, name)
    for name in (
        "FIXED_LINE",
        "MOBILE",
        "TOLL_FREE",
        "PREMIUM_RATE",
        "SHARED_COST",
        "VOIP",
        "PERSONAL_NUMBER",
        "PAGER",
        "UAN",
        "VOICEMAIL",
    )
]


def _examples() -> list[tuple[str, phonenumbers.PhoneNumber]]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.append((region, example))
    for country_code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(country_code)
        if example is not None:
            found.append(("US", example))
    return found


def _near_misses(digits: str, rng: random.Random) -> list[str]:
    """The digits with one changed, one dropped and one added: mostly invalid numbers."""
    i = rng.randrange(1, len(digits))
    return [
        digits[:i] + str((int(digits[i]) + rng.randint(1, 9)) % 10) + digits[i + 1 :],
        digits[:i] + digits[i + 1 :],
        digits[:i] + str(rng.randrange(10)) + digits[i:],
    ]


def _phonenumbers_answer(text: str, region: str | None) -> tuple[str | None, bool, str | None]:
    """(e164, valid, region) for digits as written, from phonenumbers' public functions and the
    policy's own rules: E.164's 7 to 15 digits, and an invalid number still gets an E.164
    when its length is possible and no stray zero follows the country code."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, False, None
    valid = phonenumbers.is_valid_number(number)
    possible = (
        phonenumbers.is_possible_number_with_reason(number)
        == phonenumbers.ValidationResult.IS_POSSIBLE
    )
    if not valid and not (possible and not number.italian_leading_zero):
        return None, False, None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not 7 <= len(e164) - 1 <= 15:
        return None, False, None
    own = phonenumbers.region_code_for_number(number)
    return e164, valid, own if own != "001" else None


def test_every_number_after_a_plus_reads_as_phonenumbers_reads_it() -> None:
    rng = random.Random(7)
    compared = 0
    for _region, example in _examples():
        digits = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:]
        for candidate in [digits, *_near_misses(digits, rng)]:
            got = parse("+" + candidate, "US")
            assert (got.e164, got.valid, got.region) == _phonenumbers_answer(
                "+" + candidate, None
            ), candidate
            compared += 1
    assert compared > 3000


def test_every_valid_national_number_reads_as_phonenumbers_reads_it() -> None:
    rng = random.Random(8)
    compared = 0
    for region, example in _examples():
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = "".join(ch for ch in national if ch.isdigit())
        if len(digits) < 3 or digits.startswith("00"):
            continue  # "00" is the international prefix to numbers.py in every region
        for candidate in [digits, *_near_misses(digits, rng)]:
            expected = _phonenumbers_answer(candidate, region)
            if expected[1]:
                got = parse(candidate, region)
                assert (got.e164, got.valid, got.region) == expected, (region, candidate)
                compared += 1
    assert compared > 1000


def test_any_digits_parse_exactly_as_phonenumbers_parse_them() -> None:
    # Random digits in every region, shaped like the prefixes that steer parse: the region's
    # national and international prefixes, its own country code, other country codes.
    rng = random.Random(9)
    country_codes = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert metadata is not None
        idd = "".join(ch for ch in metadata.international_prefix or "00" if ch.isdigit())[:4]
        starts = [
            "",
            metadata.national_prefix or "0",
            idd + str(rng.choice(country_codes)),
            str(metadata.country_code),
            str(metadata.country_code) + (metadata.national_prefix or ""),
            str(rng.choice(country_codes)),
        ]
        for start in starts:
            text = start + digits(rng.randint(0, 13))
            if not text:
                continue
            assert _parsed(parse_digits, text, region, False) == _parsed(
                phonenumbers.parse, text, region
            ), (region, text)
            number = _parsed(phonenumbers.parse, "+" + text, None)
            assert _parsed(parse_digits, text, None, True) == number, text
            if isinstance(number, phonenumbers.PhoneNumber):
                assert region_and_validity(number) == (
                    phonenumbers.region_code_for_number(number),
                    phonenumbers.is_valid_number(number),
                ), text


def _parsed(
    read: Callable[..., phonenumbers.PhoneNumber], *args: object
) -> phonenumbers.PhoneNumber | int:
    """The number, or the NumberParseException's error type."""
    try:
        return read(*args)
    except phonenumbers.NumberParseException as exc:
        return exc.error_type


def test_a_phonenumbers_without_the_private_helpers_reads_numbers_the_same() -> None:
    # Two kinds of phonenumbers release, in fresh interpreters: one without a helper
    # number_digits.py imports, one whose helper takes other arguments. phonenumbers itself
    # keeps its own.
    raws = ["(415) 555-0142", "+44 20 7946 0958", "0044 20 7946 0958", "442079460958", "+1 99"]
    expected = [parse(raw, "US").e164 for raw in raws]
    for release in ["pass", "release._extract_country_code = lambda: None"]:
        script = (
            "import logging, sys, types\n"
            "from phonenumbers import phonenumberutil\n"
            "release = types.ModuleType(phonenumberutil.__name__)\n"
            "release.__dict__.update(\n"
            "    (k, v) for k, v in vars(phonenumberutil).items() if k != '_extract_country_code'\n"
            ")\n"
            f"{release}\n"
            "sys.modules[phonenumberutil.__name__] = release\n"
            "from desktop.core import number_digits, numbers\n"
            "logging.disable(logging.CRITICAL)\n"
            f"for raw in {raws!r}:\n"
            "    print(numbers.parse_number(raw, numbers.NumberPolicy('US')).e164)\n"
            "print(number_digits._fast_parse)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
        )
        assert done.stdout.split() == [str(e) for e in expected] + ["False"], done.stderr
