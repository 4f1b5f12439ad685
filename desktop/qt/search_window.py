"""Find anyone by name, company, notes or a few digits of their number."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.core.models import Contact

SEARCH_DELAY_MS = 60


class SearchWindow(QWidget):
    contact_chosen = Signal(int)

    def __init__(self, search: Callable[[str], list[Contact]]) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Search")
        self.resize(520, 460)
        self._search = search
        self.query = QLineEdit()
        self.query.setPlaceholderText("Name, company, notes, or digits of a number")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._choose_current)
        self.results.itemActivated.connect(self._choose)

    def open(self, text: str = "") -> None:
        self.query.setText(text)
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()
        self.run_search()

    def run_search(self) -> None:
        self.results.clear()
        text = self.query.text()
        contacts = self._search(text) if text.strip() else []
        for contact in contacts:
            who = contact.name or contact.company
            role = " · ".join(p for p in (contact.title, contact.company) if p and p != who)
            numbers = ", ".join(n.e164 or n.raw for n in contact.numbers[:2])
            item = QListWidgetItem(" — ".join(p for p in (who, role, numbers) if p))
            item.setData(Qt.ItemDataRole.UserRole, contact.id)
            self.results.addItem(item)
        if contacts:
            self.results.setCurrentRow(0)
        self.status.setText(f"{len(contacts)} found" if text.strip() else "")

    def _choose_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.contact_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.query.hasFocus():
            step = 1 if key == Qt.Key.Key_Down else -1
            row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
            self.results.setCurrentRow(row)
        else:
            super().keyPressEvent(event)
