"""A company's main number: who is listed first, which extension reaches whom, an opener for
the company rather than for one person, and the card's wording for notes and long texts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.core.card import Card, MatchTier
from desktop.core.card_text import card_lines, next_step_line, person_line, preview
from desktop.core.localtime import LocalTime
from desktop.core.matching import classify
from desktop.core.models import Contact, StoredNumber
from desktop.core.numbers import CallerNumber
from desktop.core.openers import switchboard_opener
from desktop.core.switchboard import extension_at, rank_by_caller_name

NOW = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
MAIN = "+14155550100"


def person(cid: int, name: str, extension: str, days_ago: int | None) -> Contact:
    return Contact(
        id=cid, name=name, company="Contoso Ltd", title="Buyer",
        numbers=(StoredNumber(f"{MAIN} x{extension}", MAIN, extension),),
        last_contacted=NOW - timedelta(days=days_ago) if days_ago is not None else None,
    )  # fmt: skip


DANA = person(1, "Dana Whitfield", "204", 2)
RAJ = person(2, "Raj Patel", "317", 9)
RAJ_K = person(3, "Raj Kumar", "318", None)
BOOK = [(c, c.numbers[0]) for c in (RAJ_K, RAJ, DANA)]


@pytest.mark.parametrize(("display_name", "first"), [
    ("", "Dana Whitfield"),  # no name: the most recently contacted
    ("CONTOSO LTD", "Dana Whitfield"),  # the company's name names nobody
    ("PATEL RAJ", "Raj Patel"),  # surname first, upper case, as PBXs send it
    ("Raj", "Raj Patel"),  # two Rajs: the more recent one
    ("Kumar R", "Raj Kumar"),  # an initial is not evidence, the surname is
    ("WIRELESS CALLER", "Dana Whitfield"),
])  # fmt: skip
def test_the_caller_id_name_ranks_the_people_at_a_shared_number(
    display_name: str, first: str
) -> None:
    caller = CallerNumber(MAIN, False, MAIN, display_name=display_name)
    tier, contacts = classify(caller, BOOK)
    assert tier is MatchTier.SWITCHBOARD
    assert contacts[0].name == first
    assert sorted(c.id for c in contacts) == [1, 2, 3]  # nobody dropped


def test_ranking_keeps_recency_among_equals() -> None:
    assert rank_by_caller_name((DANA, RAJ, RAJ_K), "raj") == (RAJ, RAJ_K, DANA)


def test_the_extension_is_the_one_stored_with_that_number() -> None:
    assert extension_at(DANA, MAIN) == "204"
    assert extension_at(DANA, "+14155550999") == ""
    assert extension_at(DANA, None) == ""


def test_the_switchboard_opener_greets_the_company_not_a_person() -> None:
    templates = default_opener_templates()
    opener = switchboard_opener((DANA, RAJ), templates, NOW, "Sam")
    assert opener.kind == "switchboard"
    assert opener.text == "Hello, thanks for calling back from Contoso Ltd! Who am I speaking with?"
    assert "Dana" not in opener.text
    nameless = Contact(id=9, name="Lee", numbers=DANA.numbers)
    assert switchboard_opener((nameless,), templates, NOW).kind == "unknown"


def test_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = "Left a voicemail about the freight-audit proposal; asked for fifteen minutes"
    assert preview(text, 200) == (text, False)
    shown, cut = preview(text, 40)
    assert cut and shown == "Left a voicemail about the…"
    assert preview("line one\n\nline   two", 50) == ("line one line two", False)


def test_the_terminal_card_has_the_extension_next_step_and_notes() -> None:
    dana = Contact(id=1, name="Dana Whitfield", company="Contoso Ltd", numbers=DANA.numbers,
                   next_step="Send the pilot contract", notes="Prefers mornings.\nCFO signs.")
    card = Card(MAIN, CallerNumber(MAIN, False, MAIN), MatchTier.SWITCHBOARD, (dana, RAJ), (),
                "", LocalTime())  # fmt: skip
    lines = card_lines(card)
    assert "Also at this number: Raj Patel (ext. 317)" in lines
    assert "Next step: Send the pilot contract" in lines
    assert "Notes: Prefers mornings. CFO signs." in lines
    alone = Card(MAIN, CallerNumber(MAIN, False, MAIN), MatchTier.SWITCHBOARD, (dana,), (), "",
                 LocalTime())  # fmt: skip
    assert "+1 415-555-0100, ask for ext. 204 · Company switchboard" in card_lines(alone)
    assert next_step_line(RAJ) == ""
    feb = datetime(2026, 2, 27, 18, 0, tzinfo=UTC)
    raj = replace(RAJ, last_contacted=feb)
    assert person_line(raj, MAIN, feb + timedelta(days=3)) == (
        "ext. 317 · last called Fri 27 Feb · Buyer")


def test_a_person_called_today_says_the_time_as_the_cards_call_rows_do() -> None:
    """The card's rows said "Today 17:18 They called" and the person line under the
    switchboard "last called Mon 7 Dec" for the same call."""
    now = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
    raj = replace(RAJ, last_contacted=datetime(2026, 12, 7, 17, 18, tzinfo=UTC))
    assert person_line(raj, MAIN, now) == "ext. 317 · last called today 17:18 · Buyer"
    assert person_line(raj, MAIN, now, "12h") == "ext. 317 · last called today 5:18 PM · Buyer"
    yesterday = replace(raj, last_contacted=now - timedelta(days=1))
    assert "last called Sun 6 Dec" in person_line(yesterday, MAIN, now)
    assert person_line(replace(RAJ, last_contacted=None), MAIN, now) == "ext. 317 · Buyer"
