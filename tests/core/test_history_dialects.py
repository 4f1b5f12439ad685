"""End-of-call logs read as the softphones write them: every shared sample, golden.

Each sample in shared/samples/softphones that records finished calls is read here and compared
with what a person reading the file would say: who, which way, missed or not, when. The
samples are cut off mid-record on purpose, and that record must be waited for, never misread.
"""

from __future__ import annotations

import plistlib
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.dialects import cdr, jitsi, linphone_legacy, telephone_plist, twinkle, yate
from desktop.core.dialects.end_of_call import (
    HistoryEvent,
    HistoryRead,
    LogProblem,
    split_name_addr,
)

SOFTPHONES = "softphones"
NEW_YORK = ZoneInfo("America/New_York")

Row = tuple[str, str, str, str, str, str | None, bool | None, str, str]


def utc(event_time: datetime | None) -> str | None:
    if event_time is None:
        return None
    return event_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def rows(read: HistoryRead) -> list[Row]:
    return [
        (e.direction.value, e.state.value, e.number, e.name, utc(e.time) or "", utc(e.ended),
         e.answered, e.call_key, e.where)
        for e in read.events
    ]  # fmt: skip


def sample(samples: Path, name: str) -> bytes:
    return (samples / SOFTPHONES / name).read_bytes()


# --- golden: one test per sample ---------------------------------------------------------------


def test_twinkle_history_reads_every_complete_call_and_waits_for_the_cut_one(
    samples: Path,
) -> None:
    read = twinkle.events_from_bytes(sample(samples, "twinkle.ch"))

    jane = "sip:+14155550123@sip.example.com;user=phone"
    zoe = "sip:+442079460321@trunk.example.net;user=phone"
    assert rows(read) == [
        ("in", "ended", jane, "Jane Doe", "2026-03-10 14:02:11", "2026-03-10 14:07:40", True,
         f"twinkle:1773151331|{jane}|sip:1001@sip.example.com", "line 2"),
        ("in", "missed", zoe, "Zoë Ångström", "2026-03-10 14:10:02", "2026-03-10 14:10:32",
         False, f"twinkle:1773151802|{zoe}|sip:1001@sip.example.com", "line 3"),
        ("out", "ended", "sip:02079460555@sip.example.com", "", "2026-03-10 15:20:45",
         "2026-03-10 15:22:27", True,
         "twinkle:1773156045|sip:1001@sip.example.com|sip:02079460555@sip.example.com",
         "line 4"),
        ("in", "missed", "sip:anonymous@anonymous.invalid", "Anonymous", "2026-03-11 09:03:27",
         "2026-03-11 09:03:31", False,
         "twinkle:1773219807|sip:anonymous@anonymous.invalid|sip:1001@sip.example.com",
         "line 5"),
        # "Smith \| Sons Ltd" and "\#1 Plumbing" are escapes, not text
        ("in", "ended", "sip:00442079460999@sip.example.com", "Smith | Sons Ltd",
         "2026-03-11 09:06:40", "2026-03-11 09:07:26", True,
         "twinkle:1773220000|sip:00442079460999@sip.example.com|sip:1001@sip.example.com",
         "line 6"),
        ("in", "ended", "sip:4155550188@sip.example.com", "#1 Plumbing", "2026-03-11 09:23:20",
         "2026-03-11 09:30:00", True,
         "twinkle:1773221000|sip:4155550188@sip.example.com|sip:1001@sip.example.com",
         "line 7"),
    ]  # fmt: skip
    assert read.problems == ()
    assert read.incomplete is not None and read.incomplete.line == 8
    assert "Élodie" not in str(rows(read))


def test_jitsi_history_unescapes_values_written_twice(samples: Path) -> None:
    read = jitsi.events_from_bytes(sample(samples, "jitsi-callhistory-1773151660514.xml"))

    assert rows(read) == [
        ("in", "ended", "+14155550123@sip.example.com", "Jane Doe", "2026-03-10 14:02:11",
         "2026-03-10 14:07:40", True,
         "jitsi:2026-03-10T15:02:11.201+0100|+14155550123@sip.example.com", "line 2"),
        ("in", "missed", "+442079460321@trunk.example.net", "Zoë Ångström",
         "2026-03-10 14:10:02", "2026-03-10 14:10:02", False,
         "jitsi:2026-03-10T15:10:02.655+0100|+442079460321@trunk.example.net", "line 3"),
        # Jitsi puts the number itself in the names when there is no name
        ("out", "ended", "02079460555@sip.example.com", "", "2026-03-10 15:20:45",
         "2026-03-10 15:22:27", True,
         "jitsi:2026-03-10T16:20:45.002+0100|02079460555@sip.example.com", "line 4"),
        ("in", "missed", "4155550188@sip.example.com", "Smith & Sons <Sales>",
         "2026-03-11 09:03:27", "2026-03-11 09:03:27", False,
         "jitsi:2026-03-11T10:03:27.990+0100|4155550188@sip.example.com", "line 5"),
    ]  # fmt: skip
    assert (read.problems, read.incomplete, read.unreadable) == ((), None, None)


def test_asterisk_master_csv_in_gmt_with_the_last_line_cut(samples: Path) -> None:
    read = cdr.asterisk_events(sample(samples, "asterisk-cdr_csv-Master.csv"), tz=NEW_YORK)

    # The uniqueid ("1773151331.18") says the times are GMT (usegmtime=yes), whatever tz says.
    assert rows(read) == [
        ("in", "ended", "+14155550123", "Jane Doe", "2026-03-10 14:02:11",
         "2026-03-10 14:07:40", True, "asterisk:1773151331.18", "line 1"),
        ("in", "missed", "+442079460321", "Zoë Ångström", "2026-03-10 14:10:02",
         "2026-03-10 14:10:32", False, "asterisk:1773151802.20", "line 2"),
        # from-internal, extension 1001 to an outside number: our outbound call, as dialled
        ("out", "ended", "914155550147", "", "2026-03-10 15:20:45", "2026-03-10 15:22:27",
         True, "asterisk:1773156045.22", "line 3"),
        ("in", "missed", "02079460555", "Łukasz Wiśniewski", "2026-03-10 16:01:10",
         "2026-03-10 16:01:12", False, "asterisk:1773158470.24", "line 4"),
        ("in", "missed", "anonymous", "Anonymous", "2026-03-11 09:03:27",
         "2026-03-11 09:03:31", False, "asterisk:1773219807.26", "line 5"),
    ]  # fmt: skip
    assert read.problems == ()
    assert read.incomplete is not None and read.incomplete.line == 6


def test_freeswitch_master_csv_survives_unescaped_quotes(samples: Path) -> None:
    read = cdr.freeswitch_events(sample(samples, "freeswitch-cdr_csv-Master.csv"), NEW_YORK)

    assert rows(read) == [
        ("in", "ended", "+14155550123", "Jane Doe", "2026-03-10 14:02:11",
         "2026-03-10 14:07:40", True, "freeswitch:6f1c2f3e-5a7b-4c1d-9e2f-0a1b2c3d4e5f",
         "line 1"),
        ("in", "missed", "+442079460321", "Zoë Ångström", "2026-03-10 14:10:02",
         "2026-03-10 14:10:32", False, "freeswitch:0b7e6d5c-4b3a-4291-8f7e-6d5c4b3a2918",
         "line 2"),
        ("out", "ended", "4155550147", "", "2026-03-10 15:20:45", "2026-03-10 15:22:27", True,
         "freeswitch:c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", "line 3"),
        ("in", "missed", "4155550199", 'Bob "The Builder" Okafor', "2026-03-10 16:01:10",
         "2026-03-10 16:01:40", False, "freeswitch:e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b9",
         "line 4"),
        ("in", "missed", "0000000000", "", "2026-03-11 09:03:27", "2026-03-11 09:03:31", False,
         "freeswitch:f6a7b8c9-d0e1-4f2a-b3c4-d5e6f7a8b9c0", "line 5"),
    ]  # fmt: skip
    assert read.problems == ()
    assert read.incomplete is not None and read.incomplete.line == 6


def test_yate_cdrfile_reads_one_call_per_billid_from_its_incoming_leg(samples: Path) -> None:
    read = yate.events_from_bytes(sample(samples, "yate-cdrfile.csv"))

    assert rows(read) == [
        ("in", "ended", "+14155550123", "", "2026-03-10 14:02:11", "2026-03-10 14:07:40",
         True, "yate:1773150000-17", "line 1"),
        ("in", "missed", "+442079460321", "", "2026-03-10 14:10:02", "2026-03-10 14:10:32",
         False, "yate:1773150000-19", "line 3"),
        # the extension's own leg is "incoming" in Yate's eyes: an outbound call for us
        ("out", "ended", "02079460555", "", "2026-03-10 15:20:45", "2026-03-10 15:22:27",
         True, "yate:1773150000-21", "line 4"),
    ]  # fmt: skip
    assert read.problems == ()
    assert read.incomplete is not None and read.incomplete.line == 5


def test_legacy_linphone_call_history_db_rows(samples: Path) -> None:
    conn = sqlite3.connect(f"file:{samples / SOFTPHONES / 'call-history.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        events = [linphone_legacy.row_event(dict(r)) for r in conn.execute(
            "SELECT * FROM call_history ORDER BY id")]  # fmt: skip
    finally:
        conn.close()
    assert all(isinstance(e, HistoryEvent) for e in events)
    read = HistoryRead(tuple(e for e in events if isinstance(e, HistoryEvent)))

    assert rows(read) == [
        ("in", "ended", "sip:+14155550123@sip.example.com;user=phone", "Jane Doe",
         "2026-03-10 14:02:11", "2026-03-10 14:07:32", True,
         "linphone-legacy:a84b4c76e66710@10.0.0.5", "row id 1"),
        ("in", "missed", "sip:+442079460321@trunk.example.net;user=phone", "Zoë Ångström",
         "2026-03-10 14:10:02", "2026-03-10 14:10:02", False,
         "linphone-legacy:3848276298220188511@trunk.example.net", "row id 2"),
        # a callee without a display name is a bare URI
        ("out", "ended", "sip:5550147@sip.example.com", "", "2026-03-10 15:20:45",
         "2026-03-10 15:22:20", True, "linphone-legacy:Wm9yDLbtYk", "row id 3"),
        # status 3: declined; still an incoming call nobody took
        ("in", "missed", "sip:anonymous@anonymous.invalid", "Anonymous", "2026-03-11 09:03:27",
         "2026-03-11 09:03:27", False, "linphone-legacy:0c2d4f6a8b@anonymous.invalid",
         "row id 4"),
    ]  # fmt: skip


def test_linphonerc_call_log_sections_oldest_first_including_old_start_date(
    samples: Path,
) -> None:
    read = linphone_legacy.rc_events_from_bytes(sample(samples, "linphonerc-call-logs.ini"), tz=UTC)

    assert rows(read) == [
        ("in", "ended", "sip:+14155550123@sip.example.com;user=phone", "Jane Doe",
         "2026-03-10 14:02:11", "2026-03-10 14:07:32", True,
         "linphonerc:a84b4c76e66710@10.0.0.5", "line 15 [call_log_1]"),
        ("in", "missed", "sip:+442079460321@trunk.example.net;user=phone", "Zoë Ångström",
         "2026-03-10 14:10:02", "2026-03-10 14:10:02", False,
         "linphonerc:3848276298220188511@trunk.example.net", "line 4 [call_log_0]"),
        # start_date=Tue Mar 10 15:20:45 2026, the %c text of the oldest builds
        ("out", "ended", "sip:5550147@sip.example.com", "", "2026-03-10 15:20:45",
         "2026-03-10 15:22:20", True, "linphonerc:Wm9yDLbtYk", "line 26 [call_log_2]"),
    ]  # fmt: skip
    assert (read.problems, read.incomplete) == ((), None)


def test_macos_telephone_binary_plist(samples: Path) -> None:
    read = telephone_plist.events_from_bytes(
        sample(samples, "telephone-CallHistories-3F2504E0-4F89-11D3-9A0C-0305E82C3301.plist")
    )

    assert rows(read) == [
        ("in", "ended", "+14155550123@sip.example.com", "Jane Doe", "2026-03-10 14:02:11",
         "2026-03-10 14:07:32", True,
         "telephone:2026-03-10T14:02:11+00:00|+14155550123@sip.example.com", "record 1"),
        ("in", "missed", "+442079460321@trunk.example.net", "Zoë Ångström",
         "2026-03-10 14:10:02", "2026-03-10 14:10:02", False,
         "telephone:2026-03-10T14:10:02+00:00|+442079460321@trunk.example.net", "record 2"),
        ("out", "ended", "02079460555@sip.example.com", "", "2026-03-10 15:20:45",
         "2026-03-10 15:22:20", True,
         "telephone:2026-03-10T15:20:45+00:00|02079460555@sip.example.com", "record 3"),
    ]  # fmt: skip
    assert read.problems == ()


SNIFFS = {
    "twinkle.ch": twinkle.sniff,
    "jitsi-callhistory-1773151660514.xml": jitsi.sniff,
    "asterisk-cdr_csv-Master.csv": cdr.asterisk_sniff,
    "freeswitch-cdr_csv-Master.csv": cdr.freeswitch_sniff,
    "yate-cdrfile.csv": yate.sniff,
    "call-history.db": linphone_legacy.sniff,
    "linphonerc-call-logs.ini": linphone_legacy.rc_sniff,
    "telephone-CallHistories-3F2504E0-4F89-11D3-9A0C-0305E82C3301.plist": telephone_plist.sniff,
}


@pytest.mark.parametrize("name", sorted(SNIFFS))
def test_format_auto_recognises_each_sample_and_only_it(samples: Path, name: str) -> None:
    every_sample = sorted(p for p in (samples / SOFTPHONES).iterdir() if p.is_file())
    for path in every_sample:
        head = path.read_bytes()[:4096]
        expected = path.name == name or (
            # linphone.db is SQLite too: which one it is takes opening it
            name == "call-history.db" and path.name == "linphone.db"
        )
        assert SNIFFS[name](head) is expected, path.name


# --- bad input: refused or reported with its place, never a crash ------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE history [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<history><record><callParticipantNames>&lol3;</callParticipantNames></record></history>
"""


def test_an_xml_bomb_is_refused_before_any_entity_is_expanded() -> None:
    read = jitsi.events_from_bytes(BILLION_LAUGHS)

    assert read.events == ()
    assert read.unreadable is not None
    assert "DOCTYPE" in read.unreadable.message
    assert read.unreadable.describe("/h/1.xml").startswith("/h/1.xml line 2: has a DOCTYPE")


def test_an_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE history [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<history><record><callParticipantNames>&x;</callParticipantNames></record></history>"
    )
    read = jitsi.events_from_bytes(xxe)
    assert read.events == () and read.unreadable is not None


def test_broken_xml_keeps_the_records_before_the_break_and_says_where() -> None:
    good = (
        b"<record><callStart>2026-03-10T15:02:11.201+0100</callStart><dir>in</dir>"
        b"<callParticipantIDs>+14155550123@h</callParticipantIDs>"
        b"<callParticipantStates>Connected</callParticipantStates></record>\n"
    )
    read = jitsi.events_from_bytes(b"<history>\n" + good + b"<record><dir>in</di></record>\n")

    assert len(read.events) == 1
    assert len(read.problems) == 1
    assert read.problems[0].line == 3
    assert "not well-formed" in read.problems[0].message


def test_a_jitsi_file_cut_mid_rewrite_yields_its_whole_records(samples: Path) -> None:
    data = sample(samples, "jitsi-callhistory-1773151660514.xml")
    second = data.index(b"<record", data.index(b"<record") + 1)
    read = jitsi.events_from_bytes(data[:second] + b"<record timestamp=")

    assert [e.name for e in read.events] == ["Jane Doe"]
    assert read.incomplete is not None and read.problems == ()


def test_xml_that_is_not_jitsi_history_is_named_as_such(samples: Path) -> None:
    read = jitsi.events_from_bytes(sample(samples, "ekiga-call-history.xml"))
    assert read.unreadable is not None and "not <history>" in read.unreadable.message


def test_a_truncated_or_mangled_csv_line_is_a_problem_with_its_line() -> None:
    line = '"","+14155550123","1001","from-did-direct","""Jane Doe"" <+1415'
    problem = cdr.asterisk_line(line, 7)
    assert isinstance(problem, LogProblem) and problem.line == 7
    assert problem.describe("/var/log/asterisk/cdr-csv/Master.csv").startswith(
        "/var/log/asterisk/cdr-csv/Master.csv line 7: "
    )
    short = cdr.freeswitch_line('"Jane","+14155550123","1001"', 3, UTC)
    assert isinstance(short, LogProblem) and "found 3" in short.message
    assert isinstance(yate.parse_line("hello,world", 2), LogProblem)
    assert isinstance(twinkle.parse_line("1|2|3", 4), LogProblem)


def test_an_asterisk_log_in_local_time_is_placed_by_its_uniqueid() -> None:
    # usegmtime=no on a PBX in Paris (UTC+1 in March): the uniqueid is still Unix time.
    line = (
        '"","+33199001234","1001","from-trunk","""Élodie"" <+33199001234>","PJSIP/t-1",'
        '"PJSIP/1001-2","Dial","x","2026-03-11 10:41:05","2026-03-11 10:41:09",'
        '"2026-03-11 10:44:00",175,171,"ANSWERED","DOCUMENTATION","1773222065.28",""'
    )
    event = cdr.asterisk_line(line, 1, tz=UTC)
    assert isinstance(event, HistoryEvent)
    assert event.time == datetime(2026, 3, 11, 9, 41, 5, tzinfo=UTC)
    assert event.ended == datetime(2026, 3, 11, 10, 44, tzinfo=timezone(timedelta(hours=1)))


def test_a_corrupt_plist_is_unreadable_not_a_crash() -> None:
    for data in (b"bplist00\x00\x01garbage", b"not a plist at all", plistlib.dumps({"a": 1})):
        read = telephone_plist.events_from_bytes(data)
        assert read.events == () and read.unreadable is not None


def test_a_plist_record_of_the_wrong_shape_is_named() -> None:
    data = plistlib.dumps([{"user": "+14155550123", "host": "h", "date": "yesterday"}])
    read = telephone_plist.events_from_bytes(data)
    assert read.events == ()
    assert (
        read.problems[0].describe("x.plist") == "x.plist record 1: date 'yesterday' is not a date"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"Jane Doe" <sip:+14155550123@h;user=phone>',
            ("Jane Doe", "sip:+14155550123@h;user=phone"),
        ),
        ('"Say \\"hi\\"" <sip:1@h>', ('Say "hi"', "sip:1@h")),
        ("Bob <sip:2@h>;tag=x", ("Bob", "sip:2@h")),
        ("sip:5550147@sip.example.com", ("", "sip:5550147@sip.example.com")),
        ("", ("", "")),
    ],
)
def test_name_addr_split(text: str, expected: tuple[str, str]) -> None:
    assert split_name_addr(text) == expected


# --- never raises, whatever the bytes ------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_line_parsers_never_raise(line: str) -> None:
    for parse in (cdr.asterisk_line, cdr.freeswitch_line, yate.parse_line, twinkle.parse_line):
        result = parse(line, 1, UTC)
        assert result is None or isinstance(result, HistoryEvent | LogProblem)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_whole_file_parsers_never_raise(data: bytes) -> None:
    for parse in (
        jitsi.events_from_bytes,
        twinkle.events_from_bytes,
        telephone_plist.events_from_bytes,
        linphone_legacy.rc_events_from_bytes,
    ):
        assert isinstance(parse(data, UTC), HistoryRead)
