"""One import: a file in, one atomic batch out, every row accounted for.

Everything happens inside one transaction (perf-limits.md §3): a crash, a kill or a cancel
before the commit leaves the store exactly as it was. Rows are matched against an index read
once at the start; new contacts are written with executemany every few thousand rows and
indexed for search on a writer thread. Mapping rows and reading their numbers is most of the
Python work, so big files do it in worker processes (row_workers.py).
"""

from __future__ import annotations

import functools
import gc
import itertools
import json
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from desktop.adapters.importing.book_mark import BookMark, book_mark
from desktop.adapters.importing.dry_run import COUNTED_ROWS, DryRun, DryRunner
from desktop.adapters.importing.import_turn import import_turn
from desktop.adapters.importing.report import ImportCancelled, ImportFailed, ImportReport
from desktop.adapters.importing.row_workers import RowWorkers
from desktop.adapters.importing.sheet_process import read_sheet_table
from desktop.adapters.importing.spreadsheets import SPREADSHEET_SUFFIXES
from desktop.adapters.importing.tables import CellEdits, Table, edits_by_line, with_edits
from desktop.adapters.importing.text_tables import read_text_table
from desktop.adapters.importing.vcards import (
    VCARD_SUFFIXES,
    CardBlock,
    read_vcard_cards,
    read_vcard_file,
    read_vcard_folder,
)
from desktop.adapters.importing.writer import ChunkWriter
from desktop.adapters.regular_file import read_regular
from desktop.adapters.store import (
    ImportIndex,
    Store,
    StoreError,
    database_companions,
    import_holds,
    removed_numbers,
)
from desktop.core.import_mapping import (
    CardData,
    ColumnPlan,
    ContactDraft,
    Field,
    RowProblem,
    Skipped,
    header_key,
    name_words,
    with_corrected_tels,
)
from desktop.core.import_match import ContactRow, find_matches, number_text
from desktop.core.import_merge import FieldMerge, merge_fields
from desktop.core.import_region import RegionChoice, chosen_region, infer_region
from desktop.core.lost_letters import SENTENCE_FIELDS, LostLetters, card_lost_letters
from desktop.core.models import CONTACT_FIELDS, StoredNumber
from desktop.core.numbers import NumberPolicy

Outcome = ContactRow | RowProblem | Skipped
Progress = Callable[[int, int], None]  # (done, total), in whatever unit the file counts
CHUNK_ROWS = 2000
CHUNK_CARDS = 500  # a card costs vobject about as much as ten rows cost the CSV reader
WORKERS = 2  # row-mapping processes for a big file
REGION_ROWS = 500  # rows read to tell which country the file's numbers are from


@dataclass(frozen=True)
class ImportOptions:
    policy: NumberPolicy  # the rep's home region
    encoding: str | None = None  # the person's choice over the detected one
    mapping: Mapping[int, Field] | None = None  # from the mapping step; None = remembered/auto
    remember_mapping: bool = True
    workers: int | None = None  # number-parsing processes; None: by file size
    # The region for this file's numbers without a country code (the Import window's choice,
    # `import --numbers-region`); None: inferred from the file (desktop.core.import_region).
    region: str | None = None
    # Told once, in words, when another import of this contact book is running and this one
    # waits its turn (desktop.adapters.importing.import_turn).
    on_wait: Callable[[str], None] | None = None
    # Cells corrected in the Import window's preview, by (line or row number, column index):
    # used instead of the file's text, for the preview and the import alike.
    edits: CellEdits = field(default_factory=dict)
    # New contacts get ids from here up at least: a followed file's re-import undoes the old
    # batch first, and its people's ids must not be handed to others (an open contact view,
    # a queued edit).
    first_new_id: int = 0
    # Called inside the import's transaction, with its turn and the write lock held, before
    # anything is written; raising stops the import with nothing changed. The Import window
    # checks there that its preview is still what the import will do (stale_plan.py).
    check_plan: Callable[[Store], None] | None = None
    # Contacts no row merges into: a followed file's people while its next version is
    # imported beside them, to be matched to it and updated in place (following.py).
    set_aside: frozenset[int] = frozenset()
    # The new contacts are left out of the search index, for the caller to index in the same
    # transaction (Store.catch_up_search_index): a followed re-import drops most of them again,
    # folded into the contacts they update, and each would be indexed and unindexed for nothing.
    index_later: bool = False


def file_kind(path: Path) -> str:
    """"vcard", "sheet" or "text", by content first: users rename files."""
    try:
        head = read_regular(path, 4096)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from exc
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "sheet"
    text = head.lstrip(b"\xef\xbb\xbf \r\n\t").upper()
    if text.startswith(b"BEGIN:VCARD") or b"BEGIN:VCARD" in head.upper()[:512]:
        return "vcard"
    suffix = path.suffix.lower()
    if suffix in VCARD_SUFFIXES:
        return "vcard"
    if suffix in SPREADSHEET_SUFFIXES and suffix != ".xls":
        return "sheet"
    return "text"


def open_table(path: Path, encoding: str | None = None, edits: CellEdits | None = None) -> Table:
    if file_kind(path) == "sheet":
        table = read_sheet_table(path)
    else:
        table = read_text_table(path, encoding)
    if edits:
        table.rows = with_edits(table.rows, edits)
    return table


def lost_letters(table: Table, plan: ColumnPlan) -> LostLetters | None:
    """Follows the table's rows (as corrected) for letters its code page lost, when it was
    read in one that may have; its warnings are complete once the rows run out."""
    if not table.lossy_encoding:
        return None
    prose = frozenset(c for c, f in plan.fields.items() if f in SENTENCE_FIELDS)
    found = LostLetters(table.lossy_encoding, table.header, table.header_line, table.unit,
                        prose)  # fmt: skip

    def checked(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        for line, cells in rows:
            found.check(line, cells)
            yield line, cells

    table.rows = checked(table.rows)
    return found


@dataclass
class Preview:
    """What the Import window shows before anything is written."""

    path: Path
    kind: str
    source: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    plan: ColumnPlan | None  # None for vCards
    remembered: bool = False
    cards: list[ContactDraft | RowProblem | Skipped] = field(default_factory=list)
    # How the file reads as a whole (bytes that are not UTF-8, a quote never closed).
    warnings: list[RowProblem] = field(default_factory=list)
    region: RegionChoice | None = None  # where numbers without a country code are read
    demo_contacts: int = 0  # demo-book contacts the import will remove
    # What the rows will become (new, merged into whom, flagged, rejected): the import's dry run.
    planned: DryRun = field(default_factory=DryRun)
    # The contacts as the plan was worked out against (book_mark.py); () without a store.
    book_mark: BookMark = ()


def refuse_own_database(path: Path, database: Path) -> None:
    """Reading CallerCard's own database (or its -wal/-shm) as a contact file would open it
    outside SQLite, which drops this process's locks on it and lets another process delete the
    WAL under us. A person can pick it by mistake in the file dialog, so it is refused by
    identity (hard links and other spellings of the path included), before anything opens it."""
    for own in (database, *database_companions(database)):
        try:
            same = os.path.samefile(path, own)
        except OSError:
            continue  # one of the two does not exist
        if same:
            raise ImportFailed(
                f"{path}: this is CallerCard's own contact database, not a contact file; "
                "nothing was imported"
            )


def preview_file(
    path: Path, options: ImportOptions, store: Store | None = None, rows: int = 20
) -> Preview:
    if store is not None:
        refuse_own_database(path, store.path)
    # Taken before the plan is worked out: a change in between shows as a mark that is old,
    # so the plan is worked out once more rather than trusted.
    mark = book_mark(store) if store is not None else ()
    preview = _preview_file(path, options, store, rows)
    preview.book_mark = mark
    preview.demo_contacts = store.demo_contact_count() if store is not None else 0
    return preview


def _preview_file(path: Path, options: ImportOptions, store: Store | None, rows: int) -> Preview:
    runner = DryRunner(store)
    if file_kind(path) == "vcard":
        _count, items, lossy = read_vcard_file(path, options.encoding)
        region = _card_region(options)
        corrected = edits_by_line(options.edits)
        read: list[CardData | RowProblem] = []
        for item in items:
            if len(read) >= COUNTED_ROWS:
                runner.result.whole_file = False
                break
            if isinstance(item, CardData):
                item = with_corrected_tels(item, corrected.get(item.line, {}))
            read.append(item)
        cards = runner.cards(read, _file_policy(region, options))
        lost = card_lost_letters(lossy) if lossy else None
        if lost is not None:
            for card in cards:
                if isinstance(card, ContactDraft):
                    lost.check(card.line, [getattr(card, f) for f in CONTACT_FIELDS])
            runner.result.add_checks(lost.check_text)
        return Preview(path, "vCard", "vCard", [], 0, [], None, cards=cards[:rows], region=region,
                       planned=runner.result, warnings=lost.warnings() if lost else [])  # fmt: skip
    table = open_table(path, options.encoding, options.edits)
    try:
        plan, remembered = _plan(table.header, options, store)
        lost = lost_letters(table, plan)
        head = [r for _, r in zip(range(max(rows, COUNTED_ROWS)), table.rows, strict=False)]
        whole = next(table.rows, None) is None
    finally:
        table.close()
    region = _table_region(table, head[:REGION_ROWS], plan, options)
    home = options.policy.region if region.region != options.policy.region else ""
    runner.table_rows(head, plan, _file_policy(region, options), home, _elsewhere(region))
    runner.result.whole_file = whole
    if lost is not None:
        runner.result.add_checks(lost.check_text)
    return Preview(path, table.kind, table.source, table.header, table.header_line, head[:rows],
                   plan, remembered, warnings=[*(lost.warnings() if lost else []),
                                               *table.warnings, *table.unreadable],
                   region=region, planned=runner.result)  # fmt: skip


def _table_region(
    table: Table, head: Sequence[tuple[int, list[str]]], plan: ColumnPlan, options: ImportOptions
) -> RegionChoice:
    home = options.policy.region
    if options.region:
        return chosen_region(options.region, home)
    return infer_region(table.header, (cells for _, cells in head), plan, home, table.delimiter)


def _card_region(options: ImportOptions) -> RegionChoice:
    # vCards write numbers internationally far more often than sheets; their region is the
    # home region unless the person chooses another.
    home = options.policy.region
    return chosen_region(options.region, home) if options.region else RegionChoice(home, home)


def _elsewhere(region: RegionChoice) -> tuple[str, ...]:
    """The other countries a file of several points at, whose rows are settled one by one."""
    return region.others if region.mixed else ()


def _file_policy(region: RegionChoice, options: ImportOptions) -> NumberPolicy:
    return NumberPolicy(region.region, options.policy.outside_line_prefixes)


def _plan(
    header: Sequence[str], options: ImportOptions, store: Store | None
) -> tuple[ColumnPlan, bool]:
    if options.mapping is not None:
        return ColumnPlan(tuple(header), dict(options.mapping)), False
    if store is not None:
        saved = store.remembered_mapping(header_key(header))
        if saved is not None:
            try:
                fields = {int(k): Field(v) for k, v in json.loads(saved).items()}
            except (ValueError, TypeError, AttributeError):
                fields = {}
            if fields:
                return ColumnPlan(tuple(header), fields), True
    return ColumnPlan.from_headers(header), False


def import_file(
    store: Store,
    path: Path,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import one file as one batch. Raises ImportFailed (nothing changed) when the file as a
    whole cannot be imported, ImportCancelled when `cancel` was set before the commit."""
    refuse_own_database(path, store.path)
    folder = path.is_dir()
    if folder or file_kind(path) == "vcard":
        decoding: list[RowProblem] = []
        lost: LostLetters | None = None
        checked: Callable[[Iterator[Outcome]], Iterator[Outcome]] | None = None
        if folder:  # a folder of .vcf files, one card each, kept by another sync tool
            cards, problems, lossy_files = read_vcard_folder(path, options.encoding)
            if lossy_files:
                lost, checked = _folder_lost_letters(cards, problems, lossy_files)
        else:
            cards, problems, lossy = read_vcard_cards(path, options.encoding, decoding)
            lost = card_lost_letters(lossy) if lossy else None
            if lost is not None:
                checked = functools.partial(_checked_cards, lost=lost)
            corrected = edits_by_line(options.edits)
            for card in cards:
                card.corrected = corrected.get(card.line, {})
        total = len(cards) + len(problems)
        # A card's number in the report is the line its BEGIN:VCARD is on.
        report = ImportReport(path, unit="line", source="vCard folder" if folder else "vCard",
                              region=_card_region(options), warnings=decoding)  # fmt: skip
        run = _Run(store, report, options, progress, cancel)
        policy = _file_policy(report.region, options) if report.region else options.policy
        outcomes = _card_outcomes(cards, problems, options, policy)
        run.execute(checked(outcomes) if checked else outcomes,
                    lambda: (run.seen, total), None)  # fmt: skip
        if lost is not None:  # first: what to do about them is the news
            report.warnings[:0] = lost.warnings()
            report.lost_letters = lost.cells
        return report
    table = open_table(path, options.encoding, options.edits)
    try:
        plan, _remembered = _plan(table.header, options, store)
        lost = lost_letters(table, plan)
        if not plan.usable:
            raise ImportFailed(
                f"{path}: {table.unit} {table.header_line}: no column this importer can name a "
                "contact from (expected headers such as Name, First Name, Company). Open the "
                "file in the Import window to say which column is which."
            )
        head = [r for _, r in zip(range(REGION_ROWS), table.rows, strict=False)]
        region = _table_region(table, head, plan, options)
        table.rows = itertools.chain(head, table.rows)
        report = ImportReport(path, unit=table.unit, source=table.source,
                              header=list(table.header), warnings=list(table.warnings),
                              region=region)  # fmt: skip
        run = _Run(store, report, options, progress, cancel)
        run.execute(
            _table_outcomes(table, plan, options, run, region),
            lambda: (table.position(), table.size),
            plan if options.mapping is not None and options.remember_mapping else None,
        )
    finally:
        table.close()
    if lost is not None:  # first: what to do about them is the news
        report.warnings[:0] = lost.warnings()
        report.lost_letters = lost.cells
    return report


def _checked_cards(outcomes: Iterator[Outcome], lost: LostLetters) -> Iterator[Outcome]:
    for outcome in outcomes:
        if isinstance(outcome, ContactRow):
            lost.check(outcome.line, list(outcome.fields))
        yield outcome


def _folder_lost_letters(
    cards: list[CardBlock], problems: list[RowProblem], lossy_files: dict[str, str]
) -> tuple[LostLetters, Callable[[Iterator[Outcome]], Iterator[Outcome]]]:
    """LostLetters for the cards of a folder's files read in a code page, each card numbered
    by its place in the folder and named by its file; and what checks the folder's outcomes
    (its problems first, then one per card, in order: _card_outcomes)."""
    files = [card.file for card in cards]
    code_pages = Counter(lossy_files.values())  # one exporter, one code page: the most told
    lost = card_lost_letters(code_pages.most_common(1)[0][0], lambda n: files[n - 1])

    def check(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
        for n, outcome in enumerate(outcomes, start=1 - len(problems)):
            if n >= 1 and files[n - 1] in lossy_files and isinstance(outcome, ContactRow):
                lost.check(n, list(outcome.fields))
            yield outcome

    return lost, check


def _card_outcomes(
    cards: list[CardBlock], problems: list[RowProblem], options: ImportOptions,
    policy: NumberPolicy,
) -> Iterator[Outcome]:
    yield from problems
    workers = options.workers
    if workers is None:
        workers = WORKERS if len(cards) >= CHUNK_CARDS else 0
    chunks = (cards[k : k + CHUNK_CARDS] for k in range(0, len(cards), CHUNK_CARDS))
    with RowWorkers(workers, policy) as pool:
        for _card, outcome in pool.cards(chunks):
            yield outcome


def _table_outcomes(
    table: Table, plan: ColumnPlan, options: ImportOptions, run: _Run, region: RegionChoice
) -> Iterator[Outcome]:
    def chunks() -> Iterator[list[tuple[int, list[str]]]]:
        while chunk := [r for _, r in zip(range(CHUNK_ROWS), table.rows, strict=False)]:
            yield chunk

    stream = chunks()
    first = next(stream, [])
    workers = options.workers
    if workers is None:
        # Worker processes pay off from a few thousand rows: only a file that fills its
        # first chunk starts them, whatever unit its size is counted in.
        workers = WORKERS if len(first) == CHUNK_ROWS else 0
    home = options.policy.region if region.region != options.policy.region else ""
    with RowWorkers(
        workers, _file_policy(region, options), plan, home, _elsewhere(region)
    ) as pool:
        for (line, cells), outcome in pool.drafts(itertools.chain([first], stream)):
            if isinstance(outcome, RowProblem):
                run.report.rejected_cells[line] = list(cells)
            yield outcome
    yield from table.unreadable  # complete now that the rows ran out


@dataclass
class _Pending:
    id: int
    row: ContactRow


class _Run:
    def __init__(
        self,
        store: Store,
        report: ImportReport,
        options: ImportOptions,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.store = store
        self.report = report
        self.options = options
        self.progress = progress
        self.cancel = cancel
        self.seen = 0
        self.pending: dict[int, _Pending] = {}
        self.index: ImportIndex | None = None
        self.writer: ChunkWriter | None = None
        self.first_new_id = 0
        # Name words per contact, folded once: a shared switchboard number is compared
        # against every name behind it on every row that carries it.
        self.words: dict[int, frozenset[str]] = {}
        # The stored contacts its rows matched, and the numbers they carried that those had:
        # what undoing the import that brought them must leave while this one stays
        self.holds: list[import_holds.Hold] = []

    def execute(
        self,
        outcomes: Iterable[Outcome],
        where: Callable[[], tuple[int, int]],
        plan_to_remember: ColumnPlan | None,
    ) -> None:
        with _collector_paused():
            try:
                self._execute(outcomes, where, plan_to_remember)
            finally:
                self._forget()

    def _forget(self) -> None:
        """Let go of what the run matched against while the collector is still paused: it
        would otherwise walk all of it once more when it is back (160 ms at 100,000 rows,
        with the GIL held and the Import window frozen)."""
        index, self.index = self.index, None
        self.words = {}
        if index is not None:
            for part in (index.by_number, index.by_identity, index.by_email, index.names):
                part.clear()
                time.sleep(0)  # freeing is one long C call: let the GUI thread in between

    def _execute(
        self,
        outcomes: Iterable[Outcome],
        where: Callable[[], tuple[int, int]],
        plan_to_remember: ColumnPlan | None,
    ) -> None:
        report = self.report
        try:
            with (
                import_turn(self.store.path, report.path.name, on_wait=self.options.on_wait,
                            cancel=self.cancel),  # fmt: skip
                self.store.transaction(),
            ):
                if self.options.check_plan is not None:
                    self.options.check_plan(self.store)
                # The demo book goes with the first real import, before anything is matched:
                # a real prospect must never be "already there" because the demo had them.
                report.demo_removed = self.store.remove_demo_book()
                # New rows skip the per-row search-index triggers (6.8x the insert itself);
                # the writer thread indexes each chunk once it is stored.
                with (
                    self.store.deferred_search_index(catch_up=not self.options.index_later),
                    ChunkWriter() as self.writer,
                ):
                    self._load(outcomes, where, plan_to_remember)
                self.store.adopt_unknown_calls()  # an unknown caller's calls, now theirs
        except StoreError as exc:
            raise ImportFailed(str(exc)) from exc
        except sqlite3.Error as exc:
            raise ImportFailed(
                f"{report.path}: the contact database refused the import ({exc}); nothing was "
                "changed"
            ) from exc
        self.store.give_back_space()  # committed: its -wal file need not stay that big

    def _load(
        self,
        outcomes: Iterable[Outcome],
        where: Callable[[], tuple[int, int]],
        plan_to_remember: ColumnPlan | None,
    ) -> None:
        report = self.report
        self.index = self.store.import_index(self.options.set_aside)
        self.index.next_id = max(self.index.next_id, self.options.first_new_id)
        self.first_new_id = self.index.next_id
        for outcome in outcomes:
            self.seen += 1
            if isinstance(outcome, Skipped):
                report.skipped += 1
            elif isinstance(outcome, RowProblem):
                report.rejected.append(outcome)
            else:
                report.warnings.extend(outcome.warnings)
                self._place(outcome)
            if self.seen % CHUNK_ROWS == 0:
                self._flush()
                self._tick(where)
        if self.seen == 0 or (
            report.imported + report.merged + report.unchanged == 0
            and not report.rejected
        ):
            raise ImportFailed(
                f"{report.path}: no contacts in this file"
                + (" below its header row" if report.header else "")
            )
        self._flush()
        if report.batch_id is None and import_holds.holds_anew(
            self.store.connection, str(report.path.absolute()), self.holds
        ):
            # Every row already there, but not as this file's: its import is recorded and holds
            # them ('0 added, 3 already there'), or undoing the file that brought them took
            # them from the rep while this one, still imported, has them too. The same file
            # again holds nothing anew and changes nothing.
            self._batch()
        if report.batch_id is not None:
            import_holds.record(self.store.connection, report.batch_id, self.holds)
            self.store.finish_batch(report.batch_id, json.dumps(report.to_json()))
        if plan_to_remember is not None:
            self.store.remember_mapping(
                header_key(plan_to_remember.headers),
                json.dumps({str(k): v.value for k, v in plan_to_remember.fields.items()}),
            )
        self._tick(where)

    def _tick(self, where: Callable[[], tuple[int, int]]) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled(f"{self.report.path}: import cancelled; nothing was changed")
        if self.progress is not None:
            done, total = where()
            self.progress(done, total)

    def _batch(self) -> int:
        if self.report.batch_id is None:
            path = self.report.path
            # Absolute, as a followed file's is: `callercard import Liste.csv` typed in its
            # folder is an import of that same file (followed_plain.py).
            self.report.batch_id = self.store.create_batch(f"Import of {path.name}",
                                                           str(path.absolute()))
        return self.report.batch_id

    def _flush(self) -> None:
        if not self.pending:
            return
        assert self.writer is not None
        rows = [(p.id, p.row.fields, p.row.numbers) for p in self.pending.values()]
        last_number = self.store.insert_imported(rows, self._batch())
        # Indexing is one long statement per table: sqlite3 lets go of the GIL for all of
        # it, so it runs on the other core while this thread matches the next chunk.
        last_contact, store = rows[-1][0], self.store
        if not self.options.index_later:
            self.writer.submit(lambda: store.advance_search_index(last_contact, last_number))
        self.pending.clear()

    def _place(self, row: ContactRow) -> None:
        assert self.index is not None
        index = self.index
        matches = find_matches(row, index.by_number, index.by_email, index.by_identity,
                               lambda cid: self.words.get(cid) or self._words(cid))  # fmt: skip
        if not matches:
            contact_id = index.next_id
            index.next_id += 1
            self.pending[contact_id] = _Pending(contact_id, row)
            self._remember(contact_id, row)
            self.report.imported += 1
            return
        target = min(matches)
        if target in self.pending:
            self._merge_pending(self.pending[target], row)
        else:
            self._merge_stored(target, row)

    def _words(self, contact_id: int) -> frozenset[str]:
        assert self.index is not None
        words = self.words.get(contact_id)
        if words is None:
            words = self.words[contact_id] = name_words(self.index.names.get(contact_id, ""))
        return words

    def _remember(self, contact_id: int, row: ContactRow) -> None:
        assert self.index is not None
        if self.index.remember(contact_id, row):
            self.words[contact_id] = row.words

    def _merge_pending(self, pending: _Pending, row: ContactRow) -> None:
        current = pending.row
        merge = merge_fields(current.fields, row.fields)
        known = {(n[1], n[2]) for n in current.numbers}
        fresh = [n for n in row.numbers if (n[1] or n[2]) and (n[1], n[2]) not in known]
        pending.row = current._replace(fields=merge.fields, numbers=current.numbers + tuple(fresh))
        self._remember(pending.id, row)
        self._count_merge(current.name or current.company, merge,
                          [StoredNumber(*n) for n in fresh], row.line,
                          f" ({self.report.unit} {current.line})")  # fmt: skip

    def _merge_stored(self, target: int, row: ContactRow) -> None:
        current = self.store.contact(target, attempts_limit=0)
        if current is None:
            return
        merge = merge_fields(tuple(getattr(current, f) for f in CONTACT_FIELDS), row.fields)
        # A number the rep took off this person by hand stays off, whatever the file says.
        known = {(n.e164, n.extension) for n in current.numbers}
        known |= removed_numbers.removed_from(self.store.connection, target)
        fresh = [StoredNumber(*n) for n in row.numbers
                 if (n[1] or n[2]) and (n[1], n[2]) not in known]  # fmt: skip
        if target < self.first_new_id:  # a contact of before this import: it has it too
            had = {(n.e164, n.extension) for n in current.numbers}
            self.holds.append((target, None, None))
            self.holds.extend((target, n[1], n[2]) for n in row.numbers
                              if (n[1] or n[2]) and (n[1], n[2]) in had)  # fmt: skip
        if fresh or merge.changed:
            # Only a real change opens a batch: re-importing a file changes nothing at all.
            if target >= self.first_new_id and self.writer is not None:
                # Its search entry may be being written right now; the change must land after
                # it, or the index would keep the values from before the merge.
                self.writer.drain()
            batch = self._batch()
            self.store.merge_imported(target, merge, batch)
            self.store.add_numbers(target, fresh, batch)
        self._remember(target, row)
        self._count_merge(current.name or current.company, merge, fresh, row.line, "")

    def _count_merge(
        self, name: str, merge: FieldMerge, fresh: list[StoredNumber], line: int, where: str
    ) -> None:
        kept = "".join(f"; {d}" for d in merge.differences())
        if not merge.changed and not fresh:
            self.report.unchanged += 1
            if kept:  # the file's other values are said, never dropped in silence
                self.report.merges.append(
                    f"{self.report.unit} {line}: already there as {name!r}{where}{kept}"
                )
            return
        self.report.merged += 1
        what = ", ".join([*merge.added(), *(f"number {number_text(n.e164 or '', n.extension)}"
                                            for n in fresh)])  # fmt: skip
        self.report.merges.append(
            f"{self.report.unit} {line}: merged into {name!r}{where} (added {what}){kept}"
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file is imported. An import allocates a few
    hundred thousand objects that live until it ends and none that form cycles, so every
    collection in between walks a growing heap to free nothing: measured at 100,000 rows,
    that was a third of the import (10.9 s with the collector, 6.3 s without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            # Once, now that the run's objects are gone: a full collection also empties the
            # allocator's free lists, and the memory pages they pinned go back to the system
            # (at 100,000 rows: 170 MB of resident memory down to 80 MB).
            gc.collect()
