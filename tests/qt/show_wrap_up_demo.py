"""A real wrap-up window on a real X display: focus check and screenshot.

Run by tests/qt/test_wrap_up.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_wrap_up_demo OUT_DIR

An editor window of the same process is focused and typed into; the wrap-up appears as it
does after a call; typing goes on. Prints one JSON report; saves OUT_DIR/wrap_up.png (the
wrap-up alone) and OUT_DIR/wrap_up_dark.png.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber
from desktop.qt.wrap_up import WrapUp

NOW = datetime.now(UTC)


def contact() -> Contact:
    return Contact(
        id=7,
        name="Zoë Ångström",
        company="Smith & Sons <Sales> Ltd",
        reason="Asked for the Q3 pricing sheet after the webinar",
        numbers=(StoredNumber("+44 20 7946 0321", "+442079460321"),),
    )


def attempt(outcome: Outcome = Outcome.UNKNOWN) -> Attempt:
    return Attempt(Direction.OUT, NOW - timedelta(minutes=3), outcome, number_e164="+442079460321")


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#2b2c2f"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#303134"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    editor = QLineEdit()
    editor.setWindowTitle("Notes")
    editor.resize(400, 40)
    editor.move(200, 200)
    editor.show()
    editor.activateWindow()
    editor.setFocus()
    pump(0.5)
    active_before = editor.isActiveWindow()

    window = WrapUp(41, contact(), attempt(Outcome.NO_ANSWER), now=NOW)
    window.reveal()
    pump(0.6)
    QTest.keyClicks(QApplication.focusWidget() or editor, "typed after the call")
    pump(0.2)
    report: dict[str, object] = {
        "platform": QApplication.platformName(),
        "editor_active_before": active_before,
        "editor_active_after": editor.isActiveWindow(),
        "wrap_up_active": window.isActiveWindow(),
        "typed": editor.text(),
        "visible": window.isVisible(),
        "geometry": [window.x(), window.y(), window.width(), window.height()],
        "screen": [
            window.screen().availableGeometry().width(),
            window.screen().availableGeometry().height(),
        ],
        "save_enabled": window.save_button.isEnabled(),
        "reason": window.reason.text(),
    }
    window.grab().save(str(out / "wrap_up.png"))

    app.setPalette(dark_palette())
    dark = WrapUp(42, contact(), attempt(), now=NOW)
    dark.reveal()
    pump(0.4)
    dark.grab().save(str(out / "wrap_up_dark.png"))
    report["dark_save_enabled"] = dark.save_button.isEnabled()
    report["hint_visible_when_nothing_picked"] = dark.hint.isVisible()
    dark.close()
    window.close()

    # After an answered incoming call: it appears while the rep types, then they click into it.
    app.setPalette(QPalette())
    editor.activateWindow()
    pump(0.3)
    inbound = WrapUp(43, contact(), Attempt(Direction.IN, NOW - timedelta(minutes=4),
                                            Outcome.TALKED, number_e164="+442079460321"),
                     now=NOW)  # fmt: skip
    inbound.reveal()
    pump(0.6)
    QTest.keyClicks(QApplication.focusWidget() or editor, " and after the next")
    pump(0.2)
    report["inbound_typed"] = editor.text()
    report["inbound_active_before_click"] = inbound.isActiveWindow()
    if shutil.which("xprop"):  # what the window manager is told before the rep clicks
        report["inbound_xprop"] = subprocess.run(
            ["xprop", "-id", str(int(inbound.winId()))], capture_output=True, text=True,
            timeout=10, check=False,
        ).stdout  # fmt: skip
    inbound.grab().save(str(out / "wrap_up_inbound.png"))
    QTest.mouseClick(inbound.message.viewport(), Qt.MouseButton.LeftButton)
    pump(0.6)
    report["inbound_active_after_click"] = inbound.isActiveWindow()
    report["inbound_focus_in_note"] = QApplication.focusWidget() is inbound.message
    QTest.keyClicks(inbound.message, "Wants a demo")
    pump(0.1)
    report["inbound_note"] = inbound.message.toPlainText()
    report["inbound_height"] = inbound.height()
    for widget in (inbound, editor):
        widget.close()
    pump(0.1)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
