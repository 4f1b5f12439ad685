"""From a spreadsheet row or a vCard to a contact: which column means what, and what a row yields.

Columns are matched by header name, never by position: Google's export and its import template
order the same columns differently, and Outlook, HubSpot, Salesforce and Pipedrive translate
headers (contact-import.md §0.1). The header tables are data, so a new export format is a new
table entry, not new logic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from desktop.core.models import StoredNumber
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number
from desktop.core.search_query import SPELLED_OUT

# Longer values than these are not a name or an e-mail but a pasted document.
MAX_FIELD_CHARS = 1_000
MAX_NOTES_CHARS = 20_000


class Field(StrEnum):
    FIRST_NAME = "first_name"
    MIDDLE_NAME = "middle_name"
    LAST_NAME = "last_name"
    NAME = "name"
    NICKNAME = "nickname"
    COMPANY = "company"
    TITLE = "title"
    PHONE = "phone"
    MOBILE = "mobile"
    WORK_PHONE = "work_phone"
    HOME_PHONE = "home_phone"
    MAIN_PHONE = "main_phone"
    OTHER_PHONE = "other_phone"
    ASSISTANT_PHONE = "assistant_phone"
    FAX = "fax"
    PHONE_LABEL = "phone_label"  # the label of the phone column beside it ("Phone 1 - Label")
    EXTENSION = "extension"  # a separate "Ext" column
    EMAIL = "email"
    NOTES = "notes"
    REASON = "reason"
    REFERRED_BY = "referred_by"
    NEXT_STEP = "next_step"


# What the mapping step shows for each field.
FIELD_TITLES: Mapping[Field, str] = {
    Field.FIRST_NAME: "First name",
    Field.MIDDLE_NAME: "Middle name",
    Field.LAST_NAME: "Last name",
    Field.NAME: "Full name",
    Field.NICKNAME: "Nickname",
    Field.COMPANY: "Company",
    Field.TITLE: "Job title",
    Field.PHONE: "Phone",
    Field.MOBILE: "Mobile",
    Field.WORK_PHONE: "Work phone",
    Field.HOME_PHONE: "Home phone",
    Field.MAIN_PHONE: "Main phone",
    Field.OTHER_PHONE: "Other phone",
    Field.ASSISTANT_PHONE: "Assistant's phone",
    Field.FAX: "Fax",
    Field.PHONE_LABEL: "Label of the next phone",
    Field.EXTENSION: "Extension",
    Field.EMAIL: "E-mail",
    Field.NOTES: "Notes",
    Field.REASON: "Why I called",
    Field.REFERRED_BY: "Referred by",
    Field.NEXT_STEP: "Next step",
}

PHONE_LABELS: Mapping[Field, str] = {
    Field.PHONE: "",
    Field.MOBILE: "mobile",
    Field.WORK_PHONE: "work",
    Field.HOME_PHONE: "home",
    Field.MAIN_PHONE: "main",
    Field.OTHER_PHONE: "other",
    Field.ASSISTANT_PHONE: "assistant",
    Field.FAX: "fax",
}

_NAME_FIELDS = frozenset(
    {Field.FIRST_NAME, Field.LAST_NAME, Field.NAME, Field.NICKNAME, Field.COMPANY}
)


def _aliases(field_: Field, *headers: str) -> dict[str, Field]:
    return {normalise_header(h): field_ for h in headers}


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFC", header.replace("\ufeff", "")).strip().casefold()
    text = re.sub(r"[_\s]+", " ", text)
    return text.strip(" :*\"'")


# Headers as the exports write them (contact-import.md §1; Outlook translations as Outlook
# writes them, after Roundcube's csv2vcard maps). A header here always means its field.
HEADER_ALIASES: Mapping[str, Field] = {
    # generic, hand-made sheets
    **_aliases(Field.FIRST_NAME, "first name", "firstname", "given name", "first", "forename"),
    **_aliases(Field.MIDDLE_NAME, "middle name", "additional name", "middlename"),
    **_aliases(Field.LAST_NAME, "last name", "lastname", "surname", "family name", "last"),
    **_aliases(Field.NAME, "name", "full name", "fullname", "contact name", "display name",
               "person - name", "person name"),
    **_aliases(Field.NICKNAME, "nickname", "nick name"),
    **_aliases(Field.COMPANY, "company", "company name", "organization", "organisation",
               "organization name", "organization 1 - name", "account name",
               "company / account", "person - organization", "organization - name",
               "business"),
    **_aliases(Field.TITLE, "job title", "jobtitle", "position", "organization title",
               "organization 1 - title", "role"),
    **_aliases(Field.PHONE, "phone", "phone number", "telephone", "telephone number", "tel",
               "tel.", "person - phone", "phone no", "phone no.", "primary phone"),
    **_aliases(Field.MOBILE, "mobile", "mobile phone", "mobile phone number", "mobilephone",
               "cell", "cell phone", "cellphone", "mobile number", "person - phone - mobile"),
    **_aliases(Field.WORK_PHONE, "work phone", "business phone", "business phone 2",
               "office phone", "direct line", "direct dial", "person - phone - work"),
    **_aliases(Field.HOME_PHONE, "home phone", "home phone 2", "homephone",
               "person - phone - home"),
    **_aliases(Field.MAIN_PHONE, "company main phone", "main phone", "switchboard"),
    **_aliases(Field.OTHER_PHONE, "other phone", "otherphone", "car phone", "callback",
               "radio phone", "tty/tdd phone", "isdn", "pager", "person - phone - other",
               "whatsapp phone number"),
    **_aliases(Field.ASSISTANT_PHONE, "assistant's phone", "assistant phone", "asst. phone",
               "assistantphone"),
    **_aliases(Field.FAX, "fax", "fax number", "business fax", "home fax", "other fax"),
    **_aliases(Field.EXTENSION, "ext", "ext.", "extension", "phone extension"),
    **_aliases(Field.EMAIL, "email", "e-mail", "email address", "e-mail address", "mail",
               "person - email", "person - email - work", "e-mail 1 - value"),
    **_aliases(Field.NOTES, "notes", "note", "comments", "comment", "description"),
    **_aliases(Field.REASON, "why i called", "why we called", "reason", "reason for call",
               "call reason", "why"),
    **_aliases(Field.REFERRED_BY, "referred by", "referral", "referrer", "referred"),
    **_aliases(Field.NEXT_STEP, "next step", "next steps", "next action"),
    # Salesforce API names (Data Loader, Bulk API)
    **_aliases(Field.FIRST_NAME, "firstname"),
    **_aliases(Field.ASSISTANT_PHONE, "assistantphone"),
    # German (Outlook, Excel)
    **_aliases(Field.FIRST_NAME, "vorname"),
    **_aliases(Field.MIDDLE_NAME, "weitere vornamen"),
    **_aliases(Field.LAST_NAME, "nachname", "familienname"),
    **_aliases(Field.NAME, "anzeigename", "vollständiger name"),
    **_aliases(Field.NICKNAME, "spitzname"),
    **_aliases(Field.COMPANY, "firma", "unternehmen", "organisation"),
    **_aliases(Field.TITLE, "position", "berufsbezeichnung"),
    **_aliases(Field.PHONE, "telefon", "telefonnummer", "tel.-nr."),
    **_aliases(Field.MOBILE, "mobiltelefon", "mobil", "handy", "mobil-tel.-nr."),
    **_aliases(Field.WORK_PHONE, "telefon geschäftlich", "telefon geschäftlich 2",
               "tel. dienstlich"),
    **_aliases(Field.HOME_PHONE, "telefon privat", "telefon privat 2"),
    **_aliases(Field.MAIN_PHONE, "haupttelefon", "telefon firma", "zentrale"),
    **_aliases(Field.OTHER_PHONE, "weiteres telefon", "autotelefon", "rückmeldung",
               "pager-nummer"),
    **_aliases(Field.ASSISTANT_PHONE, "telefon assistent"),
    **_aliases(Field.FAX, "fax geschäftlich", "fax privat", "weiteres fax", "fax-nummer"),
    **_aliases(Field.EXTENSION, "durchwahl"),
    **_aliases(Field.EMAIL, "e-mail-adresse", "e-mail adresse", "primäre e-mail-adresse"),
    **_aliases(Field.NOTES, "notizen", "notiz", "bemerkung", "bemerkungen", "kommentar"),
    **_aliases(Field.REFERRED_BY, "empfohlen von"),
    **_aliases(Field.REASON, "grund des anrufs", "anrufgrund"),
    **_aliases(Field.NEXT_STEP, "nächster schritt"),
    # French (Outlook)
    **_aliases(Field.FIRST_NAME, "prénom"),
    **_aliases(Field.MIDDLE_NAME, "deuxième prénom"),
    **_aliases(Field.LAST_NAME, "nom de famille"),
    **_aliases(Field.NAME, "nom à afficher", "nom complet"),
    **_aliases(Field.NICKNAME, "surnom"),
    **_aliases(Field.COMPANY, "société", "entreprise"),
    **_aliases(Field.TITLE, "profession", "fonction"),
    **_aliases(Field.PHONE, "téléphone"),
    **_aliases(Field.MOBILE, "tél. mobile", "portable", "téléphone mobile"),
    **_aliases(Field.WORK_PHONE, "téléphone (bureau)", "téléphone 2 (bureau)",
               "tél. professionnel", "téléphone bureau"),
    **_aliases(Field.HOME_PHONE, "téléphone (domicile)", "téléphone 2 (domicile)",
               "téléphone domicile"),
    **_aliases(Field.MAIN_PHONE, "téléphone principal", "téléphone société"),
    **_aliases(Field.OTHER_PHONE, "téléphone (autre)", "téléphone (voiture)", "autre téléphone",
               "récepteur de radiomessagerie"),
    **_aliases(Field.ASSISTANT_PHONE, "téléphone de l'assistant(e)"),
    **_aliases(Field.FAX, "télécopie (bureau)", "télécopie (domicile)", "télécopie (autre)"),
    **_aliases(Field.EMAIL, "adresse de messagerie", "adresse électronique principale",
               "courriel", "adresse e-mail"),
    **_aliases(Field.REFERRED_BY, "recommandé par"),
    # Spanish (Outlook)
    **_aliases(Field.FIRST_NAME, "nombre"),
    **_aliases(Field.MIDDLE_NAME, "segundo nombre"),
    **_aliases(Field.LAST_NAME, "apellidos", "apellido"),
    **_aliases(Field.NAME, "nombre en pantalla", "nombre completo"),
    **_aliases(Field.NICKNAME, "apodo"),
    **_aliases(Field.COMPANY, "organización", "compañía", "empresa"),
    **_aliases(Field.TITLE, "puesto", "cargo"),
    **_aliases(Field.PHONE, "teléfono", "telefono"),
    **_aliases(Field.MOBILE, "teléfono móvil", "móvil", "celular"),
    **_aliases(Field.WORK_PHONE, "teléfono del trabajo", "teléfono del trabajo 2",
               "teléfono (trabajo)"),
    **_aliases(Field.HOME_PHONE, "particular", "teléfono particular", "teléfono particular 2"),
    **_aliases(Field.MAIN_PHONE, "teléfono principal", "teléfono de la compañía"),
    **_aliases(Field.OTHER_PHONE, "otro teléfono", "buscapersonas", "teléfono del automóvil"),
    **_aliases(Field.ASSISTANT_PHONE, "teléfono del asistente"),
    **_aliases(Field.FAX, "otro fax", "fax del trabajo", "fax particular"),
    **_aliases(Field.EMAIL, "dirección de correo electrónico", "correo electrónico",
               "correo", "dirección de correo electrónico principal"),
    **_aliases(Field.NOTES, "notas"),
    **_aliases(Field.REFERRED_BY, "referido por", "remitido por"),
}

# Headers that mean the field only when no column says it better. Outlook's "Title" is a
# courtesy title ("Dr.") next to "Job Title", while Salesforce's "Title" is the job title;
# Outlook's "Account" is an obscure field, Salesforce's is the company.
WEAK_ALIASES: Mapping[str, Field] = {
    **_aliases(Field.TITLE, "title", "titel", "titre"),
    **_aliases(Field.COMPANY, "account", "associated company", "work company"),
    **_aliases(Field.LAST_NAME, "nom"),
    **_aliases(Field.NAME, "contact", "person", "kontakt", "file as"),
    **_aliases(Field.PHONE, "number", "nummer", "numéro", "número"),
    **_aliases(Field.EMAIL, "e-mail 2 address", "e-mail 2 - value", "work email",
               "person - email - home", "person - email - other", "e-mail 2: adresse",
               "dirección de correo electrónico 2", "adresse électronique secondaire"),
    **_aliases(Field.NOTES, "notes 2", "info"),
}

# Numbered groups: Google "Phone 2 - Value" / "- Label" (current) / "- Type" (legacy),
# Pipedrive "Person - Phone (Work)" and "Person - Phone - Work".
_GROUP_PHONE = re.compile(r"phone \d+ - (?P<part>value|label|type)")
_GROUP_EMAIL = re.compile(r"e-?mail \d+ - value")
_ENTITY_PREFIX = re.compile(r"(?:person|osoba|personne|persona|contact|lead) - (?P<rest>.+)")
_PAREN_LABEL = re.compile(r"(?P<base>.+?) \((?P<label>[^)]+)\)")


def field_for_header(header: str) -> tuple[Field, bool] | None:
    """The field a header names and whether it says so strongly (see WEAK_ALIASES)."""
    text = normalise_header(header)
    found = _lookup(text)
    if found is not None:
        return found
    m = _ENTITY_PREFIX.fullmatch(text)
    if m is not None:
        rest = m.group("rest")
        found = _lookup(rest) or _lookup(rest.replace(" - ", " "))
        if found is None and (p := _PAREN_LABEL.fullmatch(rest)):
            found = _lookup(f"{p.group('base')} - {p.group('label')}") or _lookup(
                f"{p.group('label')} {p.group('base')}"
            )
        if found is not None:
            return found
    return None


def _lookup(text: str) -> tuple[Field, bool] | None:
    if text in HEADER_ALIASES:
        return HEADER_ALIASES[text], True
    if text in WEAK_ALIASES:
        return WEAK_ALIASES[text], False
    m = _GROUP_PHONE.fullmatch(text)
    if m is not None:
        return (Field.PHONE if m.group("part") == "value" else Field.PHONE_LABEL), True
    if _GROUP_EMAIL.fullmatch(text):
        return Field.EMAIL, text.startswith(("e-mail 1", "email 1"))
    return None


def map_headers(headers: Sequence[str]) -> dict[int, Field]:
    """Column index → field. Every phone column is kept; for other fields one column wins: a
    strong header before a weak one, then the leftmost."""
    found = {i: f for i, h in enumerate(headers) if (f := field_for_header(h)) is not None}
    mapping: dict[int, Field] = {}
    winners: dict[Field, tuple[bool, int]] = {}
    for index, (field_, strong) in found.items():
        if field_ in PHONE_LABELS or field_ is Field.PHONE_LABEL:
            mapping[index] = field_
            continue
        best = winners.get(field_)
        if best is None or (strong and not best[0]):
            winners[field_] = (strong, index)
    for field_, (_strong, index) in winners.items():
        mapping[index] = field_
    return dict(sorted(mapping.items()))


def header_score(cells: Sequence[str]) -> int:
    """How many cells are headers this importer knows: finds the header row below title rows
    and preambles (LinkedIn's "Notes:" lines, a spreadsheet's merged title)."""
    return sum(1 for c in cells if c and len(c) < 80 and field_for_header(c) is not None)


def header_key(headers: Sequence[str]) -> str:
    """The same header set gives the same key: a mapping chosen once is remembered for it."""
    return "\x1f".join(normalise_header(h) for h in headers)


@dataclass(frozen=True)
class ColumnPlan:
    """Which column feeds which field, for one header row."""

    headers: tuple[str, ...]
    fields: Mapping[int, Field]

    @classmethod
    def from_headers(cls, headers: Sequence[str]) -> ColumnPlan:
        return cls(tuple(headers), map_headers(headers))

    @property
    def usable(self) -> bool:
        """Enough is known to import without asking: something to call the contact by."""
        return any(f in _NAME_FIELDS for f in self.fields.values())

    @property
    def has_phone(self) -> bool:
        return any(f in PHONE_LABELS for f in self.fields.values())

    def label_column(self, phone_index: int) -> int | None:
        """Google's "Phone 1 - Label" sits just before "Phone 1 - Value"."""
        for index in (phone_index - 1, phone_index + 1):
            if self.fields.get(index) is Field.PHONE_LABEL:
                return index
        return None

    def header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else f"column {index + 1}"


@dataclass(frozen=True)
class RowProblem:
    line: int  # 1-based line in the file (the header is line 1; a vCard's BEGIN:VCARD line)
    field: str  # the column's header, or "" for the whole row
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
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
# belongs to the number; so does "," before digits (a DTMF pause: ",,123").
_NUMBER_SPLIT = re.compile(
    r"\s*:::\s*|[\r\n]+|\s*;\s*(?![a-z-]+=|\d{1,6}\s*$)|\s+/\s+|,\s+(?=[+(0-9])"
)
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
    return [p for p in (part.strip(" ,;\t") for part in _NUMBER_SPLIT.split(cell)) if p]


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
) -> ContactDraft | RowProblem | Skipped:
    """A contact, a reason the row cannot be one, or why it was skipped. `policy` is the
    region the file's numbers are read in; `home`, when another, the rep's own: a number that
    reads only there is flagged (see `_add_numbers`)."""
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
    for index, field_, value in phones:
        label = PHONE_LABELS[field_]
        label_index = plan.label_column(index)
        if label_index is not None and label_index < len(cells):
            label = phone_label(cells[label_index]) or label
        _add_numbers(draft, value, label, plan.header(index), parse, policy, problems, home)
    _use_row_region(draft, parse, policy)
    _warn_unread(draft, problems)
    if extension:
        _apply_extension(draft, extension, line)
    if not draft.name and not draft.company:
        if draft.numbers or draft.email:
            return RowProblem(line, "", "no name and no company: nothing to call this contact")
        return Skipped(line, "no name, company, number or e-mail")
    return draft


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


def names_agree(a: str, b: str) -> bool:
    """Whether two names can be one person: one is missing, or one's words are all in the
    other ("Maya" and "Maya Okafor"), ignoring case and accents."""
    return words_agree(name_words(a), name_words(b))


def words_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """`names_agree` for names already split with `name_words`."""
    return not a or not b or a <= b or b <= a


def name_words(name: str) -> frozenset[str]:
    """A name's words, case and accents folded ("Søren" is "soren", as search has it): what
    `names_agree` compares."""
    folded = name.casefold()
    if not folded.isascii():
        for ch in set(folded) - _FOLDED_ALREADY:
            # Character by character gives what folding the whole name would: NFKD splits
            # each character on its own, and the marks it splits off are dropped anyway.
            _UNACCENTED[ord(ch)] = SPELLED_OUT.get(ch) or "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            _FOLDED_ALREADY.add(ch)  # only now: another thread may be folding a name too
        folded = folded.translate(_UNACCENTED)
    return frozenset(_WORD.findall(folded))


# Every character met so far, without its accents, and spelled out as search spells it
# ("é" -> "e", "ø" -> "o"): str.translate then folds a name in one call.
_UNACCENTED: dict[int, str] = {}
_FOLDED_ALREADY: set[str] = set()
_WORD = re.compile(r"\w+")


# -- vCards -------------------------------------------------------------------------------


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
