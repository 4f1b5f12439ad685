"""Every call a hook reports is in the call history once: real `callercard ring` / `end` child
processes against the running app (tests/qt/test_app_e2e.py's RunningApp), read back through
`callercard calls --json` and `callercard search --json` as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import python_env
from tests.qt.test_app_e2e import INI_HEAD, RunningApp, now, write_ini

PROSPECTS = [(f"Prospect {i:02d}", f"Firm {i:02d}", f"+1415555{7100 + i}") for i in range(10)]
MISSED = {PROSPECTS[i][2] for i in (1, 4, 7)}


def cc(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data)],
        capture_output=True, text=True, env=python_env(QT_QPA_PLATFORM="offscreen"), timeout=60,
    )  # fmt: skip


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """Ten prospects imported with the real CLI, before the app first starts."""
    data = tmp_path / "data"
    src = tmp_path / "prospects.csv"
    rows = "".join(f"{name},{company},{number}\n" for name, company, number in PROSPECTS)
    src.write_text("Name,Company,Phone\n" + rows, encoding="utf-8")
    result = cc(data, "import", str(src), "--region", "US")
    assert result.returncode == 0, result.stderr
    return data


@pytest.fixture
def running(tmp_path: Path, book: Path) -> Iterator[list[RunningApp]]:
    apps: list[RunningApp] = []
    yield apps
    for app in apps:
        if app.proc is not None and app.proc.poll() is None:
            app.stop()


def start(tmp_path: Path, running: list[RunningApp]) -> RunningApp:
    app = RunningApp(tmp_path)
    running.append(app)
    return app


def logged_calls(app: RunningApp) -> list[dict[str, Any]]:
    result = app.cli("calls", "--json")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)["calls"])


def search(app: RunningApp, name: str) -> dict[str, Any]:
    """`callercard search NAME`'s result for that person."""
    result = app.cli("search", name, "--json")
    assert result.returncode == 0, result.stderr
    (hit,) = [h for h in json.loads(result.stdout)["results"] if h["name"] == name]
    return dict(hit)


def recorded(app: RunningApp, number: str, outcome: str, after: int = 0) -> None:
    app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == number
                 and r["outcome"] == outcome, f"{number}'s call logged as {outcome!r}",
                 after=after)  # fmt: skip


def test_ten_hook_calls_are_each_logged_once_with_their_outcome_and_contact(
    tmp_path: Path, running: list[RunningApp]
) -> None:
    app = start(tmp_path, running)
    assert search(app, "Prospect 00")["last_contacted"] is None  # "never contacted"

    for _name, _company, number in PROSPECTS:
        assert app.cli("ring", number, "--source", "zoiper").returncode == 0
        recorded(app, number, "")  # it rang: logged before anyone knows how it ends
        end = ["end", number, "--source", "zoiper"] + (["--missed"] if number in MISSED else [])
        assert app.cli(*end).returncode == 0
        recorded(app, number, "missed" if number in MISSED else "talked")

    def check(calls: list[dict[str, Any]]) -> None:
        assert sorted(c["number"] for c in calls) == sorted(p[2] for p in PROSPECTS)
        for name, company, number in PROSPECTS:
            (call,) = [c for c in calls if c["number"] == number]
            assert call["direction"] == "in"
            assert call["outcome"] == ("missed" if number in MISSED else "talked")
            assert call["contact"]["name"] == name and call["contact"]["company"] == company

    check(logged_calls(app))
    missed = app.cli("calls", "--missed", "--json")
    assert sorted(c["number"] for c in json.loads(missed.stdout)["calls"]) == sorted(MISSED)
    # Search sees it: an answered call is contact, a missed one is not.
    assert search(app, "Prospect 00")["last_contacted"] is not None
    assert search(app, "Prospect 01")["last_contacted"] is None
    # "Called in the last day" is every one of them: a missed call is a call too.
    recent = json.loads(app.cli("search", "--days", "1", "--json").stdout)["results"]
    assert len(recent) == 10

    app.stop()
    again = start(tmp_path, running)  # a restart (and its journal) adds nothing
    check(logged_calls(again))


def test_one_call_reported_by_the_hook_and_by_microsip_ini_is_one_entry(
    tmp_path: Path, running: list[RunningApp]
) -> None:
    app = start(tmp_path, running)
    name, _company, number = PROSPECTS[3]
    stamp = now()
    assert app.cli("ring", "--source", "microsip", number).returncode == 0
    write_ini(app.ini, INI_HEAD + f"2={number};{name};1;{stamp};0;\r\n")  # MicroSIP rings too
    recorded(app, number, "")
    # Nobody answers: MicroSIP marks it missed, and its cmdCallEnd hook says only "ended".
    write_ini(app.ini, INI_HEAD + f"2={number};{name};2;{stamp};0;Missed Call\r\n")
    recorded(app, number, "missed")
    assert app.cli("end", "--source", "microsip", number).returncode == 0
    app.wait_for(lambda r: r["stage"] == "ended" and r["caller_id"] == number, "the hook's end")

    def only_call() -> dict[str, Any]:
        calls = [c for c in logged_calls(app) if c["number"] == number]
        assert len(calls) == 1, calls
        return calls[0]

    call = only_call()
    assert (call["outcome"], call["source"], call["contact"]["name"]) == ("missed", "microsip",
                                                                          name)  # fmt: skip
    app.stop()
    app = start(tmp_path, running)  # the log is read again at the start
    assert only_call()["outcome"] == "missed"


def test_a_ring_while_popups_are_paused_shows_no_card_but_is_logged(
    tmp_path: Path, running: list[RunningApp], book: Path
) -> None:
    (book / "settings.json").write_text(json.dumps({"version": 1, "popups_paused": True}))
    app = start(tmp_path, running)
    _name, _company, number = PROSPECTS[5]

    assert app.cli("ring", number).returncode == 0
    assert app.cli("end", number, "--answered").returncode == 0
    recorded(app, number, "talked")

    assert [c["outcome"] for c in logged_calls(app) if c["number"] == number] == ["talked"]
    assert not [r for r in app.records() if r["stage"] == "shown"]
