"""After start-up's idle warm-up the collector is back on (start-up turned it off) with what
was loaded frozen, and every region's numbers parse from loaded metadata."""

from __future__ import annotations

import gc

import phonenumbers

from desktop.adapters.number_warm_up import warm_numbers_in_background


def test_the_warm_up_turns_the_collector_back_on_with_the_session_frozen() -> None:
    gc.disable()  # as desktop.cli leaves it during start-up
    try:
        warm_numbers_in_background().join(timeout=60)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert phonenumbers.is_valid_number(phonenumbers.parse("+49 30 901820", None))
    finally:
        gc.unfreeze()
        gc.enable()
