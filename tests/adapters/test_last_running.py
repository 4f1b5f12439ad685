"""When CallerCard last ran, and the calls still ringing then, kept for the next start's
"N calls missed while CallerCard was closed"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.last_running import LastRunning

AT = datetime(2026, 12, 7, 17, 30, 5, tzinfo=UTC)


def test_the_calls_still_ringing_at_the_quit_are_kept_with_its_time(tmp_path: Path) -> None:
    kept = LastRunning(tmp_path / "last-running.txt")
    kept.save(AT, [41, 43])
    assert kept.load_with_open() == (AT, (41, 43))
    assert kept.load() == AT


def test_a_file_of_an_earlier_version_or_none_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "last-running.txt"
    kept = LastRunning(path)
    assert kept.load_with_open() == (None, ())
    path.write_text(f"{int(AT.timestamp())}\n", "ascii")  # the time alone, as before
    assert kept.load_with_open() == (AT, ())
    kept.save(AT)  # nothing ringing: the time alone, as an earlier version reads it
    assert path.read_text("ascii") == f"{int(AT.timestamp())}\n"


def test_a_damaged_file_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "last-running.txt"
    path.write_text("yesterday\n41\n", "ascii")
    assert LastRunning(path).load_with_open() == (None, ())


def test_a_period_nobody_was_told_of_keeps_the_calls_that_rang_before_it(tmp_path: Path) -> None:
    from desktop.adapters.untold_missed import UntoldMissed

    path = tmp_path / "missed-untold.txt"
    untold = UntoldMissed(path)
    later = AT.replace(hour=18)
    untold.keep([(AT, later, (41, 43)), (later, later.replace(minute=45), ())])
    assert untold.load() == [(AT, later, (41, 43)), (later, later.replace(minute=45), ())]
    path.write_text(f"{int(AT.timestamp())} {int(later.timestamp())}\n", "ascii")  # as before
    assert untold.load() == [(AT, later, ())]
