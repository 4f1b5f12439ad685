"""Letters a legacy code page could not carry: the "?" Excel writes in their place.

Excel's "CSV (Comma delimited)" saves in the Windows code page (Windows-1252 in the West) and
writes "?" for every letter it has no byte for: "Yılmaz" becomes "Y?lmaz", "Łukasz" "?ukasz",
a Cyrillic name "???? ????". The file no longer says which letter it was, so nothing here
guesses one: the cells are named, imported as written, and the person is told to save the
sheet as "CSV UTF-8" instead (contact-import.md §0.3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.core.import_headers import FIELD_TITLES, Field
from desktop.core.import_rows import RowProblem
from desktop.core.models import CONTACT_FIELDS

# A "?" with a letter right after it ("Y?lmaz", "?ukasz"), two after a letter ("Ko??"), or a
# run of three: a question ends a word and is followed by a space or nothing.
_LOST = re.compile(r"\?(?=[^\W\d_])|(?<=[^\W\d_])\?\?|\?\?\?")
# A "?" that ends a word ("Przemys? SA", "Pozna?", "?ód?") or stands for an initial
# ("Jan ?. Nowak"): a question's mark looks just the same, so such a cell counts only where
# the file lost letters for sure elsewhere (_LOST), and never in a column of sentences.
_WORD_EDGE = re.compile(r"(?<=[^\W\d_])\?|(?<![\w?])\?\.")
# "?utm_source=" is a query, not a letter: in a link, or an address without its scheme
# ("acme.example/page?id=5").
_LINK = re.compile(r"://|^\s*www\.|(?:^|\s)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*\?", re.IGNORECASE)
SHOWN_CELLS = 20
MARKED_ROWS = 10_000  # rows remembered for the preview's marks: more than it counts
NAMED_LINES = 5  # lines the explanation names before "and N more"

# What the explanation says after "… could not carry": how it happens and what to do.
CSV_REMEDY = (", as Excel's “CSV (Comma delimited)” does with ı, Ł, ő and others. They are "
              "imported as written, not guessed: save the sheet again as “CSV UTF-8 (Comma "
              "delimited)” and import that file to keep the letters")  # fmt: skip
CSV_RE_EXPORT = "re-export the file as “CSV UTF-8”"
# vCard 4.0 is UTF-8 only (RFC 6350 §3.1): an export in it carries every letter.
VCARD_REMEDY = (", as a vCard that Outlook saves in the Windows code page does with ı, Ł, ő and "
                "others. They are imported as written, not guessed: export the contacts again "
                "in UTF-8 (a vCard 4.0 always is) and import that file to keep the letters, or "
                "correct these contacts after the import")  # fmt: skip
VCARD_RE_EXPORT = "export the card again in UTF-8"

# Where people write sentences: a "?" ending a word there is a question, not a lost letter.
SENTENCE_FIELDS = frozenset({Field.NOTES, Field.REASON, Field.NEXT_STEP})
# A card's values as a row of cells (models.CONTACT_FIELDS order), and their names.
CARD_FIELD_TITLES = tuple("Name" if f == "name" else FIELD_TITLES[Field(f)]
                          for f in CONTACT_FIELDS)  # fmt: skip


def has_lost_letter(cell: str) -> bool:
    """A "?" that can only be a lost letter."""
    return "?" in cell and _LOST.search(cell) is not None and _LINK.search(cell) is None


def may_have_lost_letter(cell: str) -> bool:
    """A "?" at a word's edge: a lost letter in a file that shows the loss elsewhere."""
    return "?" in cell and _WORD_EDGE.search(cell) is not None and _LINK.search(cell) is None


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


def spelled_lines(unit: str, lines: list[int], more: int) -> str:
    """"line 4", "lines 2 and 4", "lines 2, 3, 4, 5, 6 and 25 more"."""
    if not lines:
        return ""
    if len(lines) == 1 and not more:
        return f"{unit} {lines[0]}"
    listed = [str(line) for line in lines] + ([f"{more:,} more"] if more else [])
    return f"{unit}s {', '.join(listed[:-1])} and {listed[-1]}"


@dataclass
class _Found:
    """Cells of one kind: a sure lost letter, or one at a word's edge (with no sure one in
    its row, for the rows' count)."""

    cells: int = 0
    rows: int = 0
    columns: set[int] = field(default_factory=set)
    shown: list[tuple[int, int, RowProblem]] = field(default_factory=list)  # line, column

    def add(self, line: int, columns: list[int], problem: Callable[[int], RowProblem],
            new_row: bool) -> None:  # fmt: skip
        self.cells += len(columns)
        self.rows += new_row
        self.columns.update(columns)
        for column in columns[: SHOWN_CELLS - len(self.shown)]:
            self.shown.append((line, column, problem(column)))


@dataclass
class LostLetters:
    """The cells of a file read in `encoding` that hold a "?" for a letter, row by row."""

    encoding: str
    header: list[str]
    header_line: int
    unit: str = "line"  # what a row number counts, as the report says it
    # Columns of sentences (notes): a "?" ending a word there is a question's.
    prose: frozenset[int] = frozenset()
    cell_word: str = "cell"  # what one value is called: a vCard's "field"
    row_word: str = ""  # what one row is called in the count, if not the unit: "card"
    remedy: str = CSV_REMEDY
    re_export: str = CSV_RE_EXPORT
    # A row's name for people where its number says nothing: a folder's card is numbered in
    # the folder, and named by its file.
    name_row: Callable[[int], str] | None = None
    _sure: _Found = field(default_factory=_Found)
    _edge: _Found = field(default_factory=_Found)
    # The columns of each row found (and whether each is sure), for the preview's Check
    # column (the first rows only).
    _by_line: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)

    def check(self, line: int, cells: list[str]) -> None:
        if "?" not in "".join(cells):  # nearly every row: one C call, not one per cell
            return
        sure: list[int] = []
        edge: list[int] = []
        for column, text in enumerate(cells):
            if "?" not in text:
                continue
            if has_lost_letter(text):
                sure.append(column)
            elif column not in self.prose and may_have_lost_letter(text):
                edge.append(column)
        if not sure and not edge:
            return
        if len(self._by_line) < MARKED_ROWS:
            self._by_line[line] = sorted([(c, True) for c in sure] + [(c, False) for c in edge])

        def problem(column: int) -> RowProblem:
            where = self._column(column)
            if self.name_row is not None:
                where = f"{self.name_row(line)}, {where}"
            return RowProblem(line, where, f"“{cells[column]}” has a “?” where the file lost a "
                              "letter; imported as written",
                              where if self.name_row is not None else "")  # fmt: skip

        self._sure.add(line, sure, problem, bool(sure))
        self._edge.add(line, edge, problem, not sure)

    @property
    def shows_loss(self) -> bool:
        """A letter surely lost somewhere: then a "?" ending a word is one too."""
        return self._sure.cells > 0

    @property
    def cells(self) -> int:
        return self._sure.cells + (self._edge.cells if self.shows_loss else 0)

    @property
    def rows(self) -> int:
        return self._sure.rows + (self._edge.rows if self.shows_loss else 0)

    def _column(self, column: int) -> str:
        name = self.header[column].strip() if column < len(self.header) else ""
        return name or f"column {column + 1}"

    def _found_in(self, line: int) -> list[str]:
        found = self._by_line.get(line, ())
        return [self._column(c) for c, sure in found if sure or self.shows_loss]

    def check_text(self, line: int) -> str:
        """What the preview's Check column says of a row: "" when nothing was lost in it."""
        names = self._found_in(line)
        if not names:
            return ""
        return f"a “?” for a lost letter in {', '.join(names)}: {self.re_export}"

    def _where(self) -> tuple[int, str]:
        """The first line found, and the lines and columns as the explanation names them."""
        lines: list[int] = []
        for line in self._by_line:
            if self._found_in(line):
                lines.append(line)
                if len(lines) == NAMED_LINES:
                    break
        columns = self._sure.columns | (self._edge.columns if self.shows_loss else set())
        names = ", ".join(self._column(c) for c in sorted(columns))
        more = self.rows - len(lines)
        if self.name_row is not None:
            places = [self.name_row(line) for line in lines] + ([f"{more:,} more"] if more else [])
            spelled = " and ".join([", ".join(places[:-1]), places[-1]] if len(places) > 1
                                   else places)  # fmt: skip
            return lines[0], f"{spelled} ({names})"
        return lines[0], f"{spelled_lines(self.unit, lines, more)} ({names})"

    def warnings(self) -> list[RowProblem]:
        """The whole story first (where, how many, why, what to do), then the cells one by
        one."""
        if not self.cells:
            return []
        found = self._sure.shown + (self._edge.shown if self.shows_loss else [])
        shown = [problem for _line, _column, problem in sorted(found, key=lambda f: f[:2])]
        shown = shown[:SHOWN_CELLS]
        cells = f"{self.cells:,} {self.cell_word}{'s' if self.cells > 1 else ''}"
        row_word = self.row_word or self.unit
        rows = f"{self.rows:,} {row_word}{'s' if self.rows > 1 else ''}"
        first, where = self._where()
        whose = "its file's" if self.name_row is not None else "this file's"
        told = RowProblem(
            first, "",
            f"{cells} in {rows} hold a “?” for a letter {whose} encoding "
            f"({code_page_title(self.encoding)}) could not carry{self.remedy}",
            where,
        )  # fmt: skip
        more = self.cells - len(shown)
        such = f"and {more:,} more such {self.cell_word}s after this"
        last = shown[-1].line
        tail = [RowProblem(last, "", such, self.name_row(last) if self.name_row else "")]
        return [told, *shown, *(tail if more > 0 else [])]


def card_lost_letters(
    encoding: str, name_row: Callable[[int], str] | None = None
) -> LostLetters:
    """LostLetters for the cards of a vCard file read in `encoding`: each card is checked as a
    row of its contact's values (CONTACT_FIELDS order), numbered by its BEGIN:VCARD line (or,
    in a folder, by its place there, and named by `name_row`)."""
    prose = frozenset(i for i, f in enumerate(CONTACT_FIELDS) if Field(f) in SENTENCE_FIELDS)
    return LostLetters(encoding, list(CARD_FIELD_TITLES), 0, prose=prose, cell_word="field",
                       row_word="card", remedy=VCARD_REMEDY, re_export=VCARD_RE_EXPORT,
                       name_row=name_row)  # fmt: skip
