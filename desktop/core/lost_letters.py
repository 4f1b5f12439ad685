"""Letters a legacy code page could not carry: the "?" Excel writes in their place.

Excel's "CSV (Comma delimited)" saves in the Windows code page (Windows-1252 in the West) and
writes "?" for every letter it has no byte for: "Yılmaz" becomes "Y?lmaz", "Łukasz" "?ukasz",
a Cyrillic name "???? ????". The file no longer says which letter it was, so nothing here
guesses one: the cells are named, imported as written, and the person is told to save the
sheet as "CSV UTF-8" instead (contact-import.md §0.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.core.import_rows import RowProblem

# A "?" with a letter right after it ("Y?lmaz", "?ukasz"), two after a letter ("Ko??"), or a
# run of three: a question ends a word and is followed by a space or nothing.
_LOST = re.compile(r"\?(?=[^\W\d_])|(?<=[^\W\d_])\?\?|\?\?\?")
_LINK = re.compile(r"://|^\s*www\.", re.IGNORECASE)  # "?utm_source=" is a query, not a letter
SHOWN_CELLS = 20
MARKED_ROWS = 10_000  # rows remembered for the preview's marks: more than it counts


def has_lost_letter(cell: str) -> bool:
    return "?" in cell and _LOST.search(cell) is not None and _LINK.search(cell) is None


def code_page_title(encoding: str) -> str:
    """"cp1252" as people know it: "Windows-1252"; "ascii" (a file with nothing else in it,
    as Excel's export is once every letter it could not carry is a "?") "plain ASCII"."""
    name = encoding.lower().replace("_", "-")
    if name in ("ascii", "us-ascii"):
        return "plain ASCII"
    for prefix in ("cp", "windows-"):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return f"Windows-{name[len(prefix):]}"
    return encoding


@dataclass
class LostLetters:
    """The cells of a file read in `encoding` that hold a "?" for a letter, row by row."""

    encoding: str
    header: list[str]
    header_line: int
    unit: str = "line"  # what a row number counts, as the report says it
    cells: int = 0
    rows: int = 0
    shown: list[RowProblem] = field(default_factory=list)
    # The columns of each row found, for the preview's Check column (the first rows only).
    by_line: dict[int, list[str]] = field(default_factory=dict)

    def check(self, line: int, cells: list[str]) -> None:
        found = [c for c, text in enumerate(cells) if has_lost_letter(text)]
        if not found:
            return
        self.rows += 1
        self.cells += len(found)
        names = [self._column(c) for c in found]
        if len(self.by_line) < MARKED_ROWS:
            self.by_line[line] = names
        for column, name in zip(found, names, strict=True):
            if len(self.shown) < SHOWN_CELLS:
                self.shown.append(RowProblem(
                    line, name, f"“{cells[column]}” has a “?” where the file lost a letter; "
                    "imported as written",
                ))  # fmt: skip

    def _column(self, column: int) -> str:
        name = self.header[column].strip() if column < len(self.header) else ""
        return name or f"column {column + 1}"

    def check_text(self, line: int) -> str:
        """What the preview's Check column says of a row: "" when nothing was lost in it."""
        names = self.by_line.get(line)
        if not names:
            return ""
        return (f"a “?” for a lost letter in {', '.join(names)}: re-export the file as "
                "“CSV UTF-8”")  # fmt: skip

    def warnings(self) -> list[RowProblem]:
        """The whole story first (how many, why, what to do), then the cells one by one."""
        if not self.cells:
            return []
        cells = f"{self.cells:,} cell{'s' if self.cells > 1 else ''}"
        rows = f"{self.rows:,} {self.unit}{'s' if self.rows > 1 else ''}"
        told = RowProblem(
            self.header_line, "",
            f"{cells} in {rows} hold a “?” for a letter this file's encoding "
            f"({code_page_title(self.encoding)}) could not carry, as Excel's “CSV (Comma "
            "delimited)” does with ı, Ł, ő and others. They are imported as written, not "
            "guessed: save the sheet again as “CSV UTF-8 (Comma delimited)” and import that file "
            "to keep the letters",
        )  # fmt: skip
        more = self.cells - len(self.shown)
        tail = [RowProblem(self.shown[-1].line, "", f"and {more:,} more such cells after this")]
        return [told, *self.shown, *(tail if more > 0 else [])]
