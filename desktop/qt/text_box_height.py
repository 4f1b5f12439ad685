"""A plain-text box as tall as its wrapped text, within a range of lines: a note or a
template scrolled inside a box of a fixed height (set for one theme's font and frame) while
the page around it, which scrolls, had room for it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QPlainTextEdit


class _Fit(QObject):
    """Fits its editor again once it is wider or narrower or its font changed (a theme's, a
    window's): the document's line count follows, but says so only when the text changes."""

    def __init__(self, editor: QPlainTextEdit, lines: tuple[int, int]) -> None:
        super().__init__(editor)
        self._editor = editor
        self._lines = lines
        self._soon = QTimer(self)  # after the editor has laid its lines out at the new width
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.fit)
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):  # fmt: skip
            self._soon.start()
        return False

    def fit(self) -> None:
        editor = self._editor
        fewest, most = self._lines
        # A plain text document's height is counted in lines, wrapped ones included.
        shown = int(editor.document().documentLayout().documentSize().height())
        # One line more than the text: the viewport counts only whole lines it can show, and
        # the rep's next line appears without a scroll.
        frame = editor.frameWidth() * 2 + int(editor.document().documentMargin() * 2)
        height = editor.fontMetrics().lineSpacing() * max(fewest, min(most, shown + 1)) + frame
        if editor.height() != height or editor.minimumHeight() != height:
            editor.setFixedHeight(height)


def grow_with_text(editor: QPlainTextEdit, lines: tuple[int, int]) -> None:
    """Keep `editor` as tall as its wrapped text, between lines[0] and lines[1] lines: a long
    note scrolled inside a 4-line box while the view (which scrolls) had room for it."""
    # Lines wrap at the box's edge (long words anywhere), so a sideways bar has nothing to
    # show; laid out once while the view was still narrow, it stayed and hid the last line.
    editor.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    fit = _Fit(editor, lines)
    editor.document().documentLayout().documentSizeChanged.connect(lambda _size: fit.fit())
    fit.fit()
