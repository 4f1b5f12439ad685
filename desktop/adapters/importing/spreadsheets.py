"""Excel and OpenDocument sheets through python-calamine: about 6× faster than openpyxl on
Excel-like files and 13× on inline-string files (contact-import.md §4; measured again by
benchmarks/import_throughput.py).

The data may be on any sheet and below title rows: the sheet and row that look most like a
header win. Cells arrive typed; numbers become text without float artefacts (calamine returns
every number as a float, and str(14155550142.0) would become a wrong number).

calamine aborts the process when an allocation fails; the workbook is checked first
(workbook_guard.py) and read in a child process (sheet_process.py), never in the app's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.tables import HEADER_SEARCH_ROWS, Table, find_header
from desktop.adapters.importing.workbook_guard import check_workbook
from desktop.adapters.regular_file import require_regular
from desktop.core.import_mapping import header_score

MAX_SHEET_BYTES = 100 * 1024 * 1024
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta


def cell_text(value: Cell | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def check_sheet_file(path: Path) -> None:
    """Raise ImportFailed when the workbook is too big or declares more than a contact sheet
    needs (workbook_guard.py); cheap enough to run before every read."""
    try:
        size = require_regular(path)  # calamine's own open would wait on a FIFO for good
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from exc
    if size > MAX_SHEET_BYTES:
        raise ImportFailed(
            f"{path}: the workbook is {size / 1e6:.0f} MB; the importer takes workbooks up to "
            f"{MAX_SHEET_BYTES // (1024 * 1024)} MB. Save the contact sheet as CSV UTF-8."
        )
    check_workbook(path)


def read_sheet_here(path: Path) -> Table:
    """The sheet that looks most like a contact list, read by calamine in this process. Only
    sheet_process.py calls it, after check_sheet_file, in a child with a memory limit."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ImportFailed(f"{path}: not a readable spreadsheet ({exc})") from exc
    best: tuple[int, str, int, list[tuple[int, list[str]]]] | None = None
    # Kept: calamine parses a whole sheet when it is asked for, and a big one takes a second.
    sheets: dict[str, CalamineSheet] = {}
    for name in workbook.sheet_names:
        try:
            sheet = sheets[name] = workbook.get_sheet_by_name(name)
            head = list(_rows(sheet, HEADER_SEARCH_ROWS))
        except (CalamineError, ValueError):
            continue
        found = find_header(head)
        if found is not None:
            score = header_score(head[found][1])
            if best is None or score > best[0]:
                best = (score, name, found, head)
    if best is None:
        workbook.close()
        raise ImportFailed(
            f"{path}: no sheet has a header row this importer knows (such as Name, First name, "
            "Company, Phone, Email) in its first 30 rows"
        )
    _score, name, found, head = best
    header_row, header = head[found]
    sheet = sheets[name]
    total = max(sheet.height, 1)

    done = 0
    closed = False

    def close() -> None:
        nonlocal closed
        if not closed:
            closed = True
            workbook.close()

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal done
        try:
            for row_number, cells in _rows(sheet):
                done = row_number
                if row_number > header_row:
                    yield row_number, cells
        finally:
            close()

    kind = path.suffix.lstrip(".").upper() or "XLSX"
    return Table(path, "XLSX", f"{kind}, sheet {name!r}", "row", header, header_row, records(),
                 lambda: done, total, close)  # fmt: skip


def _rows(sheet: CalamineSheet, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
    # iter_rows starts at the sheet's row 1 (blank rows above the used range come as empty
    # lists), so row numbers in messages are the sheet's own as counted.
    for offset, row in enumerate(sheet.iter_rows()):
        if limit is not None and offset >= limit:
            return
        # Most cells are text already; the type check skips a call per cell.
        yield offset + 1, [c if type(c) is str else cell_text(c) for c in row]
