"""The softphone table (core/softphones.py) is the one list: every consumer offers exactly its
entries, in its order, with its titles, and a new entry reaches them all with nothing else to
edit but the code that reads the new format."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.settings import WatchedSource, known_source_formats
from desktop.adapters.sources.detect import detect_softphones
from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource
from desktop.adapters.sources.history.dialects import READINGS, history_dialects
from desktop.adapters.sources.registry import RING_SOURCES, SOURCE_KINDS, source_kinds
from desktop.cli import main
from desktop.cli_events import event_formats
from desktop.core.events import CallEvent
from desktop.core.softphones import (
    OS,
    SOFTPHONES,
    Base,
    Found,
    LogFormat,
    Place,
    Softphone,
    log_formats,
)
from tests.conftest import SAMPLES

FORMATS = log_formats()
WATCHABLE = [f for f in FORMATS if f.watchable]


def test_the_sources_settings_offers_are_the_tables_watchable_formats() -> None:
    assert [(k.name, k.title, k.file_filter, k.ring_time, k.address)
            for k in SOURCE_KINDS.values()] == [
        (f.name, f.title, f.file_filter, f.ring_time, f.address) for f in WATCHABLE
    ]  # fmt: skip
    assert list(SOURCE_KINDS)[:3] == ["microsip", "linphone", "baresip"]  # ring-time first
    assert set(RING_SOURCES) == {f.name for f in WATCHABLE if f.ring_time}


def test_history_dialects_are_the_tables_end_of_call_formats() -> None:
    end_of_call = [f for f in FORMATS if not f.ring_time]
    assert [(d.name, d.title, d.file_filter) for d in HISTORY_DIALECTS.values()] == [
        (f.name, f.title, f.file_filter) for f in end_of_call
    ]
    assert set(READINGS) == {f.name for f in end_of_call}  # no reader left for a dropped entry


def test_settings_and_watch_accept_exactly_the_source_kinds() -> None:
    assert known_source_formats() == tuple(SOURCE_KINDS)
    with pytest.raises(ValueError, match="known: microsip, linphone, baresip, linphone-legacy"):
        WatchedSource.parse("skype:/tmp/calls.log")


def test_events_reads_every_format_of_the_table_under_its_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert [(f.name, f.title) for f in event_formats()] == [
        (f.name, f.capture_title or f.title) for f in FORMATS
    ]
    assert main(["events", str(SAMPLES / "softphones" / "twinkle.ch"), "--format", "skype"]) == 2
    listed = capsys.readouterr().err.rpartition("(")[2].rstrip(")\n")
    assert listed.split(", ") == [f.name for f in FORMATS]


def _fill_every_place(home: Path, root: Path) -> None:
    """A log at every place the table names, for every OS."""
    for log in FORMATS:
        for n, place in enumerate(log.places):
            base = {Base.HOME: home, Base.ROOT: root, Base.APPDATA: home / "AppData/Roaming",
                    Base.LOCAL_APPDATA: home / "AppData/Local",
                    Base.XDG_DATA: home / ".local/share",
                    Base.XDG_CONFIG: home / ".config"}[place.base]  # fmt: skip
            path = base / place.path
            if place.found is Found.FOLDER:
                path.mkdir(parents=True, exist_ok=True)
                continue
            if place.found is Found.FILES_IN:
                path = path / place.pattern.replace("*", "account")
            if place.found is Found.NAMED_IN_CONF:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"[general]\nfile=/var/log/{log.name}-{n}.log\n")
                path = root / f"var/log/{log.name}-{n}.log"
            path.parent.mkdir(parents=True, exist_ok=True)
            if log.name == "linphone":  # counts only with its calls table
                path.write_bytes((SAMPLES / "softphones" / "linphone.db").read_bytes())
                continue
            path.write_bytes(log.marker + b"\n")


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_detection_finds_a_log_of_each_format_at_each_of_its_places(
    platform: str, tmp_path: Path
) -> None:
    home, root = tmp_path / "home", tmp_path / "root"
    _fill_every_place(home, root)

    found = detect_softphones(home=home, env={}, platform=platform, root=root)

    family = OS.of(platform)
    expected = [(f.name, f.title) for f in WATCHABLE for p in f.places if p.os is family]
    assert [(f.kind, f.title) for f in found] == expected
    assert all(f.kind in SOURCE_KINDS for f in found)


def test_every_file_the_sources_follow_has_a_place_to_be_found() -> None:
    # An address (baresip's event stream) cannot be found on disk; every file can.
    assert [f.name for f in WATCHABLE if not f.places] == ["baresip"]


ACME = Softphone("acme", "Acme PBX", (
    LogFormat("acme", "Acme PBX CDR (acme/Master.csv)", "Acme CDR (*.csv)",
              places=(Place(OS.UNIX, Base.ROOT, "var/log/acme/Master.csv"),)),
))  # fmt: skip


def test_a_new_history_dialect_in_the_table_reaches_sources_events_and_detection(
    tmp_path: Path,
) -> None:
    """The table entry and how the format is read (an Asterisk-style CSV here) are all a new
    end-of-call log needs: no other list names it."""
    formats = log_formats((*SOFTPHONES, ACME))
    dialects = history_dialects(formats, {**READINGS, "acme": READINGS["asterisk"]})
    kinds = source_kinds(formats, dialects)
    log = tmp_path / "var/log/acme/Master.csv"
    log.parent.mkdir(parents=True)
    log.write_bytes((SAMPLES / "softphones" / "asterisk-cdr_csv-Master.csv").read_bytes())

    assert kinds["acme"].title == "Acme PBX CDR (acme/Master.csv)"
    assert list(kinds)[-1] == "acme" and not kinds["acme"].ring_time
    [events_format] = [f for f in event_formats(formats, dialects) if f.name == "acme"]
    read = list(events_format.read(log))
    assert any(isinstance(item, CallEvent) for item in read)
    assert [(f.kind, f.path) for f in detect_softphones(
        home=tmp_path / "home", env={}, platform="linux", root=tmp_path, formats=formats,
    )] == [("acme", log)]  # fmt: skip
    source = kinds["acme"].create(log, lambda _e: None, lambda _p: None, FileWatcher())
    assert isinstance(source, HistorySource)


def test_a_table_entry_nobody_can_read_is_refused_by_name() -> None:
    formats = log_formats((*SOFTPHONES, ACME))
    with pytest.raises(LookupError, match="'acme'"):
        history_dialects(formats)
