"""From a vCard (or a directory entry read into the same shape) to a contact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


def draft_from_card(
    card: CardData, policy: NumberPolicy, parse: NumberParser = parse_number
) -> ContactDraft | RowProblem | Skipped:
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
    _warn_unread(draft, problems)
    if not draft.name and not draft.company:
        if draft.numbers or draft.email:
            return RowProblem(card.line, "", "no name and no company: nothing to call this contact")
        return Skipped(card.line, "an empty card")
    return draft
