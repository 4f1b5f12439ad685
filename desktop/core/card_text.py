"""The card's wording, in one place for every view: the popup, the terminal, notifications,
the contact window and the call list. Its lines of plain text, the readable number, dates,
outcome labels, the role line, place and time, the headline, and the pieces the popup shows
(a message or notes cut to a preview, the next step, the extension behind a switchboard)."""

from __future__ import annotations

from datetime import datetime

from desktop.core.callerid_text import number_as_written
from desktop.core.candidates import readable, short_date
from desktop.core.card import REDACTED_LABEL, Card, MatchTier, why_we_called
from desktop.core.display_text import display_text, one_line
from desktop.core.given_names import given_name, same_given_name
from desktop.core.internal_extension import internal_extension
from desktop.core.localtime import HourCycle, LocalTime, clock_text
from desktop.core.models import DEMO_MARK, Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.core.search_query import fold
from desktop.core.switchboard import extension_text

# How much of a voicemail or of the notes the card shows before "Show all": a few lines.
MESSAGE_PREVIEW = 160
# A past call's voicemail or wrap-up note keeps its own lines too, fewer than the notes': a
# card lists up to three calls, and each of them wrapped must leave room for the rest.
MESSAGE_PREVIEW_LINES = 3
NOTES_PREVIEW = 200
NOTES_PREVIEW_LINES = 4  # a note's own lines, each wrapped: the card stays a card

WITHHELD = "Number withheld"  # a caller who sent no number, wherever it is said

# How an attempt ended, said from the rep's side: what we did, or what they did.
OUTBOUND_OUTCOMES = {
    Outcome.VOICEMAIL: "Left voicemail",
    Outcome.NO_ANSWER: "No answer",
    Outcome.GATEKEEPER: "Gatekeeper",
    Outcome.TALKED: "Talked",
    Outcome.MISSED: "Missed",
    Outcome.FAILED: "Call failed",
    Outcome.UNKNOWN: "Called",
}
INBOUND_OUTCOMES = {
    Outcome.VOICEMAIL: "They left voicemail",
    Outcome.NO_ANSWER: "Missed their call",
    Outcome.GATEKEEPER: "Their gatekeeper",  # as the wrap-up offers it
    Outcome.TALKED: "Talked",
    Outcome.MISSED: "Missed their call",
    Outcome.FAILED: "Call failed",
    Outcome.UNKNOWN: "They called",
}

# What a SIP refusal means to a rep deciding whether to try again. The status code decides, not
# the phrase after it: servers word (and translate) the phrase as they like.
_SIP_REFUSALS = {
    403: "the phone service refused the call",
    404: "the number was not found",
    408: "the call timed out",
    410: "the number is no longer in service",
    480: "they could not be reached",
    484: "the number is incomplete",
    486: "the line was busy",
    503: "the phone service is unavailable",
    600: "the line was busy",
    603: "the call was declined",
    604: "the number does not exist",
}


def outcome_label(attempt: Attempt) -> str:
    """"Left voicemail", "Missed their call"…; without whose it was."""
    table = INBOUND_OUTCOMES if attempt.direction is Direction.IN else OUTBOUND_OUTCOMES
    return table[attempt.outcome]


def outcome_text(attempt: Attempt) -> str:
    """The label, and whose attempt it was when a teammate's (a shared call note)."""
    label = outcome_label(attempt)
    return f"{label} ({attempt.rep})" if attempt.rep else label


def readable_number(number: CallerNumber, caller_id: str) -> str:
    """The number as people write it ("+1 415-555-0142 ext. 204"), not as machines store it."""
    if number.withheld:
        return WITHHELD
    if not number.e164:
        # A colleague's extension as their contact view writes it: beside phone numbers, a
        # bare "3103" read as a number cut short.
        extension = internal_extension(number)
        if extension:
            return f"x{extension}"
        return one_line(number_as_written(caller_id)) or "(no number)"
    # Parsing formats it once (numbers.parse_number); only a hand-made number lacks it.
    shown = number.international or readable(number.e164)
    return f"{shown} ext. {number.extension}" if number.extension else shown


def story_title(contact: Contact, attempts: tuple[Attempt, ...], *, several: bool) -> str:
    """The heading over a person's reason and last calls: "Why we called" while there is a
    reason, a referral or a call of ours among them; "Earlier calls" when they are only
    calls of theirs ("Why we called: Missed their call" read as if we had called them).
    With several people at the number, their first name says whose it is."""
    ours = bool(why_we_called(contact) or contact.referred_by.strip()) or any(
        a.direction is Direction.OUT for a in attempts
    )
    first = one_line(contact.first_name) if several else ""
    if ours:
        return f"Why we called {first}" if first else "Why we called"
    return f"Earlier calls with {first}" if first else "Earlier calls"


def caller_id_name(number: CallerNumber, contact: Contact | None) -> str:
    """The name the caller ID sent, when it tells the rep something: "" when nobody at the
    number is known (it is the headline then) or when it is the person's own name however
    written ("MAYA OKAFOR", "Okafor, Maya" for Maya Okafor), or the company a contact with no
    person's name is headed by ("PDX WIRELESS" for PDX Wireless)."""
    said = one_line(number.display_name)
    if contact is None or not said:
        return ""
    return "" if is_own_name(said, contact) else said


def is_own_name(said: str, contact: Contact) -> bool:
    """Whether a caller-ID name is the contact's own name written another way: its words in
    any order, "Okafor, Maya", with initials ("BRENNAN M" for Mike Brennan), or their given
    name in another form ("MIKE BRANDT" for Michael Brandt: a nickname is still his name, and
    "Michael Brandt (caller ID: MIKE BRANDT)" read as if someone else had called); or the
    company a contact with no person's name is headed by."""
    headline = contact.name if contact.name.strip() else contact.company
    theirs = _name_words(headline)
    words = _name_words(said)
    if not words or len(words) != len(theirs):
        return False
    # Only the given name has other forms: "TOM MIKE" is not Tom Michael, whose surname it is.
    first = given_name(fold(contact.name)) if contact.name.strip() else ""
    left = list(theirs)
    # Whole words first, so "M" does not take "Mike" from a "MIKE M" that means Mike Mills.
    for word in sorted(words, key=len, reverse=True):
        match = next((w for w in left if w == word), None)
        if match is None and len(word) == 1:
            match = next((w for w in left if w.startswith(word)), None)
        if match is None and first and same_given_name(fold(word), first):
            match = next((w for w in left if fold(w) == first), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _name_words(name: str) -> list[str]:
    return sorted(name.replace(",", " ").replace(".", " ").casefold().split())


def call_day(at: datetime, now: datetime, cycle: HourCycle = "24h", *,
             today: str = "Today", timed: bool = False) -> str:  # fmt: skip
    """A call's day as the card says it: "Mon 7 Dec", or "Today 14:05" for a call today (a
    busy day's calls read "Mon 7 Dec They called" three times over, one line like the next);
    `today` as the sentence around it needs it ("last called today 17:18"). `timed`: an
    earlier day's call says its time too ("Fri 4 Dec 09:12"), as a list of calls needs."""
    local = at.astimezone(now.tzinfo)
    clock = clock_text(local, local.date(), cycle)
    if local.date() != now.astimezone(now.tzinfo).date():
        return f"{card_date(at, now)} {clock}" if timed else card_date(at, now)
    return f"{today} {clock}"


def card_date(at: datetime, now: datetime | None = None) -> str:
    """ "Tue 14 Oct" in the rep's zone, with the year only when it is not this year."""
    return short_date(at, now or datetime.now().astimezone())


def place_and_time(local_time: LocalTime) -> str:
    return " · ".join(part for part in (local_time.text, local_time.place) if part)


def role_line(contact: Contact) -> str:
    """Title, company and the team directories the contact is in: "Buyer · Acme · from team"."""
    parts = [DEMO_MARK if contact.demo else "", contact.title]
    # A company alone is the card's big line already ("PDX Wireless"): said once.
    if contact.company and contact.name.strip() and contact.company != contact.name:
        parts.append(contact.company)
    shared = [s for s in contact.sources if s != "local"]  # the team directories it is in
    if shared:
        parts.append("from " + ", ".join(shared))
    return " · ".join(one_line(p) for p in parts if p.strip())


def name_line(card: Card, number: str) -> str:
    """The card's big line: who is calling (the people at a switchboard are listed below it),
    else the caller ID's name, else the number as shown (`number`, readable_number's)."""
    display_name = one_line(card.number.display_name)
    if card.contacts:
        first = card.contacts[0]
        return one_line(first.name or first.company) or number
    if card.match is MatchTier.WITHHELD:
        return display_name or WITHHELD
    return display_name or number


def sentence(text: str) -> str:
    """Capitalise a reason written to follow "about ..." without shouting "iPhone" into "IPhone"."""
    text = one_line(text)
    if text[:1].islower() and not text[1:2].isupper():
        return text[0].upper() + text[1:]
    return text


def attempt_line(attempt: Attempt, now: datetime | None = None, cycle: HourCycle = "24h") -> str:
    """One past call for a terminal: "Today 14:05  Left voicemail: …", as the card says a
    day, so a busy day's calls are told apart by their time."""
    when = call_day(attempt.at, now or datetime.now().astimezone(), cycle)
    text = f"{when}  {outcome_text(attempt)}"
    if attempt.message:
        text += f": {display_text(attempt.message)}"
    return text


def preview(text: str, limit: int) -> tuple[str, bool]:
    """`text` on one line, cut at a word boundary within `limit` characters and ended with
    "…" when longer; and whether it was cut."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat, False
    cut = flat[:limit].rstrip()
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…", True


def lines_preview(text: str, limit: int, max_lines: int) -> tuple[str, bool]:
    """`text` kept to its first `max_lines` lines (blank ones left out, each line's own spaces
    made one) and `limit` characters, the last line cut at a word boundary and ended with "…"
    when anything was left out; and whether it was. Notes written as lines ("Met at SaaStr." /
    "Prefers calls after 3pm PT") read as lines on the card, as in the contact's view."""
    lines = [line for line in map(one_line, text.splitlines()) if line]
    kept: list[str] = []
    room = limit
    for line in lines[:max_lines]:
        if len(line) > room:
            kept.append(preview(line, max(room, 1))[0])
            return "\n".join(kept), True
        kept.append(line)
        room -= len(line)
    if len(lines) > max_lines:
        kept[-1] = kept[-1].rstrip(" ,;:.-–—") + "…"
        return "\n".join(kept), True
    return "\n".join(kept), False


def lines_in_one(text: str, limit: int | None = None) -> tuple[str, bool]:
    """`text` for a one-line cell (a table row's): its lines (blank ones left out) kept
    apart by " · " rather than run into one sentence ("Budget 40k Decision maker: Sam"),
    cut as `preview` cuts (None: whole, the cell elides it); and whether it was."""
    joined = " · ".join(line for line in map(one_line, text.splitlines()) if line)
    return (joined, False) if limit is None else preview(joined, limit)


def next_step_line(contact: Contact) -> str:
    step = one_line(contact.next_step)
    return f"Next step: {step}" if step else ""


def person_line(
    contact: Contact, e164: str | None, now: datetime, cycle: HourCycle = "24h"
) -> str:
    """One person behind a shared number: the extension that reaches them and when we last
    spoke first (what the rep acts on and what ranks them), then their title, which is the
    part a narrow card may shorten. A call today says its time, as the card's call rows do
    ("today 17:18"): "Mon 7 Dec" for this afternoon read as a week ago."""
    last = contact.last_contacted
    when = call_day(last, now, cycle, today="today") if last is not None else ""
    parts = [extension_text(contact, e164), f"last called {when}" if when else "",
             one_line(contact.title)]  # fmt: skip
    return " · ".join(p for p in parts if p)


def switchboard_number(number: str, card: Card) -> str:
    """The number as shown, with the one person's extension behind a switchboard."""
    if card.match is not MatchTier.SWITCHBOARD or len(card.contacts) != 1:
        return number
    extension = extension_text(card.contacts[0], card.number.e164)
    return f"{number}, ask for {extension}" if extension else number


def _with_extension(contact: Contact, e164: str | None) -> str:
    extension = extension_text(contact, e164)
    return f"{contact.name} ({extension})" if extension else contact.name


def call_back_failure(why: str) -> str:
    """A call back the softphone could not place, said on the missed card that came back:
    "Call back did not go through: the line was busy (486)". The code stays for whoever
    looks into it; the server's phrase only when there are no plainer words for the code."""
    why = one_line(why).strip()
    code = why[:3]
    meaning = _SIP_REFUSALS.get(int(code)) if code.isdigit() and code.isascii() else None
    if meaning:
        return f"Call back did not go through: {meaning} ({code})"
    return f"Call back did not go through: {why}" if why else "Call back did not go through"


def missed_when(rang: str, tries: int, *, withheld: bool = False) -> str:
    """What a missed card says after "Missed call · ": when the caller's last call rang, and
    how often they tried when more than once, in Callbacks' words ("Missed call 40 min ago
    (2 tries)"): "14:05 (2 tries)". Withheld callers' calls share one card but are not known
    to be one person's tries: "14:05 (2 withheld calls)"."""
    what = "withheld calls" if withheld else "tries"
    counted = f"({tries} {what})" if tries > 1 else ""
    return " ".join(part for part in (rang, counted) if part)


def card_number(card: Card) -> str:
    """The caller's number as people write it ("+49 171 2345678"), as the card shows it, not
    E.164; "" on a redacted card."""
    number = card.display_number
    if card.number.e164 or (number and internal_extension(card.number)):
        number = readable_number(card.number, card.caller_id)
    elif card.number.extension:
        number += f" ext. {card.number.extension}"
    return number


def card_lines(card: Card, now: datetime | None = None, cycle: HourCycle = "24h") -> list[str]:
    if card.redacted:
        return [card.headline, REDACTED_LABEL] if card.contacts else [REDACTED_LABEL]
    number = card_number(card)
    headline = number if card.headline == card.display_number else card.headline
    lines = [headline]
    if card.contacts:
        first = card.contacts[0]
        role = ", ".join(p for p in (first.title, first.company) if p)
        if role and first.name:
            lines.append(role)
        if first.demo:
            lines.append(f"{DEMO_MARK}: from the demo book; your first import removes it")
        if set(first.sources) - {"local"}:  # only a rep with team directories needs telling
            lines.append("From: " + ", ".join(
                "your contacts" if s == "local" else s for s in first.sources))  # fmt: skip
    lines.append(f"{switchboard_number(number, card)} · {card.match.label}")
    said = caller_id_name(card.number, card.contacts[0] if card.contacts else None)
    if said:
        lines.append(f"Caller ID name: {said}")
    lt = card.local_time
    if lt.text or lt.place:
        lines.append("Local time: " + " · ".join(p for p in (lt.text, lt.place) if p))
    if card.promise:
        lines.append(card.promise)
    if len(card.contacts) > 1:
        others = (_with_extension(c, card.number.e164) for c in card.contacts[1:])
        lines.append("Also at this number: " + ", ".join(others))
    if card.contacts:
        contact = card.contacts[0]
        why = why_we_called(contact)
        if why:
            lines.append(f"Why we called: {why}")
        if contact.referred_by:
            lines.append(f"Referred by: {contact.referred_by}")
        if contact.next_step.strip():
            lines.append(next_step_line(contact))
        if contact.notes.strip():
            lines.append(f"Notes: {one_line(contact.notes)}")
        if contact.attempts:
            lines.append("Last attempts:")
            lines.extend(f"  {attempt_line(a, now, cycle)}" for a in contact.attempts)
    if card.candidates:  # an unknown caller: the guesses the card lists, with their reasons
        lines.append("Who could this be?")
        lines.extend(f"  {c.contact.name or c.contact.company} · {c.why}" for c in card.candidates)
    if card.opener:
        lines.append(f"Opener: {card.opener}")
    # Every line but the labels is the caller's or an import's text.
    return [display_text(line) for line in lines]
