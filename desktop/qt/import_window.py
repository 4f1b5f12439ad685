"""The Import… window: pick or drop a file, check the preview and the column mapping, import
with a progress bar and Cancel, read what happened, save the rejected rows, undo.

The preview and the import run in worker threads with their own SQLite connections; their
progress and results come back through the app's ThreadBridge (desktop/qt/bridge.py), so no
widget is touched off the GUI thread and a big or hostile file never freezes it (workbooks are
read in a child process besides, see desktop.adapters.importing.sheet_process).

Every cell from the file is shown as plain text: an imported "<b>" stays "<b>".
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.followed_list import undo_import
from desktop.adapters.importing import (
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    ImportReport,
    PlanChanged,
    Preview,
    import_file,
    plan_check,
    preview_file,
)
from desktop.adapters.importing.book_mark import book_mark
from desktop.adapters.importing.following import follow_file
from desktop.adapters.store import Store, StoreError, UndoCheck, UndoResult
from desktop.core.display_text import display_text
from desktop.core.import_mapping import FIELD_TITLES, Field
from desktop.core.import_region import REGION_NAMES, region_title
from desktop.core.numbers import NumberPolicy
from desktop.qt.book_watch import BookWatch
from desktop.qt.bridge import ThreadBridge
from desktop.qt.import_preview import PlannedTable
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.system_clock import hour_cycle
from desktop.qt.undo_import_question import ask_undo_import

FILE_FILTER = (
    "Contacts (*.csv *.txt *.tsv *.xlsx *.xlsm *.ods *.vcf *.vcard);;All files (*)"
)
ENCODINGS = (
    ("Detect automatically", ""),
    ("UTF-8", "utf-8"),
    ("Windows Western (cp1252)", "cp1252"),
    ("Windows Central European (cp1250)", "cp1250"),
    ("Windows Cyrillic (cp1251)", "cp1251"),
    ("UTF-16", "utf-16"),
    ("Latin-1 (ISO-8859-1)", "latin-1"),
    ("Mac Roman", "mac_roman"),
)
PREVIEW_ROWS = 12
_IGNORE = "— not imported —"
WORKED_OUT_AGAIN = "Worked out again: your contacts changed while this was open."
PLANNED_TAB = "Contacts as they will be stored"
# Once imported, the plan above the rows is history: "Importing will add 3 new contacts"
# beside "3 imported" read as if the file still waited to be imported.
IMPORTED_TAB = "Contacts as they were stored"
IMPORTED_PLAN = "Imported as planned below."
NOTHING_IMPORTED_TAB = "Contacts in the file"


@dataclasses.dataclass(frozen=True)
class DemoRemoved:
    """What the Remove demo contacts button did."""

    count: int

    def summary(self) -> str:
        return f"Removed the {self.count} demo contacts."


class ImportWindow(QWidget):
    """Emits `imported` with the ImportReport, UndoResult or DemoRemoved after each change to
    the store, `previewed` once the file chosen last is shown (or said to be unreadable), and
    `state_changed` with empty / loading / ready / running / done as the window moves on,
    and `planned` each time the contacts-as-they-will-be-stored preview is (re)computed."""

    imported = Signal(object)
    previewed = Signal()
    history_requested = Signal()
    planned = Signal()
    state_changed = Signal(str)

    def __init__(
        self,
        database: Path,
        policy: Callable[[], NumberPolicy],
        bridge: ThreadBridge | None = None,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Import contacts")
        self.setAcceptDrops(True)
        # Room for a typical export's columns and What happens without a sideways scroll.
        fit_to_screen(self, QSize(1120, 680))
        self.database = database
        self._policy = policy
        self._preview: Preview | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.asking: QMessageBox | None = None  # "Undo the import of …?", while it asks
        self._before_undo = ""  # what the summary said before an undo began
        self._queued: list[Path] = []  # files handed over while an import was running
        self._preview_request = 0
        self._chosen_by_hand = False  # the rep picked a column in "Import as" for this file
        self._landed_request = 0  # the last request whose answer came back
        self._demo_contacts = 0  # the demo book's contacts still in the store
        # Another process (a CLI import, a directory sync, the tray's Fix contact) may change
        # the contacts while the shown plan waits: the watch says when one committed, a check
        # off the GUI thread whether the contacts changed, and the plan is worked out again.
        self._book_watch = BookWatch(database, self)
        self._book_watch.committed.connect(self._contacts_may_have_changed)
        self._book_dirty = False  # a commit came while the plan could not be checked
        self._checking = False  # a check of the contacts against the shown plan is running
        self._elsewhere_request = 0  # the replan asked for by a change made elsewhere
        self._import_when_planned = False  # Import pressed while a correction was worked in
        self._plan_before_import = ""  # the plan's summary, shown again if the import is undone
        # Cells the person corrected in the preview, (line, column) -> text: ImportOptions.edits.
        self._edits: dict[tuple[int, int], str] = {}
        self._edited_from: dict[tuple[int, int], str] = {}  # what the file said there
        self.report: ImportReport | None = None
        # The app's one bridge; a window made on its own (a test, a demo) brings its own.
        self._bridge = bridge or ThreadBridge()
        self._bar_sent = 0  # the progress bar's value last handed to the GUI thread
        self._build()
        self._set_state("empty")

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.path_edit = _PathEdit()
        # Typed or pasted, a path is read once Enter is pressed: read-only, the field took the
        # keys of a rep who pasted a path and showed nothing.
        self.path_edit.setPlaceholderText(
            "Drop a CSV, Excel or vCard file here, paste its path and press Enter, or choose one"
        )
        self.path_edit.setToolTip("Type or paste a file's path, then press Enter")
        self.path_edit.returnPressed.connect(self._path_typed)
        self._path: Path | None = None  # the file shown; the field may hold one being typed
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.encoding = QComboBox()
        for title, name in ENCODINGS:
            self.encoding.addItem(title, name)
        self.encoding.currentIndexChanged.connect(lambda _i: self._reload())
        self.source_label = _plain_label("")
        # What the file's national numbers are read as, and the way to change it.
        self.region_label = _plain_label("")
        self.region_label.setWordWrap(True)
        self.region_choice = QComboBox()
        self.region_choice.addItem("As the file suggests", "")
        for code in sorted(REGION_NAMES, key=region_title):
            self.region_choice.addItem(f"{region_title(code)} ({code})", code)
        self.region_choice.setToolTip("Change the country of numbers without a country code")
        self.region_choice.currentIndexChanged.connect(lambda _i: self._reload())
        # Said lines: an empty one still took its spacing, a band between the File row and
        # the demo note of a window with no file.
        self.hint = _SaidLine()
        self.hint.setWordWrap(True)
        self.demo_note = _plain_label("")
        self.demo_note.setWordWrap(True)
        self.remove_demo_button = QPushButton("Remove demo contacts")
        self.remove_demo_button.clicked.connect(self.remove_demo)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        self.form = form
        form.addRow("File:", file_row)
        form.addRow("Text encoding:", self.encoding)
        form.addRow("Read as:", self.source_label)
        # Rows of their own: a wrapped label beside a combo box in one row is given one line's
        # height, and its second line was cut off.
        form.addRow("Numbers:", self.region_label)
        form.addRow("Read them as:", self.region_choice)

        # What the rows will become (the import's dry run), and the file's own columns, where
        # the person says which column is which.
        self.results = PlannedTable()
        self.results.edited.connect(self._cell_edited)
        self.results.itemDelegate().closeEditor.connect(lambda *_: self._editor_closed())
        self.plan_summary = _SaidLine()
        self.plan_summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setMinimumSectionSize(90)
        self.table.verticalHeader().setDefaultSectionSize(26)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        # Empty until there is something to say: at 2× on a 1600×1000 screen its empty line
        # and spacing were taken from the preview, which then showed one row.
        self.summary = _SaidLine()
        self.summary.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumBlockCount(5000)
        # Up to 110 px, down to two lines: at 2× on a 1600×1000 screen a fixed 110 px made the
        # finished import's window taller than the screen, its Close button below the edge.
        self.details.setMaximumHeight(110)
        frame = 2 * self.details.frameWidth() + 2 * int(self.details.document().documentMargin())
        self.details.setMinimumHeight(2 * self.details.fontMetrics().lineSpacing() + frame)

        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.save_rejected_button = QPushButton("Save rejected rows…")
        self.save_rejected_button.clicked.connect(self.save_rejected)
        self.undo_button = QPushButton("Undo this import")
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        self.history_button = QPushButton("Import history…")
        self.history_button.setToolTip("Every import with its file, date and counts; undo any")
        self.history_button.clicked.connect(self.history_requested)
        # A rep's own spreadsheet open all day: its saves are imported again (following.py).
        self._following = False  # what the running (or last) import was asked to do
        self.keep_following = QCheckBox("Keep following this file: import it again whenever "
                                        "it is saved")  # fmt: skip
        self.next_button = QPushButton("Next file")
        self.next_button.clicked.connect(self.next_file)
        self.waiting = _plain_label("")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_rejected_button)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.waiting)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_note, 1)
        demo_row.addWidget(self.remove_demo_button)
        layout.addLayout(demo_row)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.results, PLANNED_TAB)
        self.tabs.addTab(self.table, "Columns in the file")
        layout.addWidget(self.plan_summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._empty_state(), 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.keep_following)
        layout.addLayout(buttons)
        # Return imports from anywhere in the window, as a dialog's default button would.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self).activated.connect(self.start_import)

    def _empty_state(self) -> QWidget:
        """In place of the preview while there is no file: what to do, where an empty grid
        under two tabs looked like a preview that had failed to load."""
        self.empty = QWidget()
        self.empty_title = _plain_label("Choose a contact file, or drop one on this window")
        font = self.empty_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.empty_title.setFont(font)
        self.empty_text = _plain_label(
            "A CSV, Excel or vCard export from Outlook, Google, HubSpot, Salesforce or your "
            "phone. Each contact is shown here as it will be stored before anything is "
            "imported, and an import can be undone."
        )
        self.empty_text.setWordWrap(True)
        choose = QPushButton("Choose file…")
        choose.clicked.connect(self.choose_file)
        column = QVBoxLayout(self.empty)
        # Margins, not an alignment, keep the lines short: a wrapped label given an alignment
        # is laid out at its narrowest and cut its sentence off after two lines.
        column.setContentsMargins(160, 0, 160, 0)
        column.addStretch(1)
        for label in (self.empty_title, self.empty_text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addWidget(choose, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        self.empty.setVisible(False)
        return self.empty

    def _set_state(self, state: str) -> None:
        """empty / loading / ready / running / done: which buttons make sense now."""
        running = state == "running"
        self.choose_button.setEnabled(not running)
        self.path_edit.setReadOnly(running)
        self.encoding.setEnabled(state in ("ready", "done"))
        self.region_choice.setEnabled(state in ("ready", "done"))
        self.table.setEnabled(not running)
        self.results.setEnabled(not running)
        self.import_button.setEnabled(state == "ready" and self._mapping_ok())
        self.cancel_button.setVisible(running)
        self.close_button.setEnabled(not running)
        self.progress.setVisible(running)  # done: the summary line below says how it went
        self.save_rejected_button.setVisible(state == "done" and bool(self.report
                                             and self.report.rejected))
        self.undo_button.setVisible(state == "done" and bool(self.report and
                                    self.report.batch_id))
        self.details.setVisible(bool(self.details.toPlainText()))
        demo = self._demo_contacts > 0
        self.demo_note.setText(
            f"Your contacts still include the {self._demo_contacts} demo contacts: importing a "
            "file removes them, or remove them now." if demo else ""
        )
        self.demo_note.setVisible(demo)
        self.remove_demo_button.setVisible(demo)
        self.remove_demo_button.setEnabled(state in ("ready", "empty", "done"))
        nothing = state == "empty"  # no file, or one that cannot be imported: no preview
        self.tabs.setVisible(not nothing)
        self.empty.setVisible(nothing)
        # What the file was read as, and the choices about it: blank labels and greyed boxes
        # until there is a file.
        for field in (self.encoding, self.source_label, self.region_label, self.region_choice):
            self.form.setRowVisible(field, not nothing)
        self.keep_following.setVisible(not nothing)  # following which file?
        self._state = state
        self._show_waiting()
        self.state_changed.emit(state)

    def _show_waiting(self) -> None:
        names = [p.name for p in self._queued]
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        self.waiting.setText(f"Waiting: {names[0]}{more}" if names else "")
        self.waiting.setVisible(bool(names))
        self.next_button.setVisible(bool(names))
        self.next_button.setEnabled(self._state not in ("running", "loading"))

    # -- choosing a file --------------------------------------------------------------------

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import contacts", str(Path.home()),
                                               FILE_FILTER)  # fmt: skip
        if name:
            self.load(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self._state not in ("running", "loading"):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.load(files[0])
            self._queued.extend(files[1:])
            self._show_waiting()

    def open_file(self, path: Path, *, chosen_now: bool = False) -> None:
        """A file handed over from outside (`callercard import --window`): previewed now when
        the window has nothing else in hand, else it waits its turn ("Next file"), so neither
        a preview the person is reading nor an import's result and its Undo is swept away.

        `chosen_now`: the rep picked it this moment (the welcome's Choose a file…), as they
        would with Choose file… here; a finished import then makes way for it (its Undo stays
        in Import history). As a user: the welcome's second file waited behind the first
        file's result, and the window showed the file already imported."""
        idle = self._thread is None and not self._queued
        if idle and (self._state == "empty" or (chosen_now and self._state == "done")):
            self.load(path)
            return
        self._queued.append(path)
        self._show_waiting()

    def start_fresh(self) -> None:
        """Opened again from the menu after it was closed on an import's result: a new import
        starts here (or the file that waited its turn), and no Undo for an old batch is left
        live under it. Import history is where earlier imports are taken back. As a rep: the
        window reopened on the welcome's import, 18 imports later, with "Undo this import"
        for it, and a file handed over waited under that result."""
        if self._state != "done" or self._thread is not None or self.asking is not None:
            return
        self._path = self.path_edit.loaded = None
        self.path_edit.clear()
        self._preview = None
        self._preview_request += 1  # an answer still on its way is for the old file
        self._landed_request = self._preview_request
        self._edits.clear()
        self._edited_from.clear()
        self._plan_before_import = ""
        self.report = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.results.clear()
        self.results.setRowCount(0)
        for label in (self.source_label, self.region_label, self.plan_summary, self.hint,
                      self.summary):  # fmt: skip
            label.setText("")
        self.details.setPlainText("")
        self.tabs.setTabText(0, PLANNED_TAB)
        self.keep_following.setChecked(False)
        self.progress.setValue(0)
        self._set_state("empty")
        if self._queued:
            self.load(self._queued.pop(0))
        elif self.database.exists():
            self._count_demo_contacts()

    def next_file(self) -> None:
        """Preview the next file that waits its turn."""
        if self._queued and self._state not in ("running", "loading"):
            self.load(self._queued.pop(0))

    def _path_typed(self) -> None:
        if self._state in ("running", "loading"):
            return
        path = typed_path(self.path_edit.text())
        if path is None or path == self._path:
            return  # the file shown: Enter imports it (the window's shortcut), when it may
        if not path.exists():
            self.summary.setText(f"No file at {path}: check the path, or choose the file.")
            return
        self.load(path)

    def load(self, path: Path) -> None:
        self._path = self.path_edit.loaded = path
        self.path_edit.setText(str(path))
        self._chosen_by_hand = False
        self._edits.clear()
        self._edited_from.clear()
        self.report = None
        self.summary.setText("")
        self.details.setPlainText("")
        self._reload()

    def _options(self) -> ImportOptions:
        encoding = str(self.encoding.currentData() or "") or None
        region = str(self.region_choice.currentData() or "") or None
        return ImportOptions(self._policy(), encoding=encoding, region=region,
                             edits=dict(self._edits))  # fmt: skip

    def _reload(self) -> None:
        text = str(self._path) if self._path is not None else ""
        if not text or self._thread is not None:
            return
        # Only the answer to the latest request is shown: the person may pick another file
        # or encoding while a big workbook is still being read.
        self._preview_request += 1
        self._preview = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.results.clear()
        self.results.setRowCount(0)
        self.source_label.setText("")
        self.region_label.setText("")
        self.plan_summary.setText("")
        self.hint.setText(f"Reading {Path(text).name}…")
        self._set_state("loading")
        threading.Thread(
            target=self._read_preview, args=(self._preview_request, Path(text), self._options()),
            name="callercard-preview", daemon=True,
        ).start()  # fmt: skip

    def _read_preview(
        self, request: int, path: Path, options: ImportOptions, again: bool = False
    ) -> None:
        # Worker thread, with its own connection for the remembered column choices.
        result: Preview | str
        try:
            store = Store.open(self.database)
            try:
                result = preview_file(path, options, store)
            finally:
                store.close()
        except (ImportFailed, StoreError) as exc:
            # The File field already names the file: the reason need not start with its path.
            result = str(exc).removeprefix(f"{path}: ")
        shown = self._on_replanned if again else self._on_previewed
        self._to_window(lambda: shown(request, result))

    def _to_window(self, fn: Callable[[], None]) -> None:
        """From a worker thread: `fn` runs in the GUI thread, unless the window was closed and
        deleted meanwhile."""
        self._bridge.call_from_thread(fn, owner=self)

    def _on_previewed(self, request: int, result: Preview | str) -> None:
        if request != self._preview_request:
            return
        self._landed_request = request
        if isinstance(result, str):
            self._preview = None
            self.details.setPlainText("")
            self.hint.setText(f"This file cannot be imported.\n{result}")
            self.table.setVisible(False)  # an empty grid would only look like a broken preview
            self._set_state("empty")
        else:
            self._preview = result
            self._demo_contacts = result.demo_contacts
            self.table.setVisible(True)
            self._show_preview(result)
            self._set_state("ready")
            if self.isVisible():
                self._book_watch.start()
        self.previewed.emit()
        if not isinstance(result, str):
            self.planned.emit()
            self._check_if_dirty()

    def _plan_options(self) -> ImportOptions:
        """The options the shown plan is worked out with: the columns as now chosen and the
        cells as now corrected."""
        options = self._options()
        if self._preview is not None and self._preview.plan is not None:
            options = dataclasses.replace(options, mapping=self.mapping())
        return options

    def _replan(self, elsewhere: bool = False) -> None:
        """Work out the contacts again with the columns as now chosen and the cells as now
        corrected; the file's grid and the person's choices stay as they are meanwhile.
        `elsewhere`: because the contacts changed, not because the person changed anything."""
        preview = self._preview
        if preview is None or self._thread is not None:
            return
        self._preview_request += 1
        if elsewhere:
            self._elsewhere_request = self._preview_request
        else:
            self.plan_summary.setText("Working out the contacts again…")
        threading.Thread(
            target=self._read_preview,
            args=(self._preview_request, preview.path, self._plan_options(), True),
            name="callercard-preview", daemon=True,
        ).start()  # fmt: skip

    def _on_replanned(self, request: int, result: Preview | str) -> None:
        preview = self._preview
        if request != self._preview_request or preview is None:
            return
        self._landed_request = request
        if isinstance(result, str):
            self.plan_summary.setText(f"This file cannot be read now: {result}")
            self._import_when_planned = False
            return
        elsewhere = request == self._elsewhere_request
        if elsewhere and self.results.editing():
            # Redrawn now, the table would take the number being typed away with its editor;
            # looked at again once it is closed.
            self._book_dirty = True
            return
        same = (result.planned, result.demo_contacts) == (preview.planned, self._demo_contacts)
        _take_plan(preview, result)
        self._demo_contacts = result.demo_contacts
        if not (elsewhere and same):
            self._show_planned(preview, changed_elsewhere=elsewhere)
            if self._state == "ready":
                self._set_state("ready")  # the demo line follows the store as it is now
        self.planned.emit()
        if self._import_when_planned:
            self._import_when_planned = False
            self.start_import()
        self._check_if_dirty()

    def _show_planned(self, preview: Preview, changed_elsewhere: bool = False) -> None:
        corrected = {key: self._edited_from[key] for key in self._edits}
        # Worked out again, the rows stay where the person had scrolled to.
        bars = (self.results.verticalScrollBar(), self.results.horizontalScrollBar())
        at = [bar.value() for bar in bars]
        self.results.show_plan(preview.planned, preview.plan, corrected)
        for bar, value in zip(bars, at, strict=True):
            bar.setValue(value)
            QTimer.singleShot(0, lambda bar=bar, value=value: bar.setValue(value))
        edited = len(self._edits)
        again = f" {WORKED_OUT_AGAIN}"
        self.tabs.setTabText(0, PLANNED_TAB)
        self.plan_summary.setText(
            preview.planned.summary()
            + (f" You corrected {edited} {'cell' if edited == 1 else 'cells'}." if edited else "")
            + (" Double-click a number to correct it." if self.results.phone_columns else "")
            + (again if changed_elsewhere else "")
        )

    # -- the contacts changing elsewhere ------------------------------------------------------

    def _contacts_may_have_changed(self) -> None:
        """Another connection committed (or the window is back in front): the contacts are
        compared with the ones the shown plan was worked out against, off the GUI thread, and
        the plan is worked out again if they differ. Until the plan can be looked at (being
        read, a number being typed, an import running), it waits."""
        preview = self._preview
        if preview is None or self._state not in ("ready", "loading"):
            return
        if (self._state != "ready" or self._checking or self._thread is not None
                or self._landed_request != self._preview_request or self.results.editing()):
            self._book_dirty = True
            return
        self._book_dirty = False
        self._checking = True
        request, mark = self._preview_request, preview.book_mark

        def check() -> None:
            try:
                store = Store.open(self.database)
                try:
                    changed = book_mark(store) != mark
                finally:
                    store.close()
            except StoreError:
                changed = True  # the replan then says what is wrong
            self._to_window(lambda: self._on_book_checked(request, changed))

        threading.Thread(target=check, name="callercard-book-check", daemon=True).start()

    def _on_book_checked(self, request: int, changed: bool) -> None:
        self._checking = False
        if self._state != "ready":
            return  # an import ran meanwhile: its result is on show now, not the plan
        if changed and request == self._preview_request and not self.results.editing():
            self._replan(elsewhere=True)
            return
        if changed:
            self._book_dirty = True
        self._check_if_dirty()

    def _check_if_dirty(self) -> None:
        if self._book_dirty:
            self._contacts_may_have_changed()

    def _editor_closed(self) -> None:
        # After the correction's own replan, if any, has been asked for.
        QTimer.singleShot(0, self._check_if_dirty)

    def _cell_edited(self, line: int, column: int, text: str) -> None:
        key = (line, column)
        preview = self._preview
        if preview is None:
            return
        if key not in self._edited_from:
            row = next((r for r in preview.planned.rows if r.line == line), None)
            cells = row.cells if row is not None else ()
            self._edited_from[key] = cells[column] if column < len(cells) else ""
        if text == self._edited_from[key]:
            self._edits.pop(key, None)
        else:
            self._edits[key] = text
        self._replan()

    def _show_preview(self, preview: Preview) -> None:
        where = f", header on {'row' if preview.kind == 'XLSX' else 'line'} {preview.header_line}"
        self.source_label.setText(preview.source + (where if preview.header else ""))
        self.region_label.setText(preview.region.text() if preview.region else "")
        self.details.setPlainText("\n".join(f"Check {p}" for p in preview.warnings))
        self.table.clear()
        self._show_planned(preview)
        self.tabs.setTabVisible(1, preview.plan is not None)
        if preview.plan is None:
            self.hint.setText("vCards: each card becomes one contact; no columns to map.")
            return
        header = preview.header
        self.table.setColumnCount(len(header))
        self.table.setRowCount(1 + len(preview.rows))
        self.table.setHorizontalHeaderLabels([h or f"Column {i + 1}" for i, h in enumerate(header)])
        self.table.setVerticalHeaderLabels(
            ["Import as", *(str(line) for line, _ in preview.rows)]
        )
        for column in range(len(header)):
            combo = QComboBox()
            combo.addItem(_IGNORE, "")
            for field_, title in FIELD_TITLES.items():
                combo.addItem(title, field_.value)
            chosen = preview.plan.fields.get(column)
            combo.setCurrentIndex(combo.findData(chosen.value) if chosen else 0)
            combo.currentIndexChanged.connect(lambda _i: self._mapping_chosen())
            self.table.setCellWidget(0, column, combo)
        for row, (_line, cells) in enumerate(preview.rows, start=1):
            for column in range(len(header)):
                value = cells[column] if column < len(cells) else ""
                self.table.setItem(row, column, _plain_item(value))
        self.table.resizeColumnsToContents()
        for column in range(len(header)):
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, min(max(width, 150), 260))
        self._mapping_changed()

    def mapping(self) -> dict[int, Field]:
        chosen: dict[int, Field] = {}
        for column in range(self.table.columnCount()):
            combo = self.table.cellWidget(0, column)
            if isinstance(combo, QComboBox) and combo.currentData():
                chosen[column] = Field(str(combo.currentData()))
        return chosen

    def _mapping_ok(self) -> bool:
        preview = self._preview
        if preview is None:
            return False
        if preview.plan is None:
            return True
        names = {Field.NAME, Field.FIRST_NAME, Field.LAST_NAME, Field.NICKNAME, Field.COMPANY}
        return any(f in names for f in self.mapping().values())

    def _mapping_chosen(self) -> None:
        self._chosen_by_hand = True
        self._mapping_changed()
        if self._mapping_ok():
            self._replan()

    def _mapping_changed(self) -> None:
        preview = self._preview
        if preview is None or preview.plan is None:
            return
        if not self._mapping_ok():
            self.hint.setText(
                "Which column is which? Choose at least a name or company column in the "
                "“Import as” row. Your choice is remembered for files with these headers."
            )
        elif self._chosen_by_hand:
            self.hint.setText("Using the columns you chose; they are remembered for files with "
                              "these headers.")  # fmt: skip
        elif preview.remembered:
            self.hint.setText("Using the column choices you made for these headers last time.")
        else:
            self.hint.setText(
                "Columns were matched by their headers. A wrong one? Choose it in the “Import "
                "as” row under “Columns in the file”; the contacts are worked out again."
            )
        if self._state in ("ready", "empty", "done"):
            self.import_button.setEnabled(self._mapping_ok() and self._state != "running")

    # -- importing --------------------------------------------------------------------------

    def start_import(self) -> None:
        if self.results.editing():
            # Return in a number being corrected takes the correction; a second Return imports.
            self.results.finish_editing()
            return
        preview = self._preview
        if preview is None or self._thread is not None or not self._mapping_ok():
            return
        if self._landed_request != self._preview_request:
            if self._preview_request != self._elsewhere_request:
                # A correction or a column choice is still being worked in: the import goes
                # once the plan it makes is shown, and is checked against that one.
                self._import_when_planned = True
                return
            # A change made elsewhere is being worked in: the import's own check finds it and
            # shows the new plan; the answer on its way is no longer wanted.
            self._preview_request += 1
            self._landed_request = self._preview_request
        options = self._options()
        if preview.plan is not None and self.mapping() != dict(preview.plan.fields):
            options = dataclasses.replace(options, mapping=self.mapping())
        elif preview.plan is not None and preview.remembered:
            options = dataclasses.replace(options, mapping=self.mapping(), remember_mapping=False)
        # Checked again inside the import's transaction: the contacts may have changed since
        # the plan was shown, and then the new plan is shown and nothing is imported.
        options = dataclasses.replace(
            options, check_plan=plan_check(preview.path, self._plan_options(), preview)
        )
        self._cancel.clear()
        self._following = self.keep_following.isChecked()
        self._bar_sent = 0
        self.progress.setValue(0)
        self.summary.setText(f"Importing {preview.path.name}…")
        self.details.setPlainText("")
        self._set_state("running")
        self._thread = threading.Thread(
            target=self._run, args=(preview.path, options, self._following),
            name="callercard-import", daemon=True,
        )  # fmt: skip
        self._thread.start()

    def _run(self, path: Path, options: ImportOptions, following: bool = False) -> None:
        # Worker thread: SQLite connections belong to the thread that opened them.
        try:
            store = Store.open(self.database)
            try:
                if following:
                    result: ImportReport | PlanChanged | str = follow_file(
                        store, path, options, self._progress_from_thread, self._cancel
                    )
                else:
                    result = import_file(
                        store, path, options, progress=self._progress_from_thread,
                        cancel=self._cancel,
                    )
            finally:
                store.close()
        except ImportCancelled:
            result = "Cancelled. Nothing was imported."
        except PlanChanged as changed:
            result = changed
        except (ImportFailed, StoreError) as exc:
            result = f"Nothing was imported.\n{exc}"
        self._to_window(lambda: self._on_finished(result))

    def _progress_from_thread(self, done: int, total: int) -> None:
        # Called for every row: only a step the bar can show crosses to the GUI thread.
        shown = _bar_value(done, total)
        if shown != self._bar_sent:
            self._bar_sent = shown
            self._to_window(lambda: self.progress.setValue(shown))

    def cancel_import(self) -> None:
        self._cancel.set()
        self.summary.setText("Cancelling…")

    def _on_finished(
        self, result: ImportReport | UndoResult | DemoRemoved | PlanChanged | str
    ) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._show_result(result)

    def _show_result(
        self, result: ImportReport | UndoResult | DemoRemoved | PlanChanged | str
    ) -> None:
        if isinstance(result, PlanChanged):
            self._show_changed_plan(result.preview)
            return
        if isinstance(result, str):
            self.summary.setText(result)
            self.progress.setValue(0)
            self._set_state("ready" if self._preview else "empty")
            return
        if isinstance(result, DemoRemoved):
            self.summary.setText(result.summary())
            self._set_state("ready" if self._preview else "empty")
            self.imported.emit(result)  # the store changed: the app refreshes its lookup
            return
        if isinstance(result, UndoResult):
            self.summary.setText(result.summary())
            self.report = None
            if self._plan_before_import:  # the file is not imported any more: its plan again
                self.plan_summary.setText(self._plan_before_import)
                self.tabs.setTabText(0, PLANNED_TAB)
            self._set_state("ready")
            self.imported.emit(result)
            return
        self.report = result
        if result.demo_removed:
            self._demo_contacts = 0
        self.progress.setValue(1000)
        self.summary.setText(result.summary())
        if self._following:
            self.summary.setText(f"{result.summary()}. Following {result.path.name}: each "
                                 "save is imported again, replacing this batch.")  # fmt: skip
        lines = [result.region.text()] if result.region else []
        lines += [f"Rejected {result.where(p)}" for p in result.rejected]
        lines += [f"Check {result.where(p)}" for p in result.warnings]
        lines += [m[:1].upper() + m[1:] for m in result.merges]
        self.details.setPlainText("\n".join(lines))
        # What was imported is the plan as last worked out: "worked out again" is history now.
        self._plan_before_import = self.plan_summary.text().replace(f" {WORKED_OUT_AGAIN}", "")
        if result.batch_id is not None and result.imported + result.merged + result.updated:
            self.plan_summary.setText(IMPORTED_PLAN)
            self.tabs.setTabText(0, IMPORTED_TAB)
        else:
            # "Imported as planned below." read as if something had been.
            self.plan_summary.setText(_nothing_imported(result))
            self.tabs.setTabText(0, NOTHING_IMPORTED_TAB)
        self._set_state("done")
        self.imported.emit(result)

    def _show_changed_plan(self, now: Preview) -> None:
        """The import found the contacts changed since the plan was shown and wrote nothing:
        the plan as it is now, with the person's choices, and Import to press again."""
        preview = self._preview
        assert preview is not None
        _take_plan(preview, now)
        self._demo_contacts = now.demo_contacts
        self._show_planned(preview, changed_elsewhere=True)
        self.progress.setValue(0)
        self.summary.setText(
            "Nothing was imported: your contacts changed after this preview was worked out "
            "(another import, a sync or an edit). Above is what Import will do now; press "
            "Import again to go ahead."
        )
        self._set_state("ready")
        self.planned.emit()

    # -- after an import --------------------------------------------------------------------

    def save_rejected(self) -> None:
        if self.report is None or not self.report.rejected:
            return
        suggested = self.report.path.with_name(f"{self.report.path.stem}-rejected.csv")
        name, _ = QFileDialog.getSaveFileName(
            self, "Save rejected rows", str(suggested), "CSV (*.csv)"
        )
        if name:
            self.save_rejected_to(Path(name))

    def save_rejected_to(self, target: Path) -> None:
        if self.report is None:
            return
        try:
            count = self.report.write_rejected_csv(target)
        except OSError as exc:
            self.summary.setText(f"Could not save the rejected rows: {exc}")
            return
        self.summary.setText(f"{self.report.summary()}\nSaved {count} rejected rows to {target}.")

    def undo_last(self, *, asked: bool = False) -> None:
        """Undo the import just made; first asking (`asked`: done) when its contacts have the
        rep's calls or changes since, which go with them (a window left open all day)."""
        if (self.report is None or self.report.batch_id is None or self._thread is not None
                or self.asking is not None):  # fmt: skip
            return
        batch = self.report.batch_id
        self._set_state("running")
        self._before_undo = self.summary.text()
        self.summary.setText(f"Taking back {self.report.path.name}…")

        cycle = hour_cycle()  # the merges' times as the rep's clock says them

        def run() -> None:
            try:
                store = Store.open(self.database)
                try:
                    check = None if asked else store.undo_import_check(batch)
                    refused = (check.refusal(window=True, now=datetime.now(UTC), cycle=cycle)
                               if check is not None else "")  # fmt: skip
                    result: UndoResult | UndoCheck | str = (
                        f"Could not undo: {refused}" if refused
                        else check if check is not None and check.warning()
                        else undo_import(store, batch)
                    )  # fmt: skip
                finally:
                    store.close()
            except StoreError as exc:
                result = f"Could not undo: {exc}"
            self._to_window(lambda: self._undo_said(result))

        self._thread = threading.Thread(target=run, name="callercard-undo", daemon=True)
        self._thread.start()

    def _undo_said(self, result: UndoResult | UndoCheck | str) -> None:
        if not isinstance(result, UndoCheck):
            self._on_finished(result)
            return
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._set_state("done")
        report = self.report
        assert report is not None
        self.summary.setText(self._before_undo)

        def answered(undo: bool) -> None:
            box, self.asking = self.asking, None
            if box is not None:
                box.deleteLater()
            if undo:
                self.undo_last(asked=True)

        self.asking = ask_undo_import(self, report.path.name, result.warning(), answered)

    def remove_demo(self) -> None:
        """Take the demo book out now, without importing anything."""
        if self._thread is not None or not self._demo_contacts:
            return
        self._set_state("running")

        def run() -> None:
            try:
                store = Store.open(self.database)
                try:
                    with store.transaction():
                        result: DemoRemoved | str = DemoRemoved(store.remove_demo_book())
                finally:
                    store.close()
            except StoreError as exc:
                result = f"Could not remove the demo contacts: {exc}"
            self._to_window(lambda: self._on_finished(result))

        self._demo_contacts = 0
        self._thread = threading.Thread(target=run, name="callercard-demo", daemon=True)
        self._thread.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
                and not self._book_watch.running):
            # Where the contacts could not be watched (no inotify instance left, say).
            self._contacts_may_have_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._preview is not None:
            self._book_watch.start()
            self._contacts_may_have_changed()  # while the window was hidden, nothing watched
        elif self._state == "empty" and self.database.exists():
            # (No database yet, no demo book: and two connections making one at once raced
            # to create its tables, which failed the preview opened meanwhile.)
            self._count_demo_contacts()

    def _count_demo_contacts(self) -> None:
        """With no file yet, whether the demo book is still there: said (with Remove demo
        contacts) only once a file was previewed, a rep on the demo book opened Import and
        was not told that importing takes the demo contacts away."""

        def run() -> None:
            try:
                store = Store.open(self.database)
                try:
                    count = store.demo_contact_count()
                finally:
                    store.close()
            except StoreError:
                return  # said by the preview, which counts them again
            self._to_window(lambda: self._demo_counted(count))

        threading.Thread(target=run, name="callercard-demo-count", daemon=True).start()

    def _demo_counted(self, count: int) -> None:
        if self._state == "empty" and self._preview is None and count != self._demo_contacts:
            self._demo_contacts = count
            self._set_state("empty")

    def hideEvent(self, event: QHideEvent) -> None:
        # Nobody reads a hidden plan; it is checked when the window comes back.
        self._book_watch.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._thread is not None:
            # The worker rolls back and ends on its own; closing must not wait for it.
            self._cancel.set()
        self._book_watch.stop()
        super().closeEvent(event)


class _PathEdit(QLineEdit):
    """The File field: Enter here reads a path the rep typed (the window's Return shortcut,
    which imports, would otherwise take it first). On the file already shown, Enter imports
    as everywhere else in the window: the field has the focus when the window opens."""

    loaded: Path | None = None  # the file the window shows

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and not self.isReadOnly():
            assert isinstance(event, QKeyEvent)
            typed = typed_path(self.text())
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and typed != self.loaded:
                event.accept()
                return True
        return super().event(event)


def typed_path(text: str) -> Path | None:
    """The file a typed or pasted path names: quotes that Windows' "Copy as path" adds, a
    file:// URL a file manager copies, and ~ are undone; None for an empty field."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    if text.startswith("file://"):
        text = unquote(urlsplit(text).path)
    return Path(text).expanduser() if text else None


def _nothing_imported(report: ImportReport) -> str:
    """Above the rows, after an import that changed nothing: why."""
    if report.unchanged and not report.rejected:
        which = "every contact" if report.unchanged > 1 else "the contact"
        said = (f"Nothing was imported: {which} below is in your contacts already, as the "
                "file has it.")
        if report.batch_id is not None:  # another file's: this one holds them too now
            said += (" The import is kept in Import history: undoing another file that has "
                     f"{'them' if report.unchanged > 1 else 'it'} leaves "
                     f"{'them' if report.unchanged > 1 else 'it'}.")
        return said
    if report.rejected and not report.unchanged:
        return "Nothing was imported: no row could be read as a contact (why, under the rows)."
    return "Nothing was imported: the contacts below are there already or could not be read."


def _take_plan(shown: Preview, again: Preview) -> None:
    """The plan worked out again, into the preview on show (whose grid and column choices
    stay): what the import is checked against."""
    shown.planned, shown.book_mark = again.planned, again.book_mark
    shown.demo_contacts = again.demo_contacts


def _bar_value(done: int, total: int) -> int:
    return min(1000, done * 1000 // max(total, 1))


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _SaidLine(QLabel):
    """A plain-text line that takes no room in the layout while it has nothing to say."""

    def __init__(self) -> None:
        super().__init__("")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


def _plain_item(text: str) -> QTableWidgetItem:
    # Table items never interpret markup; long cells are cut for display only.
    text = display_text(text)
    shown = " ⏎ ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    item = QTableWidgetItem(shown if len(shown) <= 300 else shown[:299] + "…")
    item.setToolTip("")
    return item
