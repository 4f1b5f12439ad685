"""The settings window on a real X display, light and dark, as people will see it.

Saves artifacts/screenshots/settings.png (a Secret Service is there) and
settings_no_secret_store_dark.png (none is: the warning, on a dark palette).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO, python_env

pytestmark = pytest.mark.xvfb

SHOTS = REPO / "artifacts" / "screenshots"

CHILD = """
import json, sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.secrets import SecretStoreStatus
from desktop.adapters.settings import Settings
from desktop.qt.icons import app_icon
from desktop.qt.settings_window import SettingsWindow

out, dark = sys.argv[1], sys.argv[2] == "dark"
app = QApplication(sys.argv[:1])
app.setStyle("Fusion")
app.setWindowIcon(app_icon())
if dark:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6"),
                         (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.Button, "#3a3a3a"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                         (QPalette.ColorRole.PlaceholderText, "#8c8c8c"),
                         (QPalette.ColorRole.Highlight, "#3d7bd9")):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
settings = Settings(my_name="Alex Seller", start_at_login=True)
window = SettingsWindow(settings, default_opener_templates(), "US")
if dark:
    status = SecretStoreStatus(False, "", "", "Secret Service: the Secret Service daemon is "
                               "neither running nor activatable through D-Bus")
else:
    status = SecretStoreStatus(True, "Secret Service", "keyring.backends.SecretService.Keyring")
window.set_platform_status(status)
window.move(40, 40)
window.show()
from PySide6.QtTest import QTest
assert QTest.qWaitForWindowExposed(window, 10000)
QTest.qWait(300)  # the first paint after the expose
shot = window.screen().grabWindow(0, window.x(), window.y(), window.frameGeometry().width(),
                                  window.frameGeometry().height())
shot.save(out)
label = window.secrets_line
print(json.dumps({
    "platform": app.platformName(),
    "checkbox": [window.start_at_login.isVisible(), window.start_at_login.isChecked()],
    "secrets_text": label.text(),
    "secrets_fully_shown": (label.isVisible()
                            and label.height() >= label.heightForWidth(label.width())),
    "size": [shot.width(), shot.height()],
}))
"""


@pytest.mark.parametrize(
    ("name", "look"), [("settings.png", "light"), ("settings_no_secret_store_dark.png", "dark")]
)
def test_settings_window_shows_login_start_and_where_secrets_go(
    xvfb_display: str, tmp_path: Path, name: str, look: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "settings_child.py"
    script.write_text(CHILD, encoding="utf-8")
    result = subprocess.run(
        [PYTHON, str(script), str(SHOTS / name), look], cwd=REPO, capture_output=True,
        text=True, timeout=60, env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["checkbox"] == [True, True]
    assert report["secrets_fully_shown"] is True
    if look == "light":
        assert report["secrets_text"] == ("Passwords are kept in your desktop's keyring "
                                          "(Secret Service).")  # fmt: skip
    else:
        assert report["secrets_text"] == ("⚠ No keychain found: team directory passwords "
                                          "can't be saved.")  # fmt: skip
    width, height = report["size"]
    assert width >= 600 and height >= 400
    assert (SHOTS / name).stat().st_size > 10_000
