from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.openers import opener_for, relative_day, render

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday
TEMPLATES = default_opener_templates()


def contact(**fields: object) -> Contact:
    base: dict[str, object] = {"id": 1, "name": "Mike Kowalski"}
    base.update(fields)
    return Contact(**base)  # type: ignore[arg-type]


def voicemail(days_ago: int, reason: str = "", message: str = "") -> Attempt:
    return Attempt(Direction.OUT, NOW - timedelta(days=days_ago), Outcome.VOICEMAIL,
                   message, reason)  # fmt: skip


def test_referral_opener_names_the_referrer() -> None:
    opener = opener_for(contact(referred_by="Harley Smith"), TEMPLATES, NOW)
    assert opener.kind == "referral"
    assert "Harley Smith suggested" in opener.text
    assert opener.text.startswith("Hi Mike,")


def test_referral_and_reason_together() -> None:
    opener = opener_for(
        contact(referred_by="Harley Smith", reason="the bid I sent last week"), TEMPLATES, NOW
    )
    assert opener.kind == "referral_reason"
    assert "Harley Smith" in opener.text and "the bid I sent last week" in opener.text


def test_reason_opener_thanks_for_calling_back_about_it() -> None:
    opener = opener_for(contact(reason="the bid I sent last week"), TEMPLATES, NOW)
    assert opener.text == "Hi Mike, thanks for calling back about the bid I sent last week."


def test_reason_comes_from_the_latest_attempt_when_the_contact_has_none() -> None:
    c = contact(attempts=(voicemail(2, reason="the Q3 renewal"), voicemail(9, reason="intro")))
    assert "the Q3 renewal" in opener_for(c, TEMPLATES, NOW).text


def test_voicemail_opener_says_when() -> None:
    c = contact(attempts=(voicemail(3),))
    opener = opener_for(c, TEMPLATES, NOW)
    assert opener.kind == "voicemail"
    assert "on Tuesday" in opener.text


def test_honest_fallback_when_nothing_is_known() -> None:
    opener = opener_for(contact(), TEMPLATES, NOW)
    assert opener.kind == "fallback"
    assert "Mike" in opener.text


def test_unknown_caller_gets_the_unknown_opener() -> None:
    opener = opener_for(None, TEMPLATES, NOW)
    assert opener.kind == "unknown"
    assert "who am i speaking with" in opener.text.lower()


def test_per_contact_override_wins() -> None:
    c = contact(opener_override="Hey {first_name}! Re: {reason}", reason="pricing")
    assert opener_for(c, TEMPLATES, NOW).text == "Hey Mike! Re: pricing"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{first_name.__class__}", "{first_name.__class__}"),
        ("{first_name[0]}", "{first_name[0]}"),
        ("{first_name!r}", "{first_name!r}"),
        ("{first_name:>20}", "{first_name:>20}"),
        ("{0}", "{0}"),
        ("{{first_name}}", "{first_name}"),
        ("{nonsense}", "{nonsense}"),
        ("{__import__}", "{__import__}"),
        ("{first_name}", "<b>x</b>"),
    ],
)
def test_rendering_fills_placeholders_and_evaluates_nothing(template: str, expected: str) -> None:
    assert render(template, {"first_name": "<b>x</b>"}) == expected


def test_values_from_imported_files_are_not_templates_themselves() -> None:
    c = contact(reason="{my_name} {first_name.__globals__}")
    text = opener_for(c, TEMPLATES, NOW).text
    assert "{my_name} {first_name.__globals__}" in text


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "today"), (1, "yesterday"), (3, "on Tuesday"), (8, "last week"), (40, "on 11 October")],
)
def test_relative_day(days: int, said: str) -> None:
    assert relative_day(NOW - timedelta(days=days), NOW) == said


def test_a_company_with_nobody_named_is_greeted_as_the_company() -> None:
    """Used as a rep: a contact made from the caller ID "PDX WIRELESS" was greeted "Hi PDX";
    stored as the company with no person's name, the opener greets the company."""
    opener = opener_for(contact(name="", company="PDX Wireless"), TEMPLATES, NOW)
    assert opener.kind == "switchboard"
    assert "PDX Wireless" in opener.text and "Hi " not in opener.text
    assert "Contoso" in opener_for(contact(name="", company="Contoso", reason="the bid"),
                                   TEMPLATES, NOW).text  # fmt: skip
    # Without a switchboard template: no fake name either.
    plain = {k: v for k, v in TEMPLATES.items() if k != "switchboard"}
    assert opener_for(contact(name="", company="Contoso"), plain, NOW).text.startswith(
        "Hi there,")  # fmt: skip
    named = opener_for(contact(name="Dana Whitfield", company="PDX Wireless"), TEMPLATES, NOW)
    assert named.text.startswith("Hi Dana,")


# Every bundled template, filled as for a contact with no reason (and all else known): none
# reads "about ." or leaves a gap where the reason was.
NO_REASON = {"first_name": "Mike", "name": "Mike Kowalski", "company": "Contoso",
             "referred_by": "Harley Smith", "last_called": "on Tuesday", "reason": ""}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("referral_reason", "Hi Mike, thanks for calling me back! Harley Smith suggested I "
                            "reach out to you."),
        ("referral", "Hi Mike, thanks for calling me back! Harley Smith suggested I give you "
                     "a call."),
        ("reason", "Hi Mike, thanks for calling back."),
        ("voicemail", "Hi Mike, thanks for returning my call. I left you a message on Tuesday."),
        ("fallback", "Hi Mike, good to hear from you. What can I do for you today?"),
        ("switchboard", "Hello, thanks for calling back from Contoso! Who am I speaking with?"),
        ("unknown", "Thanks for calling back! I'm sorry, I didn't catch which of my messages "
                    "you're returning. Who am I speaking with?"),
    ],
)  # fmt: skip
def test_a_bundled_template_with_no_reason_reads_naturally(kind: str, expected: str) -> None:
    assert set(TEMPLATES) == {"referral_reason", "referral", "reason", "voicemail", "fallback",
                              "switchboard", "unknown"}, "a new bundled template: check it here"
    assert render(TEMPLATES[kind], NO_REASON) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hey {first_name}! Re: {reason}", "Hey Mike!"),
        ("Hi {first_name}, about {reason}.", "Hi Mike."),
        ("Hi {first_name}, following up on {reason} from last week.",
         "Hi Mike, following up from last week."),
        ("{reason}", ""),
        ("Hi {first_name}. {reason}", "Hi Mike."),
        ("Hi {first_name}, about {{reason}}.", "Hi Mike, about {reason}."),
    ],
)  # fmt: skip
def test_a_rep_s_own_template_with_no_reason_drops_the_clause(template: str,
                                                              expected: str) -> None:  # fmt: skip
    """An edited fallback template may say {reason} where no reason is known: "Hi Mike,
    about ." read out to the caller. The clause goes with it."""
    assert render(template, NO_REASON) == expected


def test_a_reason_of_nothing_visible_is_no_reason() -> None:
    """A reason cell holding only a direction mark (an RTL spreadsheet's) or spaces: the
    'reason' opener was chosen and read "Hi Mike, thanks for calling back about ."."""
    for blank in ("\u200f", "  ", "\u2066\u2069"):
        opener = opener_for(contact(reason=blank), TEMPLATES, NOW)
        assert opener.kind == "fallback", repr(blank)
        assert opener.text == "Hi Mike, good to hear from you. What can I do for you today?"


FALLBACK = "Hi Mike, good to hear from you. What can I do for you today?"


@pytest.mark.parametrize(
    "own",
    [
        "Hallo {first_name}, wir hatten über {reason} gesprochen – passt es jetzt?",
        "Hey {first_name}! Re: {reason} — still on for {next_step}?",
        "{reason}",
        "Hi {first_name}, about {reason}.",
    ],
)
def test_a_rep_s_own_opener_with_nothing_to_fill_gives_way_to_the_prepared_one(own: str) -> None:
    """Tried as a rep: the German opener read "wir hatten über gesprochen", the English one
    "Hey Maya! — still on for?", and an opener of only {reason} left no opener box at all.
    Words cannot be dropped soundly in every language: the prepared opener is said."""
    opener = opener_for(contact(opener_override=own, reason=" \u200f "), TEMPLATES, NOW)
    assert (opener.kind, opener.text) == ("fallback", FALLBACK)
    # With a reason but no next step, the prepared reason opener, not half of theirs.
    half = opener_for(contact(opener_override=own, reason="the bid"), TEMPLATES, NOW)
    if "{next_step}" in own:
        assert half.text == "Hi Mike, thanks for calling back about the bid."
    else:
        assert half.kind == "override" and "the bid" in half.text


def test_a_rep_s_own_opener_is_said_once_everything_in_it_is_known() -> None:
    own = "Hey {first_name}! Re: {reason} — still on for {next_step}?"
    c = contact(opener_override=own, reason="the bid", next_step="Thursday's demo")
    said = opener_for(c, TEMPLATES, NOW).text
    assert said == "Hey Mike! Re: the bid — still on for Thursday's demo?"
    literal = contact(opener_override="Hi {first_name}, about {{reason}}.")
    assert opener_for(literal, TEMPLATES, NOW).text == "Hi Mike, about {reason}."
    typo = contact(opener_override="Hi {first_name}, {reasn}")
    assert opener_for(typo, TEMPLATES, NOW).text == "Hi Mike, {reasn}"  # shown so it is fixed


def test_an_edited_template_needs_every_value_it_uses() -> None:
    """A rep's 'reason' template that also names the next step is passed over for a contact
    with a reason and no next step, to the next kind that has all its values."""
    edited = {**TEMPLATES, "reason": "Hi {first_name}, re {reason}: still on for {next_step}?"}
    c = contact(reason="the bid", attempts=(voicemail(3),))
    opener = opener_for(c, edited, NOW)
    assert opener.kind == "voicemail"
    assert opener.text == "Hi Mike, thanks for returning my call. I left you a message on Tuesday."


@pytest.mark.parametrize(
    ("fallback", "expected"),
    [
        ("Hi {first_name}, about {reason}.", "Hi Mike."),
        ("{reason}", "Hi Mike, good to hear from you."),
        ("", "Hi Mike, good to hear from you."),
    ],
)
def test_the_opener_box_is_never_empty(fallback: str, expected: str) -> None:
    """Even a rep's fallback that needs a value this contact lacks says something."""
    opener = opener_for(contact(), {**TEMPLATES, "fallback": fallback}, NOW)
    assert (opener.kind, opener.text) == ("fallback", expected)
