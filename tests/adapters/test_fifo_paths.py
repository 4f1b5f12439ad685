"""A FIFO where a call log, an import file or the settings should be.

A plain open() of a FIFO waits for a writer for good. Every reader must instead say the path is
"a named pipe, a FIFO, not a regular file" through its usual problem reporting. Each read runs
in a helper thread here, so a reader that does hang fails the test (and is then released by
opening the FIFO's other end) instead of holding the suite.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.importing.pipeline import ImportOptions, preview_file
from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.sheet_process import read_sheet_table
from desktop.adapters.importing.text_tables import read_text_table
from desktop.adapters.importing.vcards import read_vcard_blocks
from desktop.adapters.settings import SettingsFile
from desktop.adapters.sources.detect import detect_softphones
from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource
from desktop.adapters.sources.linphone_db import LinphoneDbSource
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy
from tests.adapters.recorder import EventRecorder
from tests.conftest import python_env
from tests.softphone_writers import LinphoneLikeWriter

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")

T = TypeVar("T")
HANG_S = 10.0  # far beyond any read of an empty path; only a blocked open() takes this long
SAID = "is a named pipe, a FIFO, not a regular file"


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path, 0o600)
    return path


def without_hanging(path: Path, read: Callable[[], T]) -> T:
    """``read()``'s result, or its exception; fails when it is still blocked after HANG_S."""
    outcome: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(read())
        except BaseException as exc:  # handed to the test's thread
            error.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_S)
    if thread.is_alive():
        while thread.is_alive():  # a writer's open lets a blocked open() return, each time
            with contextlib.suppress(OSError):  # ENXIO: no reader at that moment
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            thread.join(0.05)
        pytest.fail(f"reading the FIFO {path} hung")
    if error:
        raise error[0]
    return outcome[0]


@pytest.mark.parametrize(
    ("kind", "name"),
    [("asterisk", "Master.csv"), ("twinkle", "twinkle.ch"), ("linphone-legacy", "call-history.db")],
)
def test_a_call_history_source_reports_a_fifo_and_pops_once_a_file_is_there(
    tmp_path: Path, kind: str, name: str
) -> None:
    path = fifo(tmp_path / name)
    recorder = EventRecorder()
    source = HistorySource(path, HISTORY_DIALECTS[kind], recorder.on_event, recorder.on_problem)
    try:
        without_hanging(path, source.start)
        recorder.wait_until(lambda: any(SAID in p for p in recorder.problems), "FIFO problem")
        assert any(str(path) in p and SAID in p for p in recorder.problems), recorder.problems
    finally:
        without_hanging(path, source.stop)


def test_linphones_database_replaced_by_a_fifo_is_reported_then_read_again(
    tmp_path: Path,
) -> None:
    path = fifo(tmp_path / "linphone.db")
    recorder = EventRecorder()
    source = LinphoneDbSource(path, recorder.on_event, recorder.on_problem)
    try:
        without_hanging(path, source.start)
        recorder.wait_until(lambda: any(SAID in p for p in recorder.problems), "FIFO problem")
        path.unlink()
        writer = LinphoneLikeWriter(path)
        try:
            writer.ring("sip:+14155550142@sip.example.com", "MIKE K")
            events = recorder.wait_events(1)
        finally:
            writer.close()
        assert events[0].number == "sip:+14155550142@sip.example.com"
    finally:
        without_hanging(path, source.stop)


def test_a_ring_written_before_the_replaced_linphone_database_is_first_read_pops(
    tmp_path: Path,
) -> None:
    """As late as a watcher starved of CPU would read it (its shared watcher never runs here):
    the ring is in the new database before the source first looks, and is still news."""
    path = fifo(tmp_path / "linphone.db")
    recorder = EventRecorder()
    source = LinphoneDbSource(path, recorder.on_event, recorder.on_problem,
                              watcher=FileWatcher())  # fmt: skip
    try:
        without_hanging(path, source.start)
        path.unlink()
        writer = LinphoneLikeWriter(path)
        try:
            writer.ring("sip:+14155550142@sip.example.com", "MIKE K")
            events = source.poll_now()
        finally:
            writer.close()
        assert [e.number for e in events] == ["sip:+14155550142@sip.example.com"]
    finally:
        source.stop()


@pytest.mark.parametrize(
    "read",
    [read_text_table, read_sheet_table, read_vcard_blocks],
    ids=["text", "sheet", "vcard"],
)
def test_each_importer_refuses_a_fifo(tmp_path: Path, read: Callable[[Path], object]) -> None:
    path = fifo(tmp_path / "contacts.csv")
    with pytest.raises(ImportFailed, match=re.escape(SAID)):
        without_hanging(path, lambda: read(path))


def test_the_import_preview_refuses_a_fifo(tmp_path: Path) -> None:
    path = fifo(tmp_path / "contacts.csv")
    options = ImportOptions(NumberPolicy("US"))
    with pytest.raises(ImportFailed, match=re.escape(SAID)):
        without_hanging(path, lambda: preview_file(path, options))


def test_settings_that_are_a_fifo_fall_back_to_defaults_and_say_why(tmp_path: Path) -> None:
    path = fifo(tmp_path / "settings.json")
    settings = SettingsFile(path)
    without_hanging(path, settings.load)
    assert str(path) in settings.problem and SAID in settings.problem


def test_a_contact_database_that_is_a_fifo_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = fifo(tmp_path / "callercard.sqlite3")
    with pytest.raises(StoreError, match=re.escape(SAID)):
        without_hanging(path, lambda: Store.open(path))


def test_a_fifo_at_a_softphones_place_is_not_offered(tmp_path: Path) -> None:
    fifo(tmp_path / ".linphonerc")
    fifo(tmp_path / "etc/yate/cdrfile.conf")
    found = without_hanging(
        tmp_path / ".linphonerc",
        lambda: detect_softphones(home=tmp_path, env={}, platform="linux", root=tmp_path),
    )
    assert found == []


def cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    # A CLI that hangs fails here through TimeoutExpired.
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data)],
        capture_output=True, text=True, env=python_env(), timeout=30,
    )  # fmt: skip


@pytest.mark.parametrize("name", ["prospects.csv", "cards.vcf", "book.xlsx"])
def test_callercard_import_of_a_fifo_exits_with_a_clear_error(tmp_path: Path, name: str) -> None:
    path = fifo(tmp_path / name)
    result = cli("import", str(path), data=tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert f"{path}: cannot read the file (it {SAID})" in result.stderr
    assert "Traceback" not in result.stderr


def test_callercard_events_of_a_fifo_exits_with_a_clear_error(tmp_path: Path) -> None:
    path = fifo(tmp_path / "Master.csv")
    result = cli("events", str(path), data=tmp_path / "data")
    assert result.returncode == 2, result.stderr
    assert f"{path}: cannot read the file: it {SAID}" in result.stderr
