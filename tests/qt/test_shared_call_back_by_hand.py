"""A switchboard's missed call called back for the one the rep chose, on a laptop with no
softphone CallerCard can dial with: the number goes on the clipboard, the rep dials it on a
desk phone and logs the call with `callercard log-call`, which files it for the one chosen.

The app runs in the test's process (the real card, its Call back menu, ClickToCall, no
softphone on PATH); log-call, callbacks and calls are real child processes on the same data
directory and SQLite file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.dial_intents import DialIntents
from desktop.adapters.store import Store
from tests.qt.in_process_app import app_in_process
from tests.qt.test_click_to_call import nothing_can_call, shown_messages
from tests.qt.test_popup import button
from tests.test_cli import cc
from tests.test_cli_shared_number_calls import (
    DANA,
    RAJ,
    SWITCHBOARD,
    _filed_under,
    _import,
    _missed_call_as_the_app_files_it,
)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


def _called_back_for_with_no_softphone(qtbot: QtBot, tmp_path: Path, who: str) -> None:
    """The switchboard's missed card up in the running app; its Call back ▸ "Call back for
    `who`"; no softphone places the call ("Call not placed", the number copied)."""
    with app_in_process(tmp_path) as app:
        # Any hour is a business hour: the call is not held by a question about theirs.
        app.settings = replace(app.settings, business_start_hour=0, business_end_hour=24,
                               business_weekends=True)  # fmt: skip
        calls = app.click_to_call
        calls._placer = nothing_can_call(tmp_path)
        key = f"hook:{SWITCHBOARD}"
        popup = app.popups.show(app.lookup.card_for(SWITCHBOARD), key)
        assert popup is not None
        app.popups.keep_missed(key)
        menu = button(popup, "callBack").menu()
        assert menu is not None
        [chosen] = [a for a in menu.actions() if a.text() == f"Call back for {who}"]
        chosen.trigger()
        qtbot.waitUntil(lambda: bool(shown_messages(calls)), timeout=10_000)
        [box] = shown_messages(calls)
        assert box.windowTitle() == "CallerCard — Call not placed"
        box.close()


def test_a_call_back_no_softphone_placed_is_logged_by_hand_for_the_one_chosen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The card asked whom the call back was for and the rep chose Raj; no softphone could
    dial, so nothing was logged, and `log-call` a minute later said "logged talked for Dana
    Whitfield", the one whose missed call was due: the choice was lost. It is Raj's call, and
    the missed call it returns is his."""
    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])

    _called_back_for_with_no_softphone(qtbot, tmp_path, "Raj Patel")

    logged = cc("log-call", SWITCHBOARD, "--outcome", "talked", "--message", "Wants a demo",
                data_dir=data, check=True)  # fmt: skip
    assert logged.stdout.strip() == "logged talked for Raj Patel"
    calls = json.loads(cc("calls", "--json", data_dir=data, check=True).stdout)["calls"]
    assert [(c["direction"], c["outcome"], c["contact"]["name"]) for c in calls] == [
        ("out", "talked", "Raj Patel"), ("in", "missed", "Raj Patel")]
    due = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    assert due["waiting_for_us"] == []


def test_a_choice_older_than_a_calls_note_window_is_not_followed(tmp_path: Path) -> None:
    """A choice made 30 minutes ago is another call's: log-call goes by the missed call due,
    as before, and so does one for a number the rep chose nobody on."""
    from datetime import UTC, datetime, timedelta

    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [raj_id] = [c.id for c in store.search_simple("Raj Patel")]
    finally:
        store.close()
    intents = DialIntents(data / "dial-intents.txt")
    intents.remember(SWITCHBOARD, raj_id, datetime.now(UTC) - timedelta(minutes=30))

    logged = cc("log-call", SWITCHBOARD, "--outcome", "no_answer", data_dir=data, check=True)

    assert logged.stdout.strip() == "logged no_answer for Dana Whitfield"


def test_a_call_placed_after_the_choice_is_the_one_logged(tmp_path: Path) -> None:
    """Raj chosen a minute ago and not placed; then a softphone placed a call for Dana: the
    note logged now is on Dana's call, the newer."""
    from datetime import UTC, datetime, timedelta

    from tests.test_cli_shared_number_calls import _called_back_for

    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [raj_id] = [c.id for c in store.search_simple("Raj Patel")]
    finally:
        store.close()
    DialIntents(data / "dial-intents.txt").remember(
        SWITCHBOARD, raj_id, datetime.now(UTC) - timedelta(minutes=1))
    _called_back_for(data, "Dana Whitfield")

    logged = cc("log-call", SWITCHBOARD, "--outcome", "talked", data_dir=data, check=True)

    assert logged.stdout.strip() == "logged talked for Dana Whitfield"


def test_the_choices_file_keeps_the_newest_per_number_and_skips_damage(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "dial-intents.txt"
    now = datetime.now(UTC).replace(microsecond=0)
    path.write_text(f"garbage\n+14155550199 7 {int(now.timestamp()) - 3600}\n", encoding="ascii")
    intents = DialIntents(path)
    intents.remember(SWITCHBOARD, 21, now - timedelta(minutes=2))
    intents.remember(SWITCHBOARD, 22, now - timedelta(minutes=1))

    assert intents.meant(SWITCHBOARD, now, 20 * 60) == (22, now - timedelta(minutes=1))
    assert intents.meant("+14155550199", now, 20 * 60) is None  # an hour old: dropped
    assert path.read_text(encoding="ascii").splitlines() == [
        f"{SWITCHBOARD} 22 {int(now.timestamp()) - 60}"]
    assert path.stat().st_mode & 0o077 == 0, "callers' numbers: this user's alone"
