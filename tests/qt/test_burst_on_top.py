"""Under a window manager, a burst of calls never leaves a card below other windows.

QA (session 19, Xvfb + openbox): after a burst of rings some cards lost _NET_WM_STATE_ABOVE
and went behind the Import window, because the pool showed a card again before openbox had
finished withdrawing it (desktop.qt.stay_on_top). The burst runs in a child process
(tests/qt/show_burst_on_top_demo.py) on a display with openbox.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import PYTHON, REPO, python_env

pytestmark = pytest.mark.xvfb


def test_after_bursts_of_calls_every_card_up_stays_above_other_windows(
    desktop_with_wm: str,
) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_burst_on_top_demo"],
        env=python_env(DISPLAY=desktop_with_wm, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    rounds = report["rounds"]
    assert len(rounds) == 6
    seen = [key for up in rounds for key in up]
    # The bursts left ringing cards, missed cards and the "+N more" entry up.
    assert any(key.startswith("call-") for key in seen)
    assert any(key.startswith("missed-") for key in seen)
    assert "+N more" in seen
    below = [
        (n, key, held["xprop"])
        for n, up in enumerate(rounds)
        for key, held in up.items()
        if not (held["above"] and held["managed"])
    ]
    assert below == [], below
