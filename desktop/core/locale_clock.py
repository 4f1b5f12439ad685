"""Which clock a locale reads, 12-hour ("9:50 AM") or 24-hour ("09:50"): the one rule the
windows and the command line share, so `callercard search` and Recent calls never disagree.

The answer is CLDR's short time format for the locale, as Qt 6.11's copy of CLDR has it (the
windows used QLocale for it before; the command line cannot load Qt for one word). Each
language has a usual clock and a few territories where it flips: English is 12-hour except in
Britain, Ireland and most of Europe and Africa; Spanish is 24-hour except in the Americas. A
language CLDR does not know, and the C/POSIX locale, read 24-hour, as Qt's C locale does.
"""

from __future__ import annotations

import re

from desktop.core.localtime import HourCycle

# Languages whose usual clock (the language's default territory) is 12-hour.
_TWELVE_HOUR_TEXT = (
    "aa ak am ar as bal bem bgc bho bn brx byn ccp ceb chr cic ckb csw doi dz ee el en fil gaa "
    "gez gu haw hi iu kab km kn ko kok kpe ks kxv lkt mai mi ml mni moh mr ms mus naq nus ny om "
    "or osa pa qu raj sa sat sd sid so sq ssy syr ta te ti tig to tpi trv trw ur vai wal xnr yue"
)
_TWELVE_HOUR_LANGUAGES = frozenset(_TWELVE_HOUR_TEXT.split())

# Territories where a language reads the other clock than its usual one.
_FLIPPED = {
    "af": "NA",
    "ar": "IL KM MA",
    "bo": "IN",
    "ckb": "IR",
    "ee": "TG",
    "en": "150 AI AT BE BI BW BZ CC CH CK CM CX CZ DE DG DK EE ES FI FK FR GB GE GG GI GS HU "
          "ID IE IL IM IO IT JE JP KE LT LV MG MS MT MU MV NF NG NL NO NR NU PL PN PT RO RW SC "
          "SE SH SI SK SX TK TV TZ UA UG ZA ZW",
    "es": "419 AR BO CL CO CR CU DO EC GT HN MX NI PA PE PH PR PY SV US UY VE",
    "ff": "GH GM LR MR SL",
    "fr": "DJ DZ MR SY TD TN VU",
    "ha": "GH",
    "ko": "CN",
    "kpe": "GN",
    "lrc": "IQ",
    "ms": "ID",
    "ne": "IN",
    "om": "KE",
    "ps": "PK",
    "pt": "MO",
    "rhg": "BD",
    "so": "KE",
    "sq": "MK XK",
    "ss": "SZ",
    "st": "LS",
    "ta": "LK",
    "tr": "CY",
    "yrl": "CO VE",
    "yue": "CN",
    "zh": "HK MO MY SG TW",
}  # fmt: skip
_FLIPPED_SETS = {language: frozenset(places.split()) for language, places in _FLIPPED.items()}

_TERRITORY = re.compile(r"[A-Za-z]{2}|[0-9]{3}")


def hour_cycle_of_locale(name: str) -> HourCycle:
    """The clock of a locale name as the environment or Qt gives it: "en_US.UTF-8", "de_DE@euro",
    "en-GB", "zh_Hant_TW", "C"."""
    base = re.split(r"[.@]", name.strip(), maxsplit=1)[0]
    parts = re.split(r"[_-]", base)
    language = parts[0].lower()
    territory = parts[-1].upper() if len(parts) > 1 and _TERRITORY.fullmatch(parts[-1]) else ""
    twelve = language in _TWELVE_HOUR_LANGUAGES
    if territory in _FLIPPED_SETS.get(language, ()):
        twelve = not twelve
    return "12h" if twelve else "24h"
