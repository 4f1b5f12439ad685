"""Calls a softphone logged while the app was closed are recorded at its next start: once, as
history (no card pops for them), the missed one waiting in Callbacks. Calls already in the
log the first time it is watched stay where they were (the start of the watch is the
baseline). The real app in child processes, a real microsip.ini, linphone.db and twinkle.ch,
Xvfb."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.core.dialects.linphone import CallStatus
from desktop.core.dialects.microsip import CallType
from tests.softphone_writers import LinphoneLikeWriter, render_call
from tests.test_hook_without_app import calls, hook
from tests.test_ring_at_start import OLD, App, write

pytestmark = [pytest.mark.xvfb]

MISSED = "+14155550142"
TALKED = "+14155550177"
LEGACY = "+1206555010"  # a number no demo contact has: calls copied in from an old history


def run_once(tmp: Path, log: Path, display: str, name: str, watch: str) -> App:
    """The app starts, has time to read the log and tell of missed calls, and quits."""
    app = App(tmp, log, display, name, watch=watch)
    try:
        if name == "first":
            time.sleep(1.0)  # the first read, and the position it found, written
        else:  # told after the catch-up has had its time (desktop.qt.missed_while_closed)
            app.wait_for(lambda r: r["stage"] == "missed_while_closed", "the count")
    finally:
        app.terminate()
    return app


def while_closed() -> int:
    """A second (Unix) in the time the app is closed, just after the quit before: the calls
    of the night, squeezed into seconds and over by the time this returns."""
    closed = int(time.time()) + 1
    time.sleep(closed + 3 - time.time())
    return closed


TWINKLE_HEADER = (
    "# time_start|time_answer|time_end|direction|from_display|from_uri|from_organization|"
    "to_display|to_uri|to_organization|reply_to_display|reply_to_uri|referred_by_display|"
    "referred_by_uri|subject|rel_cause|invite_resp_code|invite_resp_reason|far_end_device|"
    "user_profile\n"
)


def twinkle_record(number: str, name: str, start: datetime, *, answered: bool) -> str:
    """One call in twinkle.ch as Twinkle writes it when the call is over."""
    began = int(start.timestamp())
    answer, end = (began + 1, began + 2) if answered else (0, began + 1)
    cause, code, reason = ("remote user", 200, "OK") if answered else (
        "failure", 487, "Request Terminated")  # fmt: skip
    return (f"{began}|{answer}|{end}|in|{name}|sip:{number}@sip.example.com;user=phone|||"
            f"sip:1001@sip.example.com|||||||{cause}|{code}|{reason}||sales\n")  # fmt: skip


def stages(app: App, stage: str) -> list[dict[str, Any]]:
    return [r for r in app.records() if r["stage"] == stage]


def callbacks(data: Path) -> list[str]:
    out = hook(data, "callbacks", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    return [entry["number"] for section in listed.values() if isinstance(section, list)
            for entry in section]  # fmt: skip


def watched_calls(data: Path, source: str) -> list[dict[str, object]]:
    return [c for c in calls(data) if c["source"] == source]


def check_caught_up(tmp: Path, again: App, source: str) -> None:
    data = tmp / "data"
    listed = [(c["number"], c["outcome"], c["source"]) for c in watched_calls(data, source)]
    # The old call of the first start stays out; the two of the night are in, once each.
    assert sorted(listed) == [(MISSED, "missed", source), (TALKED, "talked", source)]
    assert stages(again, "shown") == []  # a restart never pops
    [told] = stages(again, "missed_while_closed")
    assert told["calls"] == 1
    assert any(MISSED in number for number in callbacks(data))


def test_microsip_calls_logged_while_closed_are_recorded_at_the_next_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    run_once(tmp_path, ini, xvfb_display, "first", "microsip")

    # The evening: MicroSIP logs a missed call and an answered one; CallerCard is closed.
    at = while_closed()
    ring_buffer[1] = render_call(MISSED, "Dana", CallType.MISSED, at, 0, "Missed Call")
    ring_buffer[2] = render_call(TALKED, "Mike", CallType.INCOMING, at + 1, 1, "Call Ended")
    write(ini, ring_buffer)
    again = run_once(tmp_path, ini, xvfb_display, "again", "microsip")
    check_caught_up(tmp_path, again, "microsip")

    # Another restart, nothing new: nothing is recorded twice, nothing pops.
    third = run_once(tmp_path, ini, xvfb_display, "third", "microsip")
    assert stages(third, "shown") == [] and stages(third, "recorded") == []
    assert len(watched_calls(tmp_path / "data", "microsip")) == 2


def test_linphone_calls_logged_while_closed_are_recorded_at_the_next_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db)
    try:
        old = writer.ring("sip:+14155550100@sip.example.com", "Old",
                          at=datetime.now(UTC) - timedelta(hours=2))  # fmt: skip
        writer.end(old, CallStatus.MISSED, at=datetime.now(UTC) - timedelta(hours=2))
        run_once(tmp_path, db, xvfb_display, "first", "linphone")

        start = datetime.fromtimestamp(while_closed(), UTC)
        second = timedelta(seconds=1)
        missed = writer.ring(f"sip:{MISSED}@sip.example.com;user=phone", "Dana", at=start)
        writer.end(missed, CallStatus.MISSED, at=start + second)
        talked = writer.ring(f"sip:{TALKED}@sip.example.com", "Mike", at=start)
        writer.answer(talked, at=start)
        writer.end(talked, duration=1, at=start + second)
        again = run_once(tmp_path, db, xvfb_display, "again", "linphone")
        check_caught_up(tmp_path, again, "linphone")

        third = run_once(tmp_path, db, xvfb_display, "third", "linphone")
    finally:
        writer.close()
    assert stages(third, "shown") == [] and stages(third, "recorded") == []
    assert len(watched_calls(tmp_path / "data", "linphone")) == 2


def test_twinkle_calls_logged_while_closed_are_recorded_at_the_next_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    ch = tmp_path / "twinkle.ch"
    old = twinkle_record("+14155550100", "Old", datetime.now(UTC) - timedelta(hours=2),
                         answered=False)  # fmt: skip
    ch.write_text(TWINKLE_HEADER + old, encoding="utf-8")
    run_once(tmp_path, ch, xvfb_display, "first", "twinkle")

    start = datetime.fromtimestamp(while_closed(), UTC)
    with ch.open("a", encoding="utf-8") as log:
        log.write(twinkle_record(MISSED, "Dana", start, answered=False))
        log.write(twinkle_record(TALKED, "Mike", start, answered=True))
    again = run_once(tmp_path, ch, xvfb_display, "again", "twinkle")
    check_caught_up(tmp_path, again, "twinkle")


def test_a_microsip_call_ringing_at_the_quit_and_missed_after_it_is_recorded_once(
    tmp_path: Path, xvfb_display: str
) -> None:
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    # Watched for a while already: the calls below, minutes old, are after the first watch.
    run_once(tmp_path, ini, xvfb_display, "first", "microsip")
    move_first_watch_back(tmp_path / "data", "microsip", 3600)
    app = App(tmp_path, ini, xvfb_display, "running")
    try:
        # A call rings while the app runs; a second, newer one is answered and over, so the
        # ringing one is not the newest when the app quits.
        rang = int(time.time()) - 200
        ring_buffer[1] = render_call(MISSED, "Dana", CallType.INCOMING, rang)
        ring_buffer[2] = render_call(TALKED, "Mike", CallType.INCOMING, rang + 5, 30, "Call Ended")
        write(ini, ring_buffer)
        mike = f"microsip:2:{rang + 5}"
        app.wait_for(lambda r: r["stage"] == "recorded" and r["call_key"] == mike,
                     "Mike's call recorded")
    finally:
        app.terminate()

    # Dana gives up once the app is closed, minutes after the call began.
    ring_buffer[1] = render_call(MISSED, "Dana", CallType.MISSED, rang, 0, "Missed Call")
    write(ini, ring_buffer)
    again = run_once(tmp_path, ini, xvfb_display, "again", "microsip")
    listed = [(c["number"], c["outcome"]) for c in watched_calls(tmp_path / "data", "microsip")]
    assert sorted(listed) == [(MISSED, "missed"), (TALKED, "talked")]
    assert stages(again, "shown") == []
    assert any(MISSED in number for number in callbacks(tmp_path / "data"))
    # Missed while closed, though it rang before the quit: the start says so.
    [told] = stages(again, "missed_while_closed")
    assert told["calls"] == 1


def test_a_microsip_call_over_before_the_first_watch_is_never_recorded_at_a_restart(
    tmp_path: Path, xvfb_display: str
) -> None:
    """A call answered on another device ended seconds before CallerCard first watched the
    log, and the app quit soon after: the first watch took it as the log's past, so the next
    start must not record it (a call before the first start, said 'Talked')."""
    ini = tmp_path / "microsip.ini"
    ended = int(time.time()) - 5
    write(ini, {0: render_call(TALKED, "Mike", CallType.ELSEWHERE, ended - 30, 30, "")})
    run_once(tmp_path, ini, xvfb_display, "first", "microsip")
    again = run_once(tmp_path, ini, xvfb_display, "again", "microsip")
    assert stages(again, "recorded") == []
    assert watched_calls(tmp_path / "data", "microsip") == []


def test_a_linphone_call_over_before_the_first_watch_is_never_recorded_at_a_restart(
    tmp_path: Path, xvfb_display: str
) -> None:
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db)
    try:
        start = datetime.now(UTC) - timedelta(seconds=40)
        talked = writer.ring(f"sip:{TALKED}@sip.example.com", "Mike", at=start)
        writer.answer(talked, at=start)
        writer.end(talked, duration=30, at=start + timedelta(seconds=30))
        run_once(tmp_path, db, xvfb_display, "first", "linphone")
        again = run_once(tmp_path, db, xvfb_display, "again", "linphone")
    finally:
        writer.close()
    assert stages(again, "recorded") == []
    assert watched_calls(tmp_path / "data", "linphone") == []


def move_first_watch_back(data: Path, source: str, seconds: int) -> None:
    """The stored position of the log says it was first watched `seconds` earlier than it
    was: the app has watched it for hours (a test cannot wait them out)."""
    [store] = [f for f in data.rglob("*") if f.is_file()
               and f.read_bytes().startswith(b"SQLite format 3")
               and b"source_cursors" in f.read_bytes()]  # fmt: skip
    with closing(sqlite3.connect(store)) as db, db:
        [(origin, cursor)] = db.execute(
            "SELECT origin, cursor FROM source_cursors WHERE origin LIKE ?", (f"{source}:%",)
        ).fetchall()
        position = json.loads(cursor)
        position["since"] -= seconds
        db.execute("UPDATE source_cursors SET cursor = ? WHERE origin = ?",
                   (json.dumps(position), origin))  # fmt: skip


def test_microsip_calls_long_over_first_seen_while_the_app_runs_are_recorded_as_history(
    tmp_path: Path, xvfb_display: str
) -> None:
    """A microsip.ini restored while the app runs, from a backup made after the log was first
    watched, brings calls that ended hours ago: history the app never had, recorded (no card,
    no wrap-up), not dropped as stale. Calls over before that first watch stay out."""
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    run_once(tmp_path, ini, xvfb_display, "first", "microsip")
    move_first_watch_back(tmp_path / "data", "microsip", 4 * 3600)
    app = App(tmp_path, ini, xvfb_display, "running")
    try:
        hours_ago = int(time.time()) - 3 * 3600
        ring_buffer[1] = render_call(MISSED, "Dana", CallType.MISSED, hours_ago, 0, "Missed Call")
        ring_buffer[2] = render_call(TALKED, "Mike", CallType.INCOMING, hours_ago + 600, 95,
                                     "Call Ended")  # fmt: skip
        # Over before the first watch (five hours ago): the log's past, as OLD is.
        ring_buffer[3] = render_call(f"{LEGACY}0", "Ann", CallType.MISSED, hours_ago - 7200,
                                     0, "Missed Call")  # fmt: skip
        write(ini, ring_buffer)
        mike = f"microsip:2:{hours_ago + 600}"
        app.wait_for(lambda r: r["stage"] == "recorded" and r["call_key"] == mike, "Mike's call")
    finally:
        app.terminate()
    listed = [(c["number"], c["outcome"]) for c in watched_calls(tmp_path / "data", "microsip")]
    assert sorted(listed) == [(MISSED, "missed"), (TALKED, "talked")]  # the old ones stay out
    assert stages(app, "shown") == []
    due = callbacks(tmp_path / "data")
    assert any(MISSED in number for number in due)
    assert not any(LEGACY in number for number in due)


def test_linphone_52_copying_in_its_legacy_history_while_the_app_runs_records_none_of_it(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Linphone 5.2's first start copies the whole legacy call-history.db into a new
    linphone.db: years of calls, over before CallerCard began to watch that path. None is
    recorded and none of its missed calls is due in Callbacks (a flood of them); a call that
    rings after the copy pops and, missed, is due."""
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    app = App(tmp_path, db, xvfb_display, "running", watch="linphone")
    try:
        time.sleep(1.0)  # the watch has begun, and found no file
        writer = LinphoneLikeWriter(db)  # Linphone 5.2's first start creates it
        try:
            now = datetime.now(UTC)
            legacy = [(f"sip:{LEGACY}{i}@sip.example.com;user=phone", "Old",
                       now - timedelta(days=days), CallStatus.MISSED, 0)
                      for i, days in enumerate((1, 30, 200, 364, 800))]  # fmt: skip
            talked = (f"sip:{TALKED}@sip.example.com", "Mike", now - timedelta(hours=5),
                      CallStatus.SUCCESS, 60)  # fmt: skip
            writer.copy_in([*legacy, talked])

            # After the copy, a real call: once it has popped, the copy has been read.
            ringing = writer.ring(f"sip:{MISSED}@sip.example.com;user=phone", "Dana")
            app.wait_for(lambda r: r["stage"] == "shown" and MISSED in r.get("caller_id", ""),
                         "Dana's card")  # fmt: skip
            writer.end(ringing, CallStatus.MISSED)
            app.wait_for(lambda r: r["stage"] == "recorded" and MISSED in r.get("caller_id", ""),
                         "Dana's call recorded")  # fmt: skip
        finally:
            writer.close()
    finally:
        app.terminate()
    listed = [(c["number"], c["outcome"]) for c in watched_calls(tmp_path / "data", "linphone")]
    assert listed == [(MISSED, "missed")]
    assert [MISSED in r["caller_id"] for r in stages(app, "recorded")] == [True]
    due = callbacks(tmp_path / "data")
    assert any(MISSED in number for number in due)
    assert not any(LEGACY in number for number in due)


def test_a_bigger_linphone_db_put_in_place_while_closed_brings_none_of_its_past(
    tmp_path: Path, xvfb_display: str
) -> None:
    """linphone.db replaced while the app was closed by a bigger one (a backup restored,
    another profile's): its rows read as gained since the quit, and the row of the call
    ringing at the quit is someone else's call there. Its calls of before the first watch
    are its past (none due in Callbacks); tonight's missed call is recorded, no card."""
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db)
    try:
        old = datetime.now(UTC) - timedelta(days=2)
        writer.copy_in([(f"sip:+1628555000{i}@sip.example.com", "Old", old, CallStatus.MISSED,
                         0) for i in range(2)])  # fmt: skip
        run_once(tmp_path, db, xvfb_display, "first", "linphone")
        app = App(tmp_path, db, xvfb_display, "running", watch="linphone")
        try:
            writer.ring(f"sip:{TALKED}@sip.example.com", "Mike")  # rings at the quit
            app.wait_for(lambda r: r["stage"] == "shown", "Mike's card")
        finally:
            app.terminate()
    finally:
        writer.close()

    backup = tmp_path / "backup.db"
    other = LinphoneLikeWriter(backup)
    try:
        now = datetime.now(UTC)
        other.copy_in([(f"sip:{LEGACY}{i}@sip.example.com;user=phone", "Old",
                        now - timedelta(days=days), CallStatus.MISSED, 0)
                       for i, days in enumerate((3, 40, 200, 400))])  # fmt: skip
        tonight = other.ring(f"sip:{MISSED}@sip.example.com;user=phone", "Dana",
                             at=now - timedelta(seconds=30))  # fmt: skip
        other.end(tonight, CallStatus.MISSED, at=now - timedelta(seconds=10))
    finally:
        other.close()
    backup.replace(db)

    again = run_once(tmp_path, db, xvfb_display, "again", "linphone")
    listed = [(c["number"], c["outcome"]) for c in watched_calls(tmp_path / "data", "linphone")]
    assert listed == [(MISSED, "missed")]
    assert stages(again, "shown") == []
    due = callbacks(tmp_path / "data")
    assert any(MISSED in number for number in due)
    assert not any(LEGACY in number for number in due)


def test_a_microsip_ini_put_back_with_old_rings_ends_them_as_history_not_as_calls_of_now(
    tmp_path: Path, xvfb_display: str
) -> None:
    """While the app runs, microsip.ini is put back (rewritten in place) holding rings hours
    and days old (a backup made while the phone rang, MicroSIP killed mid-ring); their ends
    come in the next rewrite. No card, no missed card and no wrap-up for them: the one over
    after the first watch is recorded as history, the one of last week not at all."""
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    run_once(tmp_path, ini, xvfb_display, "first", "microsip")
    move_first_watch_back(tmp_path / "data", "microsip", 4 * 3600)
    app = App(tmp_path, ini, xvfb_display, "running")
    try:
        last_week, hours_ago = int(time.time()) - 5 * 86_400, int(time.time()) - 2 * 3600
        ring_buffer[1] = render_call(f"{LEGACY}0", "Ann", CallType.INCOMING, last_week)
        ring_buffer[2] = render_call(TALKED, "Mike", CallType.INCOMING, hours_ago)
        write(ini, ring_buffer)
        time.sleep(1.5)  # read as rings: too old to pop
        ring_buffer[1] = render_call(f"{LEGACY}0", "Ann", CallType.MISSED, last_week, 0,
                                     "Missed Call")  # fmt: skip
        ring_buffer[2] = render_call(TALKED, "Mike", CallType.INCOMING, hours_ago, 95,
                                     "Call Ended")  # fmt: skip
        write(ini, ring_buffer)
        # A ring of now after them: once its card is up, their ends have been read.
        ring_buffer[3] = render_call(MISSED, "Dana", CallType.INCOMING, int(time.time()))
        write(ini, ring_buffer)
        app.wait_for(lambda r: r["stage"] == "shown" and MISSED in r.get("caller_id", ""),
                     "Dana's card")  # fmt: skip
        mike = f"microsip:2:{hours_ago}"
        app.wait_for(lambda r: r["stage"] == "recorded" and r["call_key"] == mike, "Mike's call")
        time.sleep(1.0)  # a wrap-up or a missed card would be up by now
    finally:
        app.terminate()
    assert [MISSED in r["caller_id"] for r in stages(app, "shown")] == [True]
    assert stages(app, "missed_card") == []
    assert stages(app, "wrap_up_shown") == []
    listed = [(c["number"], c["outcome"]) for c in watched_calls(tmp_path / "data", "microsip")]
    assert listed == [(TALKED, "talked")]
    assert not any(LEGACY in number for number in callbacks(tmp_path / "data"))
