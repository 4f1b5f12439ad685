"""A caller ID that is no number but not withheld either ("Reception", "sip:front-desk@pbx"),
through real `callercard ring` / `end` hook processes against the app in a child process: its
call is its own, not a withheld caller's (an end with no caller ID is not its end, and a
withheld call ringing with it keeps a card of its own), and its missed calls share one card
that counts them as a number's do."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.missed_cards_file import MissedCardsFile
from desktop.adapters.paths import resolve_paths
from desktop.core.ipc import hook_call_key
from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_missed_card_e2e import end_of, hook
from tests.qt.test_withheld_calls_e2e import cards_shown


def test_an_end_with_no_caller_id_leaves_the_reception_card_and_closes_the_withheld_one(
    tmp_path: Path,
) -> None:
    # Before, "Reception" keyed as a withheld caller ("hook:"): the withheld call ringing with
    # it was told apart as "hook:~2", and the bare `end` closed whichever rang last.
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", "anonymous")
        app.wait_for(lambda r: len(cards_shown(app, mark)) == 1, "the withheld card", after=mark)
        hook(app, "ring", "Reception")
        app.wait_for(lambda r: len(cards_shown(app, mark)) == 2, "its card", after=mark)
        assert cards_shown(app, mark) == ["hook:", hook_call_key("Reception")]

        mark = len(app.records())
        hook(app, "end")  # the withheld caller hangs up: MicroSIP passes no caller ID
        ended = end_of(app, "hook:", mark)
        assert (ended["as_call"], ended["closed"]) == ("hook:", True)

        mark = len(app.records())
        hook(app, "end")  # nothing withheld rings now: the Reception call goes on
        assert end_of(app, "hook:", mark)["closed"] is False
        hook(app, "end", "--missed", "Reception")
        assert end_of(app, hook_call_key("Reception"), mark)["kept"] is True
    finally:
        app.stop()


def test_reception_missing_you_twice_leaves_one_card_that_counts_two_tries(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    kept = MissedCardsFile(resolve_paths(app.data).missed_cards)
    try:
        for caller_id in ("sip:Reception@pbx.example.com", "Reception"):
            mark = len(app.records())
            hook(app, "ring", caller_id)
            app.wait_for(lambda r: r["stage"] == "shown", "the card", after=mark)
            hook(app, "end", "--missed", caller_id)
            assert end_of(app, hook_call_key(caller_id), mark)["kept"] is True
        # The open missed cards, as the app keeps them for its next start: before, two cards,
        # each saying they tried once.
        app.wait_for(lambda _: [c.tries for c in kept.load()] == [2],
                     "one missed card for two tries")  # fmt: skip
    finally:
        app.stop()


def test_a_ring_from_a_sip_address_is_ended_by_the_end_that_names_its_user_alone(
    tmp_path: Path,
) -> None:
    # The phone rang with "sip:Reception@pbx" and ended with "Reception": the two keyed
    # apart, so the end closed nothing and the card rang on after the call was over (and its
    # missed end left that ringing card up beside a missed one).
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", "sip:Reception@pbx.example.com")
        app.wait_for(lambda r: r["stage"] == "shown", "the card", after=mark)
        hook(app, "end", "Reception")
        ended = end_of(app, hook_call_key("Reception"), mark)
        assert (ended["as_call"], ended["closed"]) == (cards_shown(app, mark)[0], True)

        mark = len(app.records())
        hook(app, "ring", "Front Desk <sip:Front-Desk@pbx.example.com>")
        app.wait_for(lambda r: r["stage"] == "shown", "the card", after=mark)
        hook(app, "end", "--missed", "front-desk")
        assert end_of(app, hook_call_key("front-desk"), mark)["kept"] is True
    finally:
        app.stop()
