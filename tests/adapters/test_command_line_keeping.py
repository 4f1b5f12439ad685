"""`--watch` and `--region` kept in a real settings file, or this run's only (and why) when
the folder is read-only or the file cannot be written."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.command_line_keeping import CommandLineKeeping
from desktop.adapters.settings import Settings, SettingsFile, WatchedSource
from desktop.cli import build_parser

READ_ONLY = "The data folder is read-only: nothing is saved until you quit."


def keeping(tmp_path: Path, *argv: str) -> tuple[CommandLineKeeping, SettingsFile, list[str]]:
    file = SettingsFile(tmp_path / "settings.json")
    problems: list[str] = []
    args = build_parser().parse_args(["--data-dir", str(tmp_path), *argv])
    return CommandLineKeeping(args, file, problems.append), file, problems


def test_watch_is_saved_for_the_next_start_and_no_longer_this_runs_only(tmp_path: Path) -> None:
    keep, file, problems = keeping(tmp_path, "--watch", "microsip:/p/microsip.ini",
                                   "--watch-once", "linphone:/p/calls.db")
    settings = keep.keep_watches(Settings(), read_only="")
    assert file.load().sources == (WatchedSource("microsip", "/p/microsip.ini"),)
    assert settings.sources == file.load().sources
    assert keep.watches(settings, report=True) == [WatchedSource("linphone", "/p/calls.db")]
    assert keep.watches_not_kept_why(settings) == {}
    assert problems == []


def test_read_only_watch_is_this_runs_only_and_settings_say_why(tmp_path: Path) -> None:
    keep, file, _ = keeping(tmp_path, "--watch", "microsip:/p/microsip.ini")
    settings = keep.keep_watches(Settings(), read_only=READ_ONLY)
    assert settings.sources == ()
    assert not file.path.exists()
    spec = WatchedSource("microsip", "/p/microsip.ini")
    assert keep.watches(settings, report=False) == [spec]
    assert "read-only" in keep.watches_not_kept_why(settings)[spec]


def test_a_watch_that_cannot_be_saved_is_reported_and_watched_this_run(tmp_path: Path) -> None:
    keep, file, problems = keeping(tmp_path, "--watch", "microsip:/p/microsip.ini")
    file.path.mkdir()  # where the file goes, a folder: no write lands, root's or not
    settings = keep.keep_watches(Settings(), read_only="")
    assert settings.sources == ()
    assert problems and "not kept for the next start" in problems[0]
    spec = WatchedSource("microsip", "/p/microsip.ini")
    assert "could not save" in keep.watches_not_kept_why(settings)[spec]


def test_an_unreadable_watch_is_reported_once_when_the_sources_start(tmp_path: Path) -> None:
    keep, _, problems = keeping(tmp_path, "--watch", "nonsense")
    settings = keep.keep_watches(Settings(), read_only="")
    assert problems == []
    assert keep.watches(settings, report=True) == []
    assert len(problems) == 1 and "FORMAT:PATH" in problems[0]


def test_region_is_kept_and_stops_overriding_the_settings(tmp_path: Path) -> None:
    keep, file, _ = keeping(tmp_path, "--region", "gb")
    assert keep.region_override == "GB"
    settings = keep.keep_region(Settings(region="US"), read_only="")
    assert settings.region == file.load().region == "GB"
    assert keep.region_override == ""
    assert keep.region_override_why() == ""


def test_region_once_and_a_read_only_region_stay_this_runs_with_a_reason(tmp_path: Path) -> None:
    once, file, _ = keeping(tmp_path, "--region-once", "DE")
    assert once.keep_region(Settings(region="US"), read_only="").region == "US"
    assert once.region_override_why() == "CallerCard was started with --region-once DE"
    held, _, _ = keeping(tmp_path, "--region", "GB")
    assert held.keep_region(Settings(region="US"), read_only=READ_ONLY).region == "US"
    assert held.region_override == "GB"
    assert held.region_override_why().endswith("not kept as the data folder is read-only")
    assert not file.path.exists()
