"""Possible duplicates: the pairs the book holds, a preview of what merging one gives (which
fields win, which numbers are kept), Merge, Not the same person, and Undo.

Finding reads the whole book, so it runs in a worker thread on its own connection and comes
back through a signal; a merge is two contacts in one short transaction on the GUI thread's
connection, which gives up quickly while another process writes, and is then retried (the
window says so) rather than freezing. A merge made elsewhere (`callercard merge`, the window of
another CallerCard on the same book) is followed as it commits (BookWatch): the list is read
again, the chosen pair kept chosen while it still exists.

Names, notes and numbers come from imports: every cell is plain text.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters import duplicates
from desktop.adapters.contact_undo import UndoRefused, entries
from desktop.adapters.store import Store, StoreError
from desktop.core.display_text import one_line
from desktop.core.duplicates import FIELD_TITLES, DuplicatePair, MergePlan
from desktop.core.import_history import when
from desktop.core.models import Contact, StoredNumber
from desktop.core.number_edit import shown_number
from desktop.qt.book_watch import while_shown
from desktop.qt.bridge import ThreadBridge
from desktop.qt.contact_fixes import Retrying
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.search_window import bring_to_front
from desktop.qt.system_clock import hour_cycle

_ID = Qt.ItemDataRole.UserRole


def _who(contact: Contact) -> str:
    return one_line(contact.name) or one_line(contact.company) or f"Contact {contact.id}"


def pair_line(first: Contact, second: Contact) -> str:
    """The pair in the list: their names, and where the names are the same, what tells them
    apart, one to a line ("Rosa Delgado (Mesa Foods)", "Rosa Delgado (no company)"); the same
    name twice said nothing about which pair was which."""
    a, b = _who(first), _who(second)
    if a.casefold() != b.casefold():
        return f"{a}  ·  {b}"
    facts = ((first.company, second.company, "no company"),
             (first.email, second.email, "no e-mail"),
             (_first_number(first), _first_number(second), "no number"))  # fmt: skip
    for mine, theirs, missing in facts:
        mine, theirs = one_line(mine), one_line(theirs)
        if mine.casefold() != theirs.casefold():
            return f"{a} ({mine or missing})\n{b} ({theirs or missing})"
    return f"{a}  ·  {b}"


def _first_number(contact: Contact) -> str:
    return shown_number(contact.numbers[0]) if contact.numbers else ""


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label




class DuplicatesWindow(QWidget):
    """`changed` fires with the kept contact's id after a merge or its undo, so open contact
    views and the card reload; `contact_chosen` when a pair is double-clicked."""

    changed = Signal(int)
    contact_chosen = Signal(int)
    loaded = Signal()

    def __init__(self, store: Store, bridge: ThreadBridge | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.store = store
        self.setWindowTitle("CallerCard — Possible duplicates")
        fit_to_screen(self, QSize(980, 560))
        self.pairs: list[DuplicatePair] = []
        self.plan: MergePlan | None = None
        # merges not taken back yet, oldest first: Undo takes the last, Undo an earlier merge
        # any other. Those made before this window opened count too: Undo import sends the
        # rep here to take one back, and newer, unrelated merges need not go first
        self._undo_ids: list[int] = []
        self._merge_said: dict[int, str] = {}  # each one's summary, for the button's tooltip
        self._merge_at: dict[int, datetime] = {}  # when each was made, for the earlier ones
        # each one's sides with their company and number: two "Merged the two Mike Brandt
        # contacts" in the list read alike
        self._merge_told: dict[int, str] = {}
        self._said = ""  # what the last action did, shown once the list is read again
        self._thread: threading.Thread | None = None
        # The app's one bridge; a window made on its own (a test, a demo) brings its own.
        self._bridge = bridge or ThreadBridge()
        self._build()
        self._retry = Retrying(self, self.status.setText, failed="Not done", kept="")
        # Commits by other connections, while shown. PRAGMA data_version of the window's own
        # connection moves only for those, so a merge made here is not read back as news.
        self._book_watch = while_shown(self, store.path, self._committed_elsewhere)
        self._read_at_version: int | None = None  # the book as the list was last read
        self._read_again = False  # a commit came while a reading was under way

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("pairs")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._show_pair)
        self.list.itemDoubleClicked.connect(
            lambda item: self.contact_chosen.emit(int(item.data(_ID)[0])))
        self.summary = _plain()
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)
        self.reasons = _plain()
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("preview")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.legend = _plain("Bold: what the merge takes from the contact that goes.")
        self.legend.setEnabled(False)
        self.swap_button = QPushButton("Keep the other one")
        self.swap_button.setToolTip("Which contact stays (its id, its links) and which goes")
        self.swap_button.clicked.connect(self.swap)
        self.dismiss_button = QPushButton("Not the same person")
        self.dismiss_button.clicked.connect(self.dismiss)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.merge)

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(8, 0, 0, 0)
        side.addWidget(self.summary)
        side.addWidget(self.reasons)
        side.addWidget(self.table, 1)
        side.addWidget(self.legend)
        actions = QHBoxLayout()
        actions.addWidget(self.swap_button)
        actions.addStretch(1)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.merge_button)
        side.addLayout(actions)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        split.setSizes([270, 710])
        self.split = split
        # In place of two empty panes (which read as a window that failed to load) once a
        # reading found nothing: what would be listed, so the rep knows it was looked for.
        self.empty = _plain(_EMPTY.format(first="Nothing to merge."))
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setContentsMargins(150, 0, 150, 0)
        self.empty.hide()

        self.status = _plain()
        self.status.setObjectName("status")
        self.undo_button = QPushButton("Undo merge")
        self.undo_button.clicked.connect(lambda _checked=False: self.undo())
        self.undo_button.hide()
        self.earlier_button = QToolButton()
        self.earlier_button.setText("Undo an earlier merge")
        self.earlier_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.earlier_button.setMenu(QMenu(self.earlier_button))
        self.earlier_button.hide()
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.earlier_button)
        footer.addWidget(self.undo_button)
        footer.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(footer)
        self._show_pair(-1)

    # -- finding --

    def open(self) -> None:
        self._offer_earlier_merges()
        self.refresh()
        bring_to_front(self)

    def _offer_earlier_merges(self) -> None:
        """Undo merge offers the merges made before (another session, callercard merge) too:
        an import that one of them blocks says to take it back here."""
        for entry in entries(self.store, "merge"):
            if entry.undone_at is None:
                self._merge_said[entry.id] = entry.summary
                self._merge_told[entry.id] = duplicates.told(self.store, entry.id)
                self._merge_at[entry.id] = datetime.fromtimestamp(entry.created_at).astimezone()
                if entry.id not in self._undo_ids:
                    self._undo_ids.append(entry.id)
        self._undo_ids.sort()
        self._show_undo()

    def refresh(self) -> None:
        """Look for duplicates again, in a worker thread."""
        if self._thread is not None:
            return
        self.status.setText("Looking for duplicates…")
        self._read_at_version = self._data_version()
        path: Path = self.store.path

        def run() -> None:
            try:
                store = Store.open(path)
                try:
                    result: list[DuplicatePair] | str = duplicates.find(store)
                finally:
                    store.close()
            except StoreError as exc:
                result = f"Could not read the contacts: {exc}"
            self._bridge.call_from_thread(lambda: self._on_found(result), owner=self)

        self._thread = threading.Thread(target=run, name="callercard-duplicates", daemon=True)
        self._thread.start()

    def busy_finding(self) -> bool:
        return self._thread is not None

    def _on_found(self, result: list[DuplicatePair] | str) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if isinstance(result, str):
            self.status.setText(result)
        else:
            self.pairs = result
            self._fill()
            count = len(result)
            self.status.setText(
                self._said or (f"{count} possible duplicate{'s' if count != 1 else ''}." if count
                else "No possible duplicates: every contact looks like a person of their own.")
            )  # fmt: skip
            self._said = ""
        self.loaded.emit()
        if self._read_again:
            self._read_again = False
            self.refresh()

    def _committed_elsewhere(self) -> None:
        version = self._data_version()
        if version is not None and version == self._read_at_version:
            return  # this window's own write (or nothing new for this connection)
        if self._thread is not None:
            self._read_again = True  # the reading under way may predate the commit
            return
        self.refresh()

    def _data_version(self) -> int | None:
        try:
            return int(self.store.connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None  # busy: read the list again, to be safe

    def _fill(self) -> None:
        row = self.list.currentRow()
        chosen = tuple(self.list.item(row).data(_ID)) if row >= 0 else None
        listed = self.list.count() > 0
        self.list.blockSignals(True)
        self.list.clear()
        for pair in self.pairs:
            item = QListWidgetItem(f"{pair_line(pair.first, pair.second)}\n"
                                   f"{'; '.join(pair.reasons)}")  # fmt: skip
            item.setData(_ID, pair.ids)
            self.list.addItem(item)
        self.list.blockSignals(False)
        # The pair being looked at stays chosen when the list is read again under it.
        row = next((i for i, p in enumerate(self.pairs) if p.ids == chosen), 0)
        self.list.setCurrentRow(row if self.pairs else -1)
        self._show_pair(self.list.currentRow())
        # The last pair merged or set aside here: two blank panes read as a window that
        # failed; the list was done, and the window says so.
        if not self.pairs:
            first = "No more possible duplicates." if listed else "Nothing to merge."
            self.empty.setText(_EMPTY.format(first=first))
        self.split.setVisible(bool(self.pairs))
        self.empty.setVisible(not self.pairs)

    # -- the preview --

    def _show_pair(self, row: int, kept: int | None = None) -> None:
        pair = self.pairs[row] if 0 <= row < len(self.pairs) else None
        for widget in (self.swap_button, self.dismiss_button, self.merge_button):
            widget.setEnabled(pair is not None)
        if pair is None:
            self.plan = None
            # With nothing listed there is nothing to choose: the status line says why.
            self.summary.setText(
                "Choose a pair to see what merging them gives." if self.pairs else ""
            )
            self.reasons.clear()
            self.table.setRowCount(0)
            self.table.horizontalHeader().hide()  # else Qt's "1 2 3 4" head an empty table
            return
        try:
            self.plan = duplicates.preview(self.store, *pair.ids, kept=kept)
        except StoreError as exc:
            self.plan = None
            self.summary.setText(str(exc))
            self.table.setRowCount(0)
            self.table.horizontalHeader().hide()
            return
        self.reasons.setText("Why: " + "; ".join(pair.reasons) + ".")
        self._show_plan(self.plan)

    def _show_plan(self, plan: MergePlan) -> None:
        self.summary.setText(plan.summary())
        self.table.horizontalHeader().show()
        # Short headings: a name in them ("Astrid Lindqvist (stays)") was cut at both ends at
        # 2× on a 1600×1000 screen, and the Name row below says who is who anyway.
        self.table.setHorizontalHeaderLabels(["", "Stays", "Goes", "After the merge"])
        for column, tip in ((1, f"{_who(plan.kept)}: the contact that stays (its id, its links)"),
                            (2, f"{_who(plan.other)}: the contact that goes")):  # fmt: skip
            heading = self.table.horizontalHeaderItem(column)
            if heading is not None:
                heading.setToolTip(plain_tooltip(tip))
        rows: list[tuple[str, str, str, str, bool]] = []
        for choice in plan.fields:
            if choice.kept or choice.other:
                # The other's differing value is not lost: say where it goes.
                noted = f"  + {choice.other} in Notes" if choice.to_notes else ""
                result = choice.result + noted
                rows.append((FIELD_TITLES[choice.field], choice.kept, choice.other, result,
                             choice.to_notes or choice.source in ("other", "both")))  # fmt: skip
        for number in plan.kept.numbers:
            rows.append(("Number", _number(number), "", _number(number), False))
        for number in plan.numbers_moved:
            rows.append(("Number", "", _number(number), _number(number), True))
        for number in plan.numbers_dropped:
            rows.append(("Number", "", _number(number), "(already there)", False))
        calls = len(plan.kept.attempts), len(plan.other.attempts)
        rows.append(("Calls", str(calls[0]), str(calls[1]), str(sum(calls)), calls[1] > 0))
        self.table.setRowCount(len(rows))
        for r, (title, mine, theirs, result, taken) in enumerate(rows):
            for c, text in enumerate((title, mine, theirs, result)):
                item = QTableWidgetItem(" ⏎ ".join(one_line(t) for t in text.splitlines()))
                if c == 3 and taken:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()

    def swap(self) -> None:
        if self.plan is not None:
            self._show_pair(self.list.currentRow(), kept=self.plan.other.id)

    # -- acting --

    def merge(self) -> None:
        plan = self.plan
        if plan is None:
            return
        kept, other = plan.kept.id, plan.other.id

        def write() -> None:
            try:
                done = duplicates.merge(self.store, kept, other)
            except StoreError as exc:
                if None not in (self.store.contact(kept), self.store.contact(other)):
                    raise  # locked: tried again; anything else is said
                # Merged or deleted elsewhere (`callercard merge`, a contact view): the list
                # is stale, so it is read again rather than offering the same pair.
                self._said = f"Not done: {exc}"
                self.refresh()
                return
            self._undo_ids.append(done.undo_id)
            self._merge_said[done.undo_id] = done.summary
            self._merge_told[done.undo_id] = duplicates.told(self.store, done.undo_id)
            self._merge_at[done.undo_id] = datetime.now().astimezone()
            self.status.setText(done.summary)
            self._show_undo()
            self._forget(other)
            self.changed.emit(kept)

        self._retry.run(write)

    def dismiss(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.pairs):
            return
        pair = self.pairs[row]

        def write() -> None:
            duplicates.dismiss(self.store, *pair.ids)
            self.pairs.pop(row)
            self._fill()
            self.status.setText(
                f"{_who(pair.first)} and {_who(pair.second)} will not be suggested again.")

        self._retry.run(write)

    def undo(self, undo_id: int | None = None) -> None:
        """Take back the merge `undo_id` (Undo an earlier merge) or the newest (Undo merge;
        pressed again, the one before it). An earlier one a later merge of the same contact
        started from is refused, that one named (duplicates.LaterMergeFirst)."""
        if not self._undo_ids:
            return
        if undo_id is None:
            undo_id = self._undo_ids[-1]

        def write() -> None:
            try:
                _other, said = duplicates.undo_merge(self.store, undo_id)
            except UndoRefused:
                self._undo_ids.remove(undo_id)  # taken back elsewhere: the next one is offered
                self._show_undo()
                raise
            self._undo_ids.remove(undo_id)
            self._show_undo()
            self._said = said
            self.refresh()
            self.changed.emit(_other)

        self._retry.run(write)

    def _show_undo(self) -> None:
        count = len(self._undo_ids)
        self.undo_button.setText("Undo merge" if count < 2 else f"Undo merge ({count})")
        last = self._told(self._undo_ids[-1]) if count else ""
        self.undo_button.setToolTip(
            "Separates the two contacts of the last merge again"
            + (f" ({last})" if last else "")
            + (f"; press again for the {count - 1} before it." if count > 1 else ".")
        )
        self.undo_button.setVisible(count > 0)
        menu = self.earlier_button.menu()
        menu.clear()
        now, cycle = datetime.now().astimezone(), hour_cycle()
        for undo_id in reversed(self._undo_ids[:-1]):
            said = self._told(undo_id) or "A merge"
            at = self._merge_at.get(undo_id)
            action = menu.addAction(f"{said}  ·  {when(at, now, cycle)}" if at else said)
            action.triggered.connect(lambda _c=False, i=undo_id: self.undo(i))
        self.earlier_button.setToolTip(
            "Takes back the merge you choose, leaving the ones made after it (unless one of "
            "them merged into the same contact: that one is named, to take back first).")
        self.earlier_button.setVisible(count > 1)

    def _told(self, undo_id: int) -> str:
        """A merge as the rep can tell it from another of the same names."""
        told = one_line(self._merge_told.get(undo_id, ""))
        return f"Merged {told}" if told else one_line(self._merge_said.get(undo_id, "")).rstrip(".")

    def _forget(self, gone: int) -> None:
        """The pairs that named the contact that went no longer exist as such."""
        self.pairs = [p for p in self.pairs if gone not in p.ids]
        self._fill()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._retry.stop()
        super().closeEvent(event)


_EMPTY = (
    "{first}\n\nTwo contacts are listed here when they look like one person: the same number "
    "or e-mail with names that agree, or the same name at the same company."
)


def _number(number: StoredNumber) -> str:
    text = shown_number(number)
    return f"{text} ({one_line(number.label)})" if number.label else text
