"""The window Recent calls and Callbacks are both made of: one list of rows, each with a number
and maybe a contact, and the same Open / Copy number / Call back actions under it.

"Call back" goes through the app's ClickToCall (click_to_call.py: the softphone chosen in
Settings, a question outside business hours, a message when nothing can call); a window made
without one hands a tel: link to the desktop. "Copy number" puts the number on the clipboard
for any other phone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.candidates import readable
from desktop.core.internal_extension import extension_digits
from desktop.core.unread_caller_id import dialable_caller_id, shown_caller_id
from desktop.qt.book_watch import BookWatch, while_shown
from desktop.qt.plain_tooltip import plain_tooltip

if TYPE_CHECKING:
    from desktop.qt.click_to_call import ClickToCall

CONTACT = Qt.ItemDataRole.UserRole  # the row's contact id, or None
NUMBER = Qt.ItemDataRole.UserRole + 1  # the row's E.164 number, or ""
# A row without one: its caller ID as received, when that was not a number we can read
# (desktop.core.unread_caller_id). Copied, never dialled nor looked up.
CALLER_ID = Qt.ItemDataRole.UserRole + 10  # past the roles the subclasses use


def call_url(e164: str, scheme: str = "tel") -> QUrl:
    """tel:+14155550142 (RFC 3966) or sip:+14155550142; softphones register for either."""
    return QUrl(f"{scheme}:{e164}")


def call_number(e164: str, scheme: str = "tel") -> bool:
    """Ask the desktop to dial; False when no application handles the link."""
    return QDesktopServices.openUrl(call_url(e164, scheme))


def copy_number(e164: str) -> None:
    QGuiApplication.clipboard().setText(e164)


def place_call(placer: ClickToCall | None, number: str, parent: QWidget,
               report: Callable[[str], None], *, scheme: str = "tel",
               asked: bool = False, contact_id: int | None = None) -> None:  # fmt: skip
    """Hand the number to the app's ClickToCall; a window made without one hands a link to
    the desktop and, when nothing takes it, copies the number and says so. ``contact_id``:
    whom the call is for, on a number several contacts share."""
    if placer is not None:
        placer.call(number, parent, asked=asked, report=report, contact_id=contact_id)
        return
    if not call_number(number, scheme):
        copy_number(number)
        report(f"No softphone handles {scheme}: links; number copied.")


class NumberTableWindow(QWidget):
    """`table` (its columns set by the subclass), the three actions and a status line.
    Subclasses fill the table and say what Open does (`open_selected`)."""

    contact_chosen = Signal(object)  # contact id
    search_requested = Signal(str)  # a number nobody has: whose it is (the app's Who is it?)
    # While shown and following (follow_commits), another connection committed to the
    # database: a call from a terminal's `log-call`, the writer thread's, an import.
    committed_elsewhere = Signal()

    def __init__(self, title: str, columns: list[str], *, scheme: str = "tel") -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(title)
        self._book_watch: BookWatch | None = None
        self.scheme = scheme
        self.placer: ClickToCall | None = None  # set by the app: how its calls are placed
        self.table = QTreeWidget(self)
        self.table.setColumnCount(len(columns))
        self.table.setHeaderLabels(columns)
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
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
        self.action_row = QHBoxLayout()  # subclasses may add their own buttons
        self.action_row.addWidget(self.status, 1)
        self.action_row.addWidget(self.open_button)
        self.action_row.addWidget(self.copy)
        self.action_row.addWidget(self.call)

        self.body = QVBoxLayout(self)  # subclasses may put more above the table
        self.body.setContentsMargins(14, 12, 14, 10)
        self.body.addWidget(self.table, 1)
        self.body.addLayout(self.action_row)

    def reload(self) -> None:
        raise NotImplementedError

    def follow_commits(self, database: Path) -> None:
        """Say `committed_elsewhere` while shown (BookWatch: inotify and data_version, never
        polled), so a list left open all day does not go stale."""
        if self._book_watch is None:
            self._book_watch = while_shown(self, database, self.committed_elsewhere.emit)

    def open(self) -> None:
        from desktop.qt.search_window import bring_to_front

        self.reload()
        bring_to_front(self)
        self.table.setFocus()

    def selected_number(self) -> str:
        item = self.table.currentItem()
        return str(item.data(0, NUMBER) or "") if item is not None else ""

    def call_selected(self) -> None:
        number = self.selected_number() or self._selected_extension_digits()
        if number:
            self.dial(number)

    def _selected_extension_digits(self) -> str:
        """A colleague's extension the selected row's call came from ("3103"): the office
        PBX connects it, as the missed card's Call back dials it."""
        caller_id = self._selected_caller_id()
        return extension_digits(caller_id) if caller_id else ""

    def dial(self, number: str, *, asked: bool = False) -> None:
        """Hand the number to the softphone; without one, copy it and say so. ``asked``: the
        window has already asked about calling outside their business hours."""
        # The selected row's contact (a Callbacks entry, a call): the number may be shared.
        item = self.table.currentItem()
        who = item.data(0, CONTACT) if item is not None else None
        place_call(self.placer, number, self, self.status.setText, scheme=self.scheme,
                   asked=asked, contact_id=int(who) if who is not None else None)  # fmt: skip

    def copy_selected(self) -> None:
        number = self.selected_number()
        if number:
            copy_number(number)
            self.status.setText(f"Copied {readable(number)}")
        elif caller_id := self._selected_caller_id():
            # What the rep can dial: a colleague's extension is "3103", not "sip:3103@pbx".
            dialable = dialable_caller_id(caller_id)
            copy_number(dialable)
            self.status.setText(f"Copied {shown_caller_id(dialable)}")

    def _selected_caller_id(self) -> str:
        item = self.table.currentItem()
        return str(item.data(0, CALLER_ID) or "") if item is not None else ""

    def open_selected(self) -> None:
        """A contact's row opens the contact; a number nobody has looks for who it might be
        ("Who is it?")."""
        item = self.table.currentItem()
        if item is None:
            return
        if item.data(0, CONTACT) is not None:
            self.contact_chosen.emit(int(item.data(0, CONTACT)))
        elif item.data(0, NUMBER):
            self.search_requested.emit(str(item.data(0, NUMBER)))

    def _update_actions(self) -> None:
        has_number = bool(self.selected_number())
        extension = "" if has_number else self._selected_extension_digits()
        if has_number and self.placer is not None:  # with whom, and their time there
            self.call.setToolTip(self.placer.tooltip(self.selected_number()))
        elif extension:
            self.call.setToolTip(plain_tooltip(f"Call x{extension}"))
        self.call.setEnabled(has_number or bool(extension))
        self.copy.setEnabled(has_number or bool(self._selected_caller_id()))
        item = self.table.currentItem()
        self.open_button.setEnabled(item is not None and item.data(0, CONTACT) is not None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)
