"""Whom a call out to a number several contacts share was for (desktop.core.callee)."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.core.callee import NumberHistory, callee
from desktop.core.models import Contact

BO = Contact(1, "Bo", last_contacted=datetime(2026, 12, 7, 9, tzinfo=UTC))
MICHAEL = Contact(2, "Michael Brandt")
BOTH = (BO, MICHAEL)


def test_the_call_returns_the_missed_call_that_is_due_before_anyone_else_s_history() -> None:
    history = NumberHistory(missed_due=(2,), in_touch=(1, 2))
    assert callee(BOTH, history) == MICHAEL


def test_with_no_missed_call_due_the_one_last_in_touch_on_the_number() -> None:
    assert callee(BOTH, NumberHistory(in_touch=(2, 1))) == MICHAEL
    assert callee(BOTH, NumberHistory(in_touch=(1, 2))) == BO


def test_the_contact_the_rep_called_from_wins_over_the_history() -> None:
    assert callee(BOTH, NumberHistory(missed_due=(2,)), meant=1) == BO


def test_with_nothing_to_go_on_the_switchboard_rule_the_name_then_the_most_recent() -> None:
    assert callee(BOTH, NumberHistory()) == BO  # contacted most recently
    assert callee(BOTH, NumberHistory(), name="MIKE BRANDT") == MICHAEL


def test_history_of_someone_no_longer_on_the_number_counts_for_nothing() -> None:
    assert callee(BOTH, NumberHistory(missed_due=(7,), in_touch=(7, 2))) == MICHAEL
    assert callee((), NumberHistory(missed_due=(2,))) is None
