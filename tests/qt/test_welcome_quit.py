"""Quitting the app while the first-start welcome is open (a logout's SIGTERM) does not count
as the rep closing it: the welcome comes back at the next start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.adapters.first_start import WelcomeState
from tests.conftest import python_env
from tests.traced_app import TracedApp

pytestmark = pytest.mark.xvfb


def test_a_sigterm_while_the_welcome_is_open_leaves_it_for_the_next_start(
    xvfb_display: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    app = TracedApp()
    app.trace = tmp_path / "trace.jsonl"
    app.proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--trace", str(app.trace)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        app.wait_for(lambda r: r["stage"] == "welcome" and r.get("state") == "shown",
                     "the welcome", timeout=60)  # fmt: skip
    finally:
        app.terminate()
    assert app.proc.returncode == 0
    assert not WelcomeState(data).done, "a logout is not the rep closing the welcome"
