"""A softphone set up here that has logged no call yet is still found.

A new rep with Twinkle running (its profile in ~/.twinkle, no twinkle.ch until a first call
ends) was told "No softphone found on this computer" and shown Zoiper's recipe first; a
Linphone rep the same, before a first call.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from desktop.adapters.sources.detect import FoundLog, detect_softphones, set_up_softphones
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
    # Its call log, made at the end of its first call, can be watched from now: without it
    # a call back the rep placed in Twinkle itself left the missed card and the callback up.
    with qtbot.waitSignal(window.watch_requested) as watched:
        qtbot.mouseClick(window.watch_button, Qt.MouseButton.LeftButton)
    assert watched.args == ["twinkle", str(Path.home() / ".twinkle" / "twinkle.ch")]


def test_a_linphone_set_up_with_no_log_is_not_given_one_to_watch(qtbot: QtBot) -> None:
    """Which file it writes depends on its version (linphone.db, or call-history.db for 5.1):
    nothing is watched on a guess."""
    window = WelcomeWindow(list, list, ["callercard"], QIcon(), lambda: True,
                           set_up=lambda: ["linphone"])  # fmt: skip
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.looked_around):
        pass
    window.go_to(1)
    assert window.softphone.currentText() == "Linphone — set up here, no call logged yet"
    assert not window.watch_button.isVisibleTo(window)


def test_the_twinkle_recipe_names_the_fields_of_twinkles_scripts_page() -> None:
    """It showed script_incoming_call=… keys only: Twinkle's Scripts page has fields named
    Incoming call, Incoming call failed, Call released locally and remotely."""
    twinkle = next(r for r in RECIPES if r.softphone_id == "twinkle")
    for field in ("Incoming call (", "Incoming call failed", "Call released locally",
                  "Call released remotely", "Twinkle closed"):  # fmt: skip
        assert field in twinkle.where, field


def test_linphonec_5_1s_linphone_db_with_no_calls_table_is_not_offered(tmp_path: Path) -> None:
    """linphonec 5.1 makes a linphone.db with no conference_call table and logs its calls in
    call-history.db; the welcome offered the linphone.db first, and watching it gave only
    "not the call history of Linphone 5.2 or later"."""
    folder = tmp_path / ".local" / "share" / "linphone"
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "linphone.db") as db:  # what linphonec 5.1.65 leaves
        db.execute("CREATE TABLE sip_address (id INTEGER PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, type INTEGER)")
    db.close()
    with sqlite3.connect(folder / "call-history.db") as db:
        db.execute("CREATE TABLE call_history (id INTEGER PRIMARY KEY)")
    db.close()
    found = detect_softphones(home=tmp_path, env={}, platform="linux", root=tmp_path / "root")
    assert [(f.kind, f.path.name) for f in found] == [("linphone-legacy", "call-history.db")]


def test_a_linphone_that_logs_calls_only_at_their_end_is_not_promised_a_card_at_ring(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """For call-history.db the welcome said only "CallerCard reads its database as the call
    arrives" and "Watch it below" (the button is above): a linphonec 5.1 rep watched it and
    waited for a card that never comes."""
    log = FoundLog("linphone-legacy", tmp_path / "call-history.db",
                   "Linphone ≤ 5.1 call history (call-history.db)")  # fmt: skip
    window = WelcomeWindow(list, lambda: [log], ["callercard"], QIcon(), lambda: True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.looked_around):
        pass
    window.go_to(1)
    # Nothing to paste for Linphone: it said "Paste the line below into it".
    assert window.detected_label.text() == (
        "Found on this computer: Linphone ≤ 5.1 call history (call-history.db). Press Watch its "
        "call log.")  # fmt: skip
    assert window.watch_button.isVisibleTo(window)
    assert window.recipe_note.text() == (
        "Linphone ≤ 5.1 call history (call-history.db) is written when a call ends: watching "
        "it gives missed calls and the call history, not a card while the phone rings. Press "
        "Watch its call log.")  # fmt: skip
