"""Import history: every import with its file, date and what it did, and Undo on each one.

An undo can take a big batch out (100k contacts), so it runs in a worker thread on its own
connection, as the Import window's own Undo does, and says what it did in words for people:
"Removed 12 contacts imported from prospects.csv on 3 Dec.". When the batch's contacts have
the rep's calls, or were changed since, it asks first, saying so (Store.undo_import_check): used
as a rep, an undo after a day of calls turned them all into "Unknown" with no word before.
An undo a merge blocks says so without asking, and offers Undo that merge beside it.

While shown it follows the database's commits (BookWatch), so an import or an undo from a
terminal shows here instead of an Undo for an import that is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters import duplicates
from desktop.adapters.followed_list import undo_import
from desktop.adapters.import_history import batch_records
from desktop.adapters.store import Store, StoreError, UndoCheck, UndoResult
from desktop.adapters.store.undone_imports import MergeFirst
from desktop.core.display_text import one_line
from desktop.core.import_history import (
    BatchRecord,
    counts_text,
    kept_text,
    state_text,
    when,
)
from desktop.qt.book_watch import BookWatch, while_shown
from desktop.qt.bridge import ThreadBridge
from desktop.qt.column_room import widen_to_longest
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.search_window import bring_to_front
from desktop.qt.system_clock import hour_cycle
from desktop.qt.undo_import_question import ask_undo_import

_T = TypeVar("_T")


class ImportHistoryWindow(QWidget):
    """`changed` fires after an undo took contacts out, so the app refreshes its lookup;
    `merges_taken_back` after Undo that merge separated contacts, so open views follow."""

    changed = Signal(object)
    # The contacts separated again by Undo that merge (their ids): open views read them afresh.
    merges_taken_back = Signal(object)

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] | None = None,
        bridge: ThreadBridge | None = None,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.store = store
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._thread: threading.Thread | None = None
        self._book_watch: BookWatch | None = None
        self.asking: QMessageBox | None = None  # "Undo the import of …?", while it asks
        # What the last undo did, or why it did not: said until the next one or a reopen, not
        # replaced by the hint when the undo's own commit, seen by the watch, reloads the list.
        self._outcome = ""
        self.records: list[BatchRecord] = []
        self.setWindowTitle("CallerCard — Import history")
        fit_to_screen(self, QSize(820, 420))
        # The app's one bridge; a window made on its own (a test, a demo) brings its own.
        self._bridge = bridge or ThreadBridge()
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("batches")
        self.table.setHorizontalHeaderLabels(["File", "Imported", "What it did", ""])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        # File is sized by _share_room: as wide as its longest name where the window has the
        # room, cut in the middle (the extension kept) where it has not.
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.viewport().installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        # An undo a merge blocks offers to take that merge back here: the rep came to undo
        # an import, not to find the merge among others in the Duplicates window.
        self.merge_button = QPushButton("Undo that merge")
        self.merge_button.setObjectName("undo_merge")
        self.merge_button.clicked.connect(self.take_merge_back)
        self.merge_button.hide()
        # the merges in an import's way, newest first, and that import
        self._blocking: tuple[tuple[MergeFirst, ...], BatchRecord] | None = None
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.merge_button)
        footer.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._share_room()
        return super().eventFilter(watched, event)

    def _share_room(self) -> None:
        """File as wide as its longest name, leaving What it did all it needs (up to half the
        room); a name that does not fit is cut in the middle, whole in its tooltip."""
        widen_to_longest(self.table, self.table.horizontalHeader(), 0, 2, (1, 3), 2)

    def open(self) -> None:
        self._outcome = ""
        self.reload()
        bring_to_front(self)

    def reload(self) -> None:
        try:
            self.records = batch_records(self.store)
        except StoreError as exc:
            self.status.setText(f"Could not read the import history: {exc}")
            return
        now = self._clock()
        cycle = hour_cycle()
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            # The demo's File already says "the demo contacts": not "the demo contact book" again.
            did = counts_text(record) or ("added to try CallerCard with" if record.demo else "")
            # Who a followed file's new version left out but the rep's work kept: said where
            # the rep looks for what the save did, or they would not know to remove them.
            did = " · ".join(part for part in (did, kept_text(record.kept, record.kept_numbers))
                             if part)  # fmt: skip
            for column, text in enumerate((record.file_name, when(record.created_at, now, cycle),
                                            did)):  # fmt: skip
                item = QTableWidgetItem(one_line(text))
                if column == 0:
                    item.setToolTip(plain_tooltip(record.source) if not record.demo else "")
                elif column == 2 and (record.kept or record.kept_numbers):
                    item.setToolTip(plain_tooltip(text))  # wider than the column can be
                self.table.setItem(row, column, item)
            if record.undone_at is not None:
                self.table.removeCellWidget(row, 3)
                state = state_text(record, now)
                self.table.setItem(row, 3, QTableWidgetItem(state[:1].upper() + state[1:]))
            else:
                button = QPushButton("Undo")
                button.setObjectName(f"undo{record.id}")
                button.setToolTip(f"Remove what {record.file_name} added")
                button.clicked.connect(lambda _c=False, r=record: self.undo(r))
                self.table.setCellWidget(row, 3, button)
        self.table.resizeRowsToContents()
        self._share_room()
        hint = (
            "Undo takes out the contacts and numbers an import added and clears the fields it "
            "filled in."
            if self.records else "Nothing has been imported yet."
        )  # fmt: skip
        self.status.setText(self._outcome or hint)

    def undo(self, record: BatchRecord) -> None:
        """Undo `record`, asking first when its contacts carry the rep's calls or edits."""
        if self._thread is not None or self.asking is not None:
            return
        self._outcome = ""
        self._offer_merges((), None)
        self.status.setText(f"Looking at what {record.file_name} added…")
        self.table.setEnabled(False)
        self._off_thread(
            "callercard-undo-check", record, lambda store: store.undo_import_check(record.id),
            lambda found: self._checked(record, found),
        )  # fmt: skip

    def _checked(self, record: BatchRecord, found: UndoCheck | str) -> None:
        self._joined()
        if not isinstance(found, str) and found.merges_first:
            why = found.refusal(window=True, here=True, now=self._clock(),
                                cycle=hour_cycle()).rstrip(".")  # fmt: skip
            self._offer_merges(found.merges_first, record)
            found = f"Could not undo {record.file_name}: {why}. Nothing was changed."
        if isinstance(found, str) or not found.warning():
            if isinstance(found, str):
                self.table.setEnabled(True)
                self._outcome = found
                self.status.setText(found)
            else:
                self._take_back(record)
            return
        # The look is over: the status line must not say it goes on behind the question.
        self.status.setText(f"Undo {record.file_name}? Answer the question to go on.")
        self.asking = ask_undo_import(self, record.file_name, found.warning(),
                                      lambda undo: self._answered(record, undo))  # fmt: skip

    def _offer_merges(self, merges: Sequence[MergeFirst], record: BatchRecord | None) -> None:
        """The button that takes back every merge in the way (newest first), or none."""
        self._blocking = (tuple(merges), record) if merges and record is not None else None
        count = len(merges)
        self.merge_button.setText("Undo that merge" if count < 2 else f"Undo those {count} merges")
        now, cycle = self._clock(), hour_cycle()
        # A merge a line, broken before "into": whole, a line wrapped inside a number
        # ("+1 / 415-555-0151").
        self.merge_button.setToolTip(plain_tooltip("Takes back:\n" + "\n".join(
            m.told_when(now, cycle).replace(" into ", "\n    into ", 1) for m in merges
        )) if merges else "")  # fmt: skip
        self.merge_button.setVisible(self._blocking is not None)

    def take_merge_back(self) -> None:
        """Take back the merges that blocked the undo, the newest first (short writes, on this
        thread, as the Duplicates window's are); the rep then presses Undo again. Open views
        follow (`merges_taken_back`): the contacts they show were just separated."""
        if self._blocking is None or self.busy:
            return
        merges, record = self._blocking
        said: list[str] = []
        separated: list[int] = []
        for at, merge in enumerate(merges):
            try:
                other, text = duplicates.undo_merge(self.store, merge.undo_id)
            except StoreError as exc:  # a later merge first, the book busy: said, offered again
                self._offer_merges(merges[at:], record)
                self._outcome = " ".join([*said, f"Not done: {exc}"])
                self.status.setText(self._outcome)
                break
            said.append(text)
            separated.append(other)
        else:
            self._offer_merges((), None)
            if len(said) > 1:
                said = [f"Took back {len(said)} merges: "
                        + "; ".join(m.told or m.summary for m in merges) + "."]
            again = f"Undo {record.file_name} again to take the import back."
            self._outcome = " ".join([*said, again])
            self.reload()
        if separated:
            self.merges_taken_back.emit(separated)

    def _answered(self, record: BatchRecord, undo: bool) -> None:
        box, self.asking = self.asking, None
        if box is not None:
            box.deleteLater()
        if undo:
            self._take_back(record)
            return
        self.table.setEnabled(True)
        self._outcome = f"{record.file_name} stays imported; nothing was changed."
        self.status.setText(self._outcome)

    def _take_back(self, record: BatchRecord) -> None:
        self.status.setText(f"Taking back {record.file_name}…")
        self._off_thread("callercard-undo", record, lambda store: undo_import(store, record.id),
                         self._on_undone)  # fmt: skip

    def _off_thread(self, name: str, record: BatchRecord, work: Callable[[Store], _T],
                    then: Callable[[_T | str], None]) -> None:  # fmt: skip
        """`work` on a store of its own in a thread (an undo holds the write lock for as long
        as the import did), then `then` with its result, or the sentence saying why it failed,
        on the GUI thread."""
        path: Path = self.store.path

        def run() -> None:
            result: _T | str
            try:
                store = Store.open(path)
                try:
                    result = work(store)
                finally:
                    store.close()
            except StoreError as exc:
                why = str(exc).rstrip(".")  # a sentence of its own ends in one full stop
                result = f"Could not undo {record.file_name}: {why}. Nothing was changed."
            self._bridge.call_from_thread(lambda: then(result), owner=self)

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def _joined(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def busy(self) -> bool:
        return self._thread is not None or self.asking is not None

    def _on_undone(self, result: UndoResult | str) -> None:
        self._joined()
        self.table.setEnabled(True)
        self._outcome = result if isinstance(result, str) else result.summary(self._clock())
        self.reload()
        if not isinstance(result, str):
            self.changed.emit(result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._book_watch is None:  # from now on it runs while the window is shown
            self._book_watch = while_shown(self, self.store.path, self._committed_elsewhere)
            self._book_watch.start()

    def _committed_elsewhere(self) -> None:
        if not self.busy:  # an undo of ours reloads when it is done, and says what it did
            self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
