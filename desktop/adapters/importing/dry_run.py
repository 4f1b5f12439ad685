"""An import's dry run: what the first rows of a file will become, before anything is written.

The Import window shows the result, not the raw file: each row as the contact it will be (its
numbers as they will be stored), the rows that will merge into a contact already there and
why, what is flagged and what is rejected. Rows are mapped with the same functions as the import
(desktop.core.import_mapping) and matched with the same decision (import_match.find_matches)
against the store as it is now, read-only: the store is only ever read here, on the preview's
worker thread.

Only the first SHOWN_ROWS rows are kept for display; totals cover up to COUNTED_ROWS rows
(the whole of any ordinary contact file) and say when the file has more.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from desktop.adapters.importing.row_workers import NumberCache
from desktop.adapters.store import ImportIndex, Store, removed_numbers
from desktop.core.import_mapping import (
    CardData,
    ColumnPlan,
    ContactDraft,
    RowProblem,
    Skipped,
    card_number_columns,
    draft_from_card,
    draft_from_cells,
    name_words,
    number_columns,
)
from desktop.core.import_match import (
    ContactRow,
    contact_row,
    find_matches,
    match_reason,
    number_text,
)
from desktop.core.import_merge import merge_fields
from desktop.core.models import CONTACT_FIELDS, NumberFields, StoredNumber
from desktop.core.number_edit import shown_number
from desktop.core.numbers import NumberPolicy

SHOWN_ROWS = 200
COUNTED_ROWS = 2000
_K = TypeVar("_K")


class Fate(StrEnum):
    NEW = "new"
    MERGE = "merge"
    UNCHANGED = "unchanged"  # matches a contact and brings nothing it lacks
    REJECTED = "rejected"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class PlannedNumber:
    number: StoredNumber
    column: int  # the file's column it was read from; -1 for a vCard's TEL
    problem: str = ""  # why it is flagged (kept as text, never matched); "" when it reads

    def text(self) -> str:
        """The number as the cards will show it ("+49 171 2345678 ext. 12 · Mobile"), not the
        E.164 it is stored as: the person checking the preview reads it at a glance."""
        n = self.number
        if n.is_internal:  # read, though no phone number: "3103" rings the colleague's card
            return f"{n.raw} (internal extension)" + (f" · {n.label}" if n.label else "")
        if n.e164 is None:
            return f"{n.raw} (kept as text)"
        return shown_number(n) + (f" · {n.label}" if n.label else "")


@dataclass(frozen=True)
class PlannedRow:
    line: int
    fate: Fate
    note: str  # what happens to the row, in a sentence
    name: str = ""
    company: str = ""
    email: str = ""
    numbers: tuple[PlannedNumber, ...] = ()
    checks: tuple[str, ...] = ()  # what the person should check (flags)
    cells: tuple[str, ...] = ()  # the row as read, with the person's edits

    @property
    def flagged(self) -> bool:
        return bool(self.checks)


@dataclass
class DryRun:
    rows: list[PlannedRow] = field(default_factory=list)  # the first SHOWN_ROWS
    counted: int = 0  # rows the totals cover
    whole_file: bool = True
    totals: dict[Fate, int] = field(default_factory=lambda: dict.fromkeys(Fate, 0))
    flagged: int = 0

    def summary(self) -> str:
        t = self.totals
        parts = [f"add {_count(t[Fate.NEW], 'new contact')}"] if t[Fate.NEW] else []
        if t[Fate.MERGE]:
            parts.append(f"merge {t[Fate.MERGE]:,} into contacts you have")
        if t[Fate.UNCHANGED]:
            parts.append(f"find {t[Fate.UNCHANGED]:,} already there")
        if t[Fate.REJECTED]:
            parts.append(f"reject {_count(t[Fate.REJECTED], 'row')}")
        if t[Fate.SKIPPED]:
            parts.append(f"skip {_count(t[Fate.SKIPPED], 'empty or footer row')}")
        text = "Importing will " + (", ".join(parts) or "add nothing")
        if self.flagged:
            text += f"; {_count(self.flagged, 'row')} {'has' if self.flagged == 1 else 'have'}"
            text += " something to check (marked ⚠)"
        if not self.whole_file:
            text += f" — counted over the first {self.counted:,} rows; the file has more"
        return text + "."

    def add_checks(self, check: Callable[[int], str]) -> None:
        """What else to check in each row, by its line ("" for nothing), found outside the
        row's own reading: a letter the file's code page lost."""
        for i, row in enumerate(self.rows):
            text = check(row.line)
            if text and row.fate is not Fate.REJECTED:
                self.rows[i] = replace(row, checks=(*row.checks, text))
                self.flagged += not row.flagged


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


class _Matcher:
    """The import's matching (pipeline._Run._place) without its writes: rows the file adds
    are remembered in memory, so a later row of the same person says it merges into them."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        index = store.import_index() if store is not None else ImportIndex(next_id=1)
        if store is not None:
            _forget(index, store.demo_contact_ids())  # the import removes them first
        self.index = index
        self.first_new = index.next_id
        self.words: dict[int, frozenset[str]] = {}
        self.added: dict[int, ContactRow] = {}  # this file's new contacts, by their future id

    def place(self, row: ContactRow) -> tuple[Fate, str]:
        index = self.index
        matches = find_matches(row, index.by_number, index.by_email, index.by_identity,
                               self._words)  # fmt: skip
        if not matches:
            self._remember(index.next_id, row)
            self.added[index.next_id] = row
            index.next_id += 1
            return Fate.NEW, "New contact"
        target = min(matches)
        why = match_reason(row, target, index.by_number, index.by_email)
        earlier = self.added.get(target)
        if earlier is not None:
            name = f"{earlier.name or earlier.company} (line {earlier.line})"
            added = _added(earlier.fields, earlier.numbers, row)
            self.added[target] = _merged(earlier, row)
        else:
            contact = self.store.contact(target, attempts_limit=0) if self.store else None
            if contact is None:  # deleted since the index was read
                return Fate.NEW, "New contact"
            name = contact.name or contact.company
            fields = tuple(getattr(contact, f) for f in CONTACT_FIELDS)
            numbers = [(n.raw, n.e164, n.extension, n.label) for n in contact.numbers]
            # Taken off by hand: the import will not add them back, so neither does the plan.
            assert self.store is not None
            numbers += [("", e164, ext, "")
                        for e164, ext in removed_numbers.removed_from(self.store.connection,
                                                                      target)]  # fmt: skip
            added = _added(fields, numbers, row)
        self._remember(target, row)
        kept = "".join(f"; {d}" for d in added.differences)
        if not added.words:
            return Fate.UNCHANGED, f"Already there as {name}: {why}; nothing new{kept}"
        return Fate.MERGE, f"Will merge into {name}: {why} (adds {', '.join(added.words)}){kept}"

    def _words(self, contact_id: int) -> frozenset[str]:
        words = self.words.get(contact_id)
        if words is None:
            words = self.words[contact_id] = name_words(self.index.names.get(contact_id, ""))
        return words

    def _remember(self, contact_id: int, row: ContactRow) -> None:
        if self.index.remember(contact_id, row):
            self.words[contact_id] = row.words


def _forget(index: ImportIndex, ids: set[int]) -> None:
    if not ids:
        return
    index.by_number = _without(index.by_number, ids)
    index.by_email = _without(index.by_email, ids)
    index.by_identity = _without(index.by_identity, ids)
    for contact_id in ids:
        index.names.pop(contact_id, None)


def _without(part: dict[_K, set[int]], ids: set[int]) -> dict[_K, set[int]]:
    return {key: rest for key, found in part.items() if (rest := found - ids)}


@dataclass(frozen=True)
class _Adds:
    words: list[str]  # what a merge adds: fields, "notes (appended)", numbers
    differences: list[str]  # the row's values the contact keeps its own for


def _added(
    fields: Sequence[str], numbers: Iterable[NumberFields], row: ContactRow,
) -> _Adds:
    """What a merge adds to a contact: the fields it lacks, notes it does not have yet, the
    numbers it does not have; and what it keeps its own value for."""
    known = {(n[1], n[2]) for n in numbers}
    merge = merge_fields(fields, row.fields)
    fresh = [n for n in row.numbers if (n[1] or n[2]) and (n[1], n[2]) not in known]
    words = [*merge.added(), *(f"number {number_text(n[1] or '', n[2])}" for n in fresh)]
    return _Adds(words, merge.differences())


def _merged(current: ContactRow, row: ContactRow) -> ContactRow:
    known = {(n[1], n[2]) for n in current.numbers}
    fresh = tuple(n for n in row.numbers if (n[1] or n[2]) and (n[1], n[2]) not in known)
    fields = merge_fields(current.fields, row.fields).fields
    return current._replace(fields=fields, numbers=current.numbers + fresh)


class DryRunner:
    """Feeds rows (or vCard drafts) in file order; `result` has what they will become."""

    def __init__(self, store: Store | None) -> None:
        self._matcher = _Matcher(store)
        self.result = DryRun()

    def table_rows(
        self, rows: Iterable[tuple[int, list[str]]], plan: ColumnPlan, policy: NumberPolicy,
        home: str = "", elsewhere: Sequence[str] = (),
    ) -> None:
        cache = NumberCache(policy)
        for line, cells in rows:
            outcome = draft_from_cells(cells, plan, policy, line, cache.parse, home, elsewhere)
            columns = number_columns(cells, plan) if isinstance(outcome, ContactDraft) else []
            self._add(outcome, columns, tuple(cells), plan)

    def cards(
        self, cards: Iterable[CardData | RowProblem], policy: NumberPolicy
    ) -> list[ContactDraft | RowProblem | Skipped]:
        """vCards (read, or why not), each with its TEL values as its cells: a number is then
        corrected on its TEL as a CSV number is in its column. Returns what each became."""
        cache = NumberCache(policy)
        outcomes: list[ContactDraft | RowProblem | Skipped] = []
        for card in cards:
            if isinstance(card, RowProblem):
                outcomes.append(card)
                self._add(card, [], (), None)
                continue
            outcome = draft_from_card(card, policy, cache.parse)
            columns = card_number_columns(card) if isinstance(outcome, ContactDraft) else []
            self._add(outcome, columns, tuple(value for value, _label in card.tels), None)
            outcomes.append(outcome)
        return outcomes

    def _add(
        self, outcome: ContactDraft | RowProblem | Skipped, columns: list[int],
        cells: tuple[str, ...], plan: ColumnPlan | None,
    ) -> None:
        result = self.result
        result.counted += 1
        if isinstance(outcome, Skipped):
            planned = PlannedRow(outcome.line, Fate.SKIPPED, f"Skipped: {outcome.reason}",
                                 cells=cells)  # fmt: skip
        elif isinstance(outcome, RowProblem):
            where = f"{outcome.field}: " if outcome.field else ""
            planned = PlannedRow(outcome.line, Fate.REJECTED, f"Rejected: {where}"
                                 f"{outcome.message}", cells=cells)  # fmt: skip
        else:
            row = contact_row(outcome)
            fate, note = self._matcher.place(row)
            planned = PlannedRow(
                outcome.line, fate, note, outcome.name, outcome.company, outcome.email,
                _numbers(outcome, columns, plan),
                tuple(f"{w.field}: {w.message}" if w.field else w.message
                      for w in outcome.warnings),
                cells,
            )  # fmt: skip
        result.totals[planned.fate] += 1
        result.flagged += planned.flagged
        if len(result.rows) < SHOWN_ROWS:
            result.rows.append(planned)


def _numbers(
    draft: ContactDraft, columns: list[int], plan: ColumnPlan | None
) -> tuple[PlannedNumber, ...]:
    if len(columns) != len(draft.numbers):
        columns = [-1] * len(draft.numbers)
    planned: list[PlannedNumber] = []
    seen: set[tuple[str | None, str, str]] = set()
    # Each number kept as text has its own warning, in the draft's order, under its column's
    # header (every TEL of a card shares "TEL"): the n-th such number of a column gets the
    # n-th warning of that column, not the first one's again.
    unread: dict[str, deque[str]] = {}
    for w in draft.warnings:
        if w.message.endswith("kept as text only"):
            unread.setdefault(w.field, deque()).append(w.message)
    for number, column in zip(draft.numbers, columns, strict=True):
        problem = ""
        if number.e164 is None and not number.is_internal:
            header = plan.header(column) if plan is not None and column >= 0 else "TEL"
            waiting = unread.get(header)
            problem = waiting.popleft() if waiting else "not a phone number; kept as text only"
        text = "" if number.e164 or number.is_internal else number.raw
        key = (number.e164, number.extension, text)
        if key in seen:  # stored once, as contact_row keeps it
            continue
        seen.add(key)
        planned.append(PlannedNumber(number, column, problem))
    return tuple(planned)
