"""What an import did, row by row: imported, merged, already there, rejected (why), skipped."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic
from desktop.core.import_history import kept_text
from desktop.core.import_mapping import RowProblem
from desktop.core.import_region import RegionChoice


class ImportFailed(Exception):
    """The file as a whole cannot be imported; nothing was changed."""


class ImportCancelled(ImportFailed):
    """The person stopped the import; nothing was changed."""


@dataclass
class ImportReport:
    path: Path
    batch_id: int | None = None
    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    # People of a followed file's last version its new one changed (followed_rows.py): the
    # same contacts, updated in place; its unchanged people count as already there
    updated: int = 0
    skipped: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    unit: str = "line"  # what RowProblem.line counts: "line" (CSV, vCard), "row" (XLSX)
    source: str = ""  # how the file was read: "CSV, cp1252, ';'", "XLSX sheet 'Prospects'"
    header: list[str] = field(default_factory=list)
    rejected_cells: dict[int, list[str]] = field(default_factory=dict)  # by line, for fixing
    region: RegionChoice | None = None  # where numbers without a country code were read
    demo_removed: int = 0  # demo contacts this import took out of the book
    lost_letters: int = 0  # cells with a "?" for a letter the file's code page lost
    # A followed file's people its new version no longer has whom the rep had worked on:
    # kept as the rep's own contacts (following._OldContacts), by name
    kept_by_rep: list[str] = field(default_factory=list)
    # (who, number): numbers its rows had added to the rep's contacts that its new version no
    # longer brings, kept on them for the rep's calls on them (used_numbers.py)
    numbers_kept_by_rep: list[tuple[str, str]] = field(default_factory=list)

    @property
    def unreadable_numbers(self) -> int:
        return sum(1 for w in self.warnings if "kept as text only" in w.message)

    def where(self, problem: RowProblem) -> str:
        text = str(problem)
        # "line 7" or "lines 2 and 4" (RowProblem.where): the unit's word, in either case.
        return text.replace("line", self.unit, 1) if self.unit != "line" else text

    def to_json(self) -> dict[str, object]:
        def listed(problems: list[RowProblem]) -> list[dict[str, object]]:
            return [{self.unit: p.line, "field": p.field, "reason": p.message} for p in problems]

        return {
            "file": str(self.path),
            "read_as": self.source,
            "region": self.region.to_json() if self.region else None,
            "batch": self.batch_id,
            "imported": self.imported,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected_count": len(self.rejected),
            "unreadable_numbers": self.unreadable_numbers,
            "lost_letter_cells": self.lost_letters,
            "rejected": listed(self.rejected),
            "warnings": listed(self.warnings),
            "merges": self.merges,
            "demo_contacts_removed": self.demo_removed,
            "kept_by_rep": self.kept_by_rep,
            "numbers_kept_by_rep": [list(pair) for pair in self.numbers_kept_by_rep],
        }

    def summary(self) -> str:
        parts = [f"{self.imported:,} imported", f"{self.merged:,} merged"]
        if self.updated:
            parts.append(f"{self.updated:,} updated")
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already there")
        parts.append(f"{len(self.rejected):,} rejected")
        if self.skipped:
            if self.source.startswith("vCard"):  # a card with nothing in it, or a group's
                cards = "card" if self.skipped == 1 else "cards"
                parts.append(f"{self.skipped:,} {cards} skipped (empty, or a contact group)")
            else:
                rows = "row" if self.skipped == 1 else "rows"  # "1 empty or footer rows" misread
                parts.append(f"{self.skipped:,} empty or footer {rows} skipped")
        if self.unreadable_numbers:
            count = self.unreadable_numbers
            parts.append(f"{count:,} number{'s need' if count > 1 else ' needs'} fixing")
        if self.lost_letters:
            count = self.lost_letters
            noun = "field" if self.source.startswith("vCard") else "cell"  # a card's, a row's
            parts.append(f"{count:,} {noun}{'s' if count > 1 else ''} with a “?” for a lost letter")
        if self.demo_removed:
            parts.append(f"the {self.demo_removed:,} demo contacts removed")
        batch = f" (batch {self.batch_id})" if self.batch_id else " (nothing changed)"
        kept = kept_text(self.kept_by_rep, self.numbers_kept_by_rep)
        return f"{self.path.name}: " + ", ".join(parts) + batch + (f". {kept}." if kept else "")

    def write_rejected_csv(self, target: Path) -> int:
        """The rejected rows as they were, with the reason in a first column, as a UTF-8 CSV
        that Excel opens (BOM); returns how many rows were written."""
        lines: list[str] = []
        out = _Lines(lines)
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        header = ["Reason", *self.header] if self.header else ["Reason", "Where"]
        writer.writerow([spreadsheet_text(c) for c in header])
        for problem in self.rejected:
            cells = self.rejected_cells.get(problem.line)
            if cells is None:
                cells = [f"{self.unit} {problem.line}"]
            row = [f"{self.unit} {problem.line}: {problem.message}", *cells]
            writer.writerow([spreadsheet_text(c) for c in row])
        write_atomic(target, ("\ufeff" + "".join(lines)).encode("utf-8"))
        return len(self.rejected)


# What makes Excel, LibreOffice or Google Sheets read a CSV cell as a formula (OWASP, "CSV
# Injection"): =HYPERLINK(...) or +cmd|' /C calc'!A0 from an imported file would run when the
# person opens the rejected rows to fix them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(cell: str) -> str:
    """`cell` as a spreadsheet will take it for text, never a formula: OWASP's rule, a leading
    single quote before a formula character (the writer quotes every cell as well).

    A phone number such as "+1 415 555 0142" gets the quote too, on purpose: Excel reads it as
    the formula =+1 415 555 0142 (#NULL!, the spaces are its intersection operator) or, without
    spaces, as a number that loses the + and any leading zero. A salesperson fixing the row
    wants the number as typed; the importer drops that quote again (import_mapping reads
    "'+1 415 555 0142" as the number), so the fixed file imports as it should."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def write(self, text: str) -> int:
        self._lines.append(text)
        return len(text)
