"""Two withheld callers ringing at once, through real `callercard ring` / `end` hook
processes against the app running in a child process: each call has its own card and its own
entry in the call history, and each end (no caller ID tells them apart) ends the newest call
still ringing: the second caller, who rang while the rep was on the first, hangs up unanswered;
then the rep's call with the first ends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_missed_card_e2e import end_of, hook


def cards_shown(app: RunningApp, after: int) -> list[str]:
    return [str(r["call_key"]) for r in app.records()[after:] if r["stage"] == "shown"]


def withheld_calls(app: RunningApp) -> list[dict[str, Any]]:
    result = app.cli("calls", "--json")
    assert result.returncode == 0, result.stderr
    return [c for c in json.loads(result.stdout)["calls"] if not c.get("number")]


def test_two_withheld_callers_at_once_get_a_card_each_and_each_end_closes_its_own(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", "anonymous")  # the rep answers this one
        app.wait_for(lambda r: r["stage"] == "shown", "the first withheld card", after=mark)
        hook(app, "ring", "")  # MicroSIP passes nothing when the From has no user part
        app.wait_for(lambda r: len(cards_shown(app, mark)) == 2, "a second card", after=mark)
        first, second = cards_shown(app, mark)
        assert first != second, "two calls, two cards"

        mark = len(app.records())
        hook(app, "end", "", "--missed")  # the second caller gives up
        ended = end_of(app, second, mark)
        assert (ended["missed"], ended["kept"]) == (True, True)
        missed = app.wait_for(lambda r: r["stage"] == "missed_card", "the missed card",
                              after=mark)  # fmt: skip
        assert missed["call_back"] is False  # no number to call back

        mark = len(app.records())
        hook(app, "end", "anonymous")  # the rep's call with the first one is over
        ended = end_of(app, first, mark)
        assert (ended["missed"], ended["closed"]) == (False, True)

        app.wait_for(lambda r: r["stage"] == "recorded" and r["outcome"] == "talked",
                     "the first call logged", after=mark)  # fmt: skip
        calls = withheld_calls(app)
        assert sorted(c["outcome"] for c in calls) == ["missed", "talked"], calls
    finally:
        app.stop()
