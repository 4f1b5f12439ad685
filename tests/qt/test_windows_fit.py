"""Every window the tray opens fits its screen, like Settings: at 2× on a 1600×1000 screen
(800×500 to Qt) none asks for more than the screen, so its buttons stay reachable."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO, private_x_server, python_env

pytestmark = pytest.mark.xvfb

OPEN_EVERY_WINDOW = """
import json, sys
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList
from desktop.qt.callbacks_window import CallbacksWindow
from desktop.qt.duplicates_window import DuplicatesWindow
from desktop.qt.import_history_window import ImportHistoryWindow
from desktop.qt.import_window import ImportWindow

app = QApplication([])
database = Path(sys.argv[1])
store = Store.open(database)
windows = {
    "Recent calls": CallList(store.calls),
    "Callbacks": CallbacksWindow(lambda: []),
    "Possible duplicates": DuplicatesWindow(store),
    "Import history": ImportHistoryWindow(store),
    "Import": ImportWindow(database, lambda: NumberPolicy("US")),
}
area = app.primaryScreen().availableGeometry()
too_big = []
for title, window in windows.items():
    window.show()
    QTest.qWait(100)
    if not area.contains(window.geometry()):
        too_big.append(title)
print(json.dumps({"screen": [area.width(), area.height()], "too_big": too_big}))
for window in windows.values():
    window.close()
"""


# Where the caller cards' column starts: popup_stack.MARGIN from the right edge, a card
# (card_view.MAX_WIDTH) wide, popup_stack.SPACING clear of it.
CARDS_LEFT = "too_big = []\nCARDS_LEFT = area.right() - 16 - 420 - 10\n"


def test_every_window_fits_a_2x_screen(tmp_path: Path) -> None:
    """Import asked for 1120×680, Possible duplicates 980×560, Callbacks 760×480, Import
    history 820×420, Recent calls 640×480, whatever the screen."""
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run(
            [PYTHON, "-c", OPEN_EVERY_WINDOW, str(tmp_path / "callercard.sqlite3")], cwd=REPO,
            capture_output=True, text=True, timeout=90, check=False,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report == {"screen": [800, 500], "too_big": []}


def test_a_window_opens_in_the_middle_of_the_screen_not_its_corner(tmp_path: Path) -> None:
    """The Import window (and every window sized by screen_fit) opened in the top-left corner
    under a window manager: it was moved to (0, 0) before it was ever shown."""
    script = OPEN_EVERY_WINDOW.replace(
        "    if not area.contains(window.geometry()):",
        "    off = window.frameGeometry().center() - area.center()\n"
        "    cleared = abs(window.frameGeometry().right() - CARDS_LEFT) <= 40\n"
        "    if (abs(off.x()) > 40 and not cleared) or abs(off.y()) > 40:",
    ).replace("too_big = []", CARDS_LEFT)
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run(
            [PYTHON, "-c", script, str(tmp_path / "callercard.sqlite3")], cwd=REPO,
            capture_output=True, text=True, timeout=90, check=False,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1])["too_big"] == []  # here: off-centre


def test_a_tray_window_opens_clear_of_the_caller_cards(tmp_path: Path) -> None:
    """Centred on a 1600 px screen, Callbacks (776 px with its frame, ~886 once its columns
    widen) and Recent calls reached under the always-on-top cards' column down the right
    edge: a ring while the rep worked through callbacks covered the Call back button."""
    script = OPEN_EVERY_WINDOW.replace(
        "    if not area.contains(window.geometry()):",
        "    if window.frameGeometry().right() > CARDS_LEFT:",
    ).replace("too_big = []", CARDS_LEFT)
    script = script.replace(
        '"Import history": ImportHistoryWindow(store),',
        '"Import history": ImportHistoryWindow(store),\n'
        '    "Search": __import__("desktop.qt.search_window").qt.search_window.SearchWindow('
        "lambda q: store.search(q)),",
    )
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run(
            [PYTHON, "-c", script, str(tmp_path / "callercard.sqlite3")], cwd=REPO,
            capture_output=True, text=True, timeout=90, check=False,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1])["too_big"] == []  # here: under the cards
