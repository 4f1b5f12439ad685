"""From a spreadsheet row to a contact: what a row's cells yield under a ColumnPlan, and why a
row yields none (a problem to show, or a blank line or report footer to skip)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from desktop.core.import_headers import PHONE_LABELS, ColumnPlan, Field, normalise_header
from desktop.core.import_row_region import COUNTRY_HEADER, settle_row
from desktop.core.internal_extension import extension_digits
from desktop.core.models import StoredNumber
from desktop.core.numbers import DROPPED_PLUS, CallerNumber, NumberPolicy, parse_number

# Longer values than these are not a name or an e-mail but a pasted document.
MAX_FIELD_CHARS = 1_000
MAX_NOTES_CHARS = 20_000


@dataclass(frozen=True)
class RowProblem:
    line: int  # 1-based line in the file (the header is line 1; a vCard's BEGIN:VCARD line)
    field: str  # the column's header, or "" for the whole row
    message: str
    # The place as told, for a problem of many lines ("lines 2 and 4 (Name, Company)"):
    # `line` is then the first of them. "" for one line, told from `line` and `field`.
    where: str = ""

    def __str__(self) -> str:
        where = self.where or f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A row that is not a contact and not a mistake: blank, or a report's footer."""

    line: int
    reason: str


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
    line: int = 0


NumberParser = Callable[[str, NumberPolicy], CallerNumber]

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

# Several numbers in one cell: Google's " ::: ", line breaks (Alt+Enter), and ";" or "/"
# between numbers. A ";" that starts a URI parameter (";ext=204") or an Android wait (";217")
# belongs to the number; so does "," before digits (a DTMF pause: ",,123"). The " / " is the
# one separator captured: it also ends a German area code ("030 / 901 820-21", DIN 5008's
# old style), which split_numbers joins back to the rest.
_NUMBER_SPLIT = re.compile(
    r"\s*:::\s*|[\r\n]+|\s*;\s*(?![a-z-]+=|\d{1,6}\s*$)|(\s+/\s+)|,\s+(?=[+(0-9])"
)
# What stands before " / " when it is an area code, not a number: "030", "(0 30)", "+49 30".
_AREA_CODE_ALONE = re.compile(r"[+(]?[0-9][0-9 ()]*")
_AREA_CODE_DIGITS = 6
# Report footers: Salesforce "Grand Totals (3 records)", "Confidential Information - Do Not
# Distribute", "Copyright (c) 2000-2025 salesforce.com"; a sheet's "Total: 6 prospects".
_FOOTER = re.compile(
    r"(?:grand totals?|sub-?totals?|totals?\b|confidential information|copyright|©|"
    r"generated (?:by|on)|record count|\(\d+ records?\))",
    re.IGNORECASE,
)


# A bare run of 12+ digits ending in 4+ zeros: what is left of a number a spreadsheet showed
# in scientific notation once it is saved or pasted back as a value.
_ROUNDED = re.compile(r"[1-9][0-9]{7,}0000(?:\.0+)?")


def split_numbers(cell: str) -> list[str]:
    """The separate numbers in one cell, each stripped; empty pieces dropped."""
    if _SEPARATOR_CHAR.search(cell) is None:
        # Most cells hold one number; every separator above needs one of these characters.
        alone = cell.strip(" ,;\t")
        return [alone] if alone else []
    pieces = _NUMBER_SPLIT.split(cell)
    numbers: list[str] = []
    joined = ""  # an area code waiting for the rest of its number
    for index in range(0, len(pieces), 2):
        part = (joined + (pieces[index] or "")).strip(" ,;\t")
        joined = ""
        slash_follows = index + 1 < len(pieces) and pieces[index + 1] is not None
        if slash_follows and _area_code_alone(part):
            joined = part + " "
        elif part:
            numbers.append(part)
    return [*numbers, joined.strip()] if joined else numbers


def _area_code_alone(part: str) -> bool:
    digits = sum(char.isdigit() for char in part)
    return 0 < digits <= _AREA_CODE_DIGITS and _AREA_CODE_ALONE.fullmatch(part) is not None


_SEPARATOR_CHAR = re.compile(r"[:\r\n;/,]")


def footer_or_blank(cells: Sequence[str], plan: ColumnPlan, line: int) -> Skipped | None:
    filled = [i for i, c in enumerate(cells) if c and not c.isspace()]
    if not filled:
        return Skipped(line, "empty row")
    if not any(i in plan.fields for i in filled):
        return Skipped(line, "nothing in the imported columns")
    if len(filled) <= 2:
        texts = [cells[i].strip() for i in filled]
        if any(_FOOTER.match(text) for text in texts):
            return Skipped(line, f"report footer {texts[0][:40]!r}")
    return None


def draft_from_cells(
    cells: Sequence[str],
    plan: ColumnPlan,
    policy: NumberPolicy,
    line: int,
    parse: NumberParser = parse_number,
    home: str = "",
    elsewhere: Sequence[str] = (),
) -> ContactDraft | RowProblem | Skipped:
    """A contact, a reason the row cannot be one, or why it was skipped. `policy` is the
    region the file's numbers are read in; `home`, when another, the rep's own: a number that
    reads only there is flagged (see `_add_numbers`). `elsewhere`: the other countries a file
    of several points to; each row's national numbers are then settled on their own
    (import_row_region.settle_row)."""
    skipped = footer_or_blank(cells, plan, line)
    if skipped is not None:
        return skipped
    draft = ContactDraft(line=line)
    parts: dict[Field, str] = {}
    phones: list[tuple[int, Field, str]] = []
    extension = ""
    problems: dict[int, tuple[str, str]] = {}
    width = len(cells)
    for index, field_ in plan.fields.items():
        value = cells[index] if index < width else ""
        if not value or not (value := value.strip()):
            continue
        if (attr := _TEXT_FIELDS.get(field_)) is not None:
            problem = _set_text(draft, field_, attr, value, plan, index, line)
            if problem is not None:
                return problem
        elif field_ in PHONE_LABELS:
            # A leading ' is a spreadsheet's "this is text" mark (and what the rejected-rows
            # CSV puts before "+1 415…"), never part of the number.
            phones.append((index, field_, value.removeprefix("'").lstrip()))
        elif field_ is Field.EXTENSION:
            extension = value.removesuffix(".0")
        elif field_ is Field.PHONE_LABEL:
            continue
        else:
            if len(value) > MAX_FIELD_CHARS:
                return _too_long(line, plan.header(index), value)
            parts[field_] = value
    if not draft.name:
        draft.name = " ".join(
            parts[f] for f in (Field.FIRST_NAME, Field.MIDDLE_NAME, Field.LAST_NAME) if f in parts
        ) or parts.get(Field.NICKNAME, "")
    headers: list[str] = []
    for index, field_, value in phones:
        label = PHONE_LABELS[field_]
        label_index = plan.label_column(index)
        if label_index is not None and label_index < len(cells):
            label = phone_label(cells[label_index]) or label
        _add_numbers(draft, value, label, plan.header(index), parse, policy, problems, home)
        headers += [plan.header(index)] * (len(draft.numbers) - len(headers))
    if elsewhere:
        # Numbers flagged for what they are (rounded, home-only) are not read anywhere else.
        locked = {
            i for i in problems
            if _ROUNDED.fullmatch(draft.numbers[i].raw)
            or parse(draft.numbers[i].raw, policy).e164 is not None
        }  # fmt: skip
        countries = [cells[i] for i in _country_columns(plan.headers) if i < width]
        notes, flagged = settle_row(
            draft.numbers, headers, draft.email, parse, policy, elsewhere, locked, countries
        )
        draft.warnings += [RowProblem(line, "", note) for note in notes]
        problems.update(flagged)
    _use_row_region(draft, parse, policy)
    read_extensions(draft, problems)
    _warn_unread(draft, problems)
    if extension:
        _apply_extension(draft, extension, line)
    if not draft.name and not draft.company:
        if draft.numbers or draft.email:
            return RowProblem(line, "", "no name and no company: nothing to call this contact")
        return Skipped(line, "no name, company, number or e-mail")
    return draft


@functools.lru_cache(maxsize=8)
def _country_columns(headers: tuple[str, ...]) -> tuple[int, ...]:
    # Once per file, not per row: every row of a file of several countries asks.
    return tuple(i for i, h in enumerate(headers) if COUNTRY_HEADER.search(normalise_header(h)))


def number_columns(cells: Sequence[str], plan: ColumnPlan) -> list[int]:
    """The column each number of `draft_from_cells`' draft was read from, in the draft's order
    (one entry per number a cell splits into): what lets the preview put a corrected number
    back into its cell. Walks the columns exactly as draft_from_cells does."""
    columns: list[int] = []
    width = len(cells)
    for index, field_ in plan.fields.items():
        if field_ not in PHONE_LABELS or index >= width:
            continue
        value = cells[index].strip()
        if value:
            columns += [index] * len(split_numbers(value.removeprefix("'").lstrip()))
    return columns


def draft_from_row(
    cells: Sequence[str],
    mapping: Mapping[int, Field],
    headers: Sequence[str],
    policy: NumberPolicy,
    line: int,
) -> ContactDraft | RowProblem | None:
    """A contact, a reason the row cannot be one, or None for a row that is skipped."""
    outcome = draft_from_cells(cells, ColumnPlan(tuple(headers), dict(mapping)), policy, line)
    return None if isinstance(outcome, Skipped) else outcome


def _set_text(
    draft: ContactDraft, field_: Field, attr: str, value: str, plan: ColumnPlan, index: int,
    line: int,
) -> RowProblem | None:
    if field_ is Field.NOTES:
        if len(value) > MAX_NOTES_CHARS:
            draft.warnings.append(
                RowProblem(line, plan.header(index), f"{len(value):,} characters; kept the "
                           f"first {MAX_NOTES_CHARS:,}")
            )
            value = value[:MAX_NOTES_CHARS]
    elif len(value) > MAX_FIELD_CHARS:
        return _too_long(line, plan.header(index), value)
    if field_ is Field.EMAIL:
        # Google joins several addresses with " ::: "; the first is the one to match on.
        value = split_numbers(value)[0] if ":::" in value else value
    if not getattr(draft, attr):
        setattr(draft, attr, value)
    return None


def _too_long(line: int, header: str, value: str) -> RowProblem:
    return RowProblem(
        line, header, f"{len(value):,} characters is not a contact field (limit "
        f"{MAX_FIELD_CHARS:,}): is the column mapping right?"
    )


_LABEL_WORDS = {
    "mobile": "mobile", "cell": "mobile", "iphone": "mobile", "handy": "mobile",
    "work": "work", "business": "work", "office": "work",
    "home": "home", "main": "main", "other": "other", "pager": "other",
    "assistant": "assistant", "assistantphone": "assistant",
    "fax": "fax", "work fax": "fax", "home fax": "fax", "workfax": "fax", "homefax": "fax",
    "other fax": "fax",
}


def phone_label(text: str) -> str:
    """A number's label as an export writes it ("* Mobile", "Work Fax", Apple's
    "_$!<Main>!$_", "Direct line") in a short form; free text is kept as written."""
    text = text.strip().removeprefix("*").strip()
    if text.startswith("_$!<") and text.endswith(">!$_"):
        text = text[4:-4]
    key = re.sub(r"\s+", " ", text.casefold())
    return _LABEL_WORDS.get(key, text[:40])


def _add_numbers(
    draft: ContactDraft,
    cell: str,
    label: str,
    header: str,
    parse: NumberParser,
    policy: NumberPolicy,
    problems: dict[int, tuple[str, str]],
    home: str = "",
) -> None:
    for raw in split_numbers(cell):
        parsed = parse(raw, policy)
        if home and home != policy.region and not parsed.valid:
            parsed = _home_only(raw, parsed, parse, policy, home)
        if parsed.e164 is not None and _ROUNDED.fullmatch(raw):
            # 4.15555E+11 typed back in as a number: valid-looking in some regions (a German
            # number may be that long), but the digits after the sixth are gone.
            parsed = replace(parsed, e164=None, problem=(
                f"a spreadsheet probably rounded this number: {raw!r} ends in zeros; "
                "check the original"))
        if parsed.e164 is None:
            problems[len(draft.numbers)] = (header, parsed.problem or "not a phone number")
        elif DROPPED_PLUS in parsed.note:  # both readings are numbers: the person decides
            draft.warnings.append(RowProblem(draft.line, header, f"{raw!r} {parsed.note}"))
        draft.numbers.append(StoredNumber(raw, parsed.e164, parsed.extension, label))


def _home_only(
    raw: str, parsed: CallerNumber, parse: NumberParser, policy: NumberPolicy, home: str
) -> CallerNumber:
    """A number that is no valid number where the file comes from but one in the rep's home
    region: the home reading would be a guess against what the file says (a German list's
    "2079460321" is not a US number just because the rep is in the US), so it is kept as text
    and flagged for the person to check."""
    if raw.lstrip().startswith(("+", "00")):
        return parsed
    at_home = parse(raw, NumberPolicy(home))
    if not at_home.valid or at_home.e164 is None:
        return parsed
    return replace(parsed, e164=None, problem=(
        f"reads as a number only in your home region ({at_home.e164}), not in {policy.region} "
        "where the rest of this file's numbers are from: check it"))


def read_extensions(draft: ContactDraft, problems: dict[int, tuple[str, str]]) -> None:
    """The numbers no region reads that are a colleague's internal extension ("3103",
    "x3103", "Ext. 3103"; an AD export's ipPhone): no phone number, but what the PBX presents
    when they call, so kept as one to be found by (desktop.core.internal_extension) and not
    flagged as text. One rule for a sheet's cells, a vCard's TELs and a directory's entries."""
    for index, number in enumerate(draft.numbers):
        if number.e164 is None and (digits := extension_digits(number.raw)):
            draft.numbers[index] = replace(number, extension=digits)
            problems.pop(index, None)


def _warn_unread(draft: ContactDraft, problems: Mapping[int, tuple[str, str]]) -> None:
    # Kept as typed (never as a guessed number) so nothing the user wrote is lost; without an
    # E.164 it can never match a caller.
    for index, (header, reason) in sorted(problems.items()):
        if draft.numbers[index].e164 is None:
            draft.warnings.append(RowProblem(draft.line, header, f"{reason}; kept as text only"))


def _apply_extension(draft: ContactDraft, extension: str, line: int) -> None:
    """A separate Ext column belongs to the desk line: the first number that is not a mobile
    and has no extension of its own."""
    digits = "".join(ch for ch in extension if ch.isdigit())
    if not digits or len(digits) > 10:
        draft.warnings.append(RowProblem(line, "", f"extension {extension!r} is not digits"))
        return
    candidates = [n for n in draft.numbers if n.e164 and not n.extension]
    target = next((n for n in candidates if n.label != "mobile"), None) or next(
        iter(candidates), None
    )
    if target is None:
        if not draft.numbers and extension_digits(digits) == digits:
            # An Ext column and no number at all (a company phone list's "Name, Extension"): the
            # colleague's internal extension, what a call from them presents.
            draft.numbers.append(StoredNumber(digits, None, digits, "work"))
            return
        draft.warnings.append(RowProblem(line, "", f"extension {digits} has no number to go with"))
        return
    index = draft.numbers.index(target)
    draft.numbers[index] = StoredNumber(target.raw, target.e164, digits, target.label)


def _use_row_region(draft: ContactDraft, parse: NumberParser, policy: NumberPolicy) -> None:
    """A national number that is no number at home ("03090182056" in a US book) is read in
    the region of the row's other, international numbers (+49…), when that makes it valid."""
    failed = [i for i, n in enumerate(draft.numbers) if n.e164 is None]
    if not failed:
        return
    regions = {
        r for n in draft.numbers if n.e164 and (r := _region_of(n.e164, parse, policy))
    } - {policy.region}
    if len(regions) != 1:
        return
    row_policy = NumberPolicy(regions.pop())
    for index in failed:
        number = draft.numbers[index]
        if number.raw.lstrip().startswith("+"):
            continue
        again = parse(number.raw, row_policy)
        if again.e164 is not None and again.valid:
            draft.numbers[index] = StoredNumber(
                number.raw, again.e164, again.extension, number.label
            )
            draft.warnings.append(RowProblem(
                draft.line, "", f"{number.raw!r} read as a {row_policy.region} number, "
                "like the other numbers of this contact"))


def _region_of(e164: str, parse: NumberParser, policy: NumberPolicy) -> str | None:
    return parse(e164, policy).region
