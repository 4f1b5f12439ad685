"""The "+N more ringing" entry: where ringing calls beyond the visible cards wait.

A storm of calls (a hunt group, a misdialled script) must not bury the screen or the app's
memory under one window per call, so the stack shows a few cards and collapses the older
ringing calls into this one small window. Its menu lists them, newest first; choosing one
brings that call's card up.

Missed cards waiting for room (the column is full of ringing cards, or at 2x of other missed
cards) are counted here too, "+1 more ringing · 2 missed", and listed below the ringing
calls: a missed call the rep has no sign of until Callbacks might as well not have a card.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from desktop.core.card import MatchTier
from desktop.qt.palette import card_theme
from desktop.qt.popup import POPUP_FLAGS

MENU_ENTRIES = 20  # a menu taller than the screen helps nobody; the rest are counted


def _menu_text(text: str) -> str:
    # An action's text is plain, except that "&" marks a mnemonic; a caller's name is literal.
    return text.replace("&", "&&")


def more_text(ringing: int, missed: int) -> str:
    """What the entry says: "+2 more ringing", "+1 missed call", "+2 more ringing · 1 missed"."""
    if not missed:
        return f"+{ringing} more ringing" if ringing else ""
    if not ringing:
        return f"+{missed} missed call{'' if missed == 1 else 's'}"
    return f"+{ringing} more ringing · {missed} missed"


class MoreCalls(QWidget):
    """One small window that stands for every collapsed call; never takes focus when shown."""

    open_requested = Signal(str)  # call_key of the collapsed call the rep chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, POPUP_FLAGS)
        self.setObjectName("moreCalls")
        self.setWindowTitle("CallerCard")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
        # A styled background needs this on a plain QWidget; it then reads as one of the cards.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        self._label = QLabel(self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        font = self._label.font()
        font.setBold(True)
        self._label.setFont(font)
        self._button = QPushButton("Show…", self)
        self._button.setObjectName("moreCallsButton")
        self._menu = QMenu(self._button)
        self._menu.setObjectName("moreCallsMenu")
        self._menu.triggered.connect(self._chosen)
        self._button.setMenu(self._menu)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._button)
        self._count = 0
        self._missed = 0
        self.restyle()

    def restyle(self) -> None:
        """The cards' own colours and left stripe, from the current palette."""
        theme = card_theme(QGuiApplication.palette())
        self.setStyleSheet(
            f"#moreCalls {{ background: {theme.background.name()}; "
            f"border: 1px solid {theme.border.name()}; "
            f"border-left: 5px solid {theme.accents[MatchTier.EXACT].name()}; }}"
            f"#moreCalls QLabel {{ color: {theme.text.name()}; background: transparent; }}"
        )

    def event(self, event: QEvent) -> bool:
        # Light/dark switched: the sheet holds concrete colours, as the cards' does.
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.restyle()
        return super().event(event)

    @property
    def count(self) -> int:
        """Calls it stands for: ringing ones and missed cards waiting for room."""
        return self._count

    @property
    def missed_count(self) -> int:
        return self._missed

    def text(self) -> str:
        return self._label.text()

    def menu(self) -> QMenu:
        return self._menu

    def set_calls(
        self, calls: Sequence[tuple[str, str]], missed: Sequence[tuple[str, str]] = ()
    ) -> None:
        """(call_key, label) of the collapsed ringing calls and of the missed cards waiting
        for room, oldest first; hides itself when none."""
        if not calls and not missed and not self._count and self.isHidden():
            return  # the usual case, on every ring: nothing collapsed before or now
        self._count = len(calls) + len(missed)
        self._missed = len(missed)
        self._label.setText(more_text(len(calls), len(missed)))
        self._menu.clear()
        entries = [*reversed(calls)][:MENU_ENTRIES]
        left = len(calls) - len(entries)
        for call_key, label in entries:
            action = self._menu.addAction(_menu_text(label))
            action.setData(call_key)
        if left:
            rest = self._menu.addAction(f"… and {left} older")
            rest.setEnabled(False)
        if missed:
            if calls:
                self._menu.addSeparator()
            waiting = [*reversed(missed)][:MENU_ENTRIES]
            for call_key, label in waiting:
                action = self._menu.addAction(_menu_text(label))
                action.setData(call_key)
            if len(missed) > len(waiting):
                rest = self._menu.addAction(f"… and {len(missed) - len(waiting)} older missed")
                rest.setEnabled(False)
        if not self._count:
            self.hide()

    def _chosen(self, action: object) -> None:
        from PySide6.QtGui import QAction

        if isinstance(action, QAction):
            key = action.data()
            if isinstance(key, str):
                self.open_requested.emit(key)
