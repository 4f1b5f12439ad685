"""The command the welcome's hook line runs reaches this CallerCard, wherever it keeps data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.adapters.first_start import hook_command
from desktop.adapters.paths import ENV_HOME, default_data_dir
from tests.conftest import PYTHON, REPO, python_env


def callercard(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([PYTHON, "-m", "desktop", *args], env=env, capture_output=True,
                          text=True, timeout=60, check=True, cwd=REPO)  # fmt: skip
    return done.stdout


def test_a_softphone_running_the_hook_line_reaches_this_data_dir(tmp_path: Path) -> None:
    """A rep on --data-dir pasted a line without it: the softphone's rings went to a second,
    empty CallerCard in the default folder."""
    data = tmp_path / "work-book"
    contacts = tmp_path / "prospects.csv"
    contacts.write_text("Name,Phone\nMaya Okafor,+14155550142\n", encoding="utf-8")
    mine = python_env(**{ENV_HOME: str(data)})
    callercard(["import", str(contacts)], mine)

    # The softphone has neither our arguments nor our environment.
    softphone = python_env(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    softphone.pop(ENV_HOME, None)
    words = hook_command(data.resolve())[1:]  # what follows the program in the pasted line
    assert "prospects.csv" in callercard([*words, "import", "--list"], softphone)


def test_the_default_data_dir_needs_no_argument() -> None:
    assert "--data-dir" not in hook_command(default_data_dir())


def test_a_bundle_s_hook_line_runs_its_light_hook_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frozen main program loads Qt's runtime hooks before any of ours (~100 ms on every
    ring); the bundle's callercard-hook beside it does not."""
    bundle = tmp_path / "callercard"
    bundle.mkdir()
    (bundle / "callercard").write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "callercard"))
    monkeypatch.delenv("APPIMAGE", raising=False)
    monkeypatch.delenv("FLATPAK_ID", raising=False)

    assert hook_command(default_data_dir()) == [str(bundle / "callercard")]  # an older bundle
    (bundle / "callercard-hook").write_bytes(b"")
    assert hook_command(default_data_dir()) == [str(bundle / "callercard-hook")]
