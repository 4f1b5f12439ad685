"""The home region a rep gives with `--region` stays theirs: the app a softphone hook, the login
or the menu starts later, with no --region, reads numbers in it too. As with --watch before,
it lasted one run: a hook's restart fell back to the saved or the system's region and a
rep's numbers parsed in the wrong country. `--region-once` is the one-off, said as such."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.qt.settings_window import SettingsWindow
from tests.qt.in_process_app import app_in_process


@pytest.fixture(autouse=True)
def american_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's region is the US: what a run that forgot --region GB falls back to."""
    for var in ("LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


def saved_region(tmp_path: Path) -> str:
    file = tmp_path / "data" / "settings.json"
    if not file.exists():  # nothing was ever saved
        return ""
    return str(json.loads(file.read_text(encoding="utf-8"))["region"])


def settings_window(app: object) -> SettingsWindow:
    app.open_settings()  # type: ignore[attr-defined]
    window = app.settings_opening.window  # type: ignore[attr-defined]
    assert isinstance(window, SettingsWindow)
    return window


def test_region_is_kept_and_read_by_the_next_start_without_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with app_in_process(tmp_path, region="gb") as app:
        app.start(None)
        assert saved_region(tmp_path) == "GB"
        assert app.policy().region == "GB"
        window = settings_window(app)
        assert window.region.currentData() == "GB"  # the choice itself, nothing "this run"
        assert window.region_override.isHidden()
        window.close()
    # As a softphone hook or the login starts it: --background --data-dir, no --region
    with app_in_process(tmp_path, region=None) as again:
        again.start(None)
        assert again.policy().region == "GB"
        assert again.lookup.policy.region == "GB"
        # Another region chosen in Settings applies at once, as for any rep
        again.apply_settings(replace(again.settings, region="DE"))
        assert again.policy().region == "DE"


def test_a_kept_region_gives_way_to_one_chosen_in_settings_in_the_same_run(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with app_in_process(tmp_path, region="GB") as app:
        app.start(None)
        app.apply_settings(replace(app.settings, region="DE"))
        assert app.policy().region == "DE"  # --region is the settings' now, not over them


def test_region_once_is_a_one_off_run(qtbot: QtBot, tmp_path: Path) -> None:
    with app_in_process(tmp_path, "--region-once", "DE", region=None) as app:
        app.start(None)
        assert app.policy().region == "DE"
        assert saved_region(tmp_path) == ""
        window = settings_window(app)
        assert window.region_override.text() == (
            "This run reads numbers as Germany (DE): CallerCard was started with --region-once "
            "DE. The choice above applies from the next start.")  # fmt: skip
        window.close()
    with app_in_process(tmp_path, region=None) as again:
        again.start(None)
        assert again.policy().region == "US"  # the system's


def test_a_read_only_data_folder_keeps_region_for_this_run_and_says_why(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with app_in_process(tmp_path, region="GB") as app:
        app.read_only = "The data folder is read-only: nothing is saved until you quit."
        app.start(None)
        assert app.policy().region == "GB"
        assert saved_region(tmp_path) == ""
        window = settings_window(app)
        assert window.region_override.text() == (
            "This run reads numbers as United Kingdom (GB): CallerCard was started with "
            "--region GB, not kept as the data folder is read-only. The choice above applies "
            "from the next start.")  # fmt: skip
        window.close()
