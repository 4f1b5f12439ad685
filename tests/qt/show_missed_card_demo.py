"""Missed-call cards on a real X display, light and dark: focus check and screenshots.

    python -m tests.qt.show_missed_card_demo OUT_DIR [SUFFIX]

Run by tests/qt/test_missed_card.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb,
QT_SCALE_FACTOR=2). A rep types into another window while a prospect's call rings out and a
withheld one too; both cards turn into missed cards. Prints one JSON report.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.qt.show_popup_demo import exact_card, withheld_card


def main(out_dir: Path, suffix: str = "") -> int:
    from PySide6.QtGui import QColor, QGuiApplication, QPalette
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

    from desktop.qt.popup import Popup
    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"platform": QGuiApplication.platformName(), "shots": {}}

    def wait_until(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not condition():
            QTest.qWait(10)
        return condition()

    editor = QWidget()
    editor.setWindowTitle("Notes")
    line = QLineEdit(editor)
    QVBoxLayout(editor).addWidget(line)
    editor.setGeometry(80, 80, 420, 80)
    editor.show()
    editor.activateWindow()
    line.setFocus()
    report["editor_active_before"] = wait_until(lambda: app.activeWindow() is editor)

    stack = PopupStack()
    stack.warm_up()

    def grab(popup: Popup, name: str) -> None:
        QTest.qWait(80)
        path = out_dir / f"{name}{suffix}.png"
        popup.screen().grabWindow(int(popup.winId())).save(str(path))
        shots = report["shots"]
        assert isinstance(shots, dict)
        shots[name] = [popup.width(), popup.height()]

    def missed_pair(tag: str) -> None:
        for key, card in (("mike", exact_card()), ("withheld", withheld_card())):
            stack.show(card, key)
        QTest.qWait(60)
        for key in ("mike", "withheld"):
            kept = stack.keep_missed(key)
            popup = stack.popup_for(kept) if kept else None
            assert popup is not None
            grab(popup, f"missed_{key}{tag}")
        # The two missed cards where the rep sees them, in the screen's corner.
        cards = stack.popups()
        left = min(p.x() for p in cards) - 20
        top = min(p.y() for p in cards) - 20
        screen = cards[0].screen()
        geo = screen.geometry()
        shot = screen.grabWindow(0, left, top, geo.width() - left, geo.height() - top)
        shot.save(str(out_dir / f"missed_corner{tag}{suffix}.png"))
        report[f"call_back{tag}"] = [p.offers_call_back() for p in cards]
        stack.dismiss_all()

    missed_pair("")
    report["editor_active_after"] = app.activeWindow() is editor
    QTest.keyClicks(app.focusWidget() or line, "typed")
    report["typed_text_in_editor"] = line.text()

    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#2d2e31"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, "#8ab4f8"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        (QPalette.ColorRole.Light, "#3c4043"),
        (QPalette.ColorRole.Mid, "#2a2b2e"),
        (QPalette.ColorRole.Dark, "#111214"),
    ):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)
    QTest.qWait(20)
    missed_pair("_dark")
    stack.set_redacted(True)  # a screen share on Linux: no name, no number, no Call back
    stack.show(exact_card(), "shared")
    kept = stack.keep_missed("shared")
    redacted = stack.popup_for(kept) if kept else None
    assert redacted is not None
    grab(redacted, "missed_redacted_dark")
    report["call_back_redacted"] = redacted.offers_call_back()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), *(sys.argv[2:3])))
