"""Properties of the number policy over arbitrary input: a caller ID can be anything a PBX, a
softphone or a spreadsheet produces, and the ring path must neither crash nor invent a number."""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number

HOME_REGIONS = ("US", "GB", "DE", "FR", "AU")
E164 = re.compile(r"\+[1-9]\d{6,14}")

# Modest counts: the whole suite has a budget, and the tables in test_numbers.py carry the
# known cases; these look for the unknown ones.
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

policies = st.builds(
    NumberPolicy,
    st.sampled_from(HOME_REGIONS),
    st.sampled_from([(), ("9",), ("0",), ("9", "0")]),
)
# Characters that actually appear around numbers, so the examples reach the deep branches
# (URIs, extensions, pauses, labels, spreadsheet forms) rather than failing on the first letter.
number_like = st.text(
    alphabet="0123456789 +-.()/#,;:@<>\"'xXpPwWeEsStTiIlL=%\u00a0\u200e\t\n",
    max_size=40,
)


def _sound(got: CallerNumber) -> None:
    assert not got.problem.startswith("internal error"), got
    if got.withheld:
        assert got.e164 is None
        assert got.problem == ""
    elif got.e164 is not None:
        assert E164.fullmatch(got.e164), got
        assert got.problem == ""
        assert got.extension.isdigit() or got.extension == ""
        assert got.valid == phonenumbers.is_valid_number(phonenumbers.parse(got.e164))
        # A reading other than the written one is a guess, and guesses must be valid numbers.
        assert got.valid or not got.note, got
    else:
        assert got.problem.strip(), got
        assert "\n" not in got.problem


@FEW
@given(raw=st.text(max_size=80), policy=policies)
def test_any_text_is_withheld_a_number_or_a_stated_problem(raw: str, policy: NumberPolicy) -> None:
    _sound(parse_number(raw, policy))


@FEW
@given(raw=number_like, policy=policies)
def test_number_like_text_is_withheld_a_number_or_a_stated_problem(
    raw: str, policy: NumberPolicy
) -> None:
    _sound(parse_number(raw, policy))


national_significant = st.integers(min_value=1_000_000, max_value=99_999_999_999)
country_codes = st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))


@FEW
@given(country_code=country_codes, nsn=national_significant, policy=policies)
def test_an_e164_reads_back_as_itself_in_every_home_region(
    country_code: int, nsn: int, policy: NumberPolicy
) -> None:
    first = parse_number(f"+{country_code}{nsn}", policy)
    if first.e164 is None:
        return
    for region in HOME_REGIONS:
        for prefixes in [(), ("9",), ("0",)]:
            again = parse_number(first.e164, NumberPolicy(region, prefixes))
            assert again.e164 == first.e164, (region, prefixes)
            assert again.valid == first.valid


@FEW
@given(
    region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    kind=st.sampled_from(
        [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
    ),
)
def test_a_valid_number_written_nationally_reads_as_its_e164_at_home(
    region: str, kind: int
) -> None:
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    for fmt in (
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.RFC3966,
    ):
        written = phonenumbers.format_number(example, fmt)
        assert parse_number(written, NumberPolicy(region)).e164 == e164, written


@FEW
@given(
    e164=st.sampled_from(
        ["+14155550142", "+442079460958", "+493090182055", "+33199001234", "+61293744000"]
    ),
    extension=st.integers(min_value=0, max_value=99_999).map(str),
    form=st.sampled_from(["{} x{}", "{} ext. {}", "{};ext={}", "{},,{}", "{}p{}", "{} #{}"]),
    policy=policies,
)
def test_an_extension_never_changes_the_e164(
    e164: str, extension: str, form: str, policy: NumberPolicy
) -> None:
    got = parse_number(form.format(e164, extension), policy)
    assert (got.e164, got.extension) == (e164, extension)


@FEW
@given(
    region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    kind=st.sampled_from(
        [
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.VOIP,
        ]
    ),
    tail=st.integers(min_value=0, max_value=9999),
    policy=policies,
)
def test_a_number_after_a_plus_gets_phonenumbers_own_answer(
    region: str, kind: int, tail: int, policy: NumberPolicy
) -> None:
    # Real numbering ranges with the last digits varied: valid numbers, mostly, and their
    # neighbours; numbers.py's own fast reading of them must agree with phonenumbers'.
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    written = e164[:-4] + f"{tail:04d}"
    number = phonenumbers.parse(written)
    got = parse_number(written, policy)
    same = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) and E164.fullmatch(same):
        own = phonenumbers.region_code_for_number(number)
        assert (got.e164, got.valid, got.region) == (same, True, own if own != "001" else None)
    else:
        assert not got.valid
        assert got.e164 in (None, same)
