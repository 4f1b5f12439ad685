"""Settings' Team directories page: the CardDAV books and LDAP directories mirrored here, each
with its address, contacts and last sync in words; Add (tested first), Edit (its contacts
stay), Sync now with progress, Remove with its contacts.

The list is read from the store on the GUI thread (SQLite only); everything that waits on a
server runs in DirectoryTasks' worker. Directory changes take effect at once: they are not
part of Settings' Save.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.directories import mirror
from desktop.adapters.directories.mirror import Directory
from desktop.adapters.store import Store, StoreError
from desktop.core.callbacks import ago_text
from desktop.qt.book_watch import while_shown
from desktop.qt.clock_tick import tick_while_shown
from desktop.qt.directory_dialog import AddDirectoryDialog, EditDirectoryDialog
from desktop.qt.directory_tasks import DirectoryTasks, in_words, sentence
from desktop.qt.plain_tooltip import plain_tooltip

if TYPE_CHECKING:
    from desktop.adapters.directories.managing import Added, Edited, Removed
    from desktop.adapters.directories.syncing import SyncReport
    from desktop.adapters.secrets import SecretStoreStatus

_KIND_NAMES = {"carddav": "CardDAV", "ldap": "LDAP"}


def directory_text(d: Directory, now: datetime) -> str:
    """Two or three lines: name, kind and contacts; where; when it last synced, and how."""
    where = f"{d.url}  ·  {d.collection_url}" if d.kind == "ldap" else d.collection_url
    user = f"  ·  as {d.username}" if d.username else ""
    contacts = f"{d.cards:,} contact{'' if d.cards == 1 else 's'}"
    if d.hidden:
        contacts += f" ({d.hidden:,} hidden from your cards)"
    lines = [f"{d.name}  ·  {_KIND_NAMES.get(d.kind, d.kind)}  ·  {contacts}", where + user]
    synced = f"Synced {ago_text(d.synced_at, now)}" if d.synced_at else "Never synced"
    lines.append(f"⚠ {synced}; the last try failed: {d.last_error}" if d.last_error else synced)
    if d.waiting:
        lines[-1] += f"; {d.waiting} call note{'' if d.waiting == 1 else 's'} waiting to be shared"
    return "\n".join(lines)


_SIDE_PADDING = 4  # px left and right of each directory's lines


class _WrappedInsidePadding(QStyledItemDelegate):
    """Word-wraps a row to the list's width less its side padding. The list wraps text to
    the full viewport and the style sheet then adds the padding, so a line that just fits
    made the row wider than the list: a sideways scroll bar under the directories."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:  # fmt: skip
        inside = QStyleOptionViewItem(option)
        inside.rect.setWidth(option.rect.width() - 2 * _SIDE_PADDING)
        return super().sizeHint(inside, index)


class DirectoriesPage(QWidget):
    # A directory synced from here (Add, Edit, Sync now): a problem said about it is over.
    synced = Signal(str)

    def __init__(self, store: Store, tasks: DirectoryTasks) -> None:
        super().__init__()
        self.store = store
        self.tasks = tasks
        # Replaced by tests; asks "Remove …?" once.
        self.confirm: Callable[[str, str], bool] = self._ask
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests move it on
        self._shown: list[Directory] = []  # as listed, for their "Synced … ago" to age
        self.dialog: AddDirectoryDialog | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Team address books on a CardDAV server and company directories (LDAP, Active "
            "Directory) are copied here and kept in sync every 15 minutes, so a caller's card "
            "never waits on the network."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.keychain = QLabel("")
        self.keychain.setTextFormat(Qt.TextFormat.PlainText)
        self.keychain.setWordWrap(True)
        self.keychain.hide()
        layout.addWidget(self.keychain)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setObjectName("directoryList")
        self.list.setStyleSheet(
            f"QListWidget#directoryList::item {{ padding: 6px {_SIDE_PADDING}px; }}")
        self.list.setItemDelegate(_WrappedInsidePadding(self.list))
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setMinimumHeight(120)
        self.list.currentRowChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(lambda _item: self.open_edit())
        layout.addWidget(self.list, 1)
        self.empty = QLabel("No team directories yet. Add your team's address book with Add…")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.open_add)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.open_edit)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(self.sync_selected)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.remove_selected)
        # Only while the chosen directory has people the rep hid (Hide from my cards).
        self.show_hidden_button = QPushButton("Show hidden")
        self.show_hidden_button.setToolTip("Bring back the people you hid from your cards")
        self.show_hidden_button.clicked.connect(self.show_hidden)
        for button in (self.add_button, self.edit_button, self.sync_button,
                       self.show_hidden_button, self.remove_button):  # fmt: skip
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        # Takes the spare height only while the list (stretch 1) is hidden: with no directory
        # yet, the page's text and buttons stay together at the top instead of spread apart.
        layout.addStretch(0)
        self.refresh()
        # Open all day beside a terminal: `directory add/sync/remove` there, and the app's own
        # background syncs, commit through other connections.
        while_shown(self, store.path, self._committed_elsewhere)
        # Left open, "Synced just now" becomes "Synced 1 h ago" as the Callbacks window's
        # "Missed call 40 min ago" does, without reading the store again.
        tick_while_shown(self, self._age)

    # -- what is shown --

    def refresh(self, chosen: str = "") -> None:
        chosen = chosen or self.selected()
        self.list.clear()
        now = self.clock()
        self._shown = mirror.directories(self.store)
        for d in self._shown:
            item = QListWidgetItem(directory_text(d, now))
            item.setData(Qt.ItemDataRole.UserRole, d.name)
            # A server's words and a URL the rep typed: never read as markup.
            item.setToolTip(plain_tooltip(d.last_error or d.collection_url))
            self.list.addItem(item)
            if d.name == chosen:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.setVisible(self.list.count() > 0)
        self.empty.setVisible(self.list.count() == 0)
        self._enable()

    def _age(self) -> None:
        now = self.clock()
        for row, d in enumerate(self._shown):
            item = self.list.item(row)
            text = directory_text(d, now)
            if item is not None and item.text() != text:  # the same text: nothing is laid out
                item.setText(text)

    def showEvent(self, event: QShowEvent) -> None:
        # The background loop syncs on its own: each look at the page reads the store anew.
        if not self.tasks.busy:
            self.refresh()
        super().showEvent(event)

    def _committed_elsewhere(self) -> None:
        if not self.tasks.busy:  # the task under way refreshes when it ends
            self.refresh()

    def selected(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def set_secrets_status(self, status: SecretStoreStatus | None) -> None:
        """Said only when passwords cannot be kept: a server without one still works."""
        insecure = status is not None and not status.secure
        self.keychain.setVisible(insecure)
        if status is not None and insecure:
            self.keychain.setText(f"⚠ {status.in_words()} {status.advice()}")
            # keyring's own reason is for bug reports, not for the page.
            self.keychain.setToolTip(status.detail or status.backend)

    # -- actions --

    def open_add(self) -> None:
        dialog = AddDirectoryDialog(self.tasks, self._taken(), self)
        dialog.added.connect(self._added)
        self._show_dialog(dialog)

    def open_edit(self) -> None:
        name = self.selected()
        target = mirror.directory(self.store, name) if name else None
        if target is None or self.tasks.busy or self.dialog is not None:
            return
        dialog = EditDirectoryDialog(self.tasks, self._taken(), target, self)
        dialog.edited.connect(self._edited)
        self._show_dialog(dialog)

    def sync_selected(self) -> None:
        name = self.selected()
        if not name or self.tasks.busy:
            return
        self._working(f"Syncing {name}…")
        self.tasks.sync(name, lambda outcome: self._synced(name, outcome), self._progress)

    def show_hidden(self) -> None:
        """The people hidden from the chosen directory come back with a sync that reads
        them afresh."""
        name = self.selected()
        if not name or self.tasks.busy:
            return
        try:
            shown = mirror.show_hidden(self.store, name)
        except StoreError as exc:
            self.status.setText(f"⚠ {in_words(exc)}")
            return
        if shown:
            self.sync_selected()

    def remove_selected(self) -> None:
        name = self.selected()
        if not name or self.tasks.busy:
            return
        d = mirror.directory(self.store, name)
        count = d.cards if d is not None else 0
        question = (f"Remove {name} and the {count:,} contact{'' if count == 1 else 's'} "
                    "copied from it? Your calls with them stay in the history; the server "
                    "is not changed.")  # fmt: skip
        if not self.confirm(f"Remove {name}?", question):
            return
        self._working(f"Removing {name}…", busy=False)
        self.tasks.remove(name, self._removed)

    # -- outcomes, in the GUI thread --

    def _added(self, added: Added) -> None:
        name = added.directory.name
        if added.report is not None:
            self.status.setText(f"Added {name}: {_report_words(added.report)}"
                                f"{added.report.demo_words()}")  # fmt: skip
            self.synced.emit(name)
        elif added.sync_error is not None:
            self.status.setText(f"⚠ Added {name}, but its first sync failed: "
                                f"{sentence(in_words(added.sync_error))} CallerCard will try "
                                "again; Sync now tries at once.")  # fmt: skip
        self.refresh(name)  # Sync now and Edit… then act on the one just added

    def _edited(self, edited: Edited) -> None:
        name = edited.directory.name
        renamed = f" (was {edited.was})" if edited.was and edited.was != name else ""
        if edited.report is not None:
            self.status.setText(f"Saved {name}{renamed} and synced: "
                                f"{_report_words(edited.report)}"
                                f"{edited.report.demo_words()}")  # fmt: skip
            self.synced.emit(edited.was or name)
        elif edited.sync_error is not None:
            self.status.setText(f"⚠ Saved {name}{renamed}, but the sync failed: "
                                f"{sentence(in_words(edited.sync_error))} The contacts copied "
                                "so far stay as they were; Sync now tries again.")  # fmt: skip
        self.refresh(name)

    def _synced(self, name: str, outcome: SyncReport | Exception) -> None:
        self._done()
        if isinstance(outcome, Exception):
            self.status.setText(f"⚠ {name}: {sentence(in_words(outcome))} The contacts copied "
                                "so far stay as they were.")  # fmt: skip
        else:
            self.status.setText(f"Synced {name}: {_report_words(outcome)}"
                                f"{outcome.demo_words()}")  # fmt: skip
            self.synced.emit(name)
        self.refresh()

    def _removed(self, outcome: Removed | Exception) -> None:
        self._done()
        if isinstance(outcome, Exception):
            self.status.setText(f"⚠ {in_words(outcome)}")
        else:
            plural = "" if outcome.contacts == 1 else "s"
            text = f"Removed {outcome.name} and its {outcome.contacts:,} contact{plural}."
            if outcome.password_kept:
                text += f" Its password stays in the keychain ({outcome.password_kept})."
            self.status.setText(text)
        self.refresh()

    def _progress(self, fetched: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(fetched)
        self.status.setText(f"Fetched {fetched:,} of {total:,} contacts…")

    # -- helpers --

    def _working(self, text: str, *, busy: bool = True) -> None:
        self.status.setText(text)
        self.progress.setRange(0, 0)  # busy until the server says how many cards come
        self.progress.setVisible(busy)
        for button in (self.add_button, self.edit_button, self.sync_button,
                       self.show_hidden_button, self.remove_button):  # fmt: skip
            button.setEnabled(False)

    def _done(self) -> None:
        self.progress.hide()
        self._enable()

    def _enable(self) -> None:
        if self.tasks.busy:
            return
        chosen = bool(self.selected())
        self.add_button.setEnabled(True)
        self.edit_button.setEnabled(chosen)
        self.sync_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        row = self.list.currentRow()
        hidden = self._shown[row].hidden if 0 <= row < len(self._shown) else 0
        self.show_hidden_button.setEnabled(chosen)
        self.show_hidden_button.setVisible(hidden > 0)

    def _taken(self) -> set[str]:
        return {str(self.list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.list.count())}  # fmt: skip

    def _show_dialog(self, dialog: AddDirectoryDialog) -> None:
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _selection_changed(self, _row: int) -> None:
        self._enable()

    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes


def _report_words(report: SyncReport) -> str:
    c = report.counts
    parts = [f"{c.added:,} added", f"{c.changed:,} changed", f"{c.removed:,} removed"]
    text = ", ".join(parts) + f" in {report.seconds:.1f} s."
    if c.unreadable:
        text += f" {c.unreadable:,} cards could not be read."
    return text
