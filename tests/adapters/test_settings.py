from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from desktop.adapters.settings import Settings, SettingsFile, WatchedSource


def test_defaults_when_there_is_no_file(tmp_path: Path) -> None:
    f = SettingsFile(tmp_path / "settings.json")
    assert f.load() == Settings()
    assert f.problem == ""


def test_round_trip_is_private_and_versioned(tmp_path: Path) -> None:
    f = SettingsFile(tmp_path / "settings.json")
    s = Settings(region="gb", outside_line_prefixes=("9",),
                 sources=(WatchedSource("microsip", "/x/microsip.ini"),),
                 opener_templates={"reason": "Hi {first_name}"}, my_name="Alex")  # fmt: skip
    f.save(s)
    data = json.loads(f.path.read_text())
    assert data["version"] == 1
    loaded = f.load()
    assert loaded.region == "GB"
    assert loaded.sources == s.sources and loaded.outside_line_prefixes == ("9",)
    assert loaded.opener_templates == {"reason": "Hi {first_name}"}
    if os.name == "posix":
        assert stat.S_IMODE(f.path.stat().st_mode) == 0o600


def test_broken_file_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"region": "GB", oops')
    f = SettingsFile(path)
    assert f.load() == Settings()
    assert "unreadable settings" in f.problem and str(path) in f.problem
    kept = list(tmp_path.glob("settings.json.broken-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"region": "GB", oops'


def test_settings_from_a_newer_version_are_not_silently_misread(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 99, "region": "GB"}))
    f = SettingsFile(path)
    f.load()
    assert "newer" in f.problem


def test_ill_typed_values_are_dropped_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "region": 5, "outside_line_prefixes": ["9", "x"],
                                "sources": [{"format": "nope", "path": "/a"}, "junk"],
                                "my_name": "Alex"}))  # fmt: skip
    s = SettingsFile(path).load()
    assert s == Settings(outside_line_prefixes=("9",), my_name="Alex")


@pytest.mark.parametrize(
    ("spec", "ok"),
    [("microsip:/a/microsip.ini", True), ("MicroSIP:C:\\Users\\a\\microsip.ini", True),
     ("microsip:", False), ("nosuch:/a", False), ("/a/microsip.ini", False)],
)  # fmt: skip
def test_watch_spec(spec: str, ok: bool) -> None:
    if ok:
        assert WatchedSource.parse(spec).format == "microsip"
    else:
        with pytest.raises(ValueError, match=r"--watch|unknown source"):
            WatchedSource.parse(spec)


def test_the_way_calls_are_placed_is_kept_and_nonsense_is_automatic(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    SettingsFile(path).save(Settings(dialer="twinkle"))
    assert SettingsFile(path).load().dialer == "twinkle"
    assert Settings().dialer == "automatic"
    path.write_text(json.dumps({"version": 1, "dialer": "skype"}), encoding="utf-8")
    assert SettingsFile(path).load().dialer == "automatic"
