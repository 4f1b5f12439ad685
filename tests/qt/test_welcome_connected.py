"""The welcome's softphone step knows the call logs CallerCard reads already (Settings →
Softphones, --watch): it says they are connected, first, instead of asking to set them up."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.settings import WatchedSource
from desktop.adapters.sources.detect import FoundLog
from desktop.qt.icons import app_icon
from desktop.qt.welcome import WelcomeWindow


def welcome(qtbot: QtBot, found: list[FoundLog], watched: list[WatchedSource]) -> WelcomeWindow:
    window = WelcomeWindow(lambda: [], lambda: found, ["callercard"], app_icon(), lambda: True,
                           watched=lambda: list(watched))  # fmt: skip
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.looked_around, timeout=10_000):
        window.show()
    window.go_to(1)
    return window


def test_a_log_already_watched_is_said_connected_not_asked_for_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "MicroSIP" / "microsip.ini"
    ini.parent.mkdir()
    ini.write_text("[Settings]\n", encoding="utf-8")
    found = [FoundLog("microsip", ini, "MicroSIP (microsip.ini)")]
    window = welcome(qtbot, found, [WatchedSource("microsip", str(ini))])
    assert window.detected_label.text() == (
        "Already connected: MicroSIP (microsip.ini). Press Test ring to see a card, or choose "
        "another softphone below.")  # fmt: skip
    assert window.softphone.currentText() == f"MicroSIP — connected: {ini}"
    assert [window.softphone.itemText(i) for i in range(window.softphone.count())].count(
        f"MicroSIP — found: {ini}") == 0  # listed once, as connected
    # Nothing to paste, nothing to press but Test ring
    assert window.hook_line.isHidden() and window.copy_button.isHidden()
    assert window.where.isHidden()
    assert window.watch_button.text() == "Watching" and not window.watch_button.isEnabled()
    assert window.recipe_note.text() == ("CallerCard reads MicroSIP (microsip.ini) already, so "
                                         "a card pops up as a call comes in. Press Test ring to "
                                         "see one.")  # fmt: skip
    assert window.test_button.isVisible()


def test_a_log_watched_from_the_command_line_is_listed_though_not_found(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """--watch twinkle:~/phone/calls.ch: in no place the welcome looks, connected all the same;
    a MicroSIP found but not watched is still offered to connect."""
    ini = tmp_path / "microsip.ini"
    ini.write_text("", encoding="utf-8")
    calls = tmp_path / "calls.ch"
    window = welcome(qtbot, [FoundLog("microsip", ini, "MicroSIP (microsip.ini)")],
                     [WatchedSource("twinkle", str(calls))])  # fmt: skip
    assert window.detected_label.text() == (
        "Already connected: Twinkle call history (twinkle.ch). Found 1 more call log on this "
        "computer: choose one below to connect it too.")  # fmt: skip
    assert window.softphone.itemText(0) == f"Twinkle — connected: {calls}"
    assert window.softphone.itemText(1) == f"MicroSIP — found: {ini}"
    # Twinkle's history is written when a call ends: its hook still gives the card at ring
    assert window.hook_line.isVisible()
    assert "For a card while the phone rings, add the line above too." in (
        window.recipe_note.text())  # fmt: skip
    window.softphone.setCurrentIndex(1)
    assert window.watch_button.text() == "Watch its call log" and window.watch_button.isEnabled()


def test_a_log_watched_from_the_welcome_is_said_connected_at_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "microsip.ini"
    ini.write_text("", encoding="utf-8")
    watched: list[WatchedSource] = []
    found = [FoundLog("microsip", ini, "MicroSIP (microsip.ini)")]
    window = WelcomeWindow(lambda: [], lambda: found, ["callercard"], app_icon(), lambda: True,
                           watched=lambda: list(watched))  # fmt: skip
    qtbot.addWidget(window)
    # As the app does: the log is watched when asked for
    window.watch_requested.connect(lambda kind, path: watched.append(WatchedSource(kind, path)))
    with qtbot.waitSignal(window.looked_around, timeout=10_000):
        window.show()
    window.go_to(1)
    assert window.softphone.currentText() == f"MicroSIP — found: {ini}"
    window.watch_button.click()
    assert window.softphone.currentText() == f"MicroSIP — connected: {ini}"
    assert window.detected_label.text().startswith("Already connected: MicroSIP")
    assert not window.watch_button.isEnabled()
    # Away and back: still connected, not asked again
    window.softphone.setCurrentIndex(window.softphone.count() - 1)
    window.softphone.setCurrentIndex(0)
    assert window.watch_button.text() == "Watching"


def test_the_app_tells_the_welcome_what_it_watches(qtbot: QtBot, tmp_path: Path) -> None:
    """Started with --watch, "Getting started…" shows that log as connected."""
    from tests.qt.in_process_app import app_in_process

    ini = tmp_path / "phone" / "microsip.ini"
    ini.parent.mkdir()
    ini.write_text("[Settings]\n", encoding="utf-8")
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        app.start(None)
        app.open_welcome()
        window = app.welcome.window
        assert isinstance(window, WelcomeWindow)
        qtbot.waitUntil(lambda: window.detected_label.text() != "Looking for softphones…",
                        timeout=10_000)  # fmt: skip
        window.go_to(1)
        assert window.softphone.itemText(0) == f"MicroSIP — connected: {ini}"
        assert window.detected_label.text().startswith("Already connected: MicroSIP")
        window.close()
