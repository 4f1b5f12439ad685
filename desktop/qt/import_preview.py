"""The Import window's result preview: one row per contact as the import will store it.

Each row shows the name, company and e-mail, every number in the form it will be stored
(E.164, extension, label), what will happen to the row (new, "Will merge into Jürgen Schäfer:
same e-mail", rejected, skipped) and what to check. The numbers sit under the file's phone
columns (a vCard's under Number 1, 2… one per TEL), so a number can be corrected where it is:
editing a cell starts from the file's text, and the correction is handed to the window as
(line, column, text) for ImportOptions.edits (for a vCard: the line its card starts on and
the TEL's place on the card).
Everything from the file is plain text.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.adapters.importing.dry_run import DryRun, Fate, PlannedNumber, PlannedRow
from desktop.core.display_text import display_text
from desktop.core.import_mapping import PHONE_LABELS, ColumnPlan
from desktop.core.models import StoredNumber
from desktop.qt.palette import blend, is_dark
from desktop.qt.plain_tooltip import plain_tooltip

FLAG = "⚠"
# What an editable number cell keeps besides what it shows.
LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's line in the file
COLUMN_ROLE = Qt.ItemDataRole.UserRole + 2  # the file's column
RAW_ROLE = Qt.ItemDataRole.UserRole + 3  # the cell's text, as the editor starts from it
NARROWEST = 110  # a column of the preview is never narrower (a number, "New contact")

_FATE_WORDS = {Fate.NEW: "New", Fate.MERGE: "Merge", Fate.UNCHANGED: "Already there",
               Fate.REJECTED: "Rejected", Fate.SKIPPED: "Skipped"}  # fmt: skip


class PlannedTable(QTableWidget):
    """Emits `edited(line, column, text)` when the person corrects a number cell."""

    edited = Signal(int, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        # What happens and what to check are sentences: wrapped, so they are read whole.
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setMinimumSectionSize(80)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setItemDelegate(_RawTextDelegate(self))
        self.phone_columns: list[int] = []  # the file's phone columns, in table order
        self.open_editor: QLineEdit | None = None
        self._corrected: Mapping[tuple[int, int], str] = {}
        self._cards = False  # the plan is a vCard file's: its phone columns are TELs

    def show_plan(
        self, planned: DryRun, plan: ColumnPlan | None,
        corrected: Mapping[tuple[int, int], str] | None = None,
    ) -> None:
        """`corrected`: what the file said in each cell the person corrected."""
        self._corrected = corrected or {}
        self.clear()
        self._cards = plan is None
        if plan is not None:
            self.phone_columns = [i for i, f in plan.fields.items() if f in PHONE_LABELS]
            phone_titles = [plan.header(i) or f"Column {i + 1}" for i in self.phone_columns]
        else:
            # A vCard's TELs, one column each, so each number is corrected where it is.
            tels = max((len(r.cells) for r in planned.rows), default=0)
            self.phone_columns = list(range(tels))
            phone_titles = ["Number"] if tels == 1 else [f"Number {i + 1}" for i in range(tels)]
        spare = any(n.column < 0 for r in planned.rows for n in r.numbers)
        titles = ["Name", "Company", "E-mail", *phone_titles, *(["Numbers"] if spare or not
                  phone_titles else []), "What happens", "Check"]  # fmt: skip
        self.setColumnCount(len(titles))
        self.setRowCount(len(planned.rows))
        self.setHorizontalHeaderLabels(titles)
        self.setVerticalHeaderLabels([str(r.line) for r in planned.rows])
        flagged = self._flag_colour()
        for row, planned_row in enumerate(planned.rows):
            self._fill(row, planned_row, len(phone_titles), flagged)
        self.resizeColumnsToContents()
        # Each as wide as its text, within bounds ("What happens" too: "New contact" needs
        # little), so what is left goes to Check, whose sentences are the longest.
        for column in range(len(titles) - 1):
            self.setColumnWidth(column, min(max(self.columnWidth(column), NARROWEST), 240))
        self._fit_check_column()
        # The headers settle their sizes on the next turn of the event loop: fitted again then.
        QTimer.singleShot(0, self._fit_check_column)

    def _fit_check_column(self) -> None:
        """What to check fills what is left of the view: at least 200 pixels when a row has
        something to check (a sentence wrapped in a column that ran past the view's edge was
        cut off there), else only what is left, so an empty column needs no sideways scroll."""
        last = self.columnCount() - 1
        if last < 1:
            return
        checks = any((item := self.item(row, last)) is not None and item.text()
                     for row in range(self.rowCount()))  # fmt: skip
        least = 200 if checks else self.horizontalHeader().minimumSectionSize()
        room = self.viewport().width() - least
        widths = [self.columnWidth(c) for c in range(last)]
        if sum(widths) > room:
            # Two number columns and a long "What happens" left no 200 pixels: the widest
            # columns give way (their text wraps), none below NARROWEST. With nothing to
            # check too: a phone's vCard with four numbers put "Will merge into Jürgen
            # Schäfer" behind a sideways scroll.
            for column, width in enumerate(_capped(widths, room, NARROWEST)):
                self.setColumnWidth(column, width)
        others = sum(self.columnWidth(c) for c in range(last))
        self.setColumnWidth(last, max(least, self.viewport().width() - others))
        self.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_check_column()

    def _fill(self, row: int, planned: PlannedRow, phones: int, flagged: QColor) -> None:
        for column, text in enumerate((planned.name, planned.company, planned.email)):
            self.setItem(row, column, _item(text))
        by_column: dict[int, list[PlannedNumber]] = {}
        for number in planned.numbers:
            by_column.setdefault(number.column, []).append(number)
        for offset, file_column in enumerate(self.phone_columns):
            numbers = by_column.pop(file_column, [])
            item = _numbers_item(numbers, flagged)
            # A CSV row's empty phone cell can be filled in; a card has only the TELs it has.
            if planned.cells and (not self._cards or file_column < len(planned.cells)):
                raw = planned.cells[file_column] if file_column < len(planned.cells) else ""
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setData(LINE_ROLE, planned.line)
                item.setData(COLUMN_ROLE, file_column)
                item.setData(RAW_ROLE, raw)
                original = self._corrected.get((planned.line, file_column))
                if original is not None:
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip(plain_tooltip(f"Corrected by you; the file says {original!r}"))
            self.setItem(row, 3 + offset, item)
        column = 3 + phones
        if self.columnCount() > column + 2:  # the "Numbers" column: vCards, or unplaced
            rest = [n for numbers in by_column.values() for n in numbers]
            self.setItem(row, column, _numbers_item(rest, flagged))
            column += 1
        fate = _item(planned.note if planned.note else _FATE_WORDS[planned.fate])
        if planned.fate in (Fate.REJECTED, Fate.SKIPPED):
            fate.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        if planned.fate is Fate.MERGE or planned.fate is Fate.UNCHANGED:
            font = QFont(fate.font())
            font.setBold(True)
            fate.setFont(font)
        if planned.fate is Fate.REJECTED:
            fate.setText(f"{FLAG} {planned.note}")
            fate.setBackground(flagged)
        self.setItem(row, column, fate)
        checks = "; ".join(planned.checks)
        check = _item(f"{FLAG} {checks}" if checks else "")
        if checks:
            check.setBackground(flagged)
        self.setItem(row, column + 1, check)

    def _flag_colour(self) -> QColor:
        base = self.palette().color(QPalette.ColorRole.Base)
        amber = QColor("#d29922" if is_dark(self.palette()) else "#f2c744")
        return blend(amber, base, 0.35)

    def editing(self) -> bool:
        return self.state() is QAbstractItemView.State.EditingState

    def finish_editing(self) -> None:
        """Take the correction being typed, as Return in the cell would."""
        editor = self.open_editor
        if editor is not None and self.editing():
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


class _RawTextDelegate(QStyledItemDelegate):
    """A number cell is edited as the file's text ("4,93091E+11"), not as the stored form
    it shows, and the correction goes to the window rather than into the item."""

    def __init__(self, table: PlannedTable) -> None:
        super().__init__(table)
        self._table = table

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:  # fmt: skip
        editor = QLineEdit(parent)
        self._table.open_editor = editor
        editor.setPlaceholderText("the number as it should read, e.g. +49 30 9018 2056")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(RAW_ROLE) or ""))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:  # fmt: skip
        if not isinstance(editor, QLineEdit):
            return
        text = editor.text()
        if text != str(index.data(RAW_ROLE) or ""):
            self._table.edited.emit(int(index.data(LINE_ROLE)), int(index.data(COLUMN_ROLE)),
                                    text)  # fmt: skip


def _item(text: str) -> QTableWidgetItem:
    # Table items never interpret markup; long cells are cut for display only.
    text = display_text(text)
    shown = " ⏎ ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    item = QTableWidgetItem(shown if len(shown) <= 300 else shown[:299] + "…")
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if len(shown) > 40:
        item.setToolTip(plain_tooltip(shown[:1000]))
    return item


def _numbers_item(numbers: list[PlannedNumber], flagged: QColor) -> QTableWidgetItem:
    texts = [(f"{FLAG} " if n.problem else "") + n.text() for n in numbers]
    item = _item(", ".join(texts))
    problems = [f"{n.number.raw}: {n.problem}" for n in numbers if n.problem]
    if problems:
        item.setBackground(flagged)
        item.setToolTip(plain_tooltip("\n".join(problems) + "\nDouble-click to correct it."))
    elif any(n.number.e164 or n.number.is_internal for n in numbers):
        # The cell reads as people write numbers; what the file said and what is stored (and
        # matched on) stay a hover away for whoever checks the digits.
        stored = [f"{n.number.raw.strip()} → stored as {_stored_as(n.number)}"
                  for n in numbers if n.number.e164 or n.number.is_internal]  # fmt: skip
        item.setToolTip(plain_tooltip(display_text("\n".join(stored))))
    return item


def _stored_as(number: StoredNumber) -> str:
    if number.e164:
        return number.e164
    return f"internal extension {number.extension}"


def _capped(widths: list[int], room: int, floor: int) -> list[int]:
    """`widths` with every one above a cap cut to it, the cap as high as lets them fit in
    `room`; none is cut below `floor` (past that they still do not fit, and a scroll it is)."""
    if sum(widths) <= room:
        return widths
    low, high = floor, max(widths)
    while low < high:  # the highest cap that fits
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in widths]

