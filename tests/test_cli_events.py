"""`callercard events FILE`: what CallerCard makes of a softphone's file, and of bad files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.cli import main
from tests.conftest import python_env

SOFTPHONES = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "softphones"
REQUIRED = {"direction", "state", "number", "name", "time"}
# Samples that are not call logs at all: hook invocations, configuration, wire traffic.
NOT_LOGS = {
    "3cx-assistant-crm-invocations.txt",
    "README.md",
    "bria-desktop-api-websocket.txt",
    "ekiga-call-history.xml",  # lives inside dconf's binary database, never a file of its own
    "linphone-call-history-legacy.sql",
    "linphone-maindb.sql",
    "microsip-hook-invocations.txt",
    "twinkle-script_incoming_call.env",
    "zoiper5-Config-open_url_on_event.xml",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["events", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def events_of(
    capsys: pytest.CaptureFixture[str], path: Path, *extra: str
) -> list[dict[str, object]]:
    code, out, err = run(capsys, str(path), "--json", *extra)
    assert code in (0, 1), err
    return [json.loads(line) for line in out]


def brief(events: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["direction"], e["state"], e["number"], e["name"], e["time"]) for e in events]


# --- golden files: the ring-time formats ------------------------------------------------------


def test_microsip_ini(capsys: pytest.CaptureFixture[str]) -> None:
    events = events_of(capsys, SOFTPHONES / "microsip.ini")
    assert brief(events) == [
        ("out", "ended", "4155550147", "Bob Okafor", "2026-03-10T14:00:00+00:00"),
        ("in", "ended", "+14155550123", "Jane Doe", "2026-03-10T14:02:11+00:00"),
        ("in", "missed", "+442079460321@trunk.example.net;user=phone", "Zoë Ångström",
         "2026-03-10T14:10:02+00:00"),
        ("in", "missed", "02079460555", "Łukasz Wiśniewski", "2026-03-10T15:20:45+00:00"),
        ("in", "missed", "anonymous", "anonymous", "2026-03-11T09:03:27+00:00"),
        ("in", "ended", "00442079460999", "Smith; Sons Ltd", "2026-03-11T09:06:40+00:00"),
        ("in", "ringing", "+33199001234", "Élodie Martin", "2026-03-11T09:41:05+00:00"),
    ]  # fmt: skip
    assert events[-1]["where"] == f"{SOFTPHONES / 'microsip.ini'} [Calls] key 7"
    assert {e["source"] for e in events} == {"microsip"}


def test_linphone_db(capsys: pytest.CaptureFixture[str]) -> None:
    events = events_of(capsys, SOFTPHONES / "linphone.db")
    assert brief(events) == [
        ("in", "ended", "sip:+14155550123@sip.example.com;user=phone", "Jane Doe",
         "2026-03-10T14:02:11+00:00"),
        ("in", "missed", "sip:+442079460321@trunk.example.net;transport=tcp;user=phone",
         "Zoë Ångström", "2026-03-10T14:10:02+00:00"),
        ("out", "ended", "sip:5550147@sip.example.com", "", "2026-03-10T15:20:45+00:00"),
        ("in", "missed", "sip:anonymous@anonymous.invalid", "Anonymous",
         "2026-03-11T09:03:27+00:00"),
        ("in", "ringing", "sip:+33199001234@sip.example.com", "Élodie Martin",
         "2026-03-11T09:41:05+00:00"),
    ]  # fmt: skip
    assert events[-1]["call_key"] == "linphone:5:1773222065"


def test_baresip_ctrl_tcp_capture_with_its_last_frame_cut(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = SOFTPHONES / "baresip-ctrl_tcp-events.netstring"
    code, out, err = run(capsys, str(path), "--json")
    stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat()
    jane = ("sip:+14155550123@sip.example.com;user=phone", "Jane Doe", stamp)
    zoe = ("sip:+442079460321@trunk.example.net;user=phone", "Zoë Ångström", stamp)
    assert brief([json.loads(line) for line in out]) == [
        ("in", "ringing", *jane),
        ("in", "answered", *jane),
        ("in", "ended", *jane),
        ("in", "ringing", *zoe),
        ("in", "missed", *zoe),  # closed without ever being established
    ]
    assert code == 1
    assert err == [
        f"callercard: {path} at byte 2771: the last frame is cut short (64 bytes of it); not read"
    ]


def test_baresip_mqtt_capture(capsys: pytest.CaptureFixture[str]) -> None:
    events = events_of(capsys, SOFTPHONES / "baresip-mqtt-events.txt")
    assert [(e["state"], e["name"]) for e in events] == [
        ("ringing", "Jane Doe"),
        ("answered", "Jane Doe"),
        ("ended", "Jane Doe"),
    ]
    assert events[0]["where"] == f"{SOFTPHONES / 'baresip-mqtt-events.txt'} line 2"


# --- every sample, --format auto ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in SOFTPHONES.iterdir()))
def test_every_sample_reads_or_is_refused_in_one_clear_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = SOFTPHONES / name
    code, out, err = run(capsys, str(path), "--json", "--format", "auto")
    if name in NOT_LOGS:
        assert (code, out) == (2, [])
        assert len(err) == 1 and err[0].startswith(f"callercard: {path}: ")
        return
    assert code in (0, 1), err
    assert out, f"no calls read from {name}"
    for line in out:
        event = json.loads(line)
        assert set(event) >= REQUIRED
        assert event["direction"] in ("in", "out")
        assert event["state"] in ("ringing", "answered", "ended", "missed")
        assert datetime.fromisoformat(str(event["time"])).utcoffset() is not None
    for line in err:  # each unreadable record names the file and the place
        assert line.startswith(f"callercard: {path}")
        assert any(word in line for word in ("line", "byte", "key", "row", "record"))


def test_plain_output_is_one_line_per_call(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, str(SOFTPHONES / "linphone.db"))
    assert code == 0
    assert out[-1] == (
        "2026-03-11T09:41:05+00:00  in  ringing  sip:+33199001234@sip.example.com  'Élodie Martin'"
    )


def test_the_verb_runs_as_a_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "events", str(SOFTPHONES / "microsip.ini"), "--json",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, env=python_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 7
    assert not (tmp_path / "data").exists(), "reading a log touches no CallerCard data"


# --- bad input --------------------------------------------------------------------------------


def test_a_file_in_an_unknown_format_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "calls.txt"
    path.write_text("Jane rang at ten, then again at eleven\n")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, [])
    assert err[0].startswith(f"callercard: {path}: not a call log CallerCard can read")
    assert "--format" in err[0]


def test_a_missing_file_and_a_folder_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, str(tmp_path / "nope.db")) == (
        2, [], [f"callercard: {tmp_path / 'nope.db'}: no such file"]
    )  # fmt: skip
    assert run(capsys, str(tmp_path)) == (
        2, [], [f"callercard: {tmp_path}: is a folder, not a file"]
    )  # fmt: skip


def test_an_unknown_format_name_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, str(SOFTPHONES / "microsip.ini"), "--format", "skype")
    assert code == 2
    assert "'skype' is not a format" in err[0] and "linphone" in err[0]


def test_a_file_forced_into_the_wrong_format_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(SOFTPHONES / "microsip.ini"), "--format", "linphone")
    assert (code, out) == (2, [])
    assert "not an SQLite database" in err[0]


def test_a_corrupt_sqlite_file_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray((SOFTPHONES / "linphone.db").read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first is garbage
    path = tmp_path / "linphone.db"
    path.write_bytes(bytes(data))
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, [])
    assert err == [
        f"callercard: {path}: the database is damaged (database disk image is malformed); "
        "Linphone itself may fail to read it"
    ]


def test_an_sqlite_file_of_another_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.close()
    code, out, err = run(capsys, str(path))
    assert code in (1, 2) and out == []
    assert err and all(line.startswith(f"callercard: {path}") for line in err)


def test_a_truncated_last_line_is_reported_and_the_rest_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.core.dialects.microsip import decode_ini
    from tests.softphone_writers import encode_ini

    text = decode_ini((SOFTPHONES / "microsip.ini").read_bytes())
    path = tmp_path / "microsip.ini"
    path.write_bytes(encode_ini(text + "8=+14155550199;Cut Off;1;17732"))
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert len(out) == 7
    assert err == [
        f"callercard: {path} line 37: the last line has no line end (the file was cut short, or "
        "MicroSIP was still writing it); not read"
    ]


def test_an_xml_bomb_is_refused_without_expanding_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entities = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE history [<!ENTITY e0 "lol">{entities}]>\n'
        '<history><record timestamp="1"><dir>&e9;</dir></record></history>\n'
    )
    path = tmp_path / "1773151660514.xml"
    path.write_text(bomb)
    for fmt in ("auto", "jitsi"):
        code, out, err = run(capsys, str(path), "--format", fmt)
        assert code in (1, 2) and out == []
        assert len(err) == 1 and err[0].startswith(f"callercard: {path}")


def test_a_100_mb_file_is_refused_or_streamed_never_swallowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # MicroSIP's ini is read whole, so past any real size it is refused without reading it.
    path = tmp_path / "microsip.ini"
    shutil.copy(SOFTPHONES / "microsip.ini", path)
    with path.open("r+b") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no 100 MB written to disk
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, [])
    assert err == [
        f"callercard: {path}: 104857600 bytes is more than any MicroSIP call log; not reading it"
    ]
    # Something in no known format is judged by its first bytes only.
    junk = tmp_path / "big.log"
    with junk.open("wb") as handle:
        handle.write(b"x" * 4096)
        handle.truncate(100 * 1024 * 1024)
    assert run(capsys, str(junk))[0] == 2


def test_reading_a_log_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "linphone.db"
    shutil.copy(SOFTPHONES / "linphone.db", path)
    before = path.read_bytes()
    mtime = os.stat(path).st_mtime_ns
    run(capsys, str(path))
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linphone.db"]
