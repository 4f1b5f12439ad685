"""Paused popups are visible: the tray icon carries a pause badge, its tooltip, menu and the
fallback window say until when (the window grows for that line), and the menu offers "for 1
hour" and "until tomorrow"."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.qt.icons import TrayLook, tray_icon
from desktop.qt.tray import TrayMenu
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.test_app_e2e import RunningApp

SHOTS = REPO / "artifacts" / "screenshots"
TEXT = "Popups paused until 15:17 (47 min left)"


def menu_for(qtbot: QtBot, paused: bool = False) -> TrayMenu:
    menu = TrayMenu(tray_icon(TrayLook.ON_DARK), paused,
                    paused_icon=tray_icon(TrayLook.ON_DARK, paused=True))  # fmt: skip
    qtbot.addWidget(menu.fallback)
    return menu


def test_paused_shows_on_the_icon_its_tooltip_the_menu_and_the_fallback_window(
    qtbot: QtBot,
) -> None:
    menu = menu_for(qtbot)
    running = menu.tray.icon().pixmap(22, 22).toImage()
    assert menu.tray.toolTip() == "CallerCard"
    assert not menu.fallback.paused_label.isVisibleTo(menu.fallback)

    menu.set_paused(True, TEXT)

    assert menu.tray.icon().pixmap(22, 22).toImage() != running  # the pause badge
    assert menu.tray.toolTip() == f"CallerCard — {TEXT}"
    assert menu.pause_action.isChecked()
    assert menu.pause_action.text() == f"{TEXT} (click to resume)"
    assert menu.fallback.paused_label.isVisibleTo(menu.fallback)
    assert menu.fallback.paused_label.text() == TEXT
    assert menu.fallback.pause.text() == "Resume popups"

    menu.set_paused(False)
    assert menu.tray.icon().pixmap(22, 22).toImage() == running
    assert (menu.tray.toolTip(), menu.pause_action.text()) == ("CallerCard", "Pause popups")
    assert not menu.fallback.paused_label.isVisibleTo(menu.fallback)
    menu.hide()


def test_pause_for_an_hour_or_until_tomorrow_from_the_menu_and_the_window(
    qtbot: QtBot,
) -> None:
    menu = menu_for(qtbot)
    with qtbot.waitSignal(menu.pause_for_requested) as hour:
        menu.pause_hour_action.trigger()
    with qtbot.waitSignal(menu.pause_for_requested) as tomorrow:
        menu.pause_tomorrow_action.trigger()
    assert (hour.args, tomorrow.args) == (["hour"], ["tomorrow"])
    buttons = {b.text(): b for b in menu.fallback.findChildren(QPushButton)}
    with qtbot.waitSignal(menu.pause_for_requested) as from_window:
        buttons["Pause until tomorrow"].click()
    assert from_window.args == ["tomorrow"]
    with qtbot.waitSignal(menu.pause_toggled) as resumed:
        menu.set_paused(True, TEXT)
        menu.pause_action.trigger()  # the checked entry resumes
    assert resumed.args == [False]
    menu.hide()


def test_a_restyled_tray_keeps_showing_the_pause(qtbot: QtBot) -> None:
    menu = menu_for(qtbot)
    menu.set_paused(True, TEXT)
    menu.set_icons(tray_icon(TrayLook.ON_LIGHT), tray_icon(TrayLook.ON_LIGHT, paused=True))
    light_paused = tray_icon(TrayLook.ON_LIGHT, paused=True).pixmap(22, 22).toImage()
    assert menu.tray.icon().pixmap(22, 22).toImage() == light_paused
    menu.hide()


@pytest.mark.xvfb
def test_on_a_real_display_the_paused_tray_and_window_are_drawn(xvfb_display: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_paused_tray_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["platform"] == "xcb"
    assert report["fallback_visible"] is True  # Xvfb has no tray host
    assert report["paused_label"].startswith("Popups paused until ")
    assert report["paused_label"].endswith("(1 h 00 min left)")
    assert report["pause_button"] == "Resume popups"
    assert report["tooltip"] == f"CallerCard — {report['paused_label']}"
    assert report["paused_icons_differ"] is True
    assert report["grab_colours"] > 20  # a drawn window, not a blank grab
    assert (SHOTS / "tray_paused.png").stat().st_size > 5000


# --- the real app: a pause with an end ends by itself ----------------------------------------


def start_paused(tmp_path: Path, until: datetime) -> RunningApp:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    (data / "settings.json").write_text(json.dumps(
        {"version": 1, "popups_paused": True, "popups_paused_until": until.isoformat()}
    ))  # fmt: skip
    return RunningApp(tmp_path)


def test_a_pause_whose_hour_is_over_lets_cards_through_again(tmp_path: Path) -> None:
    app = start_paused(tmp_path, datetime.now(UTC) - timedelta(minutes=1))
    try:
        assert app.cli("ring", "+14155550142").returncode == 0
        app.wait_for(lambda r: r["stage"] == "shown", "the card, the pause being over")
        settings = json.loads((app.data / "settings.json").read_text())
        assert (settings["popups_paused"], settings["popups_paused_until"]) == (False, "")
    finally:
        app.stop()


def test_a_pause_still_running_keeps_cards_away_until_its_end(tmp_path: Path) -> None:
    app = start_paused(tmp_path, datetime.now(UTC) + timedelta(hours=1))
    try:
        assert app.cli("ring", "+14155550142").returncode == 0
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == "+14155550142",
                     "the ring logged")  # fmt: skip
        assert not [r for r in app.records() if r["stage"] == "shown"]
        assert json.loads((app.data / "settings.json").read_text())["popups_paused"] is True
    finally:
        app.stop()


def test_the_fallback_window_grows_for_the_paused_line_instead_of_squashing_its_buttons(
    qtbot: QtBot,
) -> None:
    # Seen under Openbox: "Pause for 1 hour" in the no-tray window cut the intro's last line
    # and squashed every button to two thirds of its height.
    menu = menu_for(qtbot)
    window = menu.fallback
    window.show()
    qtbot.waitExposed(window)
    window.resize(window.width(), window.sizeHint().height())

    menu.set_paused(True, TEXT)

    layout = window.layout()
    assert layout is not None
    assert window.height() >= layout.totalHeightForWidth(window.width())
    buttons = window.findChildren(QPushButton)
    assert all(b.height() >= b.sizeHint().height() for b in buttons if b.isVisible())
    menu.hide()
