"""LinphoneDbSource on real SQLite databases written while it reads, seen through watchdog."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.linphone_db import (
    LinphoneDbError,
    LinphoneDbSource,
    read_calls,
)
from desktop.core.dialects.linphone import CallStatus, LinphoneCall, call_event, format_utc
from desktop.core.events import CallState
from desktop.core.first_read import rings_since
from desktop.core.models import Direction
from tests.adapters.recorder import EventRecorder
from tests.conftest import python_env
from tests.softphone_writers import LinphoneLikeWriter

TIMEOUT_S = 5.0
JANE = "sip:+14155550123@sip.example.com;user=phone"
ZOE = "sip:+442079460321@trunk.example.net;transport=tcp;user=phone"


class Recorder(EventRecorder):
    def seen(self) -> list[tuple[str, str, str]]:
        return [(e.number, e.direction.value, e.state.value) for e in self.events]


Start = Callable[[Path], tuple[LinphoneDbSource, Recorder]]


@pytest.fixture
def start() -> Iterator[Start]:
    sources: list[LinphoneDbSource] = []

    def start(path: Path) -> tuple[LinphoneDbSource, Recorder]:
        recorder = Recorder()
        source = LinphoneDbSource(path, recorder.on_event, recorder.on_problem)
        sources.append(source)
        source.start()
        return source, recorder

    yield start
    for source in sources:
        source.stop()


@pytest.fixture(params=["wal", "delete"])
def writer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LinphoneLikeWriter]:
    """A database written as liblinphone writes it, in WAL and in rollback-journal mode."""
    folder = tmp_path / "linphone"
    folder.mkdir()
    writer = LinphoneLikeWriter(folder / "linphone.db", journal_mode=request.param)
    old = datetime.now(UTC) - timedelta(days=2)
    for minutes in range(3):
        row = writer.ring(f"sip:+1415555010{minutes}@sip.example.com", "Old", at=old)
        writer.end(row, CallStatus.MISSED, at=old)
    yield writer
    writer.close()


def add_history(writer: LinphoneLikeWriter, count: int) -> None:
    """``count`` ended calls from last month, in one transaction."""
    old = format_utc(datetime.now(UTC) - timedelta(days=30))
    con = writer.connection
    con.execute("BEGIN")
    first = con.execute("SELECT COALESCE(MAX(id), 0) FROM sip_address").fetchone()[0] + 1
    con.executemany(
        "INSERT INTO sip_address (id, value, display_name) VALUES (?, ?, ?)",
        [(first + i, f"sip:+1415{i:07d}@sip.example.com", f"C{i}") for i in range(count)],
    )
    call = con.execute("SELECT COALESCE(MAX(id), 0) FROM conference_call").fetchone()[0] + 1
    event = con.execute("SELECT COALESCE(MAX(id), 0) FROM event").fetchone()[0] + 1
    con.executemany(
        "INSERT INTO conference_call VALUES (?, ?, 1, 1, 60, ?, ?, 0, 0, 4.0, ?, '', NULL)",
        [(call + i, first + i, old, old, f"h{i}") for i in range(count)],
    )
    con.executemany(
        "INSERT INTO event VALUES (?, ?, ?)",
        [(event + 2 * i + k, (3, 4)[k], old) for i in range(count) for k in (0, 1)],
    )
    con.executemany(
        "INSERT INTO conference_call_event VALUES (?, ?)",
        [(event + 2 * i + k, call + i) for i in range(count) for k in (0, 1)],
    )
    con.execute("COMMIT")


def sentinel(writer: LinphoneLikeWriter, recorder: Recorder, seen: int) -> None:
    """A last, unrelated ring: once it has popped, every earlier write has been read, and a
    duplicate or spurious event would already be in the recorder."""
    writer.ring("sip:+14155550100@sip.example.com", "Sentinel")
    events = recorder.wait_events(seen + 1)
    assert events[-1].name == "Sentinel"
    assert len(events) == seen + 1


# --- the shared sample ------------------------------------------------------------------------


def test_the_shared_sample_reads_as_liblinphone_wrote_it(samples: Path) -> None:
    path = samples / "softphones" / "linphone.db"
    calls = read_calls(path)
    assert all(isinstance(c, LinphoneCall) for c in calls)
    events = [call_event(c, file=str(path)) for c in calls if isinstance(c, LinphoneCall)]
    assert [(e.number, e.name, e.direction, e.state, e.time.isoformat()) for e in events] == [
        (JANE, "Jane Doe", Direction.IN, CallState.ENDED, "2026-03-10T14:02:11+00:00"),
        (ZOE, "Zoë Ångström", Direction.IN, CallState.MISSED, "2026-03-10T14:10:02+00:00"),
        (
            "sip:5550147@sip.example.com",
            "",
            Direction.OUT,
            CallState.ENDED,
            "2026-03-10T15:20:45+00:00",
        ),
        (
            "sip:anonymous@anonymous.invalid",
            "Anonymous",
            Direction.IN,
            CallState.MISSED,
            "2026-03-11T09:03:27+00:00",
        ),
        # Row 5 was inserted at the INVITE and the phone is still ringing.
        (
            "sip:+33199001234@sip.example.com",
            "Élodie Martin",
            Direction.IN,
            CallState.RINGING,
            "2026-03-11T09:41:05+00:00",
        ),
    ]
    assert events[4].where == f"{path} conference_call id 5"


def test_reading_never_writes_to_linphones_files(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "linphone.db"
    shutil.copy(samples / "softphones" / "linphone.db", path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    source = LinphoneDbSource(path, lambda _e: None, lambda _p: None)
    source.start()
    source.poll_now()
    source.stop()
    read_calls(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linphone.db"]


# --- rings, live --------------------------------------------------------------------------


def test_a_ring_pops_once_then_follows_the_call_to_its_end(
    writer: LinphoneLikeWriter, start: Start
) -> None:
    _source, recorder = start(writer.path)
    row = writer.ring(JANE, "Jane Doe")
    (ringing,) = recorder.wait_events(1)
    assert (ringing.number, ringing.name) == (JANE, "Jane Doe")
    assert (ringing.direction, ringing.state) == (Direction.IN, CallState.RINGING)
    assert ringing.where == f"{writer.path} conference_call id {row}"
    writer.answer(row)
    recorder.wait_events(2)
    writer.end(row, duration=42)
    events = recorder.wait_events(3)
    assert [e.state for e in events] == [CallState.RINGING, CallState.ANSWERED, CallState.ENDED]
    assert {e.call_key for e in events} == {ringing.call_key}
    sentinel(writer, recorder, 3)
    assert recorder.problems == []


def test_a_missed_call_pops_ringing_then_missed(writer: LinphoneLikeWriter, start: Start) -> None:
    _source, recorder = start(writer.path)
    row = writer.ring(ZOE, "Zoë Ångström")
    recorder.wait_events(1)
    writer.end(row, CallStatus.MISSED)
    assert [e.state for e in recorder.wait_events(2)] == [CallState.RINGING, CallState.MISSED]
    sentinel(writer, recorder, 2)


def test_an_outgoing_call_is_reported_as_such(writer: LinphoneLikeWriter, start: Start) -> None:
    _source, recorder = start(writer.path)
    writer.ring("sip:5550147@sip.example.com", None, direction=Direction.OUT)
    (event,) = recorder.wait_events(1)
    assert (event.number, event.name, event.direction) == (
        "sip:5550147@sip.example.com",
        "",
        Direction.OUT,
    )


def test_a_restart_pops_nothing_old_and_the_next_ring_once(
    writer: LinphoneLikeWriter, start: Start
) -> None:
    writer.ring(JANE, "Still ringing at start")
    _source, recorder = start(writer.path)
    time.sleep(0.2)
    assert recorder.events == []
    sentinel(writer, recorder, 0)


def test_rings_from_another_process_in_quick_succession_pop_once_each_in_order(
    writer: LinphoneLikeWriter, start: Start
) -> None:
    _source, recorder = start(writer.path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.softphone_writers import LinphoneLikeWriter\n"
        "w = LinphoneLikeWriter(Path(sys.argv[1]), journal_mode=sys.argv[2])\n"
        "for i in range(40):\n"
        "    w.ring(f'sip:+1628555{i:04d}@sip.example.com', f'Caller {i}')\n"
        "w.close()\n"
    )
    mode = writer.connection.execute("PRAGMA journal_mode").fetchone()[0]
    subprocess.run(
        [sys.executable, "-c", script, str(writer.path), mode],
        check=True, env=python_env(), timeout=60,
    )  # fmt: skip
    events = recorder.wait_events(40)
    assert [e.name for e in events] == [f"Caller {i}" for i in range(40)]
    assert all(e.state is CallState.RINGING for e in events)
    sentinel(writer, recorder, 40)


def test_a_locked_database_is_not_an_error_and_the_ring_pops_when_it_commits(
    tmp_path: Path,
) -> None:
    writer = LinphoneLikeWriter(tmp_path / "linphone.db", journal_mode="delete")
    recorder = Recorder()
    # Not started: no watcher, so only the source's own retry can bring the ring in.
    source = LinphoneDbSource(
        writer.path, recorder.on_event, recorder.on_problem, retry_after_s=0.05
    )
    source.poll_now()
    blocker = sqlite3.connect(writer.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # what Linphone holds while it commits
    blocker.execute(
        "INSERT INTO sip_address (value, display_name) VALUES ('sip:1@x', 'lock holder')"
    )
    writer.connection.execute("PRAGMA busy_timeout = 0")
    started = time.monotonic()
    assert source.poll_now() == []
    assert time.monotonic() - started < 1.0, "a locked database must not hold up the watcher"
    blocker.execute("COMMIT")
    blocker.close()
    writer.connection.execute("PRAGMA busy_timeout = 5000")
    writer.ring(JANE, "Jane Doe")
    (event,) = recorder.wait_events(1)
    assert event.state is CallState.RINGING
    assert recorder.problems == []
    source.stop()
    writer.close()


def test_a_read_that_hits_the_lock_is_retried_without_another_change(tmp_path: Path) -> None:
    writer = LinphoneLikeWriter(tmp_path / "linphone.db", journal_mode="delete")
    recorder = Recorder()
    source = LinphoneDbSource(
        writer.path, recorder.on_event, recorder.on_problem, retry_after_s=0.05
    )
    source.poll_now()
    # A change the source has not read yet, and no watcher: nothing but the retry reads it.
    # (Written after the lock, the retry could come first under load and read nothing.)
    writer.ring(JANE, "Jane Doe")
    blocker = sqlite3.connect(writer.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    source.poll_now()  # locked: the source arms its retry
    blocker.execute("ROLLBACK")
    blocker.close()
    (event,) = recorder.wait_events(1)
    assert event.name == "Jane Doe"
    assert recorder.problems == []
    source.stop()
    writer.close()


# --- files that are not what they should be ------------------------------------------------


def test_a_corrupt_file_is_reported_with_its_name_and_a_good_one_later_pops(
    tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "linphone.db"
    path.write_bytes(b"this is not a database\n" * 500)
    _source, recorder = start(path)
    (problem,) = recorder.wait_problems(1)
    assert problem.startswith(f"{path}: not an SQLite database")
    path.unlink()
    writer = LinphoneLikeWriter(path)
    writer.ring(JANE, "Jane Doe")
    (event,) = recorder.wait_events(1)
    assert event.name == "Jane Doe"
    assert len(recorder.problems) == 1
    writer.close()


def test_a_damaged_database_is_reported_and_never_raises(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "linphone.db"
    writer = LinphoneLikeWriter(path)
    for i in range(200):
        writer.ring(f"sip:+1628555{i:04d}@sip.example.com", "x" * 200)
    writer.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xa5" * 4096  # a page of garbage in the middle
    path.write_bytes(bytes(data))
    _source, recorder = start(path)
    problems = recorder.wait_problems(1)
    assert problems[0].startswith(f"{path}: ")
    with pytest.raises(LinphoneDbError):
        read_calls(path)


@pytest.mark.parametrize("damage", ["garbage after the header", "a page of garbage"])
def test_a_database_damaged_at_start_is_named_and_calls_in_it_once_repaired_are_not_lost(
    tmp_path: Path, damage: str
) -> None:
    """Damaged when the app starts (an SQLite header over garbage, or a page overwritten),
    then repaired (a good copy moved over it, so it is never missing): a call that lands and
    ends before the first read of the repaired file is logged, one still ringing pops, an
    older one in the copy stays history. Read as late as a starved watcher reads (poll_now
    with a watcher that never runs)."""
    path = tmp_path / "linphone.db"
    if damage == "garbage after the header":
        path.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    else:
        writer = LinphoneLikeWriter(path)
        for i in range(200):
            writer.ring(f"sip:+1628555{i:04d}@sip.example.com", "x" * 200)
        writer.close()
        data = bytearray(path.read_bytes())
        data[4096:8192] = b"\xa5" * 4096
        path.write_bytes(bytes(data))
    recorder = Recorder()
    since = rings_since(time.time())  # as the app starts its sources
    source = LinphoneDbSource(path, recorder.on_event, recorder.on_problem,
                              watcher=FileWatcher(), ringing_since=since)  # fmt: skip
    source.start()
    try:
        (problem,) = recorder.problems
        assert problem.startswith(f"{path}: the database is damaged ("), problem
        assert problem.endswith("; Linphone itself may fail to read it"), problem

        fresh = tmp_path / "repaired.db"
        copy = LinphoneLikeWriter(fresh)
        earlier = datetime.now(UTC) - timedelta(minutes=5)
        copy.end(copy.ring(ZOE, "Before the app", at=earlier), CallStatus.MISSED, at=earlier)
        copy.close()
        fresh.replace(path)
        writer = LinphoneLikeWriter(path)
        writer.end(writer.ring(JANE, "Jane Doe"), CallStatus.MISSED)  # over before it was read
        writer.ring("sip:+14155550124@sip.example.com", "Still ringing")
        source.poll_now()
        writer.close()
        assert recorder.seen() == [
            (JANE, "in", "missed"),
            ("sip:+14155550124@sip.example.com", "in", "ringing"),
        ]
        assert len(recorder.problems) == 1
    finally:
        source.stop()


def test_an_older_linphone_database_says_why_nothing_pops_then_pops_after_upgrade(
    tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "linphone.db"
    older = sqlite3.connect(path)
    older.execute("CREATE TABLE friend (id INTEGER PRIMARY KEY, sip_address_id INTEGER)")
    older.commit()
    older.close()
    _source, recorder = start(path)
    (problem,) = recorder.wait_problems(1)
    assert "Linphone 5.2" in problem and str(path) in problem
    writer = LinphoneLikeWriter(path)  # the upgrade creates the call tables
    writer.ring(JANE, "Jane Doe")
    assert recorder.wait_events(1)[0].name == "Jane Doe"
    writer.close()


def test_a_database_that_does_not_exist_yet_pops_when_it_appears(
    tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "linphone" / "linphone.db"
    _source, recorder = start(path)
    path.parent.mkdir()
    writer = LinphoneLikeWriter(path, journal_mode="wal")
    writer.ring(JANE, "Jane Doe")
    assert recorder.wait_events(1)[0].name == "Jane Doe"
    writer.close()


def test_a_deleted_newest_call_whose_id_is_reused_still_pops(
    writer: LinphoneLikeWriter, start: Start
) -> None:
    _source, recorder = start(writer.path)
    row = writer.ring(JANE, "Jane Doe")
    recorder.wait_events(1)
    writer.end(row, CallStatus.MISSED)
    recorder.wait_events(2)
    writer.connection.execute("DELETE FROM conference_call WHERE id = ?", (row,))
    again = writer.ring(ZOE, "Zoë Ångström", at=datetime.now(UTC) + timedelta(seconds=1))
    assert again == row  # SQLite hands the id out again
    events = recorder.wait_events(3)
    assert (events[-1].name, events[-1].state) == ("Zoë Ångström", CallState.RINGING)


def test_nothing_is_reported_after_stop(writer: LinphoneLikeWriter) -> None:
    recorder = Recorder()
    source = LinphoneDbSource(writer.path, recorder.on_event, recorder.on_problem)
    source.start()
    source.stop()
    writer.ring(JANE, "Jane Doe")
    time.sleep(0.2)
    assert source.poll_now() == []
    assert recorder.events == []


def test_read_cost_of_one_ring_is_measured(tmp_path: Path) -> None:
    """What poll_now costs for one ring on a 10,000-call history, in the watcher's thread.
    Printed, not asserted: the machine is shared."""
    writer = LinphoneLikeWriter(tmp_path / "linphone.db", journal_mode="wal")
    add_history(writer, 10_000)
    source = LinphoneDbSource(writer.path, lambda _e: None, lambda _p: None)
    source.poll_now()
    costs_us = []
    for i in range(30):
        writer.ring(f"sip:+1628555{i:04d}@sip.example.com", "Ring")
        time.sleep(0.01)
        began = time.perf_counter_ns()
        events = source.poll_now()
        costs_us.append((time.perf_counter_ns() - began) / 1000)
        assert len(events) == 1
    costs_us.sort()
    print(
        f"\nLinphoneDbSource.poll_now for one ring (WAL): median "
        f"{statistics.median(costs_us):.0f} us, p90 {costs_us[27]:.0f} us, "
        f"max {costs_us[-1]:.0f} us"
    )
    source.stop()
    writer.close()


def test_a_position_taken_at_stop_catches_up_on_the_calls_logged_while_stopped(
    writer: LinphoneLikeWriter,
) -> None:
    from desktop.core.dialects.end_of_call import HistoryEvent

    recorder = Recorder()
    source = LinphoneDbSource(writer.path, recorder.on_event, recorder.on_problem)
    source.start()
    try:
        # A call followed live: still being talked on when the app quits.
        talked = writer.ring(JANE, "Jane")
        writer.answer(talked)
        recorder.wait_until(lambda: (JANE, "in", "answered") in recorder.seen(), "the answer")
    finally:
        source.stop()
    cursor = source.cursor  # what the app saves at quit, after stop()
    assert cursor

    writer.end(talked, duration=42)  # hung up while the app was closed
    missed = writer.ring(ZOE, "Zoë")
    writer.end(missed, CallStatus.MISSED)

    again = Recorder()
    restarted = LinphoneDbSource(writer.path, again.on_event, again.on_problem)
    restarted.resume_from(cursor)
    restarted.start()
    try:
        events = again.wait_events(2)
    finally:
        restarted.stop()
    assert [(e.number, e.state.value) for e in events] == [(JANE, "ended"), (ZOE, "missed")]
    assert all(isinstance(e, HistoryEvent) and e.catch_up for e in events)  # never a card
    assert [getattr(e, "answered", None) for e in events] == [True, False]


def test_a_bigger_database_put_in_place_while_stopped_brings_none_of_its_past(
    writer: LinphoneLikeWriter, tmp_path: Path
) -> None:
    """While the app was closed, linphone.db was replaced by a bigger one (a backup restored,
    another profile's copied in): more rows and events than the stored position, so its rows
    read as gained since, and the row id of the call ringing at the quit is someone else's
    call there. Its calls over before the log was first watched are its past: not one is
    caught up (a year of missed calls due in Callbacks); a call over after it still is."""
    from desktop.core.dialects.end_of_call import HistoryEvent

    recorder = Recorder()
    source = LinphoneDbSource(writer.path, recorder.on_event, recorder.on_problem)
    source.start()
    try:
        ringing = writer.ring(JANE, "Jane")  # still ringing at the quit: an open call
        recorder.wait_until(lambda: (JANE, "in", "ringing") in recorder.seen(), "the ring")
    finally:
        source.stop()
    cursor = source.cursor
    assert ringing == 4
    writer.close()  # Linphone is closed for the restore: its WAL is checked in and removed

    backup = tmp_path / "backup.db"
    other = LinphoneLikeWriter(backup)
    try:
        now = datetime.now(UTC)
        other.copy_in([(f"sip:+1206555{i:04d}@sip.example.com", "Old",
                        now - timedelta(days=3 + i), CallStatus.MISSED, 0)
                       for i in range(12)])  # fmt: skip
        missed = other.ring(ZOE, "Zoë", at=now - timedelta(seconds=20))
        other.end(missed, CallStatus.MISSED, at=now - timedelta(seconds=5))
    finally:
        other.close()
    os.replace(backup, writer.path)

    again = Recorder()
    restarted = LinphoneDbSource(writer.path, again.on_event, again.on_problem)
    restarted.resume_from(cursor)
    restarted.start()
    try:
        again.wait_until(lambda: (ZOE, "in", "missed") in again.seen(), "Zoë's call")
        time.sleep(0.5)  # nothing more comes
    finally:
        restarted.stop()
    assert again.seen() == [(ZOE, "in", "missed")]
    assert all(isinstance(e, HistoryEvent) and e.catch_up for e in again.events)
