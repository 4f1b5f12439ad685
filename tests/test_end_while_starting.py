"""A missed call whose end comes while the app its ring started is still starting: the end
waits for that app and reaches the card it pops, which turns into the missed card. Before,
the end found nothing listening, recorded the call itself ("CallerCard is not running"), and
the card the app then popped from the ring stayed a ringing card for good. Real hooks, the
real app they launch, Xvfb."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.test_hook_without_app import calls

NUMBER = "+12125550147"


def softphone_hook(data: Path, display: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`callercard ARGS` as a softphone on the rep's desktop runs it (a ring may start the app)."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US", *args],
        env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def missed_cards_up(data: Path) -> list[dict[str, object]]:
    """The missed cards on screen, as the app keeps them for its next start."""
    try:
        cards: list[dict[str, object]] = json.loads((data / "missed-cards.json").read_text())
    except (OSError, ValueError):
        return []
    return cards


@pytest.mark.xvfb
def test_a_missed_call_ending_while_its_ring_starts_the_app_leaves_the_missed_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    try:
        rang = softphone_hook(data, xvfb_display, "ring", NUMBER, "ROBERT")
        assert (rang.returncode, rang.stderr) == (0, "")  # the app it started shows the card
        # At once: the app it started takes a few hundred ms to listen, more under load.
        ended = softphone_hook(data, xvfb_display, "end", "--missed", NUMBER)
        assert (ended.returncode, ended.stderr) == (0, "")  # the starting app took it

        deadline = time.monotonic() + 20
        while not missed_cards_up(data) and time.monotonic() < deadline:
            time.sleep(0.05)
        [card] = missed_cards_up(data)
        assert (card["caller_id"], card["name"], card["tries"]) == (NUMBER, "ROBERT", 1)
        log = (data / "callercard.log").read_text()
        assert log.count(f"card shown for hook:{NUMBER}") == 1  # one card: the ring's
    finally:
        quit_app = softphone_hook(data, xvfb_display, "quit")
        assert quit_app.returncode == 0, quit_app.stderr

    [call] = calls(data)
    assert (call["number"], call["outcome"], call["caller_name"]) == (NUMBER, "missed", "ROBERT")
