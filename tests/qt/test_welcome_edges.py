"""The welcome's bottom edge: its buttons sit on a bar of their own with room under them, as
its steps sit above a rule; a few pixels from the window manager's bottom handle, they read as
a window cut short."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from desktop.qt.icons import app_icon
from desktop.qt.welcome import WelcomeWindow


def test_the_welcome_ends_on_a_button_bar_with_room_below_it(qtbot: QtBot) -> None:
    window = WelcomeWindow(lambda: [], lambda: [], ["callercard"], app_icon(), lambda: True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to(1)

    def top(widget: object) -> int:
        return widget.mapTo(window, QPoint(0, 0)).y()  # type: ignore[attr-defined]

    rule = window.button_rule
    assert rule.isVisible() and rule.frameShape() == rule.Shape.HLine
    assert top(window.pages.parentWidget()) < top(rule) < top(window.next_button)
    above = top(window.step_labels[0])
    below = window.height() - (top(window.next_button) + window.next_button.height())
    assert below > above  # more room under the buttons than over the steps
