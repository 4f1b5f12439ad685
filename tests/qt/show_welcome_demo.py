"""The first-start welcome in the real app on a real X display, step by step.

Run by tests/qt/test_welcome.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb, HOME
holding a contact export in Downloads and a Twinkle call log):

    python -m tests.qt.show_welcome_demo DATA_DIR OUT_DIR [--again]

Builds the app as `callercard` does (CallerCardApp over a fresh data folder, which loads the
demo book) and, once the welcome is up, goes through it as a rep would: opens a found file in
the Import window, copies the hook line, presses Test ring, finishes. Then a card is given the
keyboard and the welcome reopened from the tray menu: the card must keep it. Saves
OUT_DIR/welcome_1_import.png, welcome_2_softphone.png, welcome_2_test_ring.png (the screen),
welcome_3_tray.png, welcome_over_card.png (the screen). With --again it only reports whether the
welcome came at start. Prints one JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import resolve_paths
from desktop.cli import build_parser
from desktop.qt.app import WELCOME_DELAY_MS, CallerCardApp
from desktop.qt.import_action import ImportAction
from desktop.qt.single_instance import SingleInstance
from desktop.qt.welcome import WelcomeWindow


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def until(check: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        QCoreApplication.processEvents()
        time.sleep(0.01)
    pump(0.3)  # let it paint


def screen(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)


def active() -> str:
    window = QApplication.activeWindow()
    return type(window).__name__ if window is not None else ""


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    again = "--again" in sys.argv
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    args = build_parser().parse_args(["--data-dir", str(data), "--region", "US"])
    paths = resolve_paths(data)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    app.start(None)
    report: dict[str, object] = {}
    try:
        if again:
            pump(WELCOME_DELAY_MS / 1000 + 1.0)
            report["welcome_shown"] = app.welcome.window is not None
            return
        until(lambda: isinstance(app.welcome.window, WelcomeWindow), "the welcome")
        welcome = app.welcome.window
        assert isinstance(welcome, WelcomeWindow)
        welcome.move(60, 60)
        found: list[int] = []
        welcome.looked_around.connect(lambda: found.append(1))
        until(lambda: found or welcome.found_files.count(), "the found files")
        report["found_files"] = [welcome.found_files.item(i).text()
                                 for i in range(welcome.found_files.count())]  # fmt: skip
        report["welcome_active_at_start"] = active()
        welcome.grab().save(str(out / "welcome_1_import.png"))
        # Open the newest found file, as a double-click does: the Import window previews it.
        welcome.found_files.setCurrentRow(0)
        welcome.open_found_button.click()
        importer = app.windows.importer
        assert isinstance(importer, ImportAction) and importer.window is not None
        import_window = importer.window
        until(lambda: import_window._state == "ready", "the Import window's preview")
        report["import_file"] = import_window.path_edit.text()
        report["import_status"] = welcome.import_status.text()
        import_window.import_button.click()
        until(lambda: import_window._state == "done", "the import")
        report["import_status_after"] = welcome.import_status.text()
        welcome.grab().save(str(out / "welcome_1_imported.png"))
        import_window.hide()
        welcome.next_button.click()
        pump(0.2)
        report["softphone_choice"] = welcome.softphone.currentText()
        report["hook_line"] = welcome.hook_line.toPlainText()
        welcome.copy_button.click()
        report["clipboard"] = QGuiApplication.clipboard().text()
        welcome.watch_button.click()  # the detected call log, watched from now on
        report["watched"] = [f"{s.format}:{s.path}" for s in app.settings.sources]
        report["saved_settings"] = paths.settings.read_text(encoding="utf-8")
        welcome.grab().save(str(out / "welcome_2_softphone.png"))
        welcome.activateWindow()
        pump(0.3)
        welcome.test_button.click()
        until(lambda: app.popups.visible_count() == 1, "the test card")
        report["after_test_ring_active"] = active()
        screen(out / "welcome_2_test_ring.png")
        app.popups.dismiss_all()
        welcome.next_button.click()
        pump(0.2)
        report["tray_text"] = welcome.tray_text.text()
        welcome.grab().save(str(out / "welcome_3_tray.png"))
        welcome.next_button.click()  # Done
        until(lambda: app.welcome.window is None, "the welcome to close")
        report["done_marker"] = (paths.data_dir / "welcome-done").exists()
        # A card with the keyboard, then "Getting started…" from the tray menu.
        app.test_ring()
        until(lambda: app.popups.visible_count() == 1, "a card")
        app.popups.take_focus()
        until(lambda: active() == "Popup", "the card to take the keyboard", timeout=10)
        app.tray.welcome_action.trigger()
        until(lambda: isinstance(app.welcome.window, WelcomeWindow)
              and app.welcome.window.isVisible(), "the welcome again")  # fmt: skip
        pump(0.5)
        report["reopened_active"] = active()
        screen(out / "welcome_over_card.png")
    finally:
        app.shutdown()
        instance.release()
        print(json.dumps(report))
        for window in QApplication.topLevelWidgets():
            if isinstance(window, QWidget):
                window.close()


if __name__ == "__main__":
    main()
