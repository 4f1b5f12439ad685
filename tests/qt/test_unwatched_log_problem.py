"""A call log the rep stops watching takes its problem with it.

A linphonec 5.1 rep watched its linphone.db (no calls in it), read "not the call history of
Linphone 5.2 or later" under the no-tray window's buttons, swapped it for call-history.db in
Settings, and the message stayed: a working CallerCard looked broken.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.settings import WatchedSource
from tests.conftest import SAMPLES
from tests.qt.in_process_app import app_in_process


def test_the_problem_of_a_log_no_longer_watched_goes(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "linphone"
    folder.mkdir()
    empty = folder / "linphone.db"
    with sqlite3.connect(empty) as db:  # what linphonec 5.1 leaves: no conference_call table
        db.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, type INTEGER)")
    db.close()
    history = folder / "call-history.db"
    history.write_bytes((SAMPLES / "softphones" / "call-history.db").read_bytes())
    with app_in_process(tmp_path) as app:
        status = app.tray.fallback.status
        app.start(None)
        app.apply_settings(app.settings.with_changes(
            sources=(WatchedSource("linphone", str(empty)),)))  # fmt: skip
        qtbot.waitUntil(lambda: "not the call history" in status.text())
        app.apply_settings(app.settings.with_changes(
            sources=(WatchedSource("linphone-legacy", str(history)),)))  # fmt: skip
        qtbot.wait(300)  # the new source's first read, and anything it would report
        assert status.text() == ""
