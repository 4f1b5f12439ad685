""""Undo the import of book.csv?", asked before an undo takes the rep's own work with it: the
contacts' calls (they stay, under their numbers) and what was changed on them since
(Store.undo_import_check). Import history's Undo and the Import window's both ask it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.display_text import one_line
from desktop.qt.above_cards import stand_above_cards

UNDO = "Undo import"


def ask_undo_import(parent: QWidget, file_name: str, warning: str,
                    answered: Callable[[bool], None]) -> QMessageBox:  # fmt: skip
    """Open the question, window-modal, over `parent`; `answered(True)` if the rep undoes."""
    box = QMessageBox(QMessageBox.Icon.Question, "CallerCard — Undo import",
                      f"Undo the import of {one_line(file_name)}?",
                      QMessageBox.StandardButton.Cancel, parent)  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(warning)
    # Wide enough for its title and for the warning in three lines, not eight.
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 28em; }")
    go = box.addButton(UNDO, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    stand_above_cards(box, True)  # never under the caller cards (above_cards.py)
    box.finished.connect(lambda _result: answered(box.clickedButton() is go))
    box.open()
    return box
