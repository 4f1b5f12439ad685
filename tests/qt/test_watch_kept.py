"""The softphone a rep connects with `--watch` stays connected: the app a softphone hook, the
login or the menu starts later, with no --watch, reads its log too. As a rep, MicroSIP was
"Already connected" in the welcome, the settings held no source, and after a hook restarted
the app every call that day went unseen. `--watch-once` is the one-off test run, said as such,
with Keep watching in the welcome and in Settings."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.settings import WatchedSource
from desktop.qt.settings_window import SettingsWindow
from desktop.qt.welcome import WelcomeWindow
from tests.qt.in_process_app import app_in_process


def saved_sources(tmp_path: Path) -> list[dict[str, str]]:
    file = tmp_path / "data" / "settings.json"
    if not file.exists():  # nothing was ever saved
        return []
    return list(json.loads(file.read_text(encoding="utf-8"))["sources"])


def microsip_ini(tmp_path: Path) -> Path:
    ini = tmp_path / "phone" / "microsip.ini"
    ini.parent.mkdir(exist_ok=True)
    ini.write_text("[Settings]\n", encoding="utf-8")
    return ini


def test_a_log_given_to_watch_is_kept_and_read_by_the_next_start_without_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = microsip_ini(tmp_path)
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        app.start(None)
        assert saved_sources(tmp_path) == [{"format": "microsip", "path": str(ini)}]
        app.open_settings()
        window = app.settings_opening.window
        assert isinstance(window, SettingsWindow)
        # Listed as any saved log, with Remove; nothing said as "this run only"
        assert [window.sources.item(i).text() for i in range(window.sources.count())] == [
            f"MicroSIP (microsip.ini) — {ini}"]  # fmt: skip
        assert window.sources_override.isHidden() and window.keep_override.isHidden()
        window.close()
    # As a softphone hook or the login starts it: --background --data-dir, no --watch
    with app_in_process(tmp_path) as again:
        again.start(None)
        assert again.call_sources.watched_specs == [WatchedSource("microsip", str(ini))]


def test_the_same_watch_again_is_kept_once(qtbot: QtBot, tmp_path: Path) -> None:
    ini = microsip_ini(tmp_path)
    for _ in range(2):
        with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
            app.start(None)
            assert app.call_sources.watched_specs == [WatchedSource("microsip", str(ini))]
    assert saved_sources(tmp_path) == [{"format": "microsip", "path": str(ini)}]


def test_a_kept_watch_removed_in_settings_is_no_longer_watched(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Kept, it is the settings' log: Remove there stops it now, not at the next start (the
    --watch of this run no longer holds it), and the login start has no --watch to bring it
    back."""
    ini = microsip_ini(tmp_path)
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        app.start(None)
        app.apply_settings(app.settings.with_changes(sources=()))
        assert app.call_sources.watched_specs == []
        assert "--watch" not in app.login_start._extra
    assert saved_sources(tmp_path) == []


def test_watch_once_is_a_one_off_run_the_welcome_offers_to_keep(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = microsip_ini(tmp_path)
    with app_in_process(tmp_path, "--watch-once", f"microsip:{ini}") as app:
        app.start(None)
        # watched now
        assert app.call_sources.watched_specs == [WatchedSource("microsip", str(ini))]
        assert saved_sources(tmp_path) == []  # and not kept
        app.open_welcome()
        window = app.welcome.window
        assert isinstance(window, WelcomeWindow)
        qtbot.waitUntil(lambda: window.detected_label.text() != "Looking for softphones…",
                        timeout=10_000)  # fmt: skip
        window.go_to(1)
        assert window.softphone.itemText(0) == f"MicroSIP — connected this run only: {ini}"
        assert window.detected_label.text().startswith(
            "Already connected: MicroSIP (microsip.ini), this run only.")
        assert window.watch_button.text() == "Keep watching"
        assert window.recipe_note.text() == (
            "CallerCard reads MicroSIP (microsip.ini) for this run only (started with "
            "--watch-once): started again by a softphone hook or at login, it would not. Press "
            "Keep watching to read it at every start.")  # fmt: skip
        window.watch_button.click()
        assert saved_sources(tmp_path) == [{"format": "microsip", "path": str(ini)}]
        assert window.softphone.itemText(0) == f"MicroSIP — connected: {ini}"
        assert window.watch_button.text() == "Watching" and not window.watch_button.isEnabled()
        # once, not twice
        assert app.call_sources.watched_specs == [WatchedSource("microsip", str(ini))]
        window.close()
