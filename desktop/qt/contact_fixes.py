"""The contact view's fixing tools: an inline editor for one number (add, change, relabel,
remove) and the bar that deletes a contact and offers to bring it back.

Writes go through the GUI thread's connection, which gives up quickly while another process
(an import, the CLI) holds the write lock: the editor then keeps what was typed, says the
contacts are busy and tries again every RETRY_MS until it is written or cancelled, so the
window never freezes and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters import contact_edits
from desktop.adapters.contact_edits import NumberRow
from desktop.adapters.store import Store, StoreError
from desktop.core.number_edit import LABELS, NumberRefused, shown_number
from desktop.qt.above_cards import WhileAsking

RETRY_MS = 2000


def _plain(parent: QWidget, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class Retrying:
    """Runs a write now and, while the database is locked, again every RETRY_MS."""

    def __init__(self, parent: QWidget, say: Callable[[str], None], *, failed: str = "Not saved",
                 kept: str = " What you typed is kept.") -> None:  # fmt: skip
        self._say = say
        self._failed = failed
        self._kept = kept
        self._pending: Callable[[], None] | None = None
        self.timer = QTimer(parent)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self._again)

    def run(self, write: Callable[[], None]) -> None:
        self._pending = write
        self._again()

    def stop(self) -> None:
        self._pending = None
        self.timer.stop()

    @property
    def waiting(self) -> bool:
        return self._pending is not None

    def _again(self) -> None:
        write = self._pending
        if write is None:
            return
        try:
            write()
        except NumberRefused as exc:
            self.stop()
            self._say(str(exc))
            return
        except StoreError as exc:
            if "locked" in str(exc) or "another program" in str(exc):
                self._say("The contacts are busy (an import or another window is writing); "
                          f"trying again in a moment.{self._kept}")  # fmt: skip
                self.timer.start()
                return
            self.stop()
            self._say(f"{self._failed}: {exc}")
            return
        self.stop()


class NumberEditor(QFrame):
    """Edits one number of a contact, or adds one. `done` carries the sentence to show after
    a write; the contact view then reloads."""

    done = Signal(str)

    def __init__(self, store: Store, contact_id: int, home_region: Callable[[], str],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.contact_id = contact_id
        self._home_region = home_region
        self._row: NumberRow | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("numberEditor")
        self.title = _plain(self)
        self.number = QLineEdit(self)
        self.number.setObjectName("numberText")
        self.number.setPlaceholderText("e.g. +44 20 7946 0958 or 415 555 0142 x12")
        self.number.returnPressed.connect(self.save)
        self.number.textEdited.connect(self._not_confirmed)
        # The number the rep chose to keep although another contact has it (a shared line).
        self._shared_ok: str | None = None
        self.label = QComboBox(self)
        self.label.setObjectName("numberLabel")
        self.label.setEditable(True)
        self.label.addItems(["", *LABELS])
        self.label.setMinimumContentsLength(10)
        line = self.label.lineEdit()
        if line is not None:
            line.setPlaceholderText("label")
        self.save_button = QPushButton("Save number", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove number", self)
        self.remove_button.clicked.connect(self.remove)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.message = _plain(self)
        self.message.setObjectName("numberMessage")
        self._retry = Retrying(self, self.message.setText)

        fields = QHBoxLayout()
        fields.addWidget(self.number, 3)
        fields.addWidget(self.label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(fields)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.hide()

    def edit(self, row: NumberRow | None) -> None:
        """Open for `row`, or for a new number when None."""
        self._retry.stop()
        self._row = row
        if row is None:
            self.title.setText("Add a number")
            self.number.clear()
            self.label.setCurrentText("")
        else:
            self.title.setText(f"Change {shown_number(row.number)}")
            self.number.setText(row.number.raw)
            self.label.setCurrentText(row.number.label)
        self.remove_button.setVisible(row is not None)
        self._not_confirmed()
        self.message.clear()
        self.message.hide()
        self.show()
        self.number.setFocus()
        self.number.selectAll()

    def save(self) -> None:
        text, label, row = self.number.text(), self.label.currentText(), self._row
        if self._shared_ok != text.strip():
            warning = self._shared_warning(text, label)
            if warning:
                # Asked once: a second Save of this same number keeps it.
                self._retry.stop()
                self._shared_ok = text.strip()
                self.message.setText(warning)
                self.message.show()
                self.save_button.setText("Save anyway")
                self.number.setFocus()
                return

        def write() -> None:
            if row is None:
                said = contact_edits.add_number(
                    self.store, self.contact_id, text, label, self._home_region())
            else:
                said = contact_edits.change_number(
                    self.store, self.contact_id, row.id, text, label, self._home_region())
            self._finish(said)

        self._write(write)

    def _shared_warning(self, text: str, label: str) -> str:
        """Whose number this is already, or "" (also when it is no number, or the database
        cannot be read now: the write itself says so)."""
        row = self._row
        try:
            return contact_edits.shared_with(self.store, self.contact_id,
                                             row.id if row is not None else None, text, label,
                                             self._home_region())  # fmt: skip
        except (NumberRefused, StoreError):
            return ""

    def _not_confirmed(self) -> None:
        if self._shared_ok is not None:
            self._shared_ok = None
            self.save_button.setText("Save number")

    def remove(self) -> None:
        row = self._row
        if row is None:
            return
        self._write(lambda: self._finish(
            contact_edits.remove_number(self.store, self.contact_id, row.id)))

    def cancel(self) -> None:
        self._retry.stop()
        self.hide()

    @property
    def waiting(self) -> bool:
        """A write is waiting for the database to be free."""
        return self._retry.waiting

    def _write(self, write: Callable[[], None]) -> None:
        self.message.show()
        self.message.clear()
        self._retry.run(write)
        if self.isVisible():
            self.number.setFocus()

    def _finish(self, said: str) -> None:
        self.hide()
        self.done.emit(said)


class DeleteBar(QFrame):
    """"Delete Mike Kowalski? …" with Delete / Keep, then "Deleted … [Undo]"."""

    deleted = Signal(str)
    restored = Signal(int, str)  # the contact's id (a new one only if its own was taken)

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.contact_id = 0
        self._undo_id: int | None = None
        self._above: WhileAsking | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = _plain(self)
        self.confirm_button = QPushButton("Delete", self)
        self.confirm_button.clicked.connect(self.confirm)
        self.keep_button = QPushButton("Keep", self)
        self.keep_button.clicked.connect(self.hide)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.clicked.connect(self.undo)
        self._retry = Retrying(self, self.text.setText, failed="Not done", kept="")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.keep_button)
        layout.addWidget(self.undo_button)
        self.hide()

    def ask(self, contact_id: int, who: str, calls: int, directory: str = "",
            promise: str = "") -> None:  # fmt: skip
        """`directory`: the team directory the contact is mirrored from. Its next sync would
        bring a deleted person back, so they are hidden from this rep's cards instead, and
        the question says where they stay and how to show them again. `promise`: what
        becomes of their open callback promise (core/callbacks.stays_text), said after."""
        self.contact_id = contact_id
        kept = (" Their call stays in Recent calls." if calls == 1
                else f" Their {calls} calls stay in Recent calls." if calls else "")  # fmt: skip
        kept += f" {promise}" if promise else ""
        if directory:
            self.text.setText(f"Hide {who} from your cards? They stay in {directory}, the "
                              "team's directory, whose syncs leave them out until you choose "
                              f"Show hidden in Settings → Team directories.{kept}")  # fmt: skip
            self.confirm_button.setText("Hide")
        else:
            self.text.setText(f"Delete {who} and their numbers?{kept}")
            self.confirm_button.setText("Delete")
        self._buttons(asking=True)
        self.show()
        # Its Delete and Keep stand above the caller cards until answered (above_cards.py).
        if self._above is None or self._above.parent() is not self.window():
            self._above = WhileAsking(self.window())
        self._above.ask()

    def confirm(self) -> None:
        def write() -> None:
            self._undo_id, said = contact_edits.delete_contact(self.store, self.contact_id)
            self.text.setText(said)
            self._buttons(asking=False)
            self.deleted.emit(said)

        self._retry.run(write)

    def undo(self) -> None:
        def write() -> None:
            contact_id, said = contact_edits.undo_delete(self.store, self._undo_id)
            self.hide()
            self.restored.emit(contact_id, said)

        self._retry.run(write)

    def hideEvent(self, event: QHideEvent) -> None:
        self._retry.stop()  # Keep, or the view closing: no deletion waits to happen later
        if self._above is not None:
            self._above.done()
        super().hideEvent(event)

    def _buttons(self, *, asking: bool) -> None:
        self.confirm_button.setVisible(asking)
        self.keep_button.setVisible(asking)
        self.undo_button.setVisible(not asking)
