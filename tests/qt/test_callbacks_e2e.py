"""A missed call from a prospect, rung through real `callercard ring` / `end --missed` child
processes, waits for us in Callbacks: the running app's tray count and `callercard callbacks`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_hook_calls_e2e import PROSPECTS, book, recorded, running, start

__all__ = ["book", "running"]  # fixtures


def test_a_missed_hook_call_is_counted_due_and_listed(
    tmp_path: Path, running: list[RunningApp]
) -> None:
    app = start(tmp_path, running)
    app.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 0, "the first count")
    name, company, number = PROSPECTS[2]
    assert app.cli("ring", number, "--source", "zoiper").returncode == 0
    recorded(app, number, "")
    assert app.cli("end", number, "--missed", "--source", "zoiper").returncode == 0
    recorded(app, number, "missed")
    app.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 1,
                 "'Callbacks (1 due)'")  # fmt: skip

    result = app.cli("callbacks", "--json")
    assert result.returncode == 0, result.stderr
    [waiting] = json.loads(result.stdout)["waiting_for_us"]
    assert waiting["contact"] == {"id": waiting["contact"]["id"], "name": name, "company": company}
    assert waiting["number"] == number and waiting["detail"].startswith("Missed call ")


def test_an_unknown_callers_missed_hook_call_waits_too_but_a_withheld_one_never(
    tmp_path: Path, running: list[RunningApp]
) -> None:
    """From real `callercard ring --name` / `end --missed` processes to the running app: a
    number nobody has waits for us named by its caller ID and is counted due; a withheld
    caller, who cannot be called back, is logged but never waits."""
    app = start(tmp_path, running)
    app.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 0, "the first count")
    stranger = "+14155550177"  # in nobody's book
    for number, name in (("anonymous", "Anonymous"), (stranger, "MIKE CELL")):
        assert app.cli("ring", number, "--name", name, "--source", "zoiper").returncode == 0
        assert app.cli("end", number, "--missed", "--source", "zoiper").returncode == 0
    recorded(app, stranger, "missed")
    app.wait_for(lambda r: r["stage"] == "callbacks_due" and r["due"] == 1,
                 "'Callbacks (1 due)'")  # fmt: skip

    result = app.cli("callbacks", "--json")
    assert result.returncode == 0, result.stderr
    [waiting] = json.loads(result.stdout)["waiting_for_us"]
    assert (waiting["contact"], waiting["caller_name"], waiting["number"], waiting["tries"]) == (
        None, "MIKE CELL", stranger, 1)  # fmt: skip
    text = app.cli("callbacks")
    assert "  MIKE CELL (caller ID) · +1 415-555-0177 · Missed call " in text.stdout
