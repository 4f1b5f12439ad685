"""Which column of a spreadsheet means which contact field: the header tables.

Columns are matched by header name, never by position: Google's export and its import template
order the same columns differently, and Outlook, HubSpot, Salesforce and Pipedrive translate
headers (contact-import.md §0.1). The header tables are data, so a new export format is a new
table entry, not new logic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


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
