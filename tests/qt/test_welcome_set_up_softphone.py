"""A softphone set up here that has logged no call yet is still found.

A new rep with Twinkle running (its profile in ~/.twinkle, no twinkle.ch until a first call
ends) was told "No softphone found on this computer" and shown Zoiper's recipe first; a
Linphone rep the same, before a first call.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from desktop.adapters.sources.detect import detect_softphones, set_up_softphones
from desktop.core.hook_lines import RECIPES
from desktop.qt.welcome import WelcomeWindow


def test_twinkle_and_linphone_are_found_by_their_settings_before_any_call(
    tmp_path: Path,
) -> None:
    home = tmp_path
    assert set_up_softphones(home=home, env={}, platform="linux") == []
    (home / ".twinkle").mkdir()
    (home / ".twinkle" / "rep.cfg").write_text("user_name=1001\n")
    (home / ".config" / "linphone").mkdir(parents=True)
    (home / ".config" / "linphone" / "linphonerc").write_text("[sip]\n")
    assert detect_softphones(home=home, env={}, platform="linux") == []  # no call log yet
    assert set_up_softphones(home=home, env={}, platform="linux") == ["linphone", "twinkle"]
    # The folders of another OS mean nothing here.
    assert set_up_softphones(home=home, env={}, platform="win32") == []


def test_the_welcome_names_a_twinkle_with_no_call_logged_and_shows_its_recipe_first(
    qtbot: QtBot,
) -> None:
    window = WelcomeWindow(list, list, ["/opt/cc/callercard"], QIcon(), lambda: True,
                           set_up=lambda: ["twinkle"])  # fmt: skip
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.looked_around):
        pass
    window.go_to(1)
    assert window.detected_label.text() == (
        "Found on this computer: Twinkle. Set it up as below, then press Test ring.")
    assert window.softphone.currentText() == "Twinkle — set up here, no call logged yet"
    assert "ring --source twinkle" in window.hook_line.toPlainText()
    assert window.softphone.findText("Twinkle") == -1  # offered once
    assert not window.watch_button.isVisibleTo(window)  # there is no log to watch yet


def test_the_twinkle_recipe_names_the_fields_of_twinkles_scripts_page() -> None:
    """It showed script_incoming_call=… keys only: Twinkle's Scripts page has fields named
    Incoming call, Incoming call failed, Call released locally and remotely."""
    twinkle = next(r for r in RECIPES if r.softphone_id == "twinkle")
    for field in ("Incoming call (", "Incoming call failed", "Call released locally",
                  "Call released remotely", "Twinkle closed"):  # fmt: skip
        assert field in twinkle.where, field
