"""From a vCard (or a directory entry read into the same shape) to a contact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from desktop.core.import_rows import (
    MAX_FIELD_CHARS,
    MAX_NOTES_CHARS,
    ContactDraft,
    NumberParser,
    RowProblem,
    Skipped,
    _add_numbers,
    _too_long,
    _use_row_region,
    _warn_unread,
    phone_label,
    read_extensions,
    split_numbers,
)
from desktop.core.numbers import NumberPolicy, parse_number


@dataclass
class CardData:
    """What a vCard says, already unescaped and decoded, before any policy is applied."""

    line: int  # where the card starts in the file
    formatted_name: str = ""
    given: str = ""
    additional: str = ""
    family: str = ""
    nickname: str = ""
    org: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    note: str = ""
    tels: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    # A contact group's card (vCard 4 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group):
    # a list of members, nobody to call.
    group: bool = False


_TYPE_LABELS = (
    ("fax", "fax"), ("cell", "mobile"), ("iphone", "mobile"), ("mobile", "mobile"),
    ("pager", "other"), ("main", "main"), ("assistant", "assistant"), ("work", "work"),
    ("home", "home"), ("voice", ""), ("pref", ""),
)


def label_from_types(types: Iterable[str], custom: str = "") -> str:
    """vCard TEL types (any version, any case) or an Apple/Google X-ABLabel, as a label."""
    if custom.strip():
        return phone_label(custom)
    found = {t.strip().casefold() for t in types if t.strip()}
    for key, label in _TYPE_LABELS:
        if key in found:
            return label
    for t in sorted(found):
        if t.startswith("x-") and len(t) > 2:
            return phone_label(t[2:])
    return ""


def with_corrected_tels(card: CardData, corrected: Mapping[int, str]) -> CardData:
    """The card with the numbers the person corrected in the Import window's preview (by the
    TEL's place on the card) in place of what the file says, each keeping its TEL's label, so
    a correction is read exactly as the file's own TEL would be."""
    if not corrected:
        return card
    tels = [(corrected.get(i, value), label) for i, (value, label) in enumerate(card.tels)]
    return replace(card, tels=tels)


def card_number_columns(card: CardData) -> list[int]:
    """The TEL (its place on the card) each number of `draft_from_card`'s draft was read from,
    in the draft's order: what lets the preview put a corrected number back on its TEL."""
    return [i for i, (value, _label) in enumerate(card.tels) for _ in split_numbers(value)]


def draft_from_card(
    card: CardData, policy: NumberPolicy, parse: NumberParser = parse_number
) -> ContactDraft | RowProblem | Skipped:
    if card.group:
        # Apple Contacts' and iCloud's exports put each group in the file as a card of its
        # own: imported, "Sales team" was a contact with no number, found in Search.
        return Skipped(card.line, "a contact group, not a person: its members are cards of "
                       "their own")  # fmt: skip
    draft = ContactDraft(line=card.line)
    name = card.formatted_name.strip()
    if not name:
        name = " ".join(p for p in (card.given, card.additional, card.family) if p.strip())
    draft.name = name or card.nickname.strip()
    draft.company = card.org.strip()
    draft.title = card.title.strip()
    draft.email = next((e.strip() for e in card.emails if e.strip()), "")
    draft.notes = card.note.strip()
    for value, text in (("name", draft.name), ("company", draft.company), ("title", draft.title),
                        ("e-mail", draft.email)):
        if len(text) > MAX_FIELD_CHARS:
            return _too_long(card.line, value, text)
    if len(draft.notes) > MAX_NOTES_CHARS:
        draft.warnings.append(RowProblem(card.line, "NOTE", f"{len(draft.notes):,} characters; "
                                         f"kept the first {MAX_NOTES_CHARS:,}"))
        draft.notes = draft.notes[:MAX_NOTES_CHARS]
    problems: dict[int, tuple[str, str]] = {}
    for value, label in card.tels:
        _add_numbers(draft, value, label, "TEL", parse, policy, problems)
    _use_row_region(draft, parse, policy)
    read_extensions(draft, problems)
    _warn_unread(draft, problems)
    if not draft.name and not draft.company:
        if draft.numbers or draft.email:
            return RowProblem(card.line, "", "no name and no company: nothing to call this contact")
        return Skipped(card.line, "an empty card")
    return draft
