"""The contact view fits a small screen: at 2× on a 1600×1000 screen (800×500 to Qt) its
fields and history scroll, and Delete contact and Close stay on the screen."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO, private_x_server, python_env

pytestmark = pytest.mark.xvfb

OPEN_THE_VIEW = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.contact_view import ContactView
from tests.qt.test_contact_view import mike

app = QApplication([])
store = Store.open(Path(sys.argv[1]))
lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
view = ContactView(lookup, mike(store))
view.open()
QTest.qWait(200)
area = app.primaryScreen().availableGeometry()
def on_screen(widget):
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return area.contains(top_left) and area.contains(
        top_left + QPoint(widget.width() - 1, widget.height() - 1))
buttons = {b.text(): on_screen(b) for b in (view.delete_button,)}
buttons.update({b.text(): on_screen(b) for b in view.findChildren(type(view.delete_button))
                if b.text() == "Close"})
if len(sys.argv) > 2:
    view.grab().save(sys.argv[2])
scrolls = view.body_scroll.verticalScrollBar().maximum() > 0
print(json.dumps({"screen": [area.width(), area.height()], "fits": area.contains(view.geometry()),
                  "buttons": buttons, "scrolls": scrolls}))
view.close()
store.close()
"""


def test_the_contact_view_fits_a_2x_screen_with_its_buttons_on_it(tmp_path: Path) -> None:
    """It had a minimum size of 520×560: taller than the 500 the screen has."""
    shot = tmp_path / "contact_view_2x.png"
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run(
            [PYTHON, "-c", OPEN_THE_VIEW, str(tmp_path / "callercard.sqlite3"), str(shot)],
            cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report == {"screen": [800, 500], "fits": True, "scrolls": True,
                      "buttons": {"Delete contact…": True, "Close": True}}  # fmt: skip
    assert shot.stat().st_size > 0
