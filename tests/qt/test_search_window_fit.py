"""The Search window fits its screen: at 2× on a 1600×1000 screen (800×500 to Qt) its result
count and key hints stay on the screen."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import PYTHON, REPO, private_x_server, python_env

pytestmark = pytest.mark.xvfb

SEARCH_ON_A_2X_SCREEN = """
import json
from PySide6.QtCore import QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.qt.search_window import SearchWindow

app = QApplication([])
window = SearchWindow(lambda query: [])
window.open("")
QTest.qWait(300)
screen = window.screen().availableGeometry()
hint = window.hint
where = QRect(hint.mapToGlobal(hint.rect().topLeft()), hint.size())
print(json.dumps({"screen": [screen.width(), screen.height()],
                  "hint_on_screen": screen.contains(where)}))
"""


def test_the_count_and_hints_stay_on_a_2x_screen() -> None:
    """Search asked for 600×520 whatever the screen: its last line fell below a 500-pixel
    screen."""
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run([PYTHON, "-c", SEARCH_ON_A_2X_SCREEN], cwd=REPO,
                              capture_output=True, text=True, timeout=60, check=False,
                              env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb",
                                             QT_SCALE_FACTOR="2"))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report == {"screen": [800, 500], "hint_on_screen": True}
