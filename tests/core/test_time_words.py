"""A German or French rep's callback times ("morgen 14 Uhr", "17h", "demain 14h"), read in
the language of the rep's locale, with the exact moments they mean."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import parse_window
from desktop.core.put_off import parse_until
from desktop.core.time_words import language_of

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=BERLIN)  # a Tuesday morning


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("language", "said", "by"),
    [
        ("de", "morgen 14 Uhr", at(11, 14)),
        ("de", "Morgen um 14:30 Uhr", at(11, 14, 30)),
        ("de", "17h", at(10, 17)),
        ("de", "um 9", at(11, 9)),  # 9:00 has passed today: tomorrow's
        ("de", "um 17", at(10, 17)),
        ("de", "bis 17 Uhr", at(10, 17)),
        ("de", "Montag", at(16, 18)),  # a day alone: by the end of its working day
        ("de", "Mo. 9 Uhr", at(16, 9)),
        ("de", "Donnerstag 15.30 Uhr", at(12, 15, 30)),
        ("de", "nächste Woche", at(16, 18)),
        ("de", "übermorgen", at(12, 18)),
        ("de", "übermorgen 11 Uhr", at(12, 11)),
        ("de", "heute 16 Uhr", at(10, 16)),
        ("fr", "demain 14h", at(11, 14)),
        ("fr", "demain à 14h30", at(11, 14, 30)),
        ("fr", "avant 17h", at(10, 17)),
        ("fr", "lundi", at(16, 18)),
        ("fr", "après-demain 9h", at(12, 9)),
        ("en", "next week", at(16, 18)),
        ("en", "17h", at(10, 17)),
        ("en", "tomorrow 2pm", at(11, 14)),  # English is read in every language
        ("de", "tomorrow 2pm", at(11, 14)),
    ],
)
def test_call_them_back_by(language: str, said: str, by: datetime) -> None:
    window = parse_window(said, NOW, deadline=True, cycle="24h", language=language)
    assert window is not None and window.end == by


@pytest.mark.parametrize(
    ("language", "said", "start", "end"),
    [
        ("de", "morgen 9 bis 12 Uhr", at(11, 9), at(11, 12)),
        ("de", "von 9 bis 12", at(10, 9), at(10, 12)),  # still open at 10:30: today
        ("de", "Fr 14-16 Uhr", at(13, 14), at(13, 16)),
        ("fr", "de 9h à 12h", at(10, 9), at(10, 12)),
        ("fr", "vendredi 14h-16h", at(13, 14), at(13, 16)),
    ],
)
def test_a_window_to_be_in(language: str, said: str, start: datetime, end: datetime) -> None:
    window = parse_window(said, NOW, cycle="24h", language=language)
    assert window is not None and (window.start, window.end) == (start, end)


def test_german_words_are_german_only_for_a_german_locale() -> None:
    with pytest.raises(ValueError, match="say by when"):
        parse_window("morgen 14 Uhr", NOW, deadline=True, language="en")
    with pytest.raises(ValueError, match="say by when"):
        parse_window("demain 14h", NOW, deadline=True, language="de")


def test_snooze_reads_them_too() -> None:
    assert parse_until("morgen", NOW, BusinessHours(), language="de") == at(11, 8)
    assert parse_until("morgen 14 Uhr", NOW, BusinessHours(), language="de") == at(11, 14)
    assert parse_until("demain 9h", NOW, BusinessHours(), language="fr") == at(11, 9)


@pytest.mark.parametrize(
    ("locale_name", "language"),
    [("de_DE.UTF-8", "de"), ("de_AT", "de"), ("de-CH", "de"), ("fr_FR.UTF-8", "fr"),
     ("fr_CA", "fr"), ("en_US.UTF-8", "en"), ("C.UTF-8", "en"), ("", "en"), ("sv_SE", "en")],
)  # fmt: skip
def test_the_language_is_the_locales(locale_name: str, language: str) -> None:
    assert language_of(locale_name) == language


@pytest.mark.parametrize("language", ["de", "fr"])
@pytest.mark.parametrize("deadline", [True, False])
def test_the_examples_shown_are_read(language: str, deadline: bool) -> None:
    from desktop.core.callbacks import window_examples

    examples = window_examples("24h", deadline=deadline, language=language)
    assert examples != window_examples("24h", deadline=deadline)  # the rep's own words
    for said in examples:
        assert parse_window(said, NOW, deadline=deadline, language=language) is not None
