"""The Import window's "Keep following this file": the import it starts is a followed one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.followed_list import change_marker, followed_files
from desktop.adapters.importing import ImportReport
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_window import ImportWindow
from tests.conftest import REPO

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
SCREENSHOT = REPO / "artifacts" / "screenshots" / "import_window_following.png"


def test_keep_following_makes_the_import_a_followed_one(qtbot: QtBot, tmp_path: Path) -> None:
    database = tmp_path / "data" / "cc.sqlite3"
    book = tmp_path / "prospects.csv"
    book.write_text("Name,Company,Phone\nDana Reyes,Acme,+1 415 555 0101\n", encoding="utf-8")
    window = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.load(book)
    assert not window.keep_following.isChecked(), "following is asked for, never assumed"
    window.keep_following.setChecked(True)
    with qtbot.waitSignal(window.imported, timeout=30_000) as blocker:
        window.import_button.click()
    report = blocker.args[0]
    assert isinstance(report, ImportReport) and report.imported == 1
    assert "Following prospects.csv" in window.summary.text()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOT))
    store = Store.open(database)
    try:
        [followed] = followed_files(store)
    finally:
        store.close()
    assert followed.path == book.resolve() and followed.batch_id == report.batch_id
    assert change_marker(database).exists(), "a running app is told"
