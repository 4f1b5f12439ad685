"""The data directory the hook names without platformdirs is the one the app opens with it:
the two ends derive the instance's socket from it, so a difference would be a ring nobody gets."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs
import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import (
    APP_NAME,
    ENV_HOME,
    default_data_dir,
    hook_data_dir,
    resolve_paths,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG layout")

UNSET = None
ENVIRONMENTS = [
    # (XDG_DATA_HOME, HOME)
    (UNSET, "/home/ann"),
    (UNSET, "/home/ann/"),  # a trailing slash, as some login setups leave it
    (UNSET, "/"),
    ("", "/home/ann"),  # empty means unset
    ("/data/xdg", "/home/ann"),
    ("/data/xdg/", "/home/ann"),
    ("relative/xdg", "/home/ann"),  # not absolute: ignored, as the spec says
    ("~/xdg", "/home/ann"),  # not expanded by platformdirs either
    (UNSET, "relative-home"),  # platformdirs asks the password database
    (UNSET, UNSET),
]


def _platformdirs_answer() -> str:
    return platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True)


@pytest.mark.parametrize(("xdg", "home"), ENVIRONMENTS, ids=str)
def test_the_hook_names_the_data_directory_platformdirs_gives_the_app(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None
) -> None:
    for name, value in (("XDG_DATA_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(ENV_HOME, raising=False)

    assert hook_data_dir() == _platformdirs_answer()
    assert default_data_dir() == Path(_platformdirs_answer())


def test_an_explicit_directory_reaches_the_same_instance_as_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")

    for given in ("link", "~/link", str(tmp_path / "real") + "/", "./link/../real"):
        assert instance_address(hook_data_dir(given)) == instance_address(
            resolve_paths(given).data_dir
        ), given
    monkeypatch.setenv(ENV_HOME, "~/link")
    assert instance_address(hook_data_dir()) == instance_address(resolve_paths().data_dir)


def test_the_hook_leaves_android_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_HOME, raising=False)
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("HOME", os.environ.get("HOME", "/root"))

    assert hook_data_dir() == _platformdirs_answer()
