"""A workbook's zip directory and sheet XML checked before calamine sees them.

calamine trusts what a workbook declares: a cell at XFD1048576 makes it allocate the whole
1,048,576 × 16,384 grid, a sharedStrings `uniqueCount="4294967295"` makes it reserve that
many strings, and a few MB of deflate can unpack to gigabytes. A failed allocation in Rust is
an abort, not an exception: a 1.5 KB file took the whole process down (tray app included),
and a 5.6 MB one ran past 5 GB of memory. So the declared sizes, the compression ratios and
the cell references are read here first, in chunks and with bounded memory, and a workbook
that claims more than a contact sheet ever needs is refused with a message saying what.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from desktop.adapters.importing.report import ImportFailed

# A contact list is at most some 100,000 people with 50 columns; the limits leave room above
# that and stay far below what makes calamine's dense grid (32 bytes a cell) exhaust memory.
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
# Rows × columns of the area a sheet spans. The reader holds that area densely (about 32 bytes a
# cell, 640 MB at the cap, inside the reader child's 2 GiB): an Outlook-wide export of 100,000
# contacts (92 columns) is 9.2 million cells.
MAX_CELLS = 20_000_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members big enough to matter
RATIO_FLOOR_BYTES = 1024 * 1024
CHUNK_BYTES = 1024 * 1024
_CARRY = 64  # bytes kept between chunks so a reference split by a chunk edge is still seen

# `r="B12"` on <c> and `r="12"` on <row>, any namespace prefix or attribute order.
_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?([0-9]+)["']""")
_DIMENSION = re.compile(
    rb"""<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*["']([^"']{1,64})["']"""
)
_CELL_REF = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")
_COUNTS = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["']([0-9]{1,20})["']""")


def check_workbook(path: Path) -> None:
    """Raise ImportFailed naming the file and what is wrong when the workbook at `path`
    declares or references more than a contact sheet can need. Only zip workbooks (xlsx,
    xlsm, xlsb, ods) are looked into; anything else is left to the reader."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(path, members)
            for info in members:
                _check_member(path, archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ImportFailed(f"{path}: not a readable workbook (damaged zip: {exc})") from exc
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def _check_directory(path: Path, members: list[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            f"{path}: the workbook unpacks to {total / 1e6:,.0f} MB; a contact sheet is "
            f"refused above {MAX_UNPACKED_BYTES // (1024 * 1024)} MB. Save it as CSV UTF-8."
        )
    for info in members:
        if info.file_size >= RATIO_FLOOR_BYTES and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ImportFailed(
                f"{path}: {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,}"
                f" times its packed size ({info.file_size / 1e6:,.0f} MB); that is a zip bomb, "
                "not a contact sheet"
            )


def _check_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Read the member through (zipfile stops at the declared size and checks the CRC, so
    a member that lies about its size is caught), scanning sheets and shared strings."""
    name = info.filename.lower()
    sheet = name.endswith(".xml") and "worksheets/" in name
    strings = name.endswith("sharedstrings.xml")
    extent = _Extent(path, info.filename)
    carry = b""
    first = True
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            if not (sheet or strings):
                continue
            window = carry + chunk
            if strings and first:
                _check_string_counts(path, info.filename, window[:4096])
            if sheet:
                if first and (found := _DIMENSION.search(window)):
                    extent.declared(found.group(1).decode("ascii", "replace"))
                extent.cells(_REF.findall(window, max(0, len(carry) - _CARRY)))
            first = False
            carry = window[-_CARRY:]


def _check_string_counts(path: Path, member: str, head: bytes) -> None:
    start = head.find(b"<sst")
    if start < 0:
        start = head.find(b":sst")
    if start < 0:
        return
    tag = head[start : head.find(b">", start) + 1 or len(head)]
    for value in _COUNTS.findall(tag):
        if int(value) > MAX_CELLS:
            raise ImportFailed(
                f"{path}: {member} declares {int(value):,} shared strings; a contact sheet is "
                f"refused above {MAX_CELLS:,} cells"
            )


class _Extent:
    """The furthest row and column a sheet declares or references: calamine allocates the
    whole grid up to them."""

    def __init__(self, path: Path, member: str) -> None:
        self.path = path
        self.member = member
        self.rows = 0
        self.columns = 0

    def declared(self, ref: str) -> None:
        found = _CELL_REF.fullmatch(ref.split(":")[-1])
        if found is not None:
            letters, digits = found.groups()
            self._check(_row_number(digits.encode()) or 1, _column_number(letters.encode()) or 1,
                        f"declares its size as {ref}")  # fmt: skip

    def cells(self, refs: list[tuple[bytes, bytes]]) -> None:
        if not refs:
            return
        letters, digits = zip(*refs, strict=True)
        rows = max(self.rows, max(map(_row_number, digits)))
        columns = max(self.columns, max(map(_column_number, set(letters))))
        if rows > self.rows or columns > self.columns:
            self.rows, self.columns = rows, columns
            self._check(rows, max(columns, 1), "has cells")

    def _check(self, rows: int, columns: int, what: str) -> None:
        if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
            raise ImportFailed(
                f"{self.path}: sheet {self.member} {what} up to row {rows:,}, column "
                f"{_column_name(columns)} ({rows:,} × {columns:,} cells); a contact sheet is "
                f"refused above {MAX_CELLS:,} cells. Copy the contacts into a new workbook or "
                "save them as CSV UTF-8."
            )


def _row_number(digits: bytes) -> int:
    # A reference longer than any real one is simply too far (and int() refuses 4,300 digits).
    return int(digits) if len(digits) <= 12 else 10**12


def _column_number(letters: bytes) -> int:
    if len(letters) > 8:
        return 10**12
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name or "A"
