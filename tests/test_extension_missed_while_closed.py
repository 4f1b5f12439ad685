"""A colleague's extension nobody in the book has (x3199) that called while CallerCard was
closed counts in "N calls missed while CallerCard was closed", as a number nobody has does: its
missed call waits in Callbacks, and the line that says so left it out. Real child processes on
one data dir, as tests/test_hook_without_app.py; a call that rang with no end is listed from an
extension too (store-level: it is listed from 30 minutes after it rang)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.store import Store
from desktop.core.business_hours import BusinessHours
from desktop.core.models import Attempt, Direction, Outcome
from tests.test_hook_without_app import hook


def closed_since(data: Path, seconds: int) -> None:
    """The app quit `seconds` ago and started now with the calls since untold (as its start
    leaves them when there is no tray to say it in)."""
    now = int(time.time())
    (data / "missed-untold.txt").write_text(f"{now - seconds} {now + 5}\n", encoding="ascii")


def test_an_unknown_extensions_missed_call_counts_as_missed_while_closed(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    for caller in ("3199", "+14155550123"):
        assert hook(data, "ring", "--", caller).returncode == 4  # no app: the hook records it
        assert hook(data, "end", "--missed", "--", caller).returncode == 4
    closed_since(data, 600)

    told = hook(data, "callbacks")

    assert told.returncode == 0, told.stderr
    assert "2 calls missed while CallerCard was closed: they wait below" in told.stderr, (
        told.stderr)
    assert "x3199 · Missed call" in told.stdout, told.stdout
    # A call back that reached them settles it: not counted again.
    assert hook(data, "log-call", "--outcome", "talked", "x3199").returncode == 0
    closed_since(data, 600)
    again = hook(data, "callbacks")
    assert "1 call missed while CallerCard was closed" in again.stderr, again.stderr


def test_an_unknown_extensions_ring_with_no_end_waits_in_callbacks(tmp_path: Path) -> None:
    rang_at = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        ring = Attempt(Direction.IN, rang_at, Outcome.UNKNOWN, caller_id="3199")
        assert store.record_call(None, ring, "hook", "hook:3199") is not None
        entries = load_callbacks(store, rang_at + timedelta(minutes=40), BusinessHours(), "24h")
        assert [(e.item.dial, e.item.detail, e.item.due) for e in entries] == [
            ("3199", "Rang 40 min ago, outcome unknown", False)]
        # With a missed call from it not returned: listed once, as that missed call.
        missed = Attempt(Direction.IN, rang_at - timedelta(minutes=5), Outcome.MISSED,
                         caller_id="x3199")  # fmt: skip
        assert store.record_call(None, missed, "hook", "hook:3199-missed") is not None
        entries = load_callbacks(store, rang_at + timedelta(minutes=40), BusinessHours(), "24h")
        assert [(e.item.dial, e.item.detail) for e in entries] == [
            ("3199", "Missed call 45 min ago")]
    finally:
        store.close()
