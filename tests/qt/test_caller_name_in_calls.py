"""An unknown caller's call says who the caller ID claimed it was: in Recent calls, in
`callercard calls` (text and --json), and from a real `callercard ring NUMBER --name` hook to a
running app."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.store import Store
from desktop.qt.call_list import CALLER_ID_NAME_TIP, CallList
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.show_recent_calls_demo import log_calls
from tests.qt.test_app_e2e import RunningApp

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
SHOTS = REPO / "artifacts" / "screenshots"
STRANGER = "+14155550177"  # in nobody's book, the demo's included


def test_recent_calls_name_an_unknown_caller_by_their_caller_id(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    log_calls(store, NOW)
    window = CallList(store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    rows = {}
    for i in range(window.table.topLevelItemCount()):
        item = window.table.topLevelItem(i)
        assert item is not None
        rows[item.text(3) or "withheld"] = (item.text(2), item.toolTip(2))
    store.close()
    assert rows == {
        "+1 206-555-0123": ("NORTHWIND HLTH (caller ID)", CALLER_ID_NAME_TIP),
        "+1 415-555-0177": ("MIKE CELL (caller ID)", CALLER_ID_NAME_TIP),
        "+1 312-555-0178": ("Unknown", ""),  # it gave no name
        "withheld": ("Number withheld", ""),  # "Anonymous" is no name; as its card says
        "+1 415-555-0100": ("Dana Whitfield", ""),  # a contact's name, not the caller ID's
    }


@pytest.mark.xvfb
def test_on_a_real_display_recent_calls_show_the_caller_id_names(xvfb_display: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_recent_calls_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["visible"] is True
    assert ["Missed", "MIKE CELL (caller ID)", "+1 415-555-0177", "Missed their call"] in (
        report["rows"]
    )
    assert (SHOTS / "recent_calls.png").stat().st_size > 5000


def test_a_hooks_caller_id_name_reaches_the_call_history(tmp_path: Path) -> None:
    app = RunningApp(tmp_path)
    try:
        ring = app.cli("ring", STRANGER, "--name", "MIKE CELL", "--source", "zoiper")
        assert ring.returncode == 0, ring.stderr
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == STRANGER
                     and r["outcome"] == "", "the ring logged")  # fmt: skip
        assert app.cli("end", STRANGER, "--missed", "--source", "zoiper").returncode == 0
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == STRANGER
                     and r["outcome"] == "missed", "the missed call logged")  # fmt: skip

        listed = app.cli("calls", "--json")
        assert listed.returncode == 0, listed.stderr
        calls: list[dict[str, Any]] = json.loads(listed.stdout)["calls"]
        (call,) = [c for c in calls if c["number"] == STRANGER]
        assert (call["caller_name"], call["contact"], call["outcome"]) == (
            "MIKE CELL", None, "missed"
        )
        text = app.cli("calls")
        assert text.returncode == 0, text.stderr
        (line,) = [line for line in text.stdout.splitlines() if "MIKE CELL" in line]
        assert line.endswith("MIKE CELL (caller ID) · +1 415-555-0177")  # as people write it
        # "All the Mikes this week"
        mikes = app.cli("calls", "--days", "7", "--name", "mike", "--json")
        assert mikes.returncode == 0, mikes.stderr
        assert STRANGER in [c["number"] for c in json.loads(mikes.stdout)["calls"]]
        others = app.cli("calls", "--name", "northwind", "--json")
        assert STRANGER not in [c["number"] for c in json.loads(others.stdout)["calls"]]
    finally:
        app.stop()
