"""A UTF-8 export with a few bytes that are not UTF-8: read as UTF-8, and say where.

Such a file is usually a UTF-8 export someone edited in a Windows-1252 editor, or pasted into.
Reading all of it as Windows-1252 turns every "Zoë" into "ZoÃ«", silently. So a file with any
well-formed multi-byte character is read as UTF-8; each byte that is not UTF-8 is read on its
own as Windows-1252 (which is what that editor wrote) and the lines holding one are warned
about. A file with no well-formed multi-byte character at all is a legacy code-page export.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop.adapters.regular_file import open_regular
from desktop.core.import_mapping import RowProblem

# The TextIOWrapper error handler that reads a byte that is not UTF-8 as Windows-1252.
LENIENT_UTF8 = "callercard-utf8-else-cp1252"
SHOWN_LINES = 20  # lines named one by one; the rest are counted
_CHUNK = 1 << 20
_BAD_RUN = re.compile("[\udc80-\udcff]+")


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error(LENIENT_UTF8, _as_cp1252)


@dataclass
class Utf8Scan:
    multibyte: bool = False  # at least one well-formed non-ASCII character
    bad_lines: int = 0  # lines holding bytes that are not UTF-8
    shown: list[RowProblem] = field(default_factory=list)

    @property
    def mostly_utf8(self) -> bool:
        """UTF-8 (perhaps with a few bytes that are not), rather than a legacy code page."""
        return self.bad_lines == 0 or self.multibyte

    def warnings(self) -> list[RowProblem]:
        if self.bad_lines == 0:
            return []
        more = self.bad_lines - len(self.shown)
        if more <= 0:
            return list(self.shown)
        last = self.shown[-1].line
        note = RowProblem(last, "", f"and {more:,} more lines after this one with such bytes")
        return [*self.shown, note]

    def note(self, line: int, run: str) -> None:
        if self.shown and self.shown[-1].line == line:
            return
        self.bad_lines += 1
        if len(self.shown) < SHOWN_LINES:
            read_as = run.encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")
            self.shown.append(
                RowProblem(
                    line,
                    "",
                    f"bytes that are not UTF-8, read as Windows-1252 ({read_as!r}); "
                    "make sure its letters came out right",
                )
            )


def scan_utf8(path: Path) -> Utf8Scan:
    """Where ``path`` is not UTF-8, line by line, in one streaming pass."""
    scan = Utf8Scan()
    line = 1
    pending = b""
    with open_regular(path) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            data = pending + chunk
            cut = _boundary(data) if chunk else len(data)
            block, pending = data[:cut], data[cut:]
            if not block.isascii():
                line = _scan_block(block, line, scan)
            else:
                line += block.count(b"\n")
            if not chunk:
                return scan


def scan_utf8_bytes(data: bytes) -> Utf8Scan:
    """The same for bytes already in memory (a vCard file is read whole)."""
    scan = Utf8Scan()
    _scan_block(data, 1, scan)
    return scan


def _boundary(data: bytes) -> int:
    """Where to cut ``data`` so that no character is split: after its last ASCII byte or
    before its last lead byte, looking back no further than a character's length."""
    for index in range(len(data) - 1, max(len(data) - 5, -1), -1):
        if data[index] < 0x80:
            return index + 1
        if data[index] >= 0xC0:
            return index
    return len(data)  # no boundary that near the end: those bytes are not UTF-8 anyway


def _scan_block(block: bytes, line: int, scan: Utf8Scan) -> int:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        text = block.decode("utf-8", errors="surrogateescape")
    else:
        scan.multibyte = scan.multibyte or len(text) < len(block)
        return line + block.count(b"\n")
    # A bad byte becomes one character, a well-formed character of n bytes one: any shortfall
    # is a well-formed multi-byte character.
    scan.multibyte = scan.multibyte or len(text) < len(block)
    position = 0
    for run in _BAD_RUN.finditer(text):
        line += text.count("\n", position, run.start())
        position = run.start()
        scan.note(line, run.group())
    return line + text.count("\n", position)
