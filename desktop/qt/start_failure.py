"""Why the app cannot start, told where the rep looks: started from the menu or at login, a
line on stderr reaches nobody, and the app would simply never appear.

A window only when someone can see it: under the offscreen platform (tests, a headless
session) or a --background start (a softphone hook, the login autostart) the reason is logged
and the app exits at once, as before.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.adapters.store import StoreError

log = logging.getLogger(__name__)

TITLE = "CallerCard cannot start"
EXIT_CODE = 1


def database_problem(database: Path, exc: StoreError) -> str:
    """What is wrong with the contact database, which file, and what the rep can do."""
    cause = exc.__cause__
    detail = str(cause) if isinstance(cause, sqlite3.Error | OSError) else str(exc)
    lowered = detail.lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return (
            f"The disk that holds the contact database {database} is full ({detail}).\n\n"
            "Free some space on that disk, then start CallerCard again. Nothing was changed."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"The contact database {database} is damaged ({detail}).\n\n"
            "Restore it from a backup, or move the file away to start afresh with an empty "
            "one (contacts can then be imported again). Nothing was changed."
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"The contact database {database} is locked by another program ({detail}).\n\n"
            "Close that program (a backup or sync tool, a database browser), then start "
            "CallerCard again. Nothing was changed."
        )
    if "newer callercard" in lowered:
        return (
            f"The contact database {database} was written by a newer version of CallerCard."
            "\n\nInstall that version again, or start this one with --data-dir pointing to "
            "another folder. Nothing was changed."
        )
    return (
        f"CallerCard cannot open its contact database {database} ({detail}).\n\n"
        "Check that the file and its folder can be read and written, then start CallerCard "
        "again."
    )


def report(text: str, *, background: bool) -> QMessageBox | None:
    """Log `text`, and show it in a window unless nobody would see one; the app exits with
    EXIT_CODE once the window is closed (at once without a window). Returns the window."""
    log.error("cannot start: %s", text.replace("\n\n", " "))
    if background or QGuiApplication.platformName() == "offscreen":
        QApplication.exit(EXIT_CODE)
        return None
    box = QMessageBox(QMessageBox.Icon.Critical, TITLE, text, QMessageBox.StandardButton.Ok)
    box.setTextFormat(Qt.TextFormat.PlainText)  # file names and SQLite's words, never markup
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # a path to copy
    box.finished.connect(lambda _result: QApplication.exit(EXIT_CODE))
    box.show()
    box.raise_()
    box.activateWindow()
    return box
