"""Add a team directory: a CardDAV address book or an LDAP / Active Directory, tested before
it is added, and synced once with a progress bar while the dialog stays open. Edit is the same
dialog filled in with a directory that exists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.qt.directory_tasks import DirectoryTasks, in_words
from desktop.qt.screen_fit import FRAME_ALLOWANCE

if TYPE_CHECKING:
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import Added, Edited
    from desktop.adapters.directories.mirror import Directory

# As ldap_client.DEFAULT_FILTER (not imported: it would load ldap3 with the window).
LDAP_FILTER_HINT = "(|(objectClass=person)(objectClass=contact))"
MAX_EDIT_WIDTH = 900  # a longer address scrolls in its field rather than the dialog sprawl


class AddDirectoryDialog(QDialog):
    added = Signal(object)  # managing.Added
    WORKING = "Adding and syncing…"

    def __init__(self, tasks: DirectoryTasks, taken: set[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a team directory")
        self.setModal(True)
        self.tasks = tasks
        self._taken = taken
        self._stored = ""  # Edit: the directory whose stored password an empty field means
        # Where the focus was when a task locked the buttons: a locked button hands it on to
        # Cancel, and Enter there closed the dialog with everything typed.
        self._focus_before: QWidget | None = None
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind = QComboBox()
        self.kind.addItem("CardDAV address book (Nextcloud, Radicale, iCloud…)", "carddav")
        self.kind.addItem("LDAP / Active Directory", "ldap")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow("Kind", self.kind)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Sales team")
        form.addRow("Name", self.name)
        self.url = QLineEdit()
        form.addRow("Server address", self.url)
        self.base = QLineEdit()
        self.base.setPlaceholderText("e.g. OU=Staff,DC=corp,DC=example")
        form.addRow("Search base", self.base)
        self.user = QLineEdit()
        self._user_label = QLabel("User")
        form.addRow(self._user_label, self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Password", self.password)
        self.search_filter = QLineEdit()
        self.search_filter.setPlaceholderText(LDAP_FILTER_HINT)
        form.addRow("Filter", self.search_filter)
        self.start_tls = QCheckBox("Use StartTLS on ldap://")
        form.addRow("", self.start_tls)
        ca_row = QHBoxLayout()
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("Optional: your company's certificate authority (PEM)")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_ca_file)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(choose)
        form.addRow("Trusted authority", ca_row)
        self._form = form
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.said = QLabel("")
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.said.setWordWrap(True)
        self.said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.said, 1)
        self.progress = QProgressBar()
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        accept = QDialogButtonBox.ButtonRole.AcceptRole
        self.add_button = self.buttons.addButton("Add and sync", accept)
        self._lockable: list[QWidget] = [self.test_button, self.add_button, self.kind]
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._kind_changed()
        self.resize(560, self.sizeHint().height())

    def form(self) -> DirectoryForm | str:
        """What was typed, or what is missing in words."""
        from desktop.adapters.directories.directory_form import DirectoryForm

        kind = str(self.kind.currentData())
        name, url = self.name.text().strip(), self.url.text().strip()
        if not name:
            return "Give it a name, e.g. Sales team."
        if name in self._taken:
            return f"There is a directory named {name!r} already; choose another name."
        schemes = ("ldap://", "ldaps://") if kind == "ldap" else ("http://", "https://")
        if not url.lower().startswith(schemes):
            return f"The server address starts with {' or '.join(schemes)}"
        if kind == "ldap" and not self.base.text().strip():
            return "Give the search base, e.g. dc=example,dc=com."
        if self.password.text() and not self.user.text().strip():
            return "A password goes with a " + ("bind DN." if kind == "ldap" else "user name.")
        return DirectoryForm(kind, name, url, self.user.text().strip(), self.password.text(),
                             self.base.text().strip(), self.search_filter.text().strip(),
                             self.start_tls.isChecked(), self.ca_file.text().strip())  # fmt: skip

    def test_connection(self) -> None:
        form = self._form_or_say()
        if form is None:
            return
        self._busy("Connecting…")
        self.tasks.check(form, self._tested, self._stored)

    def add(self) -> None:
        form = self._form_or_say()
        if form is None:
            return
        self._busy(self.WORKING)
        self.progress.setRange(0, 0)  # busy until the server says how many cards come
        self.progress.show()
        self._send(form)

    def _send(self, form: DirectoryForm) -> None:
        self.tasks.add(form, self._added, self._progress)

    # -- outcomes, in the GUI thread --

    def _tested(self, outcome: str | Exception) -> None:
        self._idle()
        self._say(outcome if isinstance(outcome, str) else in_words(outcome),
                  ok=isinstance(outcome, str))  # fmt: skip
        if isinstance(outcome, str):
            self.add_button.setFocus()  # it works: Enter now adds (or saves) it

    def _progress(self, fetched: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(fetched)
        self.said.setText(f"Fetched {fetched:,} of {total:,} contacts…")

    def _added(self, outcome: Added | Exception) -> None:
        self._idle()
        self.progress.hide()
        if isinstance(outcome, Exception):
            self._say(in_words(outcome), ok=False)
            return
        self.added.emit(outcome)
        self.accept()

    # -- helpers --

    def _form_or_say(self) -> DirectoryForm | None:
        form = self.form()
        if isinstance(form, str):
            self._say(form, ok=False)
            return None
        return form

    def _say(self, text: str, *, ok: bool) -> None:
        self.said.setText(text if ok else f"⚠ {text}")

    def _busy(self, text: str) -> None:
        self.said.setText(text)
        self._focus_before = self.focusWidget()
        for widget in self._lockable:
            widget.setEnabled(False)

    def _idle(self) -> None:
        for widget in self._lockable:
            widget.setEnabled(True)
        if self._focus_before is not None:
            self._focus_before.setFocus()
            self._focus_before = None

    def _kind_changed(self) -> None:
        ldap = self.kind.currentData() == "ldap"
        self.url.setPlaceholderText(
            "ldaps://dc1.corp.example" if ldap else "https://dav.example.com/ or the book's own"
        )
        self._user_label.setText("Bind DN" if ldap else "User")
        self.user.setPlaceholderText("Empty for anonymous" if ldap else "")
        for field in (self.base, self.search_filter, self.start_tls):
            self._form.setRowVisible(field, ldap)
        self.said.setText("")

    def _choose_ca_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Certificate authority", str(Path.home()),
            "Certificates (*.pem *.crt);;All files (*)",
        )
        if path:
            self.ca_file.setText(path)

    def reject(self) -> None:
        if self.tasks.busy:  # the worker reports back to this dialog: let it finish first
            self.said.setText("Still talking to the server; Cancel works once it answers.")
            return
        super().reject()


class EditDirectoryDialog(AddDirectoryDialog):
    """Add's dialog for a directory that exists: its settings filled in and its kind fixed.
    The password field starts empty, "Unchanged": left so, the stored password is kept (and
    Test connection uses it); it is only ever read from and written to the keychain."""

    edited = Signal(object)  # managing.Edited
    WORKING = "Saving and syncing…"

    def __init__(self, tasks: DirectoryTasks, taken: set[str], target: Directory,
                 parent: QWidget | None) -> None:  # fmt: skip
        from desktop.adapters.directories.directory_form import form_of

        super().__init__(tasks, taken - {target.name}, parent)
        self.setWindowTitle(f"Edit {target.name}")
        self._stored = target.name
        self.kind.setCurrentIndex(self.kind.findData(target.kind))
        self.kind.setEnabled(False)
        self._lockable.remove(self.kind)
        given = form_of(target)
        self.name.setText(given.name)
        self.url.setText(given.url)
        self.base.setText(given.base)
        self.user.setText(given.user)
        self.password.setPlaceholderText("Unchanged")
        self.search_filter.setText(given.search_filter)
        self.start_tls.setChecked(given.start_tls)
        self.ca_file.setText(given.ca_file)
        self.add_button.setText("Save and sync")
        self._fit_filled_in()
        self.password.setFocus()  # what an edit most often changes

    def _fit_filled_in(self) -> None:
        """Each field shows its start (the scheme and host, not the tail of a long path), and
        the dialog widens for a long address as far as the screen allows."""
        filled = (self.name, self.url, self.base, self.user, self.search_filter, self.ca_file)
        for field in filled:
            field.setCursorPosition(0)
        longest = max(f.fontMetrics().horizontalAdvance(f.text()) for f in filled)
        labels = self._form.labelForField(self.url)
        beside = labels.sizeHint().width() if labels is not None else 0
        wanted = min(max(self.width(), longest + beside + 64), MAX_EDIT_WIDTH)
        screen = self.screen()
        room = screen.availableGeometry().width() - FRAME_ALLOWANCE.width() if screen else wanted
        # Only the size: on show, QDialog centres itself over Settings and keeps to the screen.
        self.resize(min(wanted, room), self.height())

    def _send(self, form: DirectoryForm) -> None:
        self.tasks.edit(self._stored, form, self._edited, self._progress)

    def _edited(self, outcome: Edited | Exception) -> None:
        self._idle()
        self.progress.hide()
        if isinstance(outcome, Exception):
            self._say(in_words(outcome), ok=False)
            return
        self.edited.emit(outcome)
        self.accept()
