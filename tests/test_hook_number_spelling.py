"""A hook may spell one caller's number two ways: "+1 (415) 555-0142" at the ring and
"+14155550142" at the end. It is one call: the end closes the ring's card and finishes its row,
whether the running app or the hooks themselves (no app) take them. The real app (Xvfb) and
real hook processes on one data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_hook_hung_app import App
from tests.test_hook_without_app import calls, hook

SPELLED = "+1 (312) 555-0177"
E164 = "+13125550177"


def mikes_calls(data: Path) -> list[tuple[object, object]]:
    return [(c["number"], c["outcome"]) for c in calls(data) if c["number"] == E164]


@pytest.mark.xvfb
def test_an_end_spelling_the_number_otherwise_closes_the_rings_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        rang = hook(data, "ring", "--", SPELLED, "Mike K")
        assert rang.returncode == 0, rang.stderr
        shown = app.stage("shown")
        ended = hook(data, "end", "--missed", "--", E164)
        assert ended.returncode == 0, ended.stderr
        end = app.stage("ended")
        # The ring's card is the one the end folds to a missed call's, and no other is up.
        assert (end["as_call"], end["kept"]) == (shown["call_key"], True)
        app.stage("recorded", outcome="missed")
    finally:
        app.terminate()
    assert mikes_calls(data) == [(E164, "missed")]


def test_with_no_app_an_end_spelling_the_number_otherwise_finishes_the_rings_call(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    assert hook(data, "ring", "--", SPELLED).returncode == 4
    ended = hook(data, "end", "--missed", "--", E164)
    assert ended.returncode == 4, ended.stderr
    assert mikes_calls(data) == [(E164, "missed")]
