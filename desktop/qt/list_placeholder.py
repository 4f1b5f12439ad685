"""A list that says what belongs in it while it is empty.

Settings → Softphones opened on "CallerCard watches these call logs" over a blank white box
taller than the rest of the page: a rep could not tell an empty list from one that failed to
load, nor what to do next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QListWidget, QWidget


class ListWithPlaceholder(QListWidget):
    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder

    def set_placeholder(self, placeholder: str) -> None:
        self._placeholder = placeholder
        self.viewport().update()

    def placeholder(self) -> str:
        """What the empty list says ("" once it holds something)."""
        return self._placeholder if self.count() == 0 else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.placeholder()
        if not text:
            return
        painter = QPainter(self.viewport())
        # The palette's own placeholder colour: readable on a light and a dark list alike.
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        margin = 2 * self.fontMetrics().height()
        area = self.viewport().rect().adjusted(margin, 0, -margin, 0)
        painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
        painter.end()
