"""Pausing popups from the tray: saved in the real settings file, said by the menu and the
no-tray window, lifted once its end has passed (with the cards that waited shown), and an
unknown length from the menu ignored."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.settings import Settings, SettingsFile
from desktop.qt.icons import TrayLook, tray_icon
from desktop.qt.popup_pause import PopupPause
from desktop.qt.tray import TrayMenu


class Saved:
    """The app's apply_settings, as far as pausing needs it: saved to a real file."""

    def __init__(self, path: Path) -> None:
        self.file = SettingsFile(path)
        self.settings = Settings()
        self.brought_back = 0

    def apply(self, settings: Settings) -> None:
        self.file.save(settings)
        self.settings = settings

    def bring_back(self) -> None:
        self.brought_back += 1


def pause_with(qtbot: QtBot, tmp_path: Path) -> tuple[PopupPause, Saved, TrayMenu]:
    menu = TrayMenu(tray_icon(TrayLook.ON_DARK), False,
                    paused_icon=tray_icon(TrayLook.ON_DARK, paused=True))  # fmt: skip
    qtbot.addWidget(menu.fallback)
    saved = Saved(tmp_path / "settings.json")
    return PopupPause(lambda: saved.settings, saved.apply, menu, saved.bring_back), saved, menu


def test_an_hours_pause_is_saved_said_by_the_menu_and_resumed_with_what_waited(
    qtbot: QtBot, tmp_path: Path
) -> None:
    pause, saved, menu = pause_with(qtbot, tmp_path)

    pause.pause_for("hour")

    assert pause.paused()
    kept = saved.file.load()
    assert kept.popups_paused and kept.pause_end() is not None
    left = kept.pause_end() - datetime.now().astimezone()  # type: ignore[operator]
    assert timedelta(minutes=59) < left <= timedelta(hours=1)
    assert menu.pause_action.isChecked()
    assert "left" in menu.pause_action.text()  # "Popups paused until 15:17 (1 h left) …"

    pause.set_paused(False)

    assert not pause.paused() and not saved.file.load().popups_paused
    assert saved.brought_back == 1
    assert not menu.pause_action.isChecked()
    menu.hide()


def test_a_pause_whose_end_has_passed_is_lifted_when_next_looked_at(
    qtbot: QtBot, tmp_path: Path
) -> None:
    pause, saved, menu = pause_with(qtbot, tmp_path)
    ended = datetime.now().astimezone() - timedelta(minutes=1)
    saved.settings = saved.settings.with_changes(popups_paused=True,
                                                 popups_paused_until=ended.isoformat())

    assert not pause.paused()  # over already: cards pop again at once
    pause.show()

    assert not saved.file.load().popups_paused
    assert saved.brought_back == 1
    assert not menu.pause_action.isChecked()
    menu.hide()


def test_an_unknown_length_leaves_popups_on(qtbot: QtBot, tmp_path: Path) -> None:
    pause, saved, menu = pause_with(qtbot, tmp_path)

    pause.pause_for("fortnight")

    assert not pause.paused()
    assert not saved.file.path.exists()
    menu.hide()


def test_after_quit_a_pause_ending_resumes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    """The app quit during an hour's pause (in a process that goes on: the in-process tests,
    a restart): the pause's check must not come back later to resume popups and restart the
    call sources on a closed store."""
    pause, saved, menu = pause_with(qtbot, tmp_path)
    pause.pause_for("hour")
    assert pause._check.isActive()

    pause.stop()

    assert not pause._check.isActive()
    assert saved.brought_back == 0
    menu.hide()
