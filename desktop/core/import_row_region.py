"""Which country one row's numbers without a country code belong to, in a file of several.

A prospect list with US, UK and German rows gives no single region (import_region.py), so its
national numbers are read in the rep's home region. That is right for most rows and silently
wrong for the rest: a German rep's "4155550151" becomes +49 4155 550151 and a "2079460321"
+49 20 7946 0321, when the file's own +1 and +44 numbers say where such digits come from.
So in such a file each row is looked at on its own: its e-mail domain and its other numbers
can name one country, and its national numbers are then read there; a number whose home
reading is the weaker one (invalid, or only valid once a dropped trunk 0 is assumed) while it
reads as written in another of the file's countries is kept as text and flagged, never stored
as a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

import phonenumbers

from desktop.core.models import StoredNumber
from desktop.core.numbers import CallerNumber, NumberPolicy

# Country-code top-level domains that are sold as generic names (.io, .co, .tv…): no evidence.
GENERIC_TLDS = frozenset(
    {"io", "co", "tv", "me", "ai", "ly", "fm", "gg", "to", "cc", "ws", "la", "sh", "vc", "am",
     "app", "is", "it"}
)  # fmt: skip
_EMAIL_TLD = re.compile(r"@[\w.-]*\.([a-z]{2})\s*$", re.IGNORECASE)

Parser = Callable[[str, NumberPolicy], CallerNumber]

COUNTRY_HEADER = re.compile(r"(?:^|\b)(?:country|country/region|land|pays|país|pais|nation)\b")
COUNTRY_NAMES: Mapping[str, str] = {
    name: code
    for code, names in {
        "US": ("united states", "united states of america", "usa", "u.s.", "u.s.a.", "america",
               "vereinigte staaten", "états-unis", "estados unidos"),
        "GB": ("united kingdom", "uk", "u.k.", "great britain", "england", "scotland", "wales",
               "northern ireland", "vereinigtes königreich", "großbritannien", "royaume-uni",
               "reino unido"),
        "DE": ("germany", "deutschland", "allemagne", "alemania"),
        "AT": ("austria", "österreich", "autriche"),
        "CH": ("switzerland", "schweiz", "suisse", "suiza"),
        "FR": ("france", "frankreich", "francia"),
        "ES": ("spain", "spanien", "espagne", "españa"),
        "IT": ("italy", "italien", "italie", "italia"),
        "NL": ("netherlands", "the netherlands", "holland", "niederlande", "pays-bas",
               "países bajos"),
        "BE": ("belgium", "belgien", "belgique", "bélgica"),
        "IE": ("ireland", "irland", "irlande", "irlanda"),
        "CA": ("canada", "kanada"),
        "AU": ("australia", "australien", "australie"),
        "DK": ("denmark", "dänemark", "danemark", "dinamarca"),
        "SE": ("sweden", "schweden", "suède", "suecia"),
        "NO": ("norway", "norwegen", "norvège", "noruega"),
        "MX": ("mexico", "méxico", "mexiko", "mexique"),
    }.items()
    for name in names
}  # fmt: skip


def country_region(value: str) -> str | None:
    """The region a country cell names ("Deutschland", "UK", "us"), if any."""
    text = " ".join(value.split()).casefold().strip(" .")
    if not text:
        return None
    code = COUNTRY_NAMES.get(text) or COUNTRY_NAMES.get(text + ".")
    if code is None and len(text) == 2 and text.isascii():
        upper = "GB" if text == "uk" else text.upper()
        code = upper if upper in phonenumbers.SUPPORTED_REGIONS else None
    return code


def tld_region(tld: str) -> str | None:
    """The region a country-code top-level domain names ("de" -> DE, "uk" -> GB), if any."""
    tld = tld.casefold()
    if tld in GENERIC_TLDS:
        return None
    code = "GB" if tld == "uk" else tld.upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def settle_row(
    numbers: list[StoredNumber],
    headers: Sequence[str],
    email: str,
    parse: Parser,
    policy: NumberPolicy,
    elsewhere: Sequence[str],
    locked: Collection[int] = (),
    countries: Sequence[str] = (),
) -> tuple[list[str], dict[int, tuple[str, str]]]:
    """Reads the row's national numbers in the row's own country when its country cells
    (`countries`), e-mail domain and other numbers name one, and flags those that read better
    in another of the file's countries (`elsewhere`) than at home. Changes `numbers` in
    place; returns the notes to show (one per number read elsewhere) and, by number index,
    the (header, reason) of each flagged number.
    Numbers at `locked` indices are flagged already for what they are and stay as they are."""
    parse = _remembered(parse)  # each number is read in each country more than once
    national = [
        i for i, n in enumerate(numbers) if i not in locked and _national(n.raw, parse, policy)
    ]
    if not national:
        return [], {}
    candidates = (policy.region, *(r for r in elsewhere if r != policy.region))
    notes: list[str] = []
    flagged: dict[int, tuple[str, str]] = {}
    row, by_number = _row_region(numbers, national, email, parse, candidates, countries)
    settled: set[int] = set()
    if row == policy.region:
        return [], {}
    if row is not None:
        for i in national:
            number = numbers[i]
            again = parse(number.raw, NumberPolicy(row))
            if again.valid and again.e164 is not None and again.region == row and not again.note:
                settled.add(i)
                if not by_number and _lost_zero_against_home(number.raw, policy, row, parse):
                    # An e-mail domain alone is no reason to turn a number that reads as
                    # written at home into one that needs a lost 0 elsewhere: ask instead.
                    numbers[i] = StoredNumber(number.raw, None, number.extension, number.label)
                    flagged[i] = (headers[i] if i < len(headers) else "", (
                        f"{number.e164} in {policy.region} as written; with a leading 0 put "
                        f"back, {again.e164} in {row}, where this contact's e-mail is: check it"
                    ))  # fmt: skip
                elif again.e164 != number.e164:
                    numbers[i] = StoredNumber(number.raw, again.e164, again.extension, number.label)
                    notes.append(f"{number.raw!r} read as a {row} number, the country the "
                                 "rest of this contact points to")  # fmt: skip
    for i in national:
        if i in settled or numbers[i].e164 is None:
            continue  # read elsewhere, or not a number at home at all (already flagged)
        reason = _better_elsewhere(numbers[i].raw, parse, policy, candidates[1:])
        if reason:
            number = numbers[i]
            numbers[i] = StoredNumber(number.raw, None, number.extension, number.label)
            flagged[i] = (headers[i] if i < len(headers) else "", reason)
    return notes, flagged


def _remembered(parse: Parser) -> Parser:
    known: dict[tuple[str, NumberPolicy], CallerNumber] = {}

    def remembered(raw: str, policy: NumberPolicy) -> CallerNumber:
        found = known.get((raw, policy))
        if found is None:
            found = known[raw, policy] = parse(raw, policy)
        return found

    return remembered


def _national(raw: str, parse: Parser, policy: NumberPolicy) -> bool:
    """Written without a country code, and read as a national number of the file's region."""
    text = raw.strip()
    if text.startswith(("+", "00")):
        return False
    home = parse(text, policy)
    return not home.note and home.region in (policy.region, None)


def _row_region(
    numbers: Sequence[StoredNumber],
    national: Sequence[int],
    email: str,
    parse: Parser,
    candidates: Sequence[str],
    countries: Sequence[str],
) -> tuple[str | None, bool]:
    """The one country the row's country cells, e-mail domain and numbers name, if they name
    one; and whether a country cell or a number named it (not the e-mail alone)."""
    evidence: set[str] = set()
    # A country column names the row's country outright, as firmly as a number does.
    by_number = {code for cell in countries if (code := country_region(cell)) is not None}
    domain = _EMAIL_TLD.search(email)
    if domain is not None and (code := tld_region(domain.group(1))) is not None:
        evidence.add(code)
    for i, number in enumerate(numbers):
        if i in national:
            # A national number that is valid in only one of the file's countries names it.
            valid = [r for r in candidates if _reads_in(number.raw, r, parse) is not None]
            if len(valid) == 1:
                by_number.add(valid[0])
        elif number.e164 is not None:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number.e164))
            if region and region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                by_number.add(region)
    evidence |= by_number
    if len(evidence) != 1:
        return None, False
    return next(iter(evidence)), bool(by_number)


def _lost_zero_against_home(raw: str, policy: NumberPolicy, region: str, parse: Parser) -> bool:
    home = parse(raw, policy)
    return (home.valid and not _trunk_dropped(raw, policy.region)
            and _trunk_dropped(raw, region))  # fmt: skip


def _reads_in(raw: str, region: str, parse: Parser) -> CallerNumber | None:
    """The number read as a valid national number of `region`, or None."""
    found = parse(raw, NumberPolicy(region))
    if found.valid and found.e164 is not None and found.region == region and not found.note:
        return found
    return None


def _better_elsewhere(
    raw: str, parse: Parser, policy: NumberPolicy, others: Sequence[str]
) -> str:
    """Why the home reading of `raw` is a guess against the file, or "" when it is not."""
    home = parse(raw, policy)
    home_weak = not home.valid or _trunk_dropped(raw, policy.region)
    if not home_weak:
        return ""
    # A country that reads the digits as written says more than one that needs a lost 0.
    for region in sorted(others, key=lambda r: _trunk_dropped(raw, r)):
        found = _reads_in(raw, region, parse)
        if found is None or found.e164 == home.e164:
            continue
        if home.valid and _trunk_dropped(raw, region):
            continue  # a guess there too: no better than the home reading
        at_home = (f"{home.e164} in {policy.region} only if a leading 0 was lost" if home.valid
                   else f"no valid {policy.region} number")  # fmt: skip
        how = "with a leading 0 put back" if _trunk_dropped(raw, region) else "as written"
        return (f"{at_home}; {how}, {found.e164} in {region}, like other numbers of this "
                "file: check it")  # fmt: skip
    return ""


def _trunk_dropped(raw: str, region: str) -> bool:
    """Whether reading `raw` in `region` assumes a lost trunk prefix: "4155550151" is a German
    number only as "04155 550151" with its 0 gone (what a General cell does to it)."""
    if phonenumbers.country_code_for_region(region) == 1:
        return False  # North America's trunk "1" is optional
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata is not None else None
    digits = "".join(ch for ch in raw if ch.isdigit())
    return bool(prefix) and not digits.startswith(prefix or "")
