"""Callbacks: who is waiting for a call from us, whom we are waiting for, the callback
windows the rep promised, and the follow-ups those left; with the other end's clock.

Built like Recent calls (call_list.py): one list, here grouped under the four section
headings, and the same Open / Copy number / Call back actions. A number whose time there is
outside business hours says so in its row, and Call back asks the status line to repeat it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.callbacks import CallbackEntry
from desktop.adapters.store import StoreError
from desktop.core.callbacks import Section
from desktop.core.candidates import readable
from desktop.core.card import MatchTier
from desktop.core.display_text import one_line
from desktop.qt.call_list import call_number, copy_number
from desktop.qt.palette import card_theme

_CONTACT = Qt.ItemDataRole.UserRole
_NUMBER = Qt.ItemDataRole.UserRole + 1
_WARNING = Qt.ItemDataRole.UserRole + 2
_CLOCK = Qt.ItemDataRole.UserRole + 3
COLUMNS = ("Who", "Number", "What", "Their time")


def entry_row(entry: CallbackEntry) -> tuple[str, str, str, str]:
    item = entry.item
    who = one_line(item.contact.name or item.contact.company) or "(no name)"
    company = one_line(item.contact.company)
    if company and item.contact.name and company != who:
        who += f" · {company}"
    number = readable(item.number) if item.number else ""
    clock = entry.clock.text
    if entry.clock.problem:  # in full in the tooltip and when calling
        clock += f" — {entry.clock.problem}"
    return who, number, one_line(item.detail), clock


class CallbacksWindow(QWidget):
    contact_chosen = Signal(object)  # contact id

    def __init__(self, load: Callable[[], list[CallbackEntry]], *, scheme: str = "tel") -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Callbacks")
        self.resize(760, 480)
        self.setMinimumSize(520, 320)
        self._load = load
        self.scheme = scheme
        self.entries: list[CallbackEntry] = []
        self._armed = ""  # a number outside their hours, asked about once: the next click calls

        self.table = QTreeWidget(self)
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setItemsExpandable(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        head = self.table.header()
        for column in (0, 1, 2):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda _item, _col: self.open_selected())
        self.table.currentItemChanged.connect(lambda *_: self._update_actions())

        self.call = QPushButton("Call back", self)
        self.call.setToolTip("Open the number in your softphone")
        self.call.clicked.connect(self.call_selected)
        self.copy = QPushButton("Copy number", self)
        self.copy.clicked.connect(self.copy_selected)
        self.open_button = QPushButton("Open", self)
        self.open_button.clicked.connect(self.open_selected)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.copy)
        actions.addWidget(self.call)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    def reload(self) -> None:
        try:
            self.entries = self._load()
            problem = ""
        except StoreError as exc:
            self.entries = []
            problem = f"Could not read the callbacks: {exc}"
        self.refresh()
        if problem:
            self.status.setText(problem)

    def refresh(self) -> None:
        self.table.clear()
        bold = QFont(self.table.font())
        bold.setBold(True)
        warn = card_theme(self.palette()).accents[MatchTier.SWITCHBOARD]  # the cards' amber
        first: QTreeWidgetItem | None = None
        for section in Section:
            shown = [e for e in self.entries if e.item.section is section]
            heading = QTreeWidgetItem([f"{section.heading} ({len(shown)})", "", "", ""])
            heading.setFont(0, bold)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading.setFirstColumnSpanned(True)
            self.table.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            for entry in shown:
                row = QTreeWidgetItem(list(entry_row(entry)))
                row.setData(0, _CONTACT, entry.item.contact.id)
                row.setData(0, _NUMBER, entry.item.number or "")
                row.setData(0, _WARNING, entry.clock.warning)
                row.setData(0, _CLOCK, entry.clock.text)
                if entry.clock.warning:
                    row.setForeground(3, warn)
                    row.setToolTip(3, f"Their time: {entry.clock.text} — {entry.clock.warning}")
                heading.addChild(row)
                first = first or row
            heading.setExpanded(True)
        if first is not None:
            self.table.setCurrentItem(first)
        due = sum(1 for e in self.entries if e.item.due)
        self.status.setText(f"{due} due" if due else "Nothing due")
        self._update_actions()

    def open(self) -> None:
        from desktop.qt.search_window import bring_to_front

        self.reload()
        bring_to_front(self)
        self.table.setFocus()

    def selected_number(self) -> str:
        item = self.table.currentItem()
        return str(item.data(0, _NUMBER) or "") if item is not None else ""

    def call_selected(self) -> None:
        """Outside their business hours the first click says so and the second calls."""
        number = self.selected_number()
        if not number:
            return
        item = self.table.currentItem()
        if item is None:
            return
        warning = str(item.data(0, _WARNING) or "")
        if warning and self._armed != number:
            self._armed = number
            self.status.setText(f"It is {item.data(0, _CLOCK)} there: {warning}. "
                                "Click Call anyway to call now.")  # fmt: skip
            self.call.setText("Call anyway")
            return
        self._disarm()
        if not call_number(number, self.scheme):
            copy_number(number)
            self.status.setText(f"No softphone handles {self.scheme}: links; number copied.")

    def _disarm(self) -> None:
        self._armed = ""
        self.call.setText("Call back")

    def copy_selected(self) -> None:
        number = self.selected_number()
        if number:
            copy_number(number)
            self.status.setText(f"Copied {readable(number)}")

    def open_selected(self) -> None:
        item = self.table.currentItem()
        if item is not None and item.data(0, _CONTACT) is not None:
            self.contact_chosen.emit(int(item.data(0, _CONTACT)))

    def _update_actions(self) -> None:
        if self._armed and self._armed != self.selected_number():
            self._disarm()
        has_number = bool(self.selected_number())
        self.call.setEnabled(has_number)
        self.copy.setEnabled(has_number)
        item = self.table.currentItem()
        self.open_button.setEnabled(item is not None and item.data(0, _CONTACT) is not None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
