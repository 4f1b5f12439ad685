"""Started with --watch-once, Settings → Softphones says which call log this run also reads (the
page said "CallerCard watches these call logs" over an empty list while it watched one), with
Keep watching to keep it for every start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings, WatchedSource
from desktop.adapters.sources.detect import FoundLog
from desktop.qt.settings_window import SettingsWindow
from tests.qt.in_process_app import app_in_process


def test_a_log_watched_from_the_command_line_is_said_and_not_offered_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = str(tmp_path / "microsip.ini")
    saved = WatchedSource("twinkle", str(tmp_path / "twinkle.ch"))
    w = SettingsWindow(Settings(sources=(saved,)), default_opener_templates(), "US",
                       watch_override=(WatchedSource("microsip", ini), saved))  # fmt: skip
    qtbot.addWidget(w)
    w.show()
    w.show_page("Softphones")
    assert w.sources.count() == 1  # the list is what Save keeps
    assert w.sources_override.isVisible()
    # Said once: the saved Twinkle log is in the list already
    assert w.sources_override.text() == (
        "Watched this run only, not kept for the next start (CallerCard was started with "
        f"--watch-once): MicroSIP (microsip.ini) — {ini}")  # fmt: skip
    assert w.keep_override.isVisible()
    assert w.current().sources == (saved,)  # not written into the settings by a Save
    w.detect = lambda: [FoundLog("microsip", Path(ini), "MicroSIP (microsip.ini)")]
    w.detect_softphones()
    assert w.detected.count() == 0  # watched already: not offered to watch again
    w.close()


def test_keep_watching_puts_the_run_only_log_in_the_list_save_keeps(
    qtbot: QtBot, tmp_path: Path
) -> None:
    once = WatchedSource("microsip", str(tmp_path / "microsip.ini"))
    w = SettingsWindow(Settings(), default_opener_templates(), "US", watch_override=(once,))
    qtbot.addWidget(w)
    w.show()
    w.show_page("Softphones")
    with qtbot.waitSignal(w.saved) as saved:
        w.keep_override.click()
        assert w.sources_override.isHidden() and w.keep_override.isHidden()  # in the list now
        assert [w.sources.item(i).text() for i in range(w.sources.count())] == [
            f"MicroSIP (microsip.ini) — {once.path}"]  # fmt: skip
        w.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert saved.args[0].sources == (once,)


def test_without_watch_nothing_more_is_said(qtbot: QtBot) -> None:
    w = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(w)
    assert w.sources_override.isHidden() and w.sources_override.text() == ""


def test_the_app_hands_its_watch_once_to_settings(qtbot: QtBot, tmp_path: Path) -> None:
    ini = tmp_path / "microsip.ini"
    ini.write_text("[Settings]\n", encoding="utf-8")
    with app_in_process(tmp_path, "--watch-once", f"microsip:{ini}") as app:
        app.start(None)
        app.open_settings()
        window = app.settings_opening.window
        assert isinstance(window, SettingsWindow)
        assert window.sources.count() == 0
        assert window.sources_override.text().endswith(f"MicroSIP (microsip.ini) — {ini}")
        window.close()


def test_an_empty_list_does_not_deny_the_log_said_under_it(qtbot: QtBot, tmp_path: Path) -> None:
    """'No call logs saved here yet' stood above 'Also watched this run only'."""
    once = WatchedSource("microsip", str(tmp_path / "microsip.ini"))
    w = SettingsWindow(Settings(), default_opener_templates(), "US", watch_override=(once,))
    qtbot.addWidget(w)
    assert w.sources.placeholder() == (
        "None kept for every start yet: Keep watching adds the one below; Detect softphones "
        "finds others.")  # fmt: skip
    assert not w.sources_override.text().startswith("Also")
    w.keep_override.click()
    assert w.sources.placeholder() == ""  # it holds the log now
    w.sources.clear()
    assert w.sources.placeholder().startswith("No call logs saved here yet")


def test_a_watch_a_read_only_folder_could_not_keep_is_not_called_watch_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "microsip.ini"
    ini.write_text("[Settings]\n", encoding="utf-8")
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        app.read_only = "The data folder is read-only: nothing is saved until you quit."
        app.start(None)
        app.open_settings()
        window = app.settings_opening.window
        assert isinstance(window, SettingsWindow)
        assert window.sources.count() == 0
        text = window.sources_override.text()
        assert "--watch-once" not in text
        assert text == (
            "Watched this run only, not kept for the next start (the data folder is read-only, "
            f"so --watch could not keep it): MicroSIP (microsip.ini) — {ini}")  # fmt: skip
        window.close()
