"""A German or French rep's words for a callback time, read as the English ones
core/callbacks.py understands: "morgen 14 Uhr" is "tomorrow 14", "demain 14h" "tomorrow 14".

Which language besides English is read follows the locale the rep's times are written in
(LC_ALL, LC_TIME, LANG: adapters/system_locale.time_language): "so" or "do" are German days,
and nothing an English rep would type. "17h" (a time in both) is read in every language.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# Day words by how many days from today
_NEAR_DAYS: dict[str, dict[str, int]] = {
    "en": {"today": 0, "tomorrow": 1},
    "de": {"heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2},
    "fr": {"aujourd'hui": 0, "aujourd’hui": 0, "demain": 1, "après-demain": 2,
           "apres-demain": 2},
}  # fmt: skip
_WEEKDAYS = {
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
NEXT_WEEK = "next-week"  # one word for "next week", "nächste Woche", "semaine prochaine"

# (pattern, replacement), in order, on the lower-cased words
_ALL = (
    (re.compile(r"\bnext week\b"), NEXT_WEEK),
    (re.compile(r"\b(\d{1,2})h(?!\w)"), r"\1"),  # "17h", not "17h30" (read as 17:30)
)
_PHRASES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "de": (
        (re.compile(r"\b(?:nächste|naechste|kommende)n? woche\b"), NEXT_WEEK),
        (re.compile(r"(\d)\s*uhr\b"), r"\1"),  # "14 Uhr", "14:30 Uhr"
        (re.compile(r"^von\s+"), ""),  # "von 9 bis 12"
        (re.compile(r"(\d)\s+bis\s+"), r"\1 to "),  # "9 bis 12": a range
        (re.compile(r"\bbis\b"), "by"),  # "bis 17": a deadline
        (re.compile(r"\bvor\b"), "before"),
        (re.compile(r"\bum\b"), "at"),
    ),
    "fr": (
        (re.compile(r"\b(?:la )?semaine prochaine\b"), NEXT_WEEK),
        (re.compile(r"^de\s+"), ""),  # "de 9h à 12h"
        (re.compile(r"(\d)\s+à\s+"), r"\1 to "),
        (re.compile(r"\bjusqu['’]à\s+"), "by "),
        (re.compile(r"\bavant\b"), "before"),
        (re.compile(r"(?:^|\s)à\s+"), " at "),
    ),
}


def language_of(locale_name: str) -> str:
    """"de" for de_DE.UTF-8 or de-AT, "fr" for fr_CH; "en" for anything else."""
    language = locale_name.replace("-", "_").split("_")[0].split(".")[0].lower()
    return language if language in _PHRASES else "en"


def in_english(words: str, language: str) -> str:
    """``words`` (lower-cased, single-spaced) with the language's phrasing of times and
    "next week" said the English way; its day names are read by `day_named`."""
    for pattern, replacement in (*_ALL, *_PHRASES.get(language, ())):
        words = pattern.sub(replacement, words)
    return " ".join(words.split())


def day_named(word: str, now: datetime, language: str) -> datetime | None:
    """"morgen", "Montag", "Mo.", "demain", "lundi", and next week's Monday; English days
    are core/callbacks.py's own."""
    if word == NEXT_WEEK:
        return now + timedelta(days=7 - now.weekday())
    near = _NEAR_DAYS.get(language, {}).get(word)
    if near is not None:
        return now + timedelta(days=near)
    bare = word.rstrip(".")
    for index, name in enumerate(_WEEKDAYS.get(language, ())):
        if len(bare) >= 2 and name.startswith(bare):  # "Mo", "Mi.", "Donn", "ven"
            return now + timedelta(days=(index - now.weekday()) % 7)
    return None
