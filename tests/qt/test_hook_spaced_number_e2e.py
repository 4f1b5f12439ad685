"""The real app in a child process, rung by a real `callercard ring` whose number arrived in
digit groups (a hook `callercard ring %number% %name%` without quotes): the card is the
contact's, and the `end` typed the same way closes it. Read back from the app's --trace."""

from __future__ import annotations

from pathlib import Path

from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_missed_card_e2e import end_of, hook

MIKE_SPACED = ("+1", "415", "555-0142")  # Mike, in the demo book the app loads at first start


def test_a_number_in_digit_groups_finds_its_contact_and_its_end_closes_the_card(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", *MIKE_SPACED, "Mike", "K.")
        matched = app.wait_for(lambda r: r["stage"] == "matched", "Mike's card", after=mark)
        assert (matched["caller_id"], matched["match"]) == ("+1 415 555-0142", "exact")
        assert len(matched["contacts"]) == 1
        app.wait_for(lambda r: r["stage"] == "shown", "the card shown", after=mark)
        hook(app, "end", *MIKE_SPACED)
        ended = end_of(app, "hook:+14155550142", mark)  # keyed by its E.164 in the app
        assert ended["closed"] is True
    finally:
        app.stop()
