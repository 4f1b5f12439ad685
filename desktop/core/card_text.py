"""The card as plain lines of text, for the terminal and for notifications."""

from __future__ import annotations

from desktop.core.card import REDACTED_LABEL, Card, why_we_called
from desktop.core.display_text import display_text
from desktop.core.models import DEMO_MARK, Attempt, Direction, Outcome

OUTCOME_LABELS = {
    Outcome.VOICEMAIL: "Left voicemail",
    Outcome.NO_ANSWER: "No answer",
    Outcome.GATEKEEPER: "Gatekeeper",
    Outcome.TALKED: "Talked",
    Outcome.MISSED: "Missed call",
    Outcome.UNKNOWN: "Called",
}


def attempt_line(attempt: Attempt) -> str:
    when = attempt.at.astimezone()
    label = OUTCOME_LABELS[attempt.outcome]
    if attempt.direction is Direction.IN and attempt.outcome is Outcome.UNKNOWN:
        label = "They called"
    text = f"{when:%a} {when.day} {when:%b}  {label}"
    if attempt.rep:  # a teammate's, from a shared card
        text += f" ({attempt.rep})"
    if attempt.message:
        text += f": {display_text(attempt.message)}"
    return text


def card_lines(card: Card) -> list[str]:
    if card.redacted:
        return [card.headline, REDACTED_LABEL] if card.contacts else [REDACTED_LABEL]
    lines = [card.headline]
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
    number = card.display_number
    if card.number.extension:
        number += f" ext. {card.number.extension}"
    lines.append(f"{number} · {card.match.label}")
    if card.number.display_name and card.contacts:
        lines.append(f"Caller ID name: {card.number.display_name}")
    lt = card.local_time
    if lt.text or lt.place:
        lines.append("Local time: " + " · ".join(p for p in (lt.text, lt.place) if p))
    if card.promise:
        lines.append(card.promise)
    if len(card.contacts) > 1:
        lines.append("Also at this number: " + ", ".join(c.name for c in card.contacts[1:]))
    if card.contacts:
        contact = card.contacts[0]
        why = why_we_called(contact)
        if why:
            lines.append(f"Why we called: {why}")
        if contact.referred_by:
            lines.append(f"Referred by: {contact.referred_by}")
        if contact.attempts:
            lines.append("Last attempts:")
            lines.extend(f"  {attempt_line(a)}" for a in contact.attempts)
    if card.opener:
        lines.append(f"Opener: {card.opener}")
    # Every line but the labels is the caller's or an import's text.
    return [display_text(line) for line in lines]
