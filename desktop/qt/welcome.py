"""The first-start welcome: import contacts, connect the softphone, find the tray icon.

Three short steps, each skippable, shown once at the first start of a book with no contacts of
the rep's own (app.py decides) and again whenever "Getting started…" is chosen in the tray.
It is an ordinary window, never modal: rings keep popping while it is open, and a card that
is up when it opens keeps the keyboard (the app shows it without activating then). What it
looks for on disk (contact files, softphones) is looked for on a worker thread.

Everything read from disk (file names, paths) is shown as plain text.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.contact_files import ContactFile
from desktop.adapters.settings import WatchedSource
from desktop.adapters.sources.detect import FoundLog, log_to_come
from desktop.core.hook_lines import HookRecipe, command_text, recipe_for_kind, recipes_for
from desktop.core.softphones import log_formats
from desktop.qt.bridge import ThreadBridge
from desktop.qt.popup_stack import screen_under_cursor
from desktop.qt.screen_fit import fit_to_screen

STEPS = ("Import contacts", "Connect your softphone", "Where CallerCard lives")
FILE_FILTER = "Contacts (*.csv *.txt *.tsv *.xlsx *.xlsm *.ods *.vcf *.vcard);;All files (*)"
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
HOOK_LINES_SHOWN = 6  # a recipe's lines shown at once; a longer one scrolls


class WelcomeWindow(QWidget):
    """Emits `import_requested` with a Path (or None: choose in the Import window),
    `watch_requested(kind, path)` for a detected call log, `test_ring_requested`, and `closed`
    when it goes away by any button or the window's own close."""

    import_requested = Signal(object)
    watch_requested = Signal(str, str)
    test_ring_requested = Signal()
    closed = Signal()
    looked_around = Signal()  # the found files and softphones are shown

    def __init__(
        self,
        find_files: Callable[[], list[ContactFile]],
        detect: Callable[[], list[FoundLog]],
        command: list[str],
        tray_icon: QIcon,
        has_tray: Callable[[], bool],
        bridge: ThreadBridge | None = None,
        set_up: Callable[[], list[str]] = list,
        watched: Callable[[], list[WatchedSource]] = list,
        this_run_only: Callable[[], list[WatchedSource]] = list,
    ) -> None:
        """``watched``: the call logs the app reads now (Settings → Softphones and --watch),
        asked again each time the softphone step is shown; ``this_run_only``: those of them
        the next start will not read (--watch-once), offered to keep."""
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("Welcome to CallerCard")
        self.setAcceptDrops(True)
        self._command = command_text(command)
        self._has_tray = has_tray
        self._found_logs: list[FoundLog] = []
        self._set_up: list[str] = []  # softphones set up here (ids), logged call or not
        self._watched = watched
        self._this_run_only = this_run_only
        self._connected: list[FoundLog] = []  # as last shown: the logs already read
        self._looked = False  # the found files and softphones are in
        # The app's one bridge; a window made on its own (a test, a demo) brings its own.
        self._bridge = bridge or ThreadBridge()
        self._build(tray_icon)
        # The first thing a new rep sees: in the middle of the screen they are looking at, not
        # in a corner of whichever screen Qt calls primary.
        fit_to_screen(self, QSize(680, 500), centre_on=screen_under_cursor())
        self.go_to(0)
        threading.Thread(
            target=self._look_around, args=(find_files, detect, set_up), name="callercard-welcome",
            daemon=True,
        ).start()  # fmt: skip

    # -- layout ---------------------------------------------------------------------------

    def _build(self, tray_icon: QIcon) -> None:
        self.step_labels = [_plain(f"{i + 1}  {title}") for i, title in enumerate(STEPS)]
        steps = QHBoxLayout()
        for label in self.step_labels:
            steps.addWidget(label)
        steps.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._import_page())
        self.pages.addWidget(self._softphone_page())
        self.pages.addWidget(self._tray_page(tray_icon))
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("Close; “Getting started…” in the tray menu brings it back")
        self.skip_button.clicked.connect(self.close)
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(lambda: self.go_to(self.pages.currentIndex() - 1))
        self.next_button = QPushButton("Next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(steps)
        layout.addWidget(_line())
        # A step taller than a small screen at 2x scrolls; Skip and Next stay on the screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.pages)
        layout.addWidget(scroll, 1)
        # The buttons on a bar of their own, as the steps are above: under openbox's thin
        # bottom handle, buttons a few pixels from the edge read as a window cut short.
        self.button_rule = _line()
        layout.addWidget(self.button_rule)
        layout.addLayout(buttons)
        margins = layout.contentsMargins()
        margins.setBottom(margins.top() + 4)
        layout.setContentsMargins(margins)

    def _import_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("Import your contacts"))
        layout.addWidget(_plain(
            "Bring the list you call from: a CSV or Excel export (Outlook, Google, HubSpot, "
            "Salesforce…) or vCards. You see every contact before anything is imported.", wrap=True,
        ))  # fmt: skip
        self.drop_zone = _plain("Drop a contact file here", wrap=True)
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(70)
        self.drop_zone.setFrameShape(QFrame.Shape.StyledPanel)
        self.drop_zone.setStyleSheet("QLabel { border: 2px dashed palette(placeholder-text); "
                                     "border-radius: 6px; }")  # fmt: skip
        choose = QPushButton("Choose a file…")
        choose.clicked.connect(self._choose)
        zone = QHBoxLayout()
        zone.addWidget(self.drop_zone, 1)
        zone.addWidget(choose)
        layout.addLayout(zone)
        self.found_title = _plain("Looking in Downloads and Documents…")
        layout.addWidget(self.found_title)
        self.found_files = QListWidget()
        self.found_files.itemActivated.connect(self._open_found)
        self.found_files.setMaximumHeight(190)  # SHOWN files; no sea of white below them
        layout.addWidget(self.found_files)
        self.open_found_button = QPushButton("Open in Import")
        self.open_found_button.clicked.connect(
            lambda: self._open_found(self.found_files.currentItem())
        )
        self.open_found_button.setEnabled(False)
        self.found_files.currentItemChanged.connect(
            lambda item, _old: self.open_found_button.setEnabled(item is not None)
        )
        self.import_status = _plain("", wrap=True)
        row = QHBoxLayout()
        row.addWidget(self.import_status, 1)
        row.addWidget(self.open_found_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _softphone_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("Connect your softphone"))
        self.detected_label = _plain("Looking for softphones…", wrap=True)
        layout.addWidget(self.detected_label)
        self.softphone = QComboBox()
        self.softphone.currentIndexChanged.connect(lambda _i: self._show_recipe())
        layout.addWidget(self.softphone)
        self.where = _plain("", wrap=True)
        layout.addWidget(self.where)
        self.hook_line = QPlainTextEdit()
        self.hook_line.setReadOnly(True)
        self.hook_line.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.hook_line.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.hook_line)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy_hook_line)
        self.watch_button = QPushButton("Watch its call log")
        self.watch_button.clicked.connect(self._watch)
        self.test_button = QPushButton("Test ring")
        self.test_button.setToolTip("Pops a card the way a real call does")
        self.test_button.clicked.connect(self._test_ring)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.watch_button)
        row.addStretch(1)
        row.addWidget(self.test_button)
        layout.addLayout(row)
        self.recipe_note = _plain("", wrap=True)
        layout.addWidget(self.recipe_note)
        layout.addStretch(1)
        return page

    def _tray_page(self, tray_icon: QIcon) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("Where CallerCard lives"))
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(tray_icon.pixmap(48, 48))
        icon.setFixedSize(56, 56)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.tray_text = _plain("", wrap=True)
        row.addWidget(self.tray_text, 1)
        layout.addLayout(row)
        layout.addWidget(_plain(
            "When a number you know rings, its card pops up in the corner of the screen under "
            "your mouse, without taking your keyboard. Its Dismiss button puts it away.",
            wrap=True,
        ))  # fmt: skip
        layout.addStretch(1)
        return page

    def come_forward(self, *, quietly: bool) -> None:
        """Shown on top of the other windows. `quietly` (a card is up: the rep may be reading
        or typing in it) without taking the keyboard; shown so, a welcome already open stayed
        under the softphone's window, and "Getting started…" seemed to do nothing."""
        from desktop.qt.quiet_raise import raise_quietly
        from desktop.qt.search_window import bring_to_front

        if not quietly:
            bring_to_front(self)
            return
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        if not self.isVisible():
            # Only to show it: toggled on a window already up, the attribute made openbox
            # refuse the restack below as well (the welcome stayed under the softphone).
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            self.show()
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        raise_quietly(self)

    # -- moving between steps ----------------------------------------------------------------

    def go_to(self, step: int) -> None:
        step = max(0, min(step, len(STEPS) - 1))
        self.pages.setCurrentIndex(step)
        for i, label in enumerate(self.step_labels):
            font = QFont(label.font())
            font.setBold(i == step)
            label.setFont(font)
            label.setEnabled(i == step)
        self.back_button.setVisible(step > 0)
        if step == 1 and self._looked and _connected(self._watched()) != self._connected:
            self._fill_softphones()  # a log connected meanwhile (Settings, Watch its call log)
        last = step == len(STEPS) - 1
        self.next_button.setText("Done" if last else "Next")
        self.skip_button.setVisible(not last)
        if last:
            self._describe_tray()

    def _next(self) -> None:
        if self.pages.currentIndex() >= len(STEPS) - 1:
            self.close()
        else:
            self.go_to(self.pages.currentIndex() + 1)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()

    # -- step 1: import ---------------------------------------------------------------------

    def _look_around(
        self,
        find_files: Callable[[], list[ContactFile]],
        detect: Callable[[], list[FoundLog]],
        set_up: Callable[[], list[str]],
    ) -> None:
        # Worker thread: a home folder on a network share must not hold up the window.
        try:
            files = find_files()
        except OSError:
            files = []
        try:
            logs = detect()
        except OSError:
            logs = []
        try:
            phones = set_up()
        except OSError:
            phones = []
        # Dropped there if the window was closed meanwhile.
        self._bridge.call_from_thread(lambda: self._show_found(files, logs, phones), owner=self)

    def _show_found(
        self, files: list[ContactFile], logs: list[FoundLog], set_up: list[str] | None = None
    ) -> None:
        self.found_files.clear()
        for found in files:
            item = QListWidgetItem(f"{found.path.name}   ({found.path.parent.name}, "
                                   f"{_age(found.modified)})")  # fmt: skip
            item.setData(PATH_ROLE, str(found.path))
            item.setToolTip("")
            self.found_files.addItem(item)
        self.found_title.setText(
            "Found in Downloads and Documents, newest first:" if files else
            "No contact files in Downloads or Documents."
        )
        self.found_files.setVisible(bool(files))
        self.open_found_button.setVisible(bool(files))
        self._found_logs = logs
        self._set_up = set_up or []
        self._looked = True
        self._fill_softphones()
        self.looked_around.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            for path in files:
                self.request_import(path)

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import contacts", str(Path.home()),
                                               FILE_FILTER)  # fmt: skip
        if name:
            self.request_import(Path(name))

    def _open_found(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.request_import(Path(str(item.data(PATH_ROLE))))

    def request_import(self, path: Path) -> None:
        self.import_status.setText(
            f"{path.name} is open in the Import window: check the contacts there, then Import."
        )
        self.import_requested.emit(path)

    def import_finished(self, summary: str, region_note: str = "") -> None:
        """What the Import window did with the file this step opened (its one-line summary),
        in place of "… is open in the Import window", which would no longer be true; and
        `region_note`, when the file's numbers were read in another country than caller IDs."""
        note = f" {region_note}" if region_note else ""
        self.import_status.setText(f"Done: {summary}.{note} Next: your softphone.")

    # -- step 2: softphone --------------------------------------------------------------------

    def _fill_softphones(self) -> None:
        self.softphone.blockSignals(True)
        self.softphone.clear()
        detected: set[str] = set()
        # Read already (Settings → Softphones, --watch): said first, and not asked for again.
        self._connected = _connected(self._watched())
        once = self._once()
        for log in self._connected:
            recipe = recipe_for_kind(log.kind)
            title = recipe.softphone if recipe else log.title
            how = "connected this run only" if _same_file(log.path) in once else "connected"
            self.softphone.addItem(f"{title} — {how}: {log.path}", (recipe, log))
            if recipe:
                detected.add(recipe.softphone)
        read = {_same_file(log.path) for log in self._connected}
        for log in self._found_logs:
            if _same_file(log.path) in read:
                continue
            recipe = recipe_for_kind(log.kind)
            title = recipe.softphone if recipe else log.title
            self.softphone.addItem(f"{title} — found: {log.path}", (recipe, log))
            if recipe:
                detected.add(recipe.softphone)
        # Set up here with no call logged yet: its recipe, before the softphones not found.
        fresh = [r for r in recipes_for(sys.platform)
                 if r.softphone_id in self._set_up and r.softphone not in detected]  # fmt: skip
        for recipe in fresh:
            # Its log to come is watched from now, when it has one fixed place (Twinkle's).
            self.softphone.addItem(f"{recipe.softphone} — set up here, no call logged yet",
                                   (recipe, log_to_come(recipe.softphone_id)))  # fmt: skip
            detected.add(recipe.softphone)
        for recipe in recipes_for(sys.platform):
            if recipe.softphone not in detected:
                self.softphone.addItem(recipe.softphone, (recipe, None))
        self.softphone.blockSignals(False)
        others = [log for log in self._found_logs if _same_file(log.path) not in read]
        self.detected_label.setText(_connected_text(self._connected, others, once)
                                    if self._connected else _found_text(self._found_logs, fresh))
        self._show_recipe()

    def _show_recipe(self) -> None:
        data = self.softphone.currentData()
        recipe: HookRecipe | None = data[0] if data else None
        log: FoundLog | None = data[1] if data else None
        if recipe is None:  # a PBX's call log: there is no hook, it is read as it grows
            self.where.setText("CallerCard reads this call log as calls are written to it.")
            lines = ""
            note = ""
        else:
            self.where.setText(recipe.where)
            lines = recipe.text(self._command)
            note = recipe.note if log is not None else recipe.note_without_log
            if log is not None and not lines and not _rings(log.kind):
                # Linphone 5.1's call-history.db: the recipe spoke of a card at ring only.
                note = (f"{log.title} is written when a call ends: watching it gives missed "
                        "calls and the call history, not a card while the phone rings. Press "
                        "Watch its call log.")  # fmt: skip
        connected = log is not None and log in self._connected
        if connected and log is not None and (_rings(log.kind) or not lines):
            # Its log pops the card as it rings: a hook line to paste would be asking again.
            self.where.setText("")
            lines = ""
            note = (f"CallerCard reads {log.title} already, so a card pops up as a call comes "
                    "in. Press Test ring to see one.")  # fmt: skip
        elif connected and log is not None:
            note = (f"CallerCard reads {log.title} already: missed calls and the call "
                    "history. For a card while the phone rings, add the line above too.")
        self.where.setVisible(bool(self.where.text()))
        self.hook_line.setPlainText(lines)
        self._fit_hook_lines()
        self.hook_line.setVisible(bool(lines))
        self.copy_button.setVisible(bool(lines))
        self.watch_button.setVisible(log is not None)
        once = connected and log is not None and _same_file(log.path) in self._once()
        self.watch_button.setEnabled(not connected or once)
        self.watch_button.setText("Keep watching" if once else "Watching" if connected else
                                  "Watch its call log")  # fmt: skip
        if once and log is not None:
            # --watch-once: a hook or the login starts CallerCard without it, and then no card
            # pops for this softphone; said here, where the rep thinks it done.
            note = (f"CallerCard reads {log.title} for this run only (started with "
                    "--watch-once): started again by a softphone hook or at login, it would "
                    "not. Press Keep watching to read it at every start.")  # fmt: skip
        self.recipe_note.setText(note)

    def _once(self) -> set[Path]:
        return {_same_file(Path(s.path).expanduser()) for s in self._this_run_only()}

    def _fit_hook_lines(self) -> None:
        """Tall enough for every line and the sideways scroll bar under them: a fixed 78 px
        showed Twinkle's four lines behind a second, vertical scroll bar, with half the page
        empty below."""
        box = self.hook_line
        shown = min(max(box.blockCount(), 1), HOOK_LINES_SHOWN)
        frame = 2 * box.frameWidth() + 2 * int(box.document().documentMargin())
        bar = box.horizontalScrollBar().sizeHint().height()
        line = box.blockBoundingRect(box.document().firstBlock()).height()
        # 2 px more: with the last line's bottom right on the bottom margin, the box still
        # scrolled by one line (measured: 4 lines of 14 px in a 64 px viewport).
        box.setFixedHeight(math.ceil(shown * line) + frame + bar + 2)

    def copy_hook_line(self) -> None:
        QGuiApplication.clipboard().setText(self.hook_line.toPlainText())
        self.recipe_note.setText("Copied. Paste it into your softphone as shown above.")

    def _watch(self) -> None:
        data = self.softphone.currentData()
        log: FoundLog | None = data[1] if data else None
        if log is None:
            return
        self.watch_requested.emit(log.kind, str(log.path))
        if _same_file(log.path) in {_same_file(c.path) for c in _connected(self._watched())}:
            # Said as connected from now, as it will be when the step is shown again.
            self._fill_softphones()
            for i in range(self.softphone.count()):
                data = self.softphone.itemData(i)
                if data and data[1] is not None and _same_file(data[1].path) == _same_file(
                        log.path):  # fmt: skip
                    self.softphone.setCurrentIndex(i)
                    break
            return
        self.watch_button.setText("Watching")
        self.watch_button.setEnabled(False)

    def _test_ring(self) -> None:
        self.test_ring_requested.emit()
        self.recipe_note.setText(
            "A test card popped up in the corner, as a call will. Its Dismiss button puts it "
            "away."
        )

    # -- step 3: the tray ---------------------------------------------------------------------

    def _describe_tray(self) -> None:
        if self._has_tray():
            text = (
                "CallerCard runs in the system tray, near the clock: look for this icon. Click "
                "it to search your contacts; right-click it for the menu, with Import…, "
                "Settings… and Getting started…, which brings this window back."
            )
        else:
            text = (
                "This desktop has no system tray, so CallerCard keeps a small window with its "
                "menu (Search, Import, Settings). Closing it leaves CallerCard running."
            )
        self.tray_text.setText(text)


def _rings(kind: str) -> bool:
    """Whether a log of this kind reports a call while it rings (else only once it ended)."""
    return any(f.ring_time for f in log_formats() if f.name == kind)


def _same_file(path: Path) -> Path:
    """A path as the app would open it: "~/.config/…" given to --watch is the file found."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links: compared as written
        return path


def _connected(watched: list[WatchedSource]) -> list[FoundLog]:
    """The call logs read now, each once, in the words the found ones are said in."""
    titles = {f.name: f.title for f in log_formats()}
    logs: list[FoundLog] = []
    for source in watched:
        log = FoundLog(source.format, Path(source.path).expanduser(),
                       titles.get(source.format, source.format))  # fmt: skip
        if all(_same_file(log.path) != _same_file(known.path) for known in logs):
            logs.append(log)
    return logs


def _connected_text(connected: list[FoundLog], others: list[FoundLog],
                    once: set[Path] | None = None) -> str:  # fmt: skip
    """What is connected already (`once`: for this run only), and what else was found that
    is not."""
    names = "; ".join(log.title + (", this run only" if _same_file(log.path) in (once or set())
                                   else "") for log in connected)  # fmt: skip
    text = f"Already connected: {names}."
    if others:
        plural = "s" if len(others) > 1 else ""
        text += (f" Found {len(others)} more call log{plural} on this computer: choose one "
                 "below to connect it too.")  # fmt: skip
    else:
        text += " Press Test ring to see a card, or choose another softphone below."
    return text


def _found_text(logs: list[FoundLog], fresh: list[HookRecipe]) -> str:
    """What was found: call logs, and softphones set up here that have logged no call yet."""
    names = ", ".join(r.softphone for r in fresh)
    if len(logs) == 1 and not fresh:
        recipe = recipe_for_kind(logs[0].kind)
        if recipe is None or not recipe.lines:  # Linphone, a PBX: nothing to paste
            return f"Found on this computer: {logs[0].title}. Press Watch its call log."
        return (f"Found on this computer: {logs[0].title}. Paste the line below into it, then "
                "press Test ring.")  # fmt: skip
    if logs:
        more = f" (and {names}, no call logged yet)" if fresh else ""
        plural = "s" if len(logs) > 1 else ""
        return f"Found {len(logs)} call log{plural} on this computer{more}; choose your softphone."
    if len(fresh) == 1:
        return f"Found on this computer: {names}. Set it up as below, then press Test ring."
    if fresh:
        return f"Found on this computer: {names}; choose yours."
    return "No softphone found on this computer. Choose yours:"


def _plain(text: str, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _heading(text: str) -> QLabel:
    label = _plain(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def _line() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _age(modified: float) -> str:
    days = int((time.time() - modified) // 86400)
    if days > 13:
        return time.strftime("%d %b %Y", time.localtime(modified))
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"
