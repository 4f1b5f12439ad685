"""Which stored contacts are probably one person, and what merging two of them gives.

Suggestions only: a person decides, after a preview. Six reasons make a pair:
- the same number (E.164 and extension), or the same e-mail, with names that can be one person
  (`names_agree`: one missing, or one's words all in the other's; at a shared number a phone's
  label in a name, "Mike Cell", does not count; one name the other cut short, word by word:
  "Priya N", "Dan Webb", "D. Webb"). Colleagues behind one switchboard line share a number,
  not a person, so a number alone is not enough;
- the same name, folded as search folds it ("Søren" is "soren"), at the same company, its
  legal form and "&" or "and" aside ("Sakura Imports" is "Sakura Imports LLC");
- the same full name where one of them (or both) has no company to tell them apart ("Marcus
  Johnson" from a CRM export beside "Marcus Johnson, Ironclad Security");
- a surname alone ("Lindqvist", as a CRM export's Last Name column leaves it) beside a full
  name ending in it at the same company;
- two contacts with no person's name, only one company's ("Kestrel Logistics Ltd" from a CRM
  export and from an address book's vCard), its legal form aside.

Grouping is by key, one pass over the book: no pairwise comparison of everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.core.display_text import one_line
from desktop.core.import_mapping import name_words, names_agree, words_agree
from desktop.core.models import CONTACT_FIELDS, Contact, StoredNumber
from desktop.core.search_query import words

SAME_NUMBER = "same number"
SAME_EMAIL = "same e-mail"
SAME_NAME = "same name at the same company"
SAME_NAME_NO_COMPANY = "same name, no company to tell them apart"
SURNAME_ONLY = "surname only beside the full name, same company"
SAME_COMPANY_NO_NAME = "same company, no person's name"
# A key shared by more contacts than this is a shared line or an info@ address, not a person.
MAX_GROUP = 6

# The fields a merge decides, in the order a preview lists them.
MERGED_FIELDS = (*CONTACT_FIELDS, "opener_override")
FIELD_TITLES = {
    "name": "Name", "title": "Title", "company": "Company", "email": "E-mail", "notes": "Notes",
    "reason": "Why we called", "referred_by": "Referred by", "next_step": "Next step",
    "opener_override": "Their opener",
}  # fmt: skip
# Text that is added to, not chosen: both sides' notes are kept.
_JOINED = frozenset({"notes"})


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that may be one person; `first` is the older (lower id)."""

    first: Contact
    second: Contact
    reasons: tuple[str, ...]

    @property
    def ids(self) -> tuple[int, int]:
        return self.first.id, self.second.id


def find_duplicates(
    contacts: Iterable[Contact], dismissed: frozenset[tuple[int, int]] = frozenset()
) -> list[DuplicatePair]:
    """Every likely pair, strongest reasons first; `dismissed` holds (low id, high id) pairs a
    person said are different people."""
    book = {c.id: c for c in contacts}
    groups: dict[tuple[str, ...], list[int]] = {}
    folded: dict[str, str] = {}  # companies and surnames repeat: each is folded once
    for contact in book.values():
        for key in _keys(contact, folded):
            groups.setdefault(key, []).append(contact.id)
    reasons: dict[tuple[int, int], list[str]] = {}
    for key, ids in groups.items():
        if len(ids) < 2 or len(ids) > MAX_GROUP:
            continue
        reason = _REASON_OF[key[0]]
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pair = (min(a, b), max(a, b))
                if pair in dismissed or not _pairs(key[0], book[pair[0]], book[pair[1]]):
                    continue
                found = reasons.setdefault(pair, [])
                if reason not in found:
                    found.append(reason)
    pairs = [
        DuplicatePair(book[a], book[b], tuple(sorted(why, key=_REASONS.index)))
        for (a, b), why in reasons.items()
    ]
    pairs.sort(key=lambda p: (-len(p.reasons), _REASONS.index(p.reasons[0]), p.ids))
    return pairs


def _keys(contact: Contact, folded: dict[str, str]) -> Iterable[tuple[str, ...]]:
    for number in contact.numbers:
        if number.e164:
            yield ("number", number.e164, number.extension)
    email = contact.email.strip().casefold()
    if email:
        yield ("email", email)
    words = name_words(contact.name)
    if len(words) > 1:  # a full name: a first name or a surname alone is many people's
        yield ("person", *sorted(words))
    if not contact.company:
        return
    company = _company(contact.company, folded)
    if company and (not words or _company(contact.name, folded) == company):
        yield ("company", company)  # the company's own entry: no name, or its name as Name
        return
    if not company or not words:
        return
    yield ("name", company, *sorted(words))
    # Every contact offers its surname (the name's last word); a surname-only row offers it too.
    for token in reversed(contact.name.split()):
        surname = _fold(token, folded)
        if surname:
            yield ("surname", company, surname)
            return


def _pairs(kind: str, a: Contact, b: Contact) -> bool:
    if kind == "number":
        return (words_agree(_person_words(a.name), _person_words(b.name))
                or _cut_short(a.name, b.name))  # fmt: skip
    if kind == "email":
        return names_agree(a.name, b.name) or _cut_short(a.name, b.name)
    if kind == "person":  # both at a company: the name key pairs them if it is one
        return not a.company.strip() or not b.company.strip()
    if kind == "surname":
        # Exactly one of them is the surname alone; two full names sharing a surname are not.
        return (len(name_words(a.name)) == 1) != (len(name_words(b.name)) == 1)
    return True


def _cut_short(a: str, b: str) -> bool:
    """One full name the other cut short word by word, each word the start of the other's:
    "Dan Webb" and "Daniel Webb", "D. Webb"; "Priya N", as a caller ID gave it and a New
    contact kept it, beside the "Priya Natarajan" an import added at that number (used as a
    rep: Duplicates did not pair either)."""
    name_a, name_b = words(a), words(b)
    if len(name_a) < 2 or len(name_a) != len(name_b) or name_a == name_b:
        return False  # a surname alone is SURNAME_ONLY's, at the same company only
    return all(x.startswith(y) or y.startswith(x) for x, y in zip(name_a, name_b, strict=True))


def _person_words(name: str) -> frozenset[str]:
    """A name's words without the phone's label a contact saved on a phone often carries
    ("Mike Cell", "Dana Work"), so it pairs with the full name at the same number; a name
    that is nothing but a label ("Office") keeps it, and stays a line, not a person."""
    words = name_words(name)
    return (words - _PHONE_LABELS) or words


# Words phones and their users append to a name to tell one number from another.
_PHONE_LABELS = frozenset({
    "cell", "mobile", "mob", "handy", "iphone", "work", "office", "home", "private",
    "personal", "direct", "new", "old", "phone", "tel",
})  # fmt: skip


def _company(company: str, folded: dict[str, str]) -> str:
    """`_fold` for a company: without its legal form and joining words, unless that is all
    it is called."""
    key = "\0" + company  # its own entry in the cache surnames share
    found = folded.get(key)
    if found is None:
        words = name_words(company)
        found = folded[key] = " ".join(sorted((words - _LEGAL_FORMS) or words))
    return found


# Written with a company's name or left off, in the exports reps get: "Cobalt Freight Inc."
# in the CRM, "Cobalt Freight" in the address book; "Palmer & Sons" and "Palmer and Sons".
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "plc", "corp", "corporation", "co",
    "company", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ev", "sa", "sas", "sarl", "srl", "spa",
    "bv", "nv", "ab", "aps", "asa", "oy", "oyj", "pty", "and", "und", "et", "the",
})  # fmt: skip


def _fold(text: str, folded: dict[str, str]) -> str:
    """`text`'s words folded as names are, sorted and joined: one string to group on."""
    found = folded.get(text)
    if found is None:
        found = folded[text] = " ".join(sorted(name_words(text)))
    return found


_REASONS = (SAME_NUMBER, SAME_EMAIL, SAME_NAME, SAME_NAME_NO_COMPANY, SURNAME_ONLY,
            SAME_COMPANY_NO_NAME)  # fmt: skip
_REASON_OF = {"number": SAME_NUMBER, "email": SAME_EMAIL, "name": SAME_NAME,
              "person": SAME_NAME_NO_COMPANY, "surname": SURNAME_ONLY,
              "company": SAME_COMPANY_NO_NAME}  # fmt: skip


# -- merging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChoice:
    field: str
    kept: str  # the keeper's value before the merge
    other: str  # the other contact's value
    result: str
    # The other's value does not win but is not lost either: it is written into the notes.
    to_notes: bool = False
    # On the notes: the lines that hold other fields' set-aside values, at the result's end.
    set_aside: str = ""

    @property
    def source(self) -> str:
        """Where the result comes from: "kept", "other", "both" or "" (both empty or equal)."""
        result = self.result.removesuffix(self.set_aside)
        if self.kept == self.other or not (self.kept or self.other):
            return ""
        if result == self.kept:
            return "kept"
        if result == self.other:
            return "other"
        return "both"


@dataclass(frozen=True)
class MergePlan:
    """What merging `other` into `kept` gives: `kept` stays (its id, its links), `other` goes."""

    kept: Contact
    other: Contact
    fields: tuple[FieldChoice, ...]
    numbers_moved: tuple[StoredNumber, ...]  # the other's numbers the keeper gains
    numbers_dropped: tuple[StoredNumber, ...]  # the other's numbers the keeper has already
    dropped_positions: tuple[int, ...]  # where those are in other.numbers

    def value(self, field: str) -> str:
        return next(c.result for c in self.fields if c.field == field)

    @property
    def changed(self) -> dict[str, str]:
        """The keeper's fields that change, with their new values."""
        return {c.field: c.result for c in self.fields if c.result != c.kept}

    def summary(self) -> str:
        """One sentence for people: whom it keeps and what it brings over."""
        who = self.value("name") or self.value("company") or "(no name)"
        moved = len(self.numbers_moved)
        parts = [f"Keeps {who}"]
        if moved:
            parts.append(f"adds {moved} number{'s' if moved != 1 else ''}")
        taken = [FIELD_TITLES[c.field].lower() for c in self.fields
                 if c.source in ("other", "both")]  # fmt: skip
        if taken:
            parts.append("takes " + _listed(taken) + f" from {self._other_named(who)}")
        noted = [FIELD_TITLES[c.field].lower() for c in self.fields if c.to_notes]
        if noted:
            parts.append(f"keeps the other {_listed(noted)} in the notes")
        return ", ".join(parts) + "."

    def _other_named(self, kept_as: str) -> str:
        """The contact that goes, told apart from the keeper when both bear one name ("Keeps
        Dana Whitfield, takes the title from the other Dana Whitfield (#13)")."""
        other = _who(self.other)
        if other.casefold() != kept_as.casefold():
            return other
        return f"the other {other} (#{self.other.id})"


def plan_merge(kept: Contact, other: Contact) -> MergePlan:
    """The keeper's values win unless empty; the fuller of two agreeing names wins (Lindqvist
    becomes Astrid Lindqvist); notes are both kept. A single value of the other's that differs
    from the keeper's (a second e-mail, another title) would be lost, so it goes into the notes
    as "Other e-mail: …", where undo-merge takes it out again. A number the keeper has already
    (same E.164 and extension, or the same text when unreadable) is dropped, not doubled."""
    choices = []
    for field in MERGED_FIELDS:
        mine, theirs = getattr(kept, field), getattr(other, field)
        result = mine or theirs
        if field == "name" and mine and theirs and names_agree(mine, theirs):
            result = theirs if len(name_words(theirs)) > len(name_words(mine)) else mine
        elif field in _JOINED and mine and theirs and theirs.strip() not in mine:
            result = f"{mine.rstrip()}\n\n{theirs.strip()}"
        lost = (field not in _JOINED and bool(mine and theirs) and result != theirs
                and _folded(theirs) != _folded(result)
                and not (field == "name" and names_agree(mine, theirs)))  # fmt: skip
        choices.append(FieldChoice(field, mine, theirs, result, to_notes=lost))
    lines = [f"Other {FIELD_TITLES[c.field].lower()}: {one_line(c.other)}"
             for c in choices if c.to_notes]  # fmt: skip
    if lines:
        at = next(i for i, c in enumerate(choices) if c.field == "notes")
        notes = choices[at]
        added = ("\n\n" if notes.result.strip() else "") + "\n".join(lines)
        choices[at] = FieldChoice("notes", notes.kept, notes.other,
                                  notes.result + added, set_aside=added)  # fmt: skip
    have = {_number_key(n) for n in kept.numbers}
    moved, dropped, positions = [], [], []
    for position, number in enumerate(other.numbers):
        key = _number_key(number)
        if key in have:
            dropped.append(number)
            positions.append(position)
        else:
            moved.append(number)
        have.add(key)
    return MergePlan(kept, other, tuple(choices), tuple(moved), tuple(dropped), tuple(positions))


def choose_kept(a: Contact, b: Contact) -> tuple[Contact, Contact]:
    """(kept, other): the contact with more calls and filled fields stays, the older on a tie,
    so the record people have been working from keeps its id."""

    def weight(c: Contact) -> tuple[int, int]:
        filled = sum(1 for f in MERGED_FIELDS if getattr(c, f))
        return (len(c.attempts) + filled + len(c.numbers), -c.id)

    return (a, b) if weight(a) >= weight(b) else (b, a)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _number_key(number: StoredNumber) -> tuple[str, str]:
    return (number.e164, number.extension) if number.e164 else ("", number.raw.strip())


def _who(contact: Contact) -> str:
    return contact.name or contact.company or f"contact {contact.id}"


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
