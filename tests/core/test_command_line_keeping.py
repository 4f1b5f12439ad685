"""What of `--watch` and `--region` a rep keeps for the next start, decided without files."""

from __future__ import annotations

from desktop.core.command_line_keeping import (
    not_in_settings,
    region_override_note,
    region_to_keep,
    this_run_only,
)


def test_a_log_given_twice_or_already_in_settings_is_added_once_in_the_order_given() -> None:
    given = ["microsip:/b.ini", "linphone:/a.db", "microsip:/b.ini", "zoiper:/c.log"]
    assert not_in_settings(given, ["linphone:/a.db"]) == ["microsip:/b.ini", "zoiper:/c.log"]


def test_once_kept_a_watch_is_the_settings_but_an_unreadable_one_stays_to_be_said() -> None:
    this_run = ["microsip:/b.ini", "bogus", "linphone:/once.db"]
    left = this_run_only(this_run, ["microsip:/b.ini", "bogus"], lambda spec: ":" in spec)
    assert left == ["bogus", "linphone:/once.db"]  # --watch-once's stays; bogus is reported


def test_region_is_kept_upper_case_unless_once_or_unknown() -> None:
    known = {"US", "GB", "DE"}
    assert region_to_keep("gb", once=False, known=known) == "GB"
    assert region_to_keep("GB", once=True, known=known) == ""
    assert region_to_keep("XX", once=False, known=known) == ""
    assert region_to_keep("", once=False, known=known) == ""


def test_settings_say_why_a_region_is_this_runs_only() -> None:
    assert region_override_note("", once=False, why_not_kept="") == ""
    assert region_override_note("GB", once=True, why_not_kept="") == (
        "CallerCard was started with --region-once GB")
    assert region_override_note("XX", once=False, why_not_kept="") == (
        "CallerCard was started with --region XX, not kept as it names no home region "
        "CallerCard knows")
    assert region_override_note("GB", once=False, why_not_kept="the data folder is read-only"
                                ).endswith("not kept as the data folder is read-only")
