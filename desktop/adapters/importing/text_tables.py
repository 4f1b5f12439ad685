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
from desktop.adapters.regular_file import open_regular, require_regular
from desktop.core.import_mapping import header_score

MAX_TEXT_BYTES = 256 * 1024 * 1024
MAX_CELL_CHARS = 1_000_000
_HEAD_BYTES = 64 * 1024
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
    if override:
        try:
            codecs.lookup(override)
        except LookupError as exc:
            raise ImportFailed(f"{path}: --encoding {override!r} is not an encoding") from exc
        return override
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise ImportFailed(f"{path}: this is a binary file, not a CSV or text export")
        return utf16
    if _looks_binary(head):
        raise ImportFailed(f"{path}: this is a binary file, not a CSV or text export")
    return "utf-8" if _is_utf8(path) else ansi_code_page()


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


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with open_regular(path) as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def read_text_table(path: Path, encoding: str | None = None) -> Table:
    size = _checked_size(path)
    with open_regular(path) as fh:
        head = fh.read(_HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFailed(f"{path}: the file is empty")
    enc = detect_encoding(path, head, encoding)
    delimiter, skip, header_line, header = _find_layout(path, head, enc)
    csv.field_size_limit(MAX_CELL_CHARS)
    raw: BinaryIO = open_regular(path)
    text = io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for _ in range(skip + 1):
            next(reader)
    except (StopIteration, csv.Error, UnicodeError) as exc:
        raw.close()
        raise ImportFailed(f"{path}: line {header_line}: cannot read the header ({exc})") from exc

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ImportFailed(f"{path}: line {line}: {exc}") from exc
                yield line, row
        finally:
            raw.close()

    def position() -> int:
        try:
            return raw.tell()
        except (OSError, ValueError):
            return size

    source = f"{'TXT' if path.suffix.lower() == '.txt' else 'CSV'}, {enc}, {_NAMES[delimiter]}"
    return Table(path, "CSV", source, "line", header, header_line, records(), position, size,
                 raw.close)  # fmt: skip


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
