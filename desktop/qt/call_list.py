"""Recent calls, both ways, with who they were and a way to call back.

"Call back" hands a tel: (or sip:) link to the desktop, which opens the softphone registered
for it; "Copy" puts the number on the clipboard for any other phone. Missed calls have their
own view, because they are the ones waiting for a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.store import StoreError
from desktop.core.candidates import readable, short_date
from desktop.core.display_text import one_line
from desktop.core.models import Attempt, Contact, Direction, Outcome

VIEWS = ("All", "Incoming", "Outgoing", "Missed")
_MISSED = (Outcome.MISSED, Outcome.NO_ANSWER)
_CONTACT = Qt.ItemDataRole.UserRole
_NUMBER = Qt.ItemDataRole.UserRole + 1

Calls = list[tuple[Attempt, Contact | None]]


def call_url(e164: str, scheme: str = "tel") -> QUrl:
    """tel:+14155550142 (RFC 3966) or sip:+14155550142; softphones register for either."""
    return QUrl(f"{scheme}:{e164}")


def call_number(e164: str, scheme: str = "tel") -> bool:
    """Ask the desktop to dial; False when no application handles the link."""
    return QDesktopServices.openUrl(call_url(e164, scheme))


def copy_number(e164: str) -> None:
    QGuiApplication.clipboard().setText(e164)


def is_missed(attempt: Attempt) -> bool:
    return attempt.direction is Direction.IN and attempt.outcome in _MISSED


def shown_in(view: str, attempt: Attempt) -> bool:
    if view == "Incoming":
        return attempt.direction is Direction.IN
    if view == "Outgoing":
        return attempt.direction is Direction.OUT
    if view == "Missed":
        return is_missed(attempt)
    return True


def call_row(attempt: Attempt, contact: Contact | None, now: datetime) -> tuple[str, ...]:
    local = attempt.at.astimezone(now.tzinfo)
    when = f"{short_date(attempt.at, now)} {local.hour:02d}:{local.minute:02d}"
    way = "In" if attempt.direction is Direction.IN else "Out"
    if is_missed(attempt):
        way = "Missed"
    who = one_line(contact.name or contact.company) if contact else "Unknown"
    number = readable(attempt.number_e164) if attempt.number_e164 else ""
    outcome = {
        Outcome.VOICEMAIL: "Voicemail", Outcome.NO_ANSWER: "No answer",
        Outcome.GATEKEEPER: "Gatekeeper", Outcome.TALKED: "Talked", Outcome.MISSED: "Missed",
    }.get(attempt.outcome, "")  # fmt: skip
    if attempt.direction is Direction.IN and attempt.outcome is Outcome.UNKNOWN:
        outcome = "Rang"  # a hook's ring whose end has not come (or never will: Jitsi)
    return when, way, who or "(no name)", number, outcome


class CallList(QWidget):
    contact_chosen = Signal(object)  # contact id
    search_requested = Signal(str)  # a number nobody has: find who it might be

    def __init__(self, load: Callable[[], Calls], *, scheme: str = "tel",
                 clock: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Calls")
        self.resize(640, 480)
        # Fixed floor: button labels change with the selection, and a minimum that follows
        # them would re-negotiate the window's size hints on every row.
        self.setMinimumSize(480, 320)
        self._load = load
        self.scheme = scheme
        self._clock = clock or (lambda: datetime.now(UTC))
        self._calls: Calls = []

        tabs = QHBoxLayout()
        tabs.setSpacing(4)
        self.views = QButtonGroup(self)
        for i, name in enumerate(VIEWS):
            button = QPushButton(name, self)
            button.setCheckable(True)
            button.setChecked(i == 0)
            self.views.addButton(button, i)
            tabs.addWidget(button)
        tabs.addStretch(1)
        self.views.idToggled.connect(lambda _id, on: self.refresh() if on else None)

        self.table = QTreeWidget(self)
        self.table.setColumnCount(5)
        self.table.setHeaderLabels(["When", "", "Who", "Number", "Outcome"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        head = self.table.header()
        for column in (0, 1, 3, 4):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setStretchLastSection(False)
        self.table.itemActivated.connect(lambda item, _col: self.open_selected())
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
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.copy)
        actions.addWidget(self.call)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addLayout(tabs)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    def view(self) -> str:
        return VIEWS[max(0, self.views.checkedId())]

    def reload(self) -> None:
        try:
            self._calls = self._load()
        except StoreError as exc:
            self._calls = []
            self.status.setText(f"Could not read the calls: {exc}")
        self.refresh()

    def refresh(self) -> None:
        now = self._clock()
        self.table.clear()
        view = self.view()
        for attempt, contact in self._calls:
            if not shown_in(view, attempt):
                continue
            item = QTreeWidgetItem(list(call_row(attempt, contact, now)))
            item.setData(0, _CONTACT, contact.id if contact else None)
            item.setData(0, _NUMBER, attempt.number_e164 or "")
            self.table.addTopLevelItem(item)
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        missed = sum(1 for a, _ in self._calls if is_missed(a))
        shown = self.table.topLevelItemCount()
        self.status.setText(f"{shown} calls" + (f" · {missed} missed" if missed else ""))
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
        number = self.selected_number()
        if number and not call_number(number, self.scheme):
            self.status.setText(f"No softphone handles {self.scheme}: links; number copied.")
            copy_number(number)

    def copy_selected(self) -> None:
        number = self.selected_number()
        if number:
            copy_number(number)
            self.status.setText(f"Copied {readable(number)}")

    def open_selected(self) -> None:
        item = self.table.currentItem()
        if item is None:
            return
        contact_id = item.data(0, _CONTACT)
        if contact_id is not None:
            self.contact_chosen.emit(int(contact_id))
        elif item.data(0, _NUMBER):
            self.search_requested.emit(str(item.data(0, _NUMBER)))

    def _update_actions(self) -> None:
        has_number = bool(self.selected_number())
        self.call.setEnabled(has_number)
        self.copy.setEnabled(has_number)
        item = self.table.currentItem()
        self.open_button.setEnabled(item is not None)
        if item is not None and item.data(0, _CONTACT) is None:
            self.open_button.setText("Who is it?")
        else:
            self.open_button.setText("Open")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
