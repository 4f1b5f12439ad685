"""The tray icon and its menu, with a way in when the desktop has no tray at all.

Tray hosts often appear after the app at login, so availability is re-checked for a while
before settling on the fallback window (KeePassXC does the same).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desktop.core.pause import PauseLength

if TYPE_CHECKING:
    from desktop.qt.book_watch import BookWatch

log = logging.getLogger(__name__)

TRAY_RETRY_MS = 1000
TRAY_RETRIES = 30
MENU_COLUMNS = 4  # the no-tray window's buttons per row
SCREEN_SHARE_TEXT = "Keep cards out of screen shares"


def make_tray() -> TrayMenu:
    """The tray with the app's icons in the look that suits the panel, not yet shown."""
    from desktop.qt.icons import app_icon, current_tray_look, tray_icon

    look = current_tray_look()
    tray = TrayMenu(tray_icon(look), False, paused_icon=tray_icon(look, paused=True))
    icon = app_icon()
    tray.fallback.setWindowIcon(icon)
    QGuiApplication.setWindowIcon(icon)
    return tray


class TrayMenu(QObject):
    search_requested = Signal()
    calls_requested = Signal()
    callbacks_requested = Signal()
    import_requested = Signal()
    import_history_requested = Signal()
    duplicates_requested = Signal()
    settings_requested = Signal()
    welcome_requested = Signal()  # "Getting started…": the first-start welcome again
    pause_toggled = Signal(bool)  # True: pause with no end; False: resume
    pause_for_requested = Signal(str)  # a PauseLength: "hour", "tomorrow"
    screen_share_toggled = Signal(bool)  # "Keep cards out of screen shares"
    wrap_ups_requested = Signal()  # open the wrap-ups held while the screen was protected
    quit_requested = Signal()

    def __init__(self, icon: QIcon, paused: bool, parent: QObject | None = None, *,
                 paused_icon: QIcon | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._icon = icon
        self._paused_icon = paused_icon or icon
        self.menu = QMenu()
        self.search_action = self._add("Search…", self.search_requested)
        self.calls_action = self._add("Recent calls…", self.calls_requested)
        self.callbacks_action = self._add("Callbacks…", self.callbacks_requested)
        self.wrap_ups_action = self._add("", self.wrap_ups_requested)
        self.wrap_ups_action.setVisible(False)  # while none waits
        self.import_action = self._add("Import…", self.import_requested)
        self.import_history_action = self._add("Import history…", self.import_history_requested)
        self.duplicates_action = self._add("Possible duplicates…", self.duplicates_requested)
        self.menu.addSeparator()
        self.pause_action = QAction("Pause popups", self.menu, checkable=True)
        self.pause_action.toggled.connect(self.pause_toggled)
        self.menu.addAction(self.pause_action)
        self.pause_hour_action = self.menu.addAction("Pause for 1 hour")
        self.pause_hour_action.triggered.connect(self.pause_for_hour)
        self.pause_tomorrow_action = self.menu.addAction("Pause until tomorrow")
        self.pause_tomorrow_action.triggered.connect(self.pause_until_tomorrow)
        self._add_screen_share_action()
        self.settings_action = self._add("Settings…", self.settings_requested)
        self.welcome_action = self._add("Getting started…", self.welcome_requested)
        self.menu.addSeparator()
        self.quit_action = self._add("Quit CallerCard", self.quit_requested)

        self.tray = QSystemTrayIcon(icon, self)
        self.tray.setToolTip("CallerCard")
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self._message_opens_callbacks = False  # the message shown last is tell_opening_callbacks'
        self.tray.messageClicked.connect(self._message_clicked)
        self.fallback = FallbackWindow(self)
        self.fallback.setWindowIcon(icon)
        self.paused_text = ""
        self.set_paused(paused)
        self._started = False
        self._retries = 0
        self._retry = QTimer(self)
        self._retry.setInterval(TRAY_RETRY_MS)
        self._retry.timeout.connect(self._check_tray)

    def _add_screen_share_action(self) -> None:
        self.screen_share_action = QAction(SCREEN_SHARE_TEXT, self.menu, checkable=True)
        self.screen_share_action.toggled.connect(self.screen_share_toggled)
        self.menu.addAction(self.screen_share_action)
        # Why cards are redacted right now, under the toggle; hidden when nothing to say.
        self.screen_share_note = self.menu.addAction("")
        self.screen_share_note.setEnabled(False)
        self.screen_share_note.setVisible(False)

    def set_screen_share(self, keep_out: bool, note: str = "") -> None:
        """The toggle's state, and under it what the cards show when they are redacted
        ("Do Not Disturb is on: cards show the company only")."""
        action = self.screen_share_action
        action.blockSignals(True)
        action.setChecked(keep_out)
        action.blockSignals(False)
        self.screen_share_note.setText(note)
        self.screen_share_note.setVisible(bool(note))
        self.fallback.set_screen_share(keep_out, note)

    # Methods, not lambdas over the menu: Qt keeps a connected lambda while its sender (an
    # action of this menu) lives, so a TrayMenu dropped without let_go() kept its parentless
    # menu and no-tray window for good; now they go with it.
    def pause_for_hour(self) -> None:
        self.pause_for_requested.emit(PauseLength.HOUR.value)

    def pause_until_tomorrow(self) -> None:
        self.pause_for_requested.emit(PauseLength.TOMORROW.value)

    def _add(self, text: str, signal: SignalInstance) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(signal)
        return action

    def menu_signals(self) -> list[SignalInstance]:
        """Every signal a menu item or the fallback window's buttons emit."""
        return [self.search_requested, self.calls_requested, self.callbacks_requested,
                self.import_requested, self.import_history_requested,
                self.duplicates_requested, self.settings_requested, self.welcome_requested,
                self.pause_toggled, self.pause_for_requested, self.screen_share_toggled,
                self.wrap_ups_requested, self.quit_requested]  # fmt: skip

    def start(self, show_fallback: bool = True) -> None:
        """Show the icon, or the fallback window while there is no tray; once only (the
        start-up shows it before the app that also asks is built)."""
        if self._started:
            return
        self._started = True
        if QSystemTrayIcon.isSystemTrayAvailable():
            log.info("tray: system tray available")
            self.tray.show()
            return
        log.info("tray: no system tray yet; offering a window and retrying")
        if show_fallback:
            self.fallback.show()
        self._retry.start()

    def _check_tray(self) -> None:
        self._retries += 1
        if QSystemTrayIcon.isSystemTrayAvailable():
            log.info("tray: system tray appeared after %d s", self._retries)
            self._retry.stop()
            self.tray.show()
            self.fallback.hide()
        elif self._retries >= TRAY_RETRIES:
            log.info("tray: still no system tray; keeping the CallerCard window")
            self._retry.stop()

    def offer_window(self) -> None:
        """The rep asked for CallerCard (launched it again): without a tray the window with
        its menu is the only way to Settings, Import and Quit, even after a --background
        start kept it hidden."""
        if not self.has_tray:
            self.fallback.show()
            self.fallback.raise_()

    @property
    def has_tray(self) -> bool:
        return self.tray.isVisible() and QSystemTrayIcon.isSystemTrayAvailable()

    def notify(self, title: str, text: str) -> None:
        """Tell the user something without a dialog: a tray balloon, else the window."""
        if self.has_tray and QSystemTrayIcon.supportsMessages():
            self._message_opens_callbacks = False  # the message shown now is this one
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 8000)
        self.fallback.set_status(text)

    def tell_opening_callbacks(self, title: str, text: str, more: str = "") -> bool:
        """News for the rep that Callbacks holds ("3 calls missed while CallerCard was
        closed"): the tray's message, which opens Callbacks when clicked; the fallback
        window's status line, beside its Callbacks button; `more`, a sentence of other news
        of the start, after it (one message: a second would hide the first). Whether the
        tray said it."""
        from desktop.core.missed_while_closed import where_they_wait

        after = f" {more}" if more else ""
        self.fallback.set_status(where_they_wait(text, clickable=False) + after)
        if not (self.has_tray and QSystemTrayIcon.supportsMessages()):
            return False
        self._message_opens_callbacks = True
        self.tray.showMessage(title, where_they_wait(text, clickable=True) + after,
                              QSystemTrayIcon.MessageIcon.Information, 15000)  # fmt: skip
        return True

    def _message_clicked(self) -> None:
        if self._message_opens_callbacks:
            self._message_opens_callbacks = False
            self.callbacks_requested.emit()

    def problem_over(self, about: str) -> None:
        """The problem told whose text starts with `about` is over. Only the fallback window
        keeps problems on show; a balloon goes by itself and the tooltip and menu show none."""
        self.fallback.clear_status(about)

    def set_paused(self, paused: bool, text: str = "Popups paused") -> None:
        """Show the state everywhere the rep looks: the icon's badge, its tooltip, the menu
        and the fallback window. ``text`` says for how long ("Popups paused until 15:42…")."""
        self.paused_text = text if paused else ""
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(paused)
        self.pause_action.blockSignals(False)
        self.pause_action.setText(f"{text} (click to resume)" if paused else "Pause popups")
        self.tray.setIcon(self._paused_icon if paused else self._icon)
        self.tray.setToolTip(f"CallerCard — {text}" if paused else "CallerCard")
        self.fallback.set_paused(paused, self.paused_text)

    def set_callbacks_due(self, due: int) -> None:
        text = f"Callbacks ({due} due)…" if due else "Callbacks…"
        self.callbacks_action.setText(text)
        self.fallback.callbacks.setText(text)

    def set_wrap_ups_waiting(self, waiting: int) -> None:
        """ "Open waiting wrap-ups (2)": held while cards were redacted; hidden when none."""
        text = f"Open waiting wrap-ups ({waiting})" if waiting else ""
        self.wrap_ups_action.setText(text)
        self.wrap_ups_action.setVisible(bool(waiting))
        self.fallback.wrap_ups.setText(text)
        self.fallback.wrap_ups.setVisible(bool(waiting))

    def set_icons(self, icon: QIcon, paused_icon: QIcon) -> None:
        """New looks (the panel's colour scheme changed); the paused state stays shown."""
        self._icon, self._paused_icon = icon, paused_icon
        self.tray.setIcon(paused_icon if self.paused_text else icon)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.search_requested.emit()

    def hide(self) -> None:
        self._retry.stop()
        self.tray.hide()
        self.fallback.hide()

    def let_go(self) -> None:
        """At quit: the menu and the no-tray window have no parent; they go with the tray."""
        self.menu.deleteLater()
        self.fallback.deleteLater()
        self.deleteLater()


class FallbackWindow(QWidget):
    """A small window with the tray menu's actions, for desktops without a tray."""

    # While shown and following (follow_commits), another connection committed to the
    # database: the tray counts callbacks as its menu opens, but this menu is always open.
    committed_elsewhere = Signal()

    def __init__(self, menu: TrayMenu) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self._book_watch: BookWatch | None = None
        self.setWindowTitle("CallerCard")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "CallerCard is running: a card pops up when your phone rings.\n"
            "This desktop has no system tray, so its menu lives here."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # Two rows of four: one row of eight ran off a small screen at 2×, taking Settings,
        # Getting started and Quit with it.
        row = QGridLayout()
        buttons = {}
        for index, (text, signal) in enumerate((
            ("Search…", menu.search_requested),
            ("Recent calls…", menu.calls_requested),
            ("Callbacks…", menu.callbacks_requested),
            ("Import…", menu.import_requested),
            ("Duplicates…", menu.duplicates_requested),
            ("Settings…", menu.settings_requested),
            ("Getting started…", menu.welcome_requested),
        )):
            button = QPushButton(text)
            button.clicked.connect(signal)
            row.addWidget(button, index // MENU_COLUMNS, index % MENU_COLUMNS)
            buttons[text] = button
        self.callbacks = buttons["Callbacks…"]
        self.wrap_ups = QPushButton("")
        self.wrap_ups.clicked.connect(menu.wrap_ups_requested)
        self.wrap_ups.hide()  # while none waits
        row.addWidget(self.wrap_ups, row.rowCount(), 0, 1, MENU_COLUMNS)
        layout.addLayout(row)
        pause_row = QHBoxLayout()
        self.pause = QPushButton("Pause popups")
        self.pause.setCheckable(True)
        self.pause.toggled.connect(menu.pause_toggled)
        pause_row.addWidget(self.pause)
        self.pause_hour = QPushButton("Pause for 1 hour")
        self.pause_hour.clicked.connect(menu.pause_for_hour)
        pause_row.addWidget(self.pause_hour)
        self.pause_tomorrow = QPushButton("Pause until tomorrow")
        self.pause_tomorrow.clicked.connect(menu.pause_until_tomorrow)
        pause_row.addWidget(self.pause_tomorrow)
        pause_row.addStretch(1)
        layout.addLayout(pause_row)
        self.screen_share = QCheckBox(SCREEN_SHARE_TEXT)
        self.screen_share.toggled.connect(menu.screen_share_toggled)
        layout.addWidget(self.screen_share)
        self.screen_share_note = QLabel("")
        self.screen_share_note.setTextFormat(Qt.TextFormat.PlainText)
        self.screen_share_note.setWordWrap(True)
        self.screen_share_note.hide()
        layout.addWidget(self.screen_share_note)
        # Bold and above the status line: a paused CallerCard must not pass for a working one.
        self.paused_label = QLabel("")
        self.paused_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.paused_label.font())
        bold.setBold(True)
        self.paused_label.setFont(bold)
        self.paused_label.hide()
        layout.addWidget(self.paused_label)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        # Spare height (a line that was shown, then hidden) goes below, not between the rows.
        layout.addStretch(1)
        # Apart, at the bottom right, named as in the tray menu: in the grid, "Quit" sat right
        # under Import…, the same size, and a slip there ends the day's cards.
        self.quit = QPushButton("Quit CallerCard")
        self.quit.clicked.connect(menu.quit_requested)
        quit_row = QHBoxLayout()
        quit_row.addStretch(1)
        quit_row.addWidget(self.quit)
        layout.addLayout(quit_row)
        self._problem = ""  # what the status line says, without its time
        # (the height before a problem line grew the window, the height it grew to): taking
        # the line down gives the room back, unless the person has resized the window since.
        self._grown: tuple[int, int] | None = None

    def set_status(self, text: str) -> None:
        """The latest problem, with when it was said: it stays until the next one, or until it
        is over (clear_status), so a reader can tell an old one from news."""
        from desktop.qt.system_clock import time_now_text

        when = time_now_text()
        self._problem = text
        self.status.setText(f"{when}  {text}")
        # Grow to the wrapped text, never shrink below what the person made it.
        needed = self._needed_height()
        if needed > self.height():
            grown = self._grown if self._grown_still() else None
            before = grown[0] if grown is not None else self.height()
            self.resize(self.width(), needed)
            self._grown = (before, self.height())

    def clear_status(self, about: str) -> None:
        """Take the problem down if it is the one shown: its text starts with `about`."""
        if self._problem and self._problem.startswith(about):
            self._problem = ""
            self.status.setText("")
            if self._grown is not None and self._grown_still():
                self.resize(self.width(), max(self._grown[0], self._needed_height()))
            self._grown = None

    def follow_commits(self, database: Path) -> None:
        """Say `committed_elsewhere` while shown (BookWatch: inotify and data_version, never
        polled), so "Callbacks (N due)" follows a call logged from a terminal or a hook."""
        # Imported here: the tray is shown before sqlite3 is loaded (test_tray_first.py).
        from desktop.qt.book_watch import while_shown

        if self._book_watch is None:
            self._book_watch = while_shown(self, database, self.committed_elsewhere.emit)

    def _needed_height(self) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(self.width()) if layout is not None else 0

    def _grown_still(self) -> bool:
        """Whether the window is as tall as a problem line made it (nobody resized it since)."""
        return self._grown is not None and self.height() == self._grown[1]

    def set_screen_share(self, keep_out: bool, note: str) -> None:
        self.screen_share.blockSignals(True)
        self.screen_share.setChecked(keep_out)
        self.screen_share.blockSignals(False)
        self.screen_share_note.setText(note)
        self.screen_share_note.setVisible(bool(note))
        self._grow_to_fit()

    def set_paused(self, paused: bool, text: str = "") -> None:
        self.pause.blockSignals(True)
        self.pause.setChecked(paused)
        self.pause.blockSignals(False)
        self.pause.setText("Resume popups" if paused else "Pause popups")
        self.paused_label.setText(text)
        self.paused_label.setVisible(paused)
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """A line shown in a window already up (paused, the screen-share note) makes it taller:
        kept at its old height, the intro lost its last line and the buttons were squashed.
        A window not shown gets its size when it is: laying it out here cost 6 ms of every
        start before the tray icon showed."""
        if not self.isVisible():
            return
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout is not None else 0
        if needed > self.height():
            self.resize(self.width(), needed)
