"""A fresh welcome opens in the middle of the screen under the mouse, not in a corner."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO, private_x_server, python_env

pytestmark = pytest.mark.xvfb

WHERE_THE_WELCOME_OPENS = """
import json, sys
from PySide6.QtGui import QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.qt.welcome import WelcomeWindow

app = QApplication([])
window = WelcomeWindow(list, list, ["callercard"], QIcon(), lambda: False)
window.show()
QTest.qWait(300)
window.grab().save(sys.argv[1])
area, frame = window.screen().availableGeometry(), window.frameGeometry()
print(json.dumps({"screen": [area.center().x(), area.center().y()],
                  "window": [frame.center().x(), frame.center().y()],
                  "inside": area.contains(frame)}))
"""


@pytest.mark.parametrize("scale", ["1", "2"])
def test_a_fresh_welcome_opens_in_the_middle_of_the_screen(tmp_path: Path, scale: str) -> None:
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run([PYTHON, "-c", WHERE_THE_WELCOME_OPENS, str(tmp_path / "w.png")],
                              cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
                              env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb",
                                             QT_SCALE_FACTOR=scale))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["inside"] is True
    (sx, sy), (wx, wy) = report["screen"], report["window"]
    # Within the title bar and borders a window manager may add (screen_fit.FRAME_ALLOWANCE).
    assert abs(wx - sx) <= 16 and abs(wy - sy) <= 48, report
