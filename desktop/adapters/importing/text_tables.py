"""CSV and TXT exports: encoding, delimiter and header row found from the bytes themselves.

Decoding order (contact-import.md §0.3): a BOM (UTF-8, UTF-16LE, UTF-16BE), then strict UTF-8,
then the locale's ANSI code page (cp1252 where the locale is UTF-8 itself), unless the person
names one. The delimiter is whichever of , ; TAB makes the best header row (csv.Sniffer fails on
real exports, §0.4). The file is streamed: a big export is never held in memory twice.
"""

from __future__ import annotations

import codecs
import csv
import io
import locale
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.tables import Table, find_header, first_filled
from desktop.adapters.importing.utf8_scan import LENIENT_UTF8, Utf8Scan, scan_utf8
from desktop.adapters.regular_file import open_regular, require_regular
from desktop.core.import_mapping import RowProblem, header_score

MAX_TEXT_BYTES = 256 * 1024 * 1024
MAX_CELL_CHARS = 1_000_000  # a longer cell is no contact's: its row is rejected, not the file
# What csv may read into one cell so that such a row can be rejected alone. Its parser holds a
# cell as 4 bytes a character: 64 MB at most. Only a quote never closed gets past this.
PARSED_CELL_CHARS = 16 * MAX_CELL_CHARS
_HEAD_BYTES = 64 * 1024
_LINES_BATCH_CHARS = 64 * 1024  # about a thousand rows of a typical export at a time
_DELIMITERS = (",", ";", "\t")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NAMES = {"\t": "TAB", ",": "','", ";": "';'"}


def ansi_code_page() -> str:
    """The code page Excel uses for "CSV (Comma delimited)" here: the locale's, or cp1252
    where the locale is UTF-8 (Linux, macOS), since the file most likely came from Windows."""
    name = locale.getencoding()
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return "cp1252"
    return "cp1252" if canonical in ("utf-8", "ascii") else canonical


def detect_encoding(path: Path, head: bytes, override: str | None = None) -> str:
    """The text encoding of a file whose first bytes are `head`."""
    return _detect(path, head, override)[0]


def _detect(path: Path, head: bytes, override: str | None) -> tuple[str, Utf8Scan | None]:
    """The encoding, and for UTF-8 without a BOM where it is not UTF-8 (utf8_scan)."""
    if override:
        try:
            codecs.lookup(override)
        except LookupError as exc:
            raise ImportFailed(f"{path}: --encoding {override!r} is not an encoding") from exc
        return override, None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, None
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise ImportFailed(f"{path}: this is a binary file, not a CSV or text export")
        return utf16, None
    if _looks_binary(head):
        raise ImportFailed(f"{path}: this is a binary file, not a CSV or text export")
    scan = scan_utf8(path)
    return ("utf-8", scan) if scan.mostly_utf8 else (ansi_code_page(), None)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls > max(4, len(head) // 100)


def read_text_table(path: Path, encoding: str | None = None) -> Table:
    size = _checked_size(path)
    with open_regular(path) as fh:
        head = fh.read(_HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFailed(f"{path}: the file is empty")
    enc, scan = _detect(path, head, encoding)
    delimiter, skip, header_line, header = _find_layout(path, head, enc)
    csv.field_size_limit(PARSED_CELL_CHARS)
    raw: BinaryIO = open_regular(path)
    lenient = scan is not None and scan.bad_lines > 0
    text = io.TextIOWrapper(
        raw, encoding=enc, errors=LENIENT_UTF8 if lenient else "replace", newline=""
    )
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for _ in range(skip + 1):
            next(reader)
    except (StopIteration, csv.Error, UnicodeError) as exc:
        raw.close()
        raise ImportFailed(f"{path}: line {header_line}: cannot read the header ({exc})") from exc
    if lines.ended:
        raw.close()
        raise ImportFailed(
            f"{path}: line {header_line}: a quote opens in the header row and is never closed"
        )
    unreadable: list[RowProblem] = []

    def records() -> Iterator[tuple[int, list[str]]]:
        # Each row is handed on once the next one is read: only then is it known whether it
        # was the file's last, which a save stopped half-way may have cut.
        held: tuple[int, list[str]] | None = None
        try:
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    if held is not None and _cut_short(held[1], header, lines.last):
                        unreadable.append(_cut_row(held[0], len(held[1]), len(header)))
                    elif held is not None:
                        yield held
                    return
                except csv.Error as exc:
                    if "field larger than field limit" in str(exc):
                        raise ImportFailed(
                            f"{path}: line {line}: a cell runs on past {PARSED_CELL_CHARS:,}"
                            " characters; is a quote on or after this line never closed?"
                        ) from exc
                    raise ImportFailed(f"{path}: line {line}: {exc}") from exc
                # Only a quote still open can make the end of the file end a record. Its cell
                # then holds the lines after it, or at least the last line's own line break,
                # which a closed record never keeps; a file cut off with no line break after
                # the open quote (a save stopped half-way) has none, and is read again with one.
                if lines.ended and row and (_swallowed(row[-1]) or row[-1].endswith("\n")
                                            or _left_open(lines.last, delimiter)):
                    unreadable.append(_unclosed_quote(row[-1], reader.line_num))
                    if held is not None:
                        yield held
                    return
                if max(map(len, row), default=0) > MAX_CELL_CHARS:
                    unreadable.append(_too_big(row, header, line))
                    continue
                if held is not None:
                    yield held
                held = (line, row)
        finally:
            raw.close()

    def position() -> int:
        try:
            return raw.tell()
        except (OSError, ValueError):
            return size

    read_as = f"{enc} (some bytes as Windows-1252)" if lenient else enc
    kind = "TXT" if path.suffix.lower() == ".txt" else "CSV"
    source = f"{kind}, {read_as}, {_NAMES[delimiter]}"
    warnings = scan.warnings() if scan is not None else []
    return Table(path, "CSV", source, "line", header, header_line, records(), position, size,
                 raw.close, warnings, unreadable, delimiter, _lossy(enc, scan))  # fmt: skip


def _lossy(encoding: str, scan: Utf8Scan | None) -> str:
    """The code page a file may have lost letters to; "" for Unicode that carries them all.
    All ASCII, a file says nothing of its encoding: Excel's "CSV (Comma delimited)" that
    turned each letter it could not carry into "?" is all ASCII too."""
    if codecs.lookup(encoding).name.startswith("utf"):  # a BOM's, or UTF-8 by its bytes
        if scan is not None and not scan.multibyte and scan.bad_lines == 0:
            return "ascii"
        return ""
    return encoding


class _Lines:
    """The text's lines for csv.reader, noting when they run out: csv.reader asks for
    another line after a complete record only when it is asked for the next record."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.ended = False
        self.last = ""  # the file's last line, once they have run out
        self._text = text  # kept open until the table closes its file, not when lines run out
        self._lines = self._follow(text)

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def _follow(self, text: io.TextIOWrapper) -> Iterator[str]:
        # Read and handed on in batches, delegated in C: no Python call per line, and the
        # last line is at hand when they run out.
        while batch := text.readlines(_LINES_BATCH_CHARS):
            yield from batch
            self.last = batch[-1]
        self.ended = True


def _left_open(last: str, delimiter: str) -> bool:
    """Whether the file's last line, with no line break after it, leaves a quote open: read
    with the line break a finished file ends with, its last cell takes that break in."""
    if not last or last.endswith(("\n", "\r")):
        return False
    row = next(csv.reader([last + "\n"], delimiter=delimiter), [])
    return bool(row) and row[-1].endswith("\n")


def _cut_short(row: list[str], header: list[str], last: str) -> bool:
    """Whether the file's last row stops before its last cells with no line break after it:
    a save stopped half-way ("Lead 3,C" under Name,Company,Phone). Exporters end every row,
    the last one too, with a line break; a row short of cells elsewhere is only padded."""
    return bool(last) and not last.endswith(("\n", "\r")) and 0 < len(row) < len(header)


def _cut_row(line: int, cells: int, columns: int) -> RowProblem:
    return RowProblem(
        line, "", f"the file ends in this row, after {cells} of its {columns} cells and with no "
        "line break: was it saved only half-way? Not imported; save the file again",
    )


def _swallowed(cell: str) -> int:
    """How many lines after its first a cell that runs to the end of the file took in."""
    return cell.count("\n") - (1 if cell.endswith("\n") else 0)


def _unclosed_quote(cell: str, last_line: int) -> RowProblem:
    """The record the end of the file closed: its last cell opened a quote and swallowed
    every line after it."""
    swallowed = _swallowed(cell)
    opened = last_line - swallowed
    if swallowed == 0:
        what = "so this line is one cell"
    elif swallowed == 1:
        what = "so this line and the one after it are one cell"
    else:
        what = f"so this line and the {swallowed:,} lines after it are one cell"
    return RowProblem(
        opened,
        "",
        f"a quote opens on this line and is never closed, {what}; not imported. Close the "
        "quote (or remove it) and import again",
    )


def _too_big(row: list[str], header: list[str], line: int) -> RowProblem:
    at, cell = max(enumerate(row), key=lambda item: len(item[1]))
    name = header[at] if at < len(header) and header[at].strip() else f"column {at + 1}"
    return RowProblem(
        line, name, f"a cell of {len(cell):,} characters (more than {MAX_CELL_CHARS:,}); this "
        "row is not imported. Shorten the cell, or check that its quotes close where they should",
    )


def _checked_size(path: Path) -> int:
    try:
        size = require_regular(path)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from exc
    if size == 0:
        raise ImportFailed(f"{path}: the file is empty")
    if size > MAX_TEXT_BYTES:
        raise ImportFailed(
            f"{path}: the file is {size / 1e9:.1f} GB; the importer takes text files up to "
            f"{MAX_TEXT_BYTES // (1024 * 1024)} MB (about 2 million contacts). Split it."
        )
    return size


Layout = tuple[str, int, int, list[str]]


def _find_layout(path: Path, head: bytes, encoding: str) -> Layout:
    """(delimiter, records before the header, header line number, header cells)."""
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    best: tuple[int, int, Layout] | None = None
    for delimiter in _DELIMITERS:
        rows = _head_records(text, delimiter)
        found = find_header(rows)
        if found is not None:
            score = header_score(rows[found][1])
            if best is None or (score, -found) > (best[0], -best[1]):
                best = (score, found, (delimiter, found, rows[found][0], rows[found][1]))
    if best is not None:
        return best[2]
    # No header this importer knows: the first non-empty line is the header (the mapping
    # step shows it), split on whichever delimiter it has most of.
    rows_by_delim = {d: _head_records(text, d) for d in _DELIMITERS}
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max(_DELIMITERS, key=first_line.count)
    rows = rows_by_delim[delimiter]
    index = first_filled(rows)
    if index is None:
        raise ImportFailed(f"{path}: the file has no rows")
    return (delimiter, index, rows[index][0], rows[index][1])


def _head_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        while len(rows) < 40:
            line = reader.line_num + 1
            rows.append((line, next(reader)))
    except (StopIteration, csv.Error):
        pass
    return rows
