"""Contact files, fed their seed corpus and mutants of it: CSV/TXT and vCard bytes, and small
well-formed workbooks whose cells are mutated. Only ImportFailed escapes, a failed import leaves
nothing behind, every row is accounted for, and cell text comes back as it was written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from desktop.adapters.importing import ImportFailed
from desktop.adapters.importing.sheet_process import read_sheet_table
from tests.adapters.test_import_fuzz import run as import_bytes
from tests.fuzz.corpus import bounded, entries, fuzz_settings, mutants, mutated_text, replay_cases

Grid = list[list[object]]


def check_csv(data: bytes) -> None:
    for suffix in (".csv", ".txt"):
        with bounded("CSV import"):
            import_bytes(data, suffix)


def check_vcard(data: bytes) -> None:
    with bounded("vCard import"):
        import_bytes(data, ".vcf")


def written(value: object) -> object:
    """What openpyxl can store: it refuses C0 control characters in a cell (Excel does too), and
    Excel caps a cell at 32,767 characters. A CR it writes raw, which XML reading turns into LF
    (Excel itself writes _x000D_), so cells are written with LF line ends; and "_x000D_" as text
    it writes unescaped, which readers rightly take for a CR."""
    if isinstance(value, str):
        text = value.encode("utf-8", "replace").decode().replace("\r\n", "\n").replace("\r", "\n")
        return ILLEGAL_CHARACTERS_RE.sub("", text.replace("_x", "_ x"))[:32_767]
    return value


def check_xlsx(grid: Grid) -> None:
    rows = [[written(v) for v in row] for row in grid]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row_number, column, value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # "=…" is text here, not a formula
        book.save(path)
        with bounded("XLSX read"):
            try:
                table = read_sheet_table(path)
            except ImportFailed:
                pass
            else:
                try:
                    # Rows start at the sheet's first used column, so a blank column A is
                    # left out of every row alike.
                    skipped = blank_columns(table.header, rows[table.header_line - 1])
                    same_text(table.header, rows[table.header_line - 1][skipped:])
                    for number, cells in table.rows:
                        same_text(cells, rows[number - 1][skipped:])
                finally:
                    table.close()
            import_bytes(path.read_bytes(), ".xlsx")


def blank_columns(header: list[str], row: list[object]) -> int:
    """How many blank columns the reader left out before the header it read."""
    for skipped in range(len(row) + 1):
        if any(_text(v) for v in row[:skipped]):
            break
        try:
            same_text(header, row[skipped:])
        except AssertionError:
            continue
        return skipped
    return 0


def same_text(cells: list[str], row: list[object]) -> None:
    width = max(len(cells), len(row))
    expected = [_text(v) for v in row] + [""] * (width - len(row))
    assert cells + [""] * (width - len(cells)) == expected, (cells, row)


def _text(value: object) -> str:
    # Only text and None are compared: numbers and dates have their own golden tests. openpyxl
    # writes a blank-only string without xml:space="preserve", so XML reading drops it.
    if value is None or (isinstance(value, str) and not value.strip(" \n\t")):
        return ""
    return value if isinstance(value, str) else _ANY


class _Any(str):
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str)

    __hash__ = str.__hash__


_ANY = _Any()


def grids() -> list[Grid]:
    return [json.loads(data) for data in entries("xlsx")]


_CELL_TEXT = mutated_text(entries("callerid_text")) | mutated_text(entries("csv")).map(
    lambda text: text[:300]
)
_CELL = st.one_of(
    _CELL_TEXT,
    st.none(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["=1+1", "@SUM(A1)", "+14155550142", "Grand Totals (2 records)", " ", ""]),
)


@st.composite
def mutated_grids(draw: st.DrawFn) -> Grid:
    grid = [list(row) for row in draw(st.sampled_from(grids()))]
    for _ in range(draw(st.integers(1, 8))):
        if not grid:
            grid.append([])
        row = draw(st.integers(0, len(grid) - 1))
        column = draw(st.integers(0, 12))
        cells = grid[row]
        cells.extend([None] * (column + 1 - len(cells)))
        cells[column] = draw(_CELL)
    if draw(st.booleans()):
        del grid[draw(st.integers(0, len(grid))) :]
    return grid


@pytest.mark.parametrize(("parser", "data"), replay_cases(["csv", "vcard", "xlsx"]))
def test_every_corpus_entry_imports_cleanly(parser: str, data: bytes) -> None:
    if parser == "xlsx":
        check_xlsx(json.loads(data))
    elif parser == "csv":
        check_csv(data)
    else:
        check_vcard(data)


@fuzz_settings(40)
@given(mutants(entries("csv")))
def test_mutated_csv_imports_all_or_nothing(data: bytes) -> None:
    check_csv(data)


@fuzz_settings(40)
@given(mutants(entries("vcard")))
def test_mutated_vcards_import_all_or_nothing(data: bytes) -> None:
    check_vcard(data)


@fuzz_settings(25)
@given(mutated_grids())
def test_workbooks_with_mutated_cells_read_back_their_text(grid: Grid) -> None:
    check_xlsx(grid)
