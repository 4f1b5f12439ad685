"""From a spreadsheet row to a contact: which column means what, and what a row yields.

The header table is deliberately data, so the full importer can extend it with Google,
Outlook, CRM and translated headers without touching the logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy, parse_number


class Field(StrEnum):
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    NAME = "name"
    COMPANY = "company"
    TITLE = "title"
    PHONE = "phone"
    MOBILE = "mobile"
    WORK_PHONE = "work_phone"
    HOME_PHONE = "home_phone"
    EMAIL = "email"
    NOTES = "notes"
    REASON = "reason"
    REFERRED_BY = "referred_by"
    NEXT_STEP = "next_step"


PHONE_LABELS: Mapping[Field, str] = {
    Field.PHONE: "",
    Field.MOBILE: "mobile",
    Field.WORK_PHONE: "work",
    Field.HOME_PHONE: "home",
}

HEADER_ALIASES: Mapping[str, Field] = {
    "first name": Field.FIRST_NAME,
    "firstname": Field.FIRST_NAME,
    "given name": Field.FIRST_NAME,
    "last name": Field.LAST_NAME,
    "lastname": Field.LAST_NAME,
    "surname": Field.LAST_NAME,
    "family name": Field.LAST_NAME,
    "name": Field.NAME,
    "full name": Field.NAME,
    "contact": Field.NAME,
    "contact name": Field.NAME,
    "company": Field.COMPANY,
    "company name": Field.COMPANY,
    "organization": Field.COMPANY,
    "organisation": Field.COMPANY,
    "account": Field.COMPANY,
    "account name": Field.COMPANY,
    "title": Field.TITLE,
    "job title": Field.TITLE,
    "position": Field.TITLE,
    "phone": Field.PHONE,
    "phone number": Field.PHONE,
    "telephone": Field.PHONE,
    "tel": Field.PHONE,
    "number": Field.PHONE,
    "mobile": Field.MOBILE,
    "mobile phone": Field.MOBILE,
    "cell": Field.MOBILE,
    "cell phone": Field.MOBILE,
    "work phone": Field.WORK_PHONE,
    "business phone": Field.WORK_PHONE,
    "office phone": Field.WORK_PHONE,
    "direct line": Field.WORK_PHONE,
    "home phone": Field.HOME_PHONE,
    "email": Field.EMAIL,
    "e-mail": Field.EMAIL,
    "email address": Field.EMAIL,
    "e-mail address": Field.EMAIL,
    "notes": Field.NOTES,
    "note": Field.NOTES,
    "comments": Field.NOTES,
    "why i called": Field.REASON,
    "why we called": Field.REASON,
    "reason": Field.REASON,
    "reason for call": Field.REASON,
    "call reason": Field.REASON,
    "referred by": Field.REFERRED_BY,
    "referral": Field.REFERRED_BY,
    "referrer": Field.REFERRED_BY,
    "next step": Field.NEXT_STEP,
    "next steps": Field.NEXT_STEP,
}

# Several numbers in one cell: Google's " ::: ", line breaks, and semicolons/slashes.
_NUMBER_SPLIT = re.compile(r"\s*:::\s*|[\r\n]+|\s*;\s*(?![a-z]+=)|\s+/\s+")


def normalise_header(header: str) -> str:
    text = header.replace("\ufeff", "").strip().casefold()
    text = re.sub(r"[_\s]+", " ", text)
    return text.strip(" :*")


def map_headers(headers: Sequence[str]) -> dict[int, Field]:
    """Column index → field. The first column wins when two headers mean the same thing,
    except phone columns, where every one is kept."""
    mapping: dict[int, Field] = {}
    taken: set[Field] = set()
    for index, header in enumerate(headers):
        field_ = HEADER_ALIASES.get(normalise_header(header))
        if field_ is None or (field_ in taken and field_ not in PHONE_LABELS):
            continue
        mapping[index] = field_
        taken.add(field_)
    return mapping


@dataclass(frozen=True)
class RowProblem:
    line: int  # 1-based line in the file (the header is line 1)
    field: str  # the column's header, or "" for the whole row
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ContactDraft:
    name: str = ""
    title: str = ""
    company: str = ""
    email: str = ""
    notes: str = ""
    reason: str = ""
    referred_by: str = ""
    next_step: str = ""
    numbers: list[StoredNumber] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


_TEXT_FIELDS = {
    Field.NAME: "name",
    Field.COMPANY: "company",
    Field.TITLE: "title",
    Field.EMAIL: "email",
    Field.NOTES: "notes",
    Field.REASON: "reason",
    Field.REFERRED_BY: "referred_by",
    Field.NEXT_STEP: "next_step",
}


def draft_from_row(
    cells: Sequence[str],
    mapping: Mapping[int, Field],
    headers: Sequence[str],
    policy: NumberPolicy,
    line: int,
) -> ContactDraft | RowProblem | None:
    """A contact, a reason the row cannot be one, or None for a blank row (skipped)."""
    if not any(c.strip() for c in cells):
        return None
    draft = ContactDraft()
    first = last = ""
    for index, field_ in mapping.items():
        value = cells[index].strip() if index < len(cells) else ""
        if not value:
            continue
        if field_ is Field.FIRST_NAME:
            first = value
        elif field_ is Field.LAST_NAME:
            last = value
        elif field_ in PHONE_LABELS:
            _add_numbers(draft, value, PHONE_LABELS[field_], policy, line, headers[index])
        else:
            setattr(draft, _TEXT_FIELDS[field_], value)
    if not draft.name:
        draft.name = " ".join(p for p in (first, last) if p)
    if not draft.name and not draft.company:
        return RowProblem(line, "", "no name and no company: nothing to call this contact")
    return draft


def _add_numbers(
    draft: ContactDraft, cell: str, label: str, policy: NumberPolicy, line: int, header: str
) -> None:
    for raw in filter(None, (p.strip() for p in _NUMBER_SPLIT.split(cell))):
        parsed = parse_number(raw, policy)
        if parsed.e164 is None:
            # Kept as typed (never as a guessed number) so nothing the user wrote is lost.
            reason = parsed.problem or "not a phone number"
            draft.warnings.append(RowProblem(line, header, f"{raw!r}: {reason}; kept as text"))
        draft.numbers.append(StoredNumber(raw, parsed.e164, parsed.extension, label))
