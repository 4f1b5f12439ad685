"""Snooze in the Callbacks window: a button whose menu puts the chosen entry off ("Later
today", "Tomorrow morning", "Next week", each with the time it means on the rep's clock, or a
time typed in a row under the list), and takes a put-off entry back ("Due now").

It only says what the rep chose (`chosen`: an aware datetime, or None for Due now); the
window writes it (store/put_off.py) and reads the list again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.business_hours import BusinessHours
from desktop.core.localtime import HourCycle
from desktop.core.put_off import choices, parse_until

AT_A_TIME = "At a time…"
_EXAMPLES = {"de": ("16:30", "morgen 9 Uhr", "Fr"), "fr": ("16h30", "demain 9h", "ven")}
DUE_NOW = "Due now"


class PutOffControls(QWidget):
    """The Snooze button (for the window's action row) and the typed-time row (itself,
    hidden until asked for)."""

    chosen = Signal(object)  # datetime: put off until then; None: due again now

    def __init__(self, parent: QWidget, hours: Callable[[], BusinessHours], cycle: HourCycle,
                 clock: Callable[[], datetime], language: str = "en") -> None:  # fmt: skip
        """`hours`: read each time they are needed, so a change in Settings applies at once."""
        super().__init__(parent)
        self._hours, self._cycle, self._clock = hours, cycle, clock
        self._language = language
        self._put_off = False  # the chosen entry is already put off: Due now is offered
        self.button = QPushButton("Snooze", parent)
        self.button.setToolTip("Put this callback off: it is not due until then")
        self.menu = QMenu(self.button)
        self.menu.aboutToShow.connect(self._fill)
        self.button.setMenu(self.menu)

        label = QLabel("Put off until", self)
        self.field = QLineEdit(self)
        examples = ", ".join(_EXAMPLES.get(language)
                             or (("16:30", "tomorrow 9", "Fri") if cycle == "24h"
                                 else ("4:30pm", "tomorrow 9am", "Fri")))  # fmt: skip
        self.field.setPlaceholderText(f"e.g. {examples}")
        self.field.returnPressed.connect(self._typed)
        self.apply = QPushButton("Put off", self)
        self.apply.clicked.connect(self._typed)
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.close_row)
        # What was typed and not read, under the field the whole width: in the window's
        # status line, beside five buttons, it took six lines on a narrow window.
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.field, 1)
        row.addWidget(self.apply)
        row.addWidget(cancel)
        column.addLayout(row)
        column.addWidget(self.problem)
        self.field.textEdited.connect(lambda _text: self.problem.hide())
        self.hide()

    def offer(self, *, enabled: bool, put_off: bool) -> None:
        """What the list's chosen entry allows: nothing (a heading), or Due now as well."""
        self.button.setEnabled(enabled)
        self._put_off = put_off
        if not enabled:
            self.close_row()

    def _fill(self) -> None:
        """The choices worked out as the menu opens: "Later today" at 17:10 is tomorrow."""
        self.menu.clear()
        now = self._clock()
        for choice in choices(now, self._hours(), self._cycle):
            action = self.menu.addAction(choice.label)
            action.triggered.connect(lambda _=False, until=choice.until: self.chosen.emit(until))
        self.menu.addAction(AT_A_TIME).triggered.connect(self.open_row)
        if self._put_off:
            self.menu.addSeparator()
            self.menu.addAction(DUE_NOW).triggered.connect(lambda: self.chosen.emit(None))

    def open_row(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def close_row(self) -> None:
        self.field.clear()
        self.problem.hide()
        self.hide()

    def _typed(self) -> None:
        """What the rep typed, read as the wrap-up reads "Call them back by"; a mistake is
        said under the field, the row left open to mend it."""
        try:
            until = parse_until(self.field.text(), self._clock(), self._hours(), self._cycle,
                                self._language)  # fmt: skip
        except ValueError as exc:
            self.problem.setText(f"Not put off: {exc}")
            self.problem.show()
            return
        self.close_row()
        self.chosen.emit(until)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # the row, not the window
            self.close_row()
            event.accept()
            return
        super().keyPressEvent(event)
