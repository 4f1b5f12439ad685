"""What the importer matches a row on, worked out where the row is mapped.

A big import maps rows in worker processes while its own thread matches them, in file order,
against everything stored and imported before them. All that does not depend on that order
(the row's numbers without repeats, the keys they match on, its name's folded words, its e-mail
and identity as compared) is worked out here, next to the mapping, so the ordered part is
dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from typing import NamedTuple

from desktop.core.candidates import readable
from desktop.core.import_mapping import ContactDraft, RowProblem, name_words, words_agree
from desktop.core.models import NumberFields


class ContactRow(NamedTuple):
    """A mapped row, ready to match and store. A NamedTuple: cheap to build and to pickle."""

    line: int
    fields: tuple[str, ...]  # in models.CONTACT_FIELDS order
    numbers: tuple[NumberFields, ...]  # no repeats
    warnings: tuple[RowProblem, ...]
    number_keys: frozenset[tuple[str, str]]  # (e164, extension) of the numbers that have one
    words: frozenset[str]  # the name's words as names_agree compares them
    email_key: str  # casefolded; "" for none
    identity: tuple[str, str]  # (name, company) casefolded: for rows without number or e-mail

    @property
    def name(self) -> str:
        return self.fields[0]

    @property
    def company(self) -> str:
        return self.fields[2]


def contact_row(draft: ContactDraft) -> ContactRow:
    numbers: list[NumberFields] = []
    seen: set[tuple[str | None, str, str]] = set()
    for n in draft.numbers:
        # A number without an E.164 is kept as typed, so its text is what makes it a repeat.
        key = (n.e164, n.extension, "" if n.e164 or n.is_internal else n.raw)
        if key not in seen:
            seen.add(key)
            numbers.append((n.raw, n.e164, n.extension, n.label))
    return ContactRow(
        draft.line,
        (draft.name, draft.title, draft.company, draft.email, draft.notes, draft.reason,
         draft.referred_by, draft.next_step),
        tuple(numbers),
        tuple(draft.warnings),
        frozenset((e164, extension) for _raw, e164, extension, _label in numbers if e164),
        name_words(draft.name),
        draft.email.casefold(),
        (draft.name.casefold(), draft.company.casefold()),
    )  # fmt: skip


def find_matches(
    row: ContactRow,
    by_number: Mapping[tuple[str, str], Set[int]],
    by_email: Mapping[str, Set[int]],
    by_identity: Mapping[tuple[str, str], Set[int]],
    words_of: Callable[[int], frozenset[str]],
) -> set[int]:
    """The contacts a row is the same person as: one with its e-mail, or with one of its
    numbers and a name that agrees (a shared switchboard number does not make two differently
    named people one); a row with neither is matched on name and company. The import and
    its dry run (the Import window's preview) both decide here."""
    found: set[int] = set()
    for key in row.number_keys:
        if key in by_number:
            found |= by_number[key]
    if found:
        words = row.words
        found = {cid for cid in found if words_agree(words_of(cid), words)}
    if row.email_key:
        return found | set(by_email.get(row.email_key, ()))
    if not row.number_keys:
        return set(by_identity.get(row.identity, ()))
    return found


def number_text(e164: str, extension: str) -> str:
    """A number as a merge names it, as people write it: "+1 415-555-0142 ext. 217" is not the
    +1 415-555-0142 she has; a colleague's internal extension, "extension 3103"."""
    if not e164:
        return f"extension {extension}"
    shown = readable(e164)
    return f"{shown} ext. {extension}" if extension else shown


def match_reason(
    row: ContactRow,
    target: int,
    by_number: Mapping[tuple[str, str], Set[int]],
    by_email: Mapping[str, Set[int]],
) -> str:
    """Why `row` matched `target`, as the preview says it: "same e-mail", "same number …"."""
    if row.email_key and target in by_email.get(row.email_key, ()):
        return "same e-mail"
    for e164, extension in sorted(row.number_keys):
        if target in by_number.get((e164, extension), ()):
            return f"same number {number_text(e164, extension)}"
    return "same name and company"
