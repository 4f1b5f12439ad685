"""Which country a contact file's numbers without a country code belong to, from the file itself.

A German rep's "CSV (Trennzeichen-getrennt)" read with a US home region turns `3090182055` into
+1 309… and merges it into the wrong person. The file says where it comes from in several ways:
a country column, the language of its headers (Outlook, HubSpot and Excel users' headers are in
their own language), the numbers that do carry a country code, e-mail and web domains, the
(415) 555-0142 way of writing North American numbers, and the semicolons and decimal commas that
Excel writes where the decimal separator is a comma. Each is weighed; only a clear winner moves
the reading away from the home region, because a wrong guess is worse than none (a mixed file
of US, UK and German prospects stays with the home region, and its international numbers are
read as written anyway).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from desktop.core.import_mapping import PHONE_LABELS, ColumnPlan, normalise_header, split_numbers
from desktop.core.import_row_region import COUNTRY_HEADER, country_region, tld_region

# English names for the regions the text and the region list name most; any other region is
# shown by its code.
REGION_NAMES: Mapping[str, str] = {
    "US": "United States", "CA": "Canada", "MX": "Mexico", "BR": "Brazil", "AR": "Argentina",
    "GB": "United Kingdom", "IE": "Ireland", "DE": "Germany", "AT": "Austria",
    "CH": "Switzerland", "FR": "France", "BE": "Belgium", "LU": "Luxembourg",
    "NL": "Netherlands", "ES": "Spain", "PT": "Portugal", "IT": "Italy", "DK": "Denmark",
    "SE": "Sweden", "NO": "Norway", "FI": "Finland", "PL": "Poland", "CZ": "Czechia",
    "AU": "Australia", "NZ": "New Zealand", "IN": "India", "JP": "Japan", "SG": "Singapore",
    "ZA": "South Africa", "IL": "Israel", "AE": "United Arab Emirates",
}  # fmt: skip

# Where Excel's list separator is ";" because the decimal separator is a comma.
_DECIMAL_COMMA = frozenset(
    {"DE", "AT", "FR", "BE", "LU", "NL", "ES", "PT", "IT", "DK", "SE", "NO", "FI", "PL", "CZ",
     "BR", "AR"}
)  # fmt: skip
_NANP = frozenset(phonenumbers.region_codes_for_country_code(1))

# Header words only one language uses (a German "Mobil", a French "Prénom"); English words
# that these languages borrow ("Position", "Mobile", "E-Mail") are left out.
_HEADER_WORDS: Mapping[str, tuple[str, frozenset[str]]] = {
    "German": ("DE", frozenset({
        "vorname", "nachname", "firma", "telefon", "mobil", "mobiltelefon", "handy", "notiz",
        "notizen", "geschäftlich", "privat", "straße", "strasse", "postleitzahl", "ort", "land",
        "umsatz", "anrede", "abteilung", "durchwahl", "bemerkung", "bemerkungen", "kategorien",
        "geburtstag", "weiteres", "autotelefon", "haupttelefon", "unternehmen", "e-mail-adresse",
    })),
    "French": ("FR", frozenset({
        "prénom", "nom", "société", "téléphone", "portable", "bureau", "domicile", "messagerie",
        "ville", "pays", "entreprise", "télécopie", "rue", "courriel", "anniversaire",
    })),
    "Spanish": ("ES", frozenset({
        "nombre", "apellido", "apellidos", "empresa", "teléfono", "móvil", "correo",
        "electrónico", "ciudad", "país", "calle", "compañía", "organización", "trabajo",
        "celular", "cumpleaños", "notas",
    })),
}  # fmt: skip
_HEADER_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


_DOMAIN = re.compile(r"(?:@|https?://|www\.)[\w.-]*?\.([a-z]{2})(?:[/:?#\s]|$)", re.IGNORECASE)
# (415) 555-0142, 415-555-0142, 415.555.0142: how North America writes a national number.
_NANP_STYLE = re.compile(r"\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[.-]\d{4}(?!\d)")
# 12.500,00 or 4,93091E+11: a decimal comma in a cell that is a number.
_COMMA_DECIMAL = re.compile(
    r"-?\d{1,3}(?:\.\d{3})*,\d+(?:E[+-]?\d+)?(?:\s*\S{0,3})?", re.IGNORECASE
)

# Weights: a country column names each row's country outright; the header language is one
# fact about the whole file, as strong as a few rows; a number or a domain is one hint.
_W_COUNTRY = 3
_W_LANGUAGE = 3
_W_NUMBER = 1
_W_DOMAIN = 1
_W_STYLE = 1
_W_DECIMAL = 1
# A winner needs this much evidence and twice the runner-up's, or the home region stays.
_MIN_SCORE = 3


@dataclass(frozen=True)
class RegionChoice:
    """The region a file's national numbers are read in, and why."""

    region: str
    home: str
    reasons: tuple[str, ...] = ()
    chosen: bool = False  # the person chose it for this file (Import window, --numbers-region)
    mixed: bool = False  # the file points at several countries, none clearly
    # When mixed, the other countries it points at: a row's national numbers that read better
    # in one of them than at home are flagged (import_row_region.settle_row).
    others: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return region_title(self.region)

    @property
    def why(self) -> str:
        if self.chosen:
            return "chosen for this file"
        if self.mixed:
            return "your home region; the file's numbers point to several countries"
        if self.reasons:
            return "from " + _and(self.reasons)
        return "your home region; nothing in the file says otherwise"

    def text(self) -> str:
        return f"Numbers without a country code are read as: {self.name} — {self.why}"

    def caller_id_note(self) -> str:
        """What to check when the file's national numbers were read in another country than
        the home region that caller IDs are read in ("" when they agree): a German file on a
        machine whose locale says nothing (C, en_US) left "015233445566" ringing as a number
        nobody knows, and unrecorded."""
        if self.region == self.home:
            return ""
        return (
            f"Caller IDs without a country code are read as {region_title(self.home)} "
            f"numbers: if your phone line is in {self.name}, choose it in Settings → General → "
            "Home region."
        )

    def to_json(self) -> dict[str, object]:
        return {
            "region": self.region,
            "name": self.name,
            "why": self.why,
            "inferred": not self.chosen and self.region != self.home,
            "home_region": self.home,
        }


def region_title(code: str) -> str:
    return REGION_NAMES.get(code, code)


def chosen_region(region: str, home: str) -> RegionChoice:
    return RegionChoice(region.upper(), home.upper(), chosen=True)


def infer_region(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    plan: ColumnPlan,
    home: str,
    delimiter: str = "",
) -> RegionChoice:
    """The region the file's numbers without a country code most likely belong to: `home`
    unless the file clearly says otherwise."""
    home = home.upper()
    scores: Counter[str] = Counter()
    kinds: dict[str, list[str]] = {}

    def hint(region: str, weight: int, reason: str) -> None:
        scores[region] += weight
        reasons = kinds.setdefault(region, [])
        if reason not in reasons:
            reasons.append(reason)

    language = _header_language(header)
    if language is not None:
        hint(language[1], _W_LANGUAGE, f"the {language[0]} headers")
    country_columns = [
        i for i, h in enumerate(header) if COUNTRY_HEADER.search(normalise_header(h))
    ]
    phone_columns = [i for i, f in plan.fields.items() if f in PHONE_LABELS]
    decimal_commas = 0
    for cells in rows:
        for i in country_columns:
            code = country_region(cells[i]) if i < len(cells) else None
            if code is not None:
                hint(code, _W_COUNTRY, f"the {header[i].strip() or 'country'} column")
        for i in phone_columns:
            for raw in split_numbers(cells[i]) if i < len(cells) else ():
                _number_hint(raw, home, hint)
        for cell in cells:
            if "@" in cell or "://" in cell or "www." in cell:
                for tld in _DOMAIN.findall(cell):
                    code = tld_region(tld)
                    if code is not None:
                        where = "e-mail" if "@" in cell else "web"
                        hint(code, _W_DOMAIN, f".{tld.casefold()} {where} addresses")
            elif "," in cell and _COMMA_DECIMAL.fullmatch(cell.strip()):
                decimal_commas += 1
    if delimiter == ";" or decimal_commas:
        convention = ("semicolons and decimal commas" if delimiter == ";" and decimal_commas
                      else "semicolons" if delimiter == ";" else "decimal commas")  # fmt: skip
        for region in [r for r in scores if r in _DECIMAL_COMMA]:
            hint(region, _W_DECIMAL, f"its {convention}")
    return _decide(scores, kinds, home)


def _decide(scores: Counter[str], kinds: Mapping[str, list[str]], home: str) -> RegionChoice:
    ranked = scores.most_common()
    if not ranked:
        return RegionChoice(home, home)
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if score < _MIN_SCORE or runner_up * 2 > score:
        # Too little to go on, or no clear winner: the home region, as before inference.
        others = tuple(region for region, _score in ranked if region != home)
        return RegionChoice(home, home, mixed=len(ranked) > 1, others=others)
    return RegionChoice(best, home, tuple(kinds[best]))


def _header_language(header: Sequence[str]) -> tuple[str, str] | None:
    counts: Counter[str] = Counter()
    for cell in header:
        words = set(_HEADER_WORD.findall(normalise_header(cell)))
        for language, (_region, vocabulary) in _HEADER_WORDS.items():
            if words & vocabulary:
                counts[language] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    language = ranked[0][0]
    return language, _HEADER_WORDS[language][0]


def _number_hint(raw: str, home: str, hint: Callable[[str, int, str], None]) -> None:
    text = raw.strip().removeprefix("'").lstrip()
    if text.startswith(("+", "00")) and not text.startswith("000"):
        digits = "".join(ch for ch in text if ch.isdigit())
        if text.startswith("00"):
            digits = digits[2:]
        for length in (1, 2, 3):
            regions = phonenumbers.region_codes_for_country_code(int(digits[:length] or 0))
            if regions and regions[0] != phonenumbers.UNKNOWN_REGION:
                code = home if home in regions else phonenumbers.region_code_for_country_code(
                    int(digits[:length])
                )
                if code and code != "001":
                    hint(code, _W_NUMBER, f"+{digits[:length]} numbers")
                return
        return
    if _NANP_STYLE.match(text):
        code = home if home in _NANP else "US"
        hint(code, _W_STYLE, "(415) 555-0142-style numbers")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
