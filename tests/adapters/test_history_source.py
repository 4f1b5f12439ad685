"""HistorySource on real files changed the ways softphones and log rotation change them, seen
through watchdog: every call once, none misread, none missed across a restart."""

from __future__ import annotations

import json
import os
import plistlib
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.atomic_file import write_atomic
from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource, sniff_dialect
from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.dialects.twinkle import HEADER
from desktop.core.events import CallEvent
from tests.adapters.recorder import EventRecorder
from tests.conftest import PYTHON, REPO, python_env

TIMEOUT_S = 5.0
QUIET_S = 0.4  # how long "nothing else is reported" is watched for


class Recorder(EventRecorder):
    def on_event(self, event: CallEvent) -> None:
        assert isinstance(event, HistoryEvent)
        super().on_event(event)

    def wait_events(self, count: int, timeout: float = TIMEOUT_S) -> list[HistoryEvent]:
        super().wait_events(count, timeout)
        time.sleep(QUIET_S)  # and no more than that
        with self._condition:
            assert len(self.events) == count, [e.where for e in self.events]
            return [e for e in self.events if isinstance(e, HistoryEvent)]

    def wait_problem(self, text: str) -> str:
        def found() -> str | None:
            return next((p for p in self.problems if text in p), None)

        self.wait_until(lambda: found() is not None, f"problem mentioning {text!r}")
        result = found()
        assert result is not None
        return result


Start = Callable[..., tuple[HistorySource, Recorder]]


@pytest.fixture
def start() -> Iterator[Start]:
    sources: list[HistorySource] = []

    def start(
        path: Path, kind: str, cursor: str | None = None, **options: float
    ) -> tuple[HistorySource, Recorder]:
        recorder = Recorder()
        source = HistorySource(
            path, HISTORY_DIALECTS[kind], recorder.on_event, recorder.on_problem,
            settle_s=options.pop("settle_s", 0.3), **options,  # type: ignore[arg-type]
        )  # fmt: skip
        source.resume_from(cursor)
        sources.append(source)
        source.start()
        return source, recorder

    yield start
    for source in sources:
        source.stop()


def recent(minutes_ago: float = 1.0) -> int:
    return int(time.time() - minutes_ago * 60)


def gmt(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def asterisk(n: int, number: str, name: str, start: int, *, answered: bool = True,
             outbound: bool = False, lastdata: str = "PJSIP/1001") -> bytes:  # fmt: skip
    """One Master.csv line as cdr_csv writes it (loguniqueid, loguserfield, usegmtime)."""
    src, dst, context = ("1001", number, "from-internal") if outbound else (
        number, "1001", "from-did-direct")  # fmt: skip
    clid = '""{}"" <{}>'.format(name.replace('"', '""'), src)
    answer = f'"{gmt(start + 5)}"' if answered else ""
    status = "ANSWERED" if answered else "NO ANSWER"
    return (
        f'"","{src}","{dst}","{context}","{clid}","PJSIP/t-{n:08x}","PJSIP/1001-{n:08x}",'
        f'"Dial","{lastdata}",'
        f'"{gmt(start)}",{answer},"{gmt(start + 60)}",60,{55 if answered else 0},'
        f'"{status}","DOCUMENTATION","{start}.{n}",""\n'
    ).encode()


def twinkle_record(start: int, name: str, number: str, *, way: str = "in",
                   answered: bool = True) -> str:  # fmt: skip
    uri = f"sip:{number}@sip.example.com"
    me = "sip:1001@sip.example.com"
    answer = start + 4 if answered else 0
    cause = "remote user" if answered else "failure"
    code = "200|OK" if answered else "487|Request Terminated"
    if way == "in":
        return f"{start}|{answer}|{start + 60}|in|{name}|{uri}|||{me}|||||||{cause}|{code}||sales\n"
    return f"{start}|{answer}|{start + 60}|out|Me|{me}||{name}|{uri}|||||||{cause}|{code}||sales\n"


def twinkle_text(records: list[str]) -> str:
    return HEADER + "\n" + "".join(records)


def rewrite_like_twinkle(path: Path, text: str) -> None:
    """save(): truncate, then write the records in several writes; a reader can see any prefix."""
    data = text.encode()
    with path.open("wb") as handle:
        for cut in range(0, len(data), 97):
            handle.write(data[cut : cut + 97])
            handle.flush()


# --- append-only logs ---------------------------------------------------------------------------


def test_a_log_watched_for_the_first_time_reports_only_what_comes_after(
    tmp_path: Path, start: Start
) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(asterisk(1, "+14155550123", "Jane Doe", recent(30)))
    source, recorder = start(log, "asterisk")
    assert source.cursor  # the baseline, for the app to store

    with log.open("ab") as handle:
        handle.write(asterisk(2, "+442079460321", "Zoë Ångström", recent(), answered=False))

    [event] = recorder.wait_events(1)
    assert (event.number, event.name, event.state.value) == ("+442079460321", "Zoë Ångström",
                                                              "missed")  # fmt: skip
    assert event.where == f"{log} line 2"
    assert event.catch_up is False
    assert event.origin == source.origin and event.cursor == source.cursor


def test_a_half_written_line_is_waited_for_not_misread(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(b"")
    _source, recorder = start(log, "asterisk", settle_s=5.0)
    line = asterisk(1, "+33199001234", "Élodie Martin", recent())
    cut = line.index("Élodie".encode()) + 3  # inside the É... of the name, mid-character

    with log.open("ab") as handle:
        handle.write(line[:cut])
        handle.flush()
        time.sleep(0.3)  # long enough for the watcher to read the half
        handle.write(line[cut:])

    [event] = recorder.wait_events(1)
    assert event.name == "Élodie Martin"
    assert recorder.problems == []


def test_a_line_left_half_written_is_reported_with_its_place(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(asterisk(1, "+14155550123", "Jane Doe", recent(30)))
    _source, recorder = start(log, "asterisk", settle_s=0.2)

    with log.open("ab") as handle:
        handle.write(asterisk(2, "+14155550124", "Cut Off", recent())[:70])

    problem = recorder.wait_problem("no line end")
    assert problem.startswith(f"{log} line 2: ")
    assert recorder.events == []


def test_rotation_reads_the_old_files_rest_then_the_new_file(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(asterisk(1, "+14155550101", "Old", recent(30)))
    source, _recorder = start(log, "asterisk")
    source.stop()  # the rest of this test polls by hand, to pin the order of events
    # A call lands and logrotate moves the file away before anyone reads it.
    with log.open("ab") as handle:
        handle.write(asterisk(2, "+14155550102", "Before rotation", recent(2)))
    log.rename(tmp_path / "Master.csv.1")
    log.write_bytes(asterisk(3, "+14155550103", "After rotation", recent(1)))

    manual = Recorder()
    again = HistorySource(log, HISTORY_DIALECTS["asterisk"], manual.on_event, manual.on_problem)
    again.resume_from(source.cursor)
    again.poll_now()
    again.poll_now()

    assert [e.name for e in manual.events] == ["Before rotation", "After rotation"]
    assert [e.where for e in manual.events] == [
        f"{tmp_path / 'Master.csv.1'} line 2",
        f"{log} line 1",
    ]


def test_rotation_seen_live_reports_each_call_once(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(asterisk(1, "+14155550101", "Old", recent(30)))
    _source, recorder = start(log, "asterisk")

    log.rename(tmp_path / "Master.csv.1")
    log.write_bytes(asterisk(2, "+14155550102", "First after rotation", recent()))
    recorder.wait_events(1)
    with log.open("ab") as handle:
        handle.write(asterisk(3, "+14155550103", "Second", recent()))

    events = recorder.wait_events(2)
    assert [e.name for e in events] == ["First after rotation", "Second"]


def test_truncation_starts_over_without_repeating_old_calls(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    old = b"".join(asterisk(n, f"+1415555010{n}", f"Old {n}", recent(40 - n)) for n in range(5))
    log.write_bytes(old)
    _source, recorder = start(log, "asterisk")

    with log.open("r+b") as handle:  # copytruncate
        handle.truncate(0)
    with log.open("ab") as handle:
        handle.write(asterisk(9, "+14155550109", "New", recent()))

    [event] = recorder.wait_events(1)
    assert (event.name, event.where) == ("New", f"{log} line 1")


def test_an_atomic_rewrite_is_diffed_not_read_as_new(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    lines = [asterisk(n, f"+1415555010{n}", f"Old {n}", recent(40 - n)) for n in range(5)]
    log.write_bytes(b"".join(lines))
    _source, recorder = start(log, "asterisk")

    new = asterisk(7, "+14155550107", "Only this one", recent())
    write_atomic(log, b"".join([*lines, new]))

    [event] = recorder.wait_events(1)
    assert event.name == "Only this one"
    assert event.catch_up is False


def test_restart_catches_up_as_history_and_never_repeats(tmp_path: Path, start: Start) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(asterisk(1, "+14155550101", "Before", recent(30)))
    first, _ = start(log, "asterisk")
    cursor = first.cursor
    first.stop()
    # While the app is down: a missed call and an outbound one.
    with log.open("ab") as handle:
        handle.write(asterisk(2, "+14155550102", "Missed meanwhile", recent(3), answered=False))
        handle.write(asterisk(3, "+14155550103", "Called meanwhile", recent(2), outbound=True))

    second, recorder = start(log, "asterisk", cursor)

    # Reported during start(), before it returned, and as history.
    assert [(e.name, e.catch_up) for e in recorder.events] == [
        ("Missed meanwhile", True),
        ("", True),
    ]
    assert recorder.events[1].number == "+14155550103"
    with log.open("ab") as handle:
        handle.write(asterisk(4, "+14155550104", "Live", recent()))
    events = recorder.wait_events(3)
    assert (events[2].name, events[2].catch_up) == ("Live", False)

    cursor = events[-1].cursor
    second.stop()
    _third, quiet = start(log, "asterisk", cursor)
    time.sleep(QUIET_S)
    assert quiet.events == []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc")
def test_a_100_mb_log_is_streamed_not_loaded(tmp_path: Path) -> None:
    """In a child process, whose peak memory is its own: catching up on 100 MB of calls."""
    log = tmp_path / "Master.csv"
    log.write_bytes(b"")
    recorder = Recorder()
    source = HistorySource(log, HISTORY_DIALECTS["asterisk"], recorder.on_event,
                           recorder.on_problem)  # fmt: skip
    source.poll_now()
    cursor = source.cursor
    # Dial strings with long option lists make ~1 KB lines: 100 MB is then 100k calls, enough
    # to show the memory ceiling without spending half a minute parsing.
    dial = "PJSIP/1001&PJSIP/1002," + "HhtrIb(func-apply-sipheaders^s^1)," * 24
    block = b"".join(
        asterisk(n, f"+1415555{n % 10000:04d}", f"Caller {n}", recent(600), lastdata=dial)
        for n in range(1000)
    )
    with log.open("wb") as handle:
        for _ in range(100 * 1024 * 1024 // len(block) + 1):
            handle.write(block)
    size = log.stat().st_size
    expected = size // len(block) * 1000
    script = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource\n"
        "count = [0]\n"
        "def on_event(e): count[0] += 1\n"
        "s = HistorySource(Path(sys.argv[1]), HISTORY_DIALECTS['asterisk'], on_event, print)\n"
        "s.resume_from(sys.argv[2])\n"
        "t = time.perf_counter()\n"
        "s.poll_now()\n"
        # VmHWM is this program's own peak; ru_maxrss would include the parent's from fork.
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(json.dumps({'events': count[0], 'seconds': time.perf_counter() - t,\n"
        "    'max_rss_mb': int(peak.split()[1]) / 1024}))\n"
    )
    result = subprocess.run(
        [PYTHON, "-c", script, str(log), cursor],
        env=python_env(), cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert size > 100 * 1024 * 1024
    assert report["events"] == expected
    assert report["max_rss_mb"] < 60, report  # the file alone is 100 MB
    print(f"100 MB catch-up: {report}")


def test_an_overlong_line_is_skipped_and_the_next_call_still_read(
    tmp_path: Path, start: Start
) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(b"")
    _source, recorder = start(log, "asterisk")

    with log.open("ab") as handle:
        handle.write(b"x" * 200_000 + b"\n" + asterisk(1, "+14155550101", "After junk", recent()))

    [event] = recorder.wait_events(1)
    assert event.name == "After junk" and event.where == f"{log} line 2"
    assert recorder.wait_problem("longer than 64 KiB").startswith(f"{log} line 1: ")


def test_a_file_in_another_format_is_named_and_its_lines_reported_sparingly(
    tmp_path: Path, start: Start
) -> None:
    log = tmp_path / "Master.csv"
    log.write_bytes(b"")
    _source, recorder = start(log, "asterisk")

    log.write_bytes(b"".join(b"id;name;phone %d\n" % n for n in range(50)))

    assert "does not look like Asterisk CDR" in recorder.wait_problem("does not look like")
    recorder.wait_problem("more unreadable records")
    time.sleep(QUIET_S)
    assert len(recorder.problems) <= 6
    assert recorder.events == []


# --- whole-file rewrites ------------------------------------------------------------------------


def test_twinkle_rewrite_reports_the_new_call_once_even_when_caught_half_way(
    tmp_path: Path, start: Start
) -> None:
    history = tmp_path / "twinkle.ch"
    records = [twinkle_record(recent(60 - n), f"Old {n}", f"+1415555010{n}") for n in range(5)]
    history.write_text(twinkle_text(records))
    _source, recorder = start(history, "twinkle")

    new = twinkle_record(recent(), "Smith \\| Sons", "+14155550199", answered=False)
    rewrite_like_twinkle(history, twinkle_text([*records, new]))

    [event] = recorder.wait_events(1)
    assert (event.name, event.state.value) == ("Smith | Sons", "missed")
    assert event.where == f"{history} line 7"


def test_twinkle_outbound_call_arrives_as_an_ended_outbound_event(
    tmp_path: Path, start: Start
) -> None:
    history = tmp_path / "twinkle.ch"
    history.write_text(twinkle_text([]))
    _source, recorder = start(history, "twinkle")

    rewrite_like_twinkle(
        history, twinkle_text([twinkle_record(recent(), "Jane", "+14155550123", way="out")])
    )

    [event] = recorder.wait_events(1)
    assert (event.direction.value, event.state.value, event.answered) == ("out", "ended", True)


def test_twinkle_atomic_replace_and_restart(tmp_path: Path, start: Start) -> None:
    history = tmp_path / "twinkle.ch"
    records = [twinkle_record(recent(60), "Old", "+14155550101")]
    history.write_text(twinkle_text(records))
    first, _ = start(history, "twinkle")
    cursor = first.cursor
    first.stop()
    records.append(twinkle_record(recent(5), "While away", "+14155550102", answered=False))
    write_atomic(history, twinkle_text(records).encode())

    _second, recorder = start(history, "twinkle", cursor)
    assert [(e.name, e.catch_up) for e in recorder.events] == [("While away", True)]
    records.append(twinkle_record(recent(), "Live", "+14155550103"))
    write_atomic(history, twinkle_text(records).encode())
    events = recorder.wait_events(2)
    assert (events[1].name, events[1].catch_up) == ("Live", False)


def test_an_xml_bomb_in_the_jitsi_folder_is_refused_and_the_source_carries_on(
    tmp_path: Path, start: Start
) -> None:
    folder = tmp_path / "history_ver1.0" / "callhistory" / "default" / "default"
    folder.mkdir(parents=True)
    current = folder / "1773151660514.xml"
    current.write_bytes(b"<history></history>")
    _source, recorder = start(folder, "jitsi")
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE history [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY a%d "' % i + b"&a%s;" % (b"" if i == 0 else b"%d" % (i - 1)) * 10
                   + b'">' for i in range(12))
        + b"]>\n<history><record><dir>&a11;</dir></record></history>"
    )  # fmt: skip

    current.write_bytes(bomb)

    problem = recorder.wait_problem("DOCTYPE")
    assert problem.startswith(f"{current} line 2: ")
    good = (
        "<history><record><callStart>{t}</callStart><callEnd>{t}</callEnd><dir>in</dir>"
        "<callParticipantIDs>+14155550123@h</callParticipantIDs>"
        "<callParticipantStates>Incoming Call</callParticipantStates>"
        "<callParticipantNames>&quot;Jane &amp;amp; Co&quot;</callParticipantNames>"
        "</record></history>"
    ).format(t=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"))
    write_atomic(current, good.encode())
    [event] = recorder.wait_events(1)
    assert (event.name, event.state.value) == ('"Jane & Co"'.strip('"'), "missed")


def test_jitsi_starting_a_new_file_is_found(tmp_path: Path, start: Start) -> None:
    folder = tmp_path / "callhistory"
    folder.mkdir()
    (folder / "1000.xml").write_bytes(b"<history></history>")
    _source, recorder = start(folder, "jitsi", rescan_s=0.1)
    record = (
        "<history><record><callStart>{t}</callStart><callEnd>{t}</callEnd><dir>out</dir>"
        "<callParticipantIDs>+14155550123@h</callParticipantIDs>"
        "<callParticipantStates>Connected</callParticipantStates></record></history>"
    ).format(t=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"))

    (folder / "2000.xml").write_text(record)

    [event] = recorder.wait_events(1)
    assert event.where == f"{folder / '2000.xml'} line 1"
    assert event.direction.value == "out"


def test_telephone_plist_saved_atomically(tmp_path: Path, start: Start) -> None:
    plist = tmp_path / "3F2504E0.plist"
    call = {"user": "+14155550123", "host": "h", "name": "Jane Doe", "duration": 0,
            "incoming": True, "missed": True}  # fmt: skip
    old = {**call, "date": datetime(2026, 1, 1, 9, 0)}
    plist.write_bytes(plistlib.dumps([old], fmt=plistlib.FMT_BINARY))
    _source, recorder = start(plist, "telephone")

    new = {**call, "date": datetime.now(UTC).replace(tzinfo=None, microsecond=0)}
    write_atomic(plist, plistlib.dumps([old, new], fmt=plistlib.FMT_BINARY))

    [event] = recorder.wait_events(1)
    assert (event.name, event.state.value, event.catch_up) == ("Jane Doe", "missed", False)


# --- SQLite -------------------------------------------------------------------------------------

LEGACY_SCHEMA = (
    "CREATE TABLE call_history (id INTEGER PRIMARY KEY AUTOINCREMENT, caller TEXT NOT NULL, "
    "callee TEXT NOT NULL, direction INTEGER, duration INTEGER, start_time TEXT NOT NULL, "
    "connected_time TEXT NOT NULL, status INTEGER, videoEnabled INTEGER, quality REAL, "
    "call_id TEXT, refkey TEXT)"
)


def insert_call(db: Path, caller: str, start_time: int, status: int = 2) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO call_history VALUES (NULL, ?, ?, 1, 30, ?, '0', ?, 0, -1.0, ?, NULL)",
            (caller, "sip:me@h", str(start_time), status, f"cid-{start_time}"),
        )
    conn.close()


def test_legacy_linphone_database_new_rows_and_restart(tmp_path: Path, start: Start) -> None:
    db = tmp_path / "call-history.db"
    conn = sqlite3.connect(db)
    conn.execute(LEGACY_SCHEMA)
    conn.close()
    insert_call(db, '"Old" <sip:+14155550101@h>', recent(60))
    first, recorder = start(db, "linphone-legacy")

    insert_call(db, '"Zoë" <sip:+442079460321@h>', recent())
    [event] = recorder.wait_events(1)
    assert (event.name, event.state.value) == ("Zoë", "missed")
    cursor = event.cursor
    first.stop()

    insert_call(db, '"Meanwhile" <sip:+14155550103@h>', recent(), status=0)
    _second, again = start(db, "linphone-legacy", cursor)
    assert [(e.name, e.catch_up, e.state.value) for e in again.events] == [
        ("Meanwhile", True, "ended")
    ]


def test_a_corrupt_sqlite_file_is_reported_and_a_good_one_later_is_followed(
    tmp_path: Path, start: Start
) -> None:
    db = tmp_path / "call-history.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    _source, recorder = start(db, "linphone-legacy")

    problem = recorder.wait_problem("SQLite")
    assert problem.startswith(f"{db}: ")

    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(fresh)
    conn.execute(LEGACY_SCHEMA)
    conn.close()
    fresh.replace(db)
    # No wait for the watcher to read the repaired file first: the call is news either way.
    insert_call(db, '"After repair" <sip:+14155550109@h>', recent(0.5))
    [event] = recorder.wait_events(1)
    assert event.name == "After repair"


def unwatched(path: Path, kind: str) -> tuple[HistorySource, Recorder]:
    """A source whose shared watcher never runs: reads happen only at poll_now(), as late as
    a watcher thread starved of CPU would make them."""
    recorder = Recorder()
    source = HistorySource(path, HISTORY_DIALECTS[kind], recorder.on_event, recorder.on_problem,
                           watcher=FileWatcher())  # fmt: skip
    source.start()
    return source, recorder


def test_a_call_written_before_a_repaired_database_is_first_read_is_not_lost(
    tmp_path: Path,
) -> None:
    db = tmp_path / "call-history.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    source, recorder = unwatched(db, "linphone-legacy")
    assert recorder.problems and source.cursor == ""

    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(fresh)
    conn.execute(LEGACY_SCHEMA)
    conn.close()
    insert_call(fresh, '"Long ago" <sip:+14155550101@h>', recent(600))
    fresh.replace(db)
    insert_call(db, '"Just now" <sip:+14155550109@h>', recent(0.2))  # ends in 18 s
    source.poll_now()
    assert [(e.name, e.catch_up) for e in recorder.events] == [("Just now", False)]
    source.stop()


def test_a_log_created_with_its_first_call_after_the_start_reports_that_call(
    tmp_path: Path,
) -> None:
    log = tmp_path / "Master.csv"  # the PBX writes it with its first record
    source, recorder = unwatched(log, "asterisk")
    log.write_bytes(
        asterisk(1, "+14155550101", "Long ago", recent(600))
        + asterisk(2, "+14155550102", "First call", recent(0.5))
    )
    source.poll_now()
    assert [(e.name, e.catch_up) for e in recorder.events] == [("First call", False)]
    source.stop()


# --- shared watcher, sniffing -------------------------------------------------------------------


def test_several_logs_share_one_watcher(tmp_path: Path) -> None:
    watcher = FileWatcher()
    recorder = Recorder()
    csv_log, ch = tmp_path / "Master.csv", tmp_path / "twinkle.ch"
    csv_log.write_bytes(b"")
    ch.write_text(twinkle_text([]))
    sources = [
        HistorySource(path, HISTORY_DIALECTS[kind], recorder.on_event, recorder.on_problem,
                      watcher=watcher)
        for path, kind in ((csv_log, "asterisk"), (ch, "twinkle"))
    ]  # fmt: skip
    for source in sources:
        source.start()
    watcher.start()
    try:
        with csv_log.open("ab") as handle:
            handle.write(asterisk(1, "+14155550101", "From the PBX", recent()))
        rewrite_like_twinkle(ch, twinkle_text([twinkle_record(recent(), "From Twinkle", "+1")]))
        events = recorder.wait_events(2)
        assert sorted(e.name for e in events) == ["From Twinkle", "From the PBX"]
    finally:
        for source in sources:
            source.stop()
        watcher.stop()


def test_format_auto_finds_the_dialect_of_each_sample(samples: Path) -> None:
    folder = samples / "softphones"
    expected = {
        "twinkle.ch": "twinkle",
        "jitsi-callhistory-1773151660514.xml": "jitsi",
        "asterisk-cdr_csv-Master.csv": "asterisk",
        "freeswitch-cdr_csv-Master.csv": "freeswitch",
        "yate-cdrfile.csv": "yate",
        "call-history.db": "linphone-legacy",
        "linphonerc-call-logs.ini": "linphonerc",
        "telephone-CallHistories-3F2504E0-4F89-11D3-9A0C-0305E82C3301.plist": "telephone",
    }
    for name, kind in expected.items():
        dialect = sniff_dialect((folder / name).read_bytes()[:4096])
        assert dialect is not None and dialect.name == kind, name
    assert sniff_dialect(b"\x89PNG\r\n\x1a\n") is None


UNFINISHED_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size=1")  # spill into the database file before the commit
conn.execute("BEGIN")
for n in range(2000):
    conn.execute("INSERT INTO call_history VALUES "
                 "(NULL, ?, 'sip:me@h', 1, 0, '1', '0', 2, 0, 0, NULL, NULL)", ("x" * 200,))
os._exit(0)  # killed mid-write: the journal stays behind, hot
"""


def test_a_database_caught_mid_write_is_read_once_the_write_is_over(
    tmp_path: Path, start: Start
) -> None:
    db = tmp_path / "call-history.db"
    conn = sqlite3.connect(db)
    conn.execute(LEGACY_SCHEMA)
    conn.close()
    _source, recorder = start(db, "linphone-legacy")

    subprocess.run([PYTHON, "-c", UNFINISHED_WRITE, str(db)], check=True, timeout=30)
    os.utime(db)  # the crashed writer's last change, seen by the watcher

    assert "in the middle of a write" in recorder.wait_problem("middle of a write")
    # Linphone starts again: its first write rolls the journal back, then logs the call.
    insert_call(db, '"Back again" <sip:+14155550111@h>', recent())
    [event] = recorder.wait_events(1)
    assert event.name == "Back again"


def test_a_history_deleted_and_written_anew_is_followed_without_repeats(
    tmp_path: Path, start: Start
) -> None:
    history = tmp_path / "twinkle.ch"
    records = [twinkle_record(recent(60), "Old", "+14155550101")]
    history.write_text(twinkle_text(records))
    _source, recorder = start(history, "twinkle")

    history.unlink()
    time.sleep(0.2)
    records.append(twinkle_record(recent(), "New", "+14155550102"))
    history.write_text(twinkle_text(records))

    [event] = recorder.wait_events(1)
    assert event.name == "New"


# --- auto-detection -----------------------------------------------------------------------------


def touch(path: Path, data: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_detection_on_linux_finds_each_installed_softphone(tmp_path: Path) -> None:
    from desktop.adapters.sources.detect import detect_softphones

    home, root = tmp_path / "home", tmp_path / "root"
    twinkle = touch(home / ".twinkle/twinkle.ch", HEADER.encode() + b"\n")
    legacy = touch(home / ".local/share/linphone/call-history.db", b"SQLite format 3\x00")
    jitsi = home / ".jitsi/history_ver1.0/callhistory/default/default"
    jitsi.mkdir(parents=True)
    touch(home / ".config/linphone/linphonerc", b"[sip]\nsip_port=5060\n")  # no call logs
    asterisk = touch(root / "var/log/asterisk/cdr-csv/Master.csv")
    touch(root / "etc/yate/cdrfile.conf", b"[general]\n;file=/nope\nfile=/var/log/yate-cdr.csv\n")
    yate_log = touch(root / "var/log/yate-cdr.csv")

    found = detect_softphones(home=home, env={}, platform="linux", root=root)

    assert [(f.kind, f.path) for f in found] == [
        ("linphone-legacy", legacy),
        ("twinkle", twinkle),
        ("jitsi", jitsi),
        ("asterisk", asterisk),
        ("yate", yate_log),
    ]
    assert found[1].label == f"Twinkle call history (twinkle.ch) — {twinkle}"


def test_the_file_dialog_for_a_softphones_log_opens_where_that_softphone_keeps_it(
    tmp_path: Path,
) -> None:
    from desktop.adapters.sources.detect import default_folder

    home = tmp_path / "home"
    (home / ".local/share/linphone").mkdir(parents=True)
    (home / ".twinkle").mkdir()
    linux = {"home": home, "env": {}, "platform": "linux"}
    assert default_folder("linphone", **linux) == home / ".local/share/linphone"
    assert default_folder("twinkle", **linux) == home / ".twinkle"
    # Not installed: as near as exists on the way there, and never the app's working folder.
    assert default_folder("jitsi", **linux) == home
    appdata = tmp_path / "AppData" / "Roaming"
    appdata.mkdir(parents=True)
    windows = {"home": home, "env": {"APPDATA": str(appdata)}, "platform": "win32"}
    assert default_folder("microsip", **windows) == appdata
    assert default_folder("no-such-kind", home=home) == home


def test_detection_on_macos_and_windows(tmp_path: Path) -> None:
    from desktop.adapters.sources.detect import detect_softphones

    home = tmp_path / "home"
    container = "Library/Containers/com.tlphn.Telephone/Data/Library/Application Support"
    plist = touch(home / container / "com.tlphn.Telephone/CallHistories/3F25.plist", b"bplist00")
    mac = detect_softphones(home=home, env={}, platform="darwin", root=tmp_path)
    assert [(f.kind, f.path) for f in mac] == [("telephone", plist)]

    appdata = tmp_path / "AppData" / "Roaming"
    ini = touch(appdata / "MicroSIP/microsip.ini", b"\xff\xfe")
    windows = detect_softphones(home=home, env={"APPDATA": str(appdata)}, platform="win32")
    assert [(f.kind, f.path) for f in windows] == [("microsip", ini)]


def test_detection_with_nothing_installed_finds_nothing(tmp_path: Path) -> None:
    from desktop.adapters.sources.detect import detect_softphones

    assert detect_softphones(home=tmp_path, env={}, platform="linux", root=tmp_path) == []


def test_a_rewritten_history_far_too_big_is_refused_by_name(tmp_path: Path, start: Start) -> None:
    history = tmp_path / "twinkle.ch"
    history.write_text(twinkle_text([]))
    _source, recorder = start(history, "twinkle")

    with history.open("ab") as handle:
        handle.truncate(17 * 1024 * 1024)  # sparse: 17 MB of nothing after the header

    problem = recorder.wait_problem("far more than any")
    assert problem.startswith(f"{history}: is 17825792 bytes")
    assert recorder.events == []


def test_after_a_quiet_restart_only_the_next_call_is_new(tmp_path: Path, start: Start) -> None:
    history = tmp_path / "twinkle.ch"
    records = [twinkle_record(recent(60 - n), f"Old {n}", f"+1415555010{n}") for n in range(3)]
    history.write_text(twinkle_text(records))
    old = time.time() - 7200
    os.utime(history, (old, old))  # untouched for two hours: a restart has nothing to catch up
    first, _ = start(history, "twinkle")
    cursor = first.cursor
    first.stop()

    _second, recorder = start(history, "twinkle", cursor)
    assert recorder.events == []
    records.append(twinkle_record(recent(), "The next call", "+14155550199"))
    rewrite_like_twinkle(history, twinkle_text(records))

    [event] = recorder.wait_events(1)
    assert event.name == "The next call"
