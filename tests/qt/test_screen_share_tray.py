"""The tray's "Keep cards out of screen shares": it shows the setting it started with, the
rep's toggle is handed on to be saved, and a change of the guard (the setting applied) is
said in the menu and the trace."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.trace import RingTrace
from desktop.qt.icons import TrayLook, tray_icon
from desktop.qt.popup_stack import PopupStack
from desktop.qt.screen_share_tray import screen_share_in_tray
from desktop.qt.tray import TrayMenu


def test_the_toggle_shows_the_setting_hands_on_the_rep_s_choice_and_follows_the_guard(
    qtbot: QtBot, tmp_path: Path
) -> None:
    menu = TrayMenu(tray_icon(TrayLook.ON_DARK), False)
    qtbot.addWidget(menu.fallback)
    popups = PopupStack(prebuilt=1, max_cards=3)
    trace = RingTrace(tmp_path / "trace.jsonl")
    chosen: list[bool] = []

    guard = screen_share_in_tray(popups, menu, trace, keep_out=True, set_keep_out=chosen.append)

    assert menu.screen_share_action.isChecked()
    menu.screen_share_action.trigger()  # the rep turns it off
    assert chosen == [False]

    guard.set_keep_out(False)  # the app applied the saved setting
    assert not menu.screen_share_action.isChecked()
    trace.close()
    said = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    # said at the start, and again when the guard changed
    assert [line["stage"] for line in said].count("screen_share") == 2
    guard.close()
    popups.let_go()
    menu.let_go()
