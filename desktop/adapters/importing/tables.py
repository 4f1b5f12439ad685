"""A file's rows as one shape, whatever the format: a header and numbered rows of text cells."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.import_mapping import RowProblem, header_score

# How far down a header row may sit below title rows and preambles.
HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    path: Path
    kind: str  # "CSV", "XLSX"
    source: str  # how it was read, for the report: "CSV, cp1252, ';'"
    unit: str  # what a row number counts: "line" or "row"
    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]  # (line or row number, cells) after the header
    position: Callable[[], int]  # progress so far, in the same unit as `size`
    size: int
    close: Callable[[], None]
    warnings: list[RowProblem] = field(default_factory=list)  # about the file, known at open
    # Records that could not be read as rows, found while reading `rows` (complete once it ends).
    unreadable: list[RowProblem] = field(default_factory=list)
    delimiter: str = ""  # a text file's: "," ";" or TAB (the locale that wrote it shows)
    # A text file read as (or, all ASCII, perhaps saved in) a code page that has no byte for
    # most of the world's letters: Excel wrote "?" for those (desktop.core.lost_letters).
    lossy_encoding: str = ""


def find_header(rows: Sequence[tuple[int, list[str]]]) -> int | None:
    """The index (into `rows`) of the row that looks most like a header, or None when no
    row names a single column this importer knows. Ties go to the first such row."""
    best: tuple[int, int] | None = None
    for i, (_line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells)
        if score and (best is None or score > best[0]):
            best = (score, i)
    return None if best is None else best[1]


def first_filled(rows: Sequence[tuple[int, list[str]]]) -> int | None:
    for i, (_line, cells) in enumerate(rows):
        if any(c.strip() for c in cells):
            return i
    return None


CellEdits = Mapping[tuple[int, int], str]  # (line or row number, column) -> the text to use


def with_edits(
    rows: Iterator[tuple[int, list[str]]], edits: CellEdits
) -> Iterator[tuple[int, list[str]]]:
    """The rows with the cells the person corrected in the Import window's preview in place of
    what the file says, so the correction goes through the same mapping and number reading
    as every other cell (and lands in the rejected-rows file as corrected)."""
    by_line = edits_by_line(edits)
    for line, cells in rows:
        changed = by_line.get(line)
        if changed:
            cells = list(cells)
            for column, text in changed.items():
                if column >= len(cells):
                    cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = text
        yield line, cells


def edits_by_line(edits: CellEdits) -> dict[int, dict[int, str]]:
    """The corrections of each row (or vCard, by the line it starts on), by column (or TEL)."""
    by_line: dict[int, dict[int, str]] = {}
    for (line, column), text in edits.items():
        by_line.setdefault(line, {})[column] = text
    return by_line
