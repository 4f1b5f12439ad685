"""Withheld callers ringing at once get keys of their own; an end with no caller ID ends the
newest one that still has a card."""

from __future__ import annotations

from desktop.core.withheld_calls import WithheldCalls


def test_overlapping_withheld_calls_are_keyed_apart_and_ended_newest_first() -> None:
    cards: set[str] = set()
    calls = WithheldCalls(cards.__contains__)
    first = calls.ring_key()
    cards.add(first)
    second = calls.ring_key()
    cards.add(second)
    third = calls.ring_key()
    cards.add(third)
    assert (first, second, third) == ("hook:", "hook:~2", "hook:~3")
    cards.discard(third)  # the rep dismissed the newest card: its end cannot be told
    assert calls.end_key() == second
    cards.discard(second)
    assert calls.ring_key() == "hook:~2"  # a key is free again once its card has gone
    cards.add("hook:~2")
    assert [calls.end_key(), calls.end_key()] == ["hook:~2", "hook:"]


def test_one_withheld_call_at_a_time_keeps_the_plain_key_the_history_knows() -> None:
    cards: set[str] = set()
    calls = WithheldCalls(cards.__contains__)
    assert calls.end_key() == "hook:"  # an end whose card is gone: as before
    for _ in range(3):
        key = calls.ring_key()
        assert key == "hook:"
        cards.add(key)
        assert calls.end_key() == "hook:"
        cards.discard(key)
