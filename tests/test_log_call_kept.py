"""A call note `callercard log-call` logs while another program (an import, a backup, a sync)
holds the database is kept in the hooks' inbox, as a hook's call is, and CallerCard records
it: the running app once the database lets go, or its next start. It failed after its lock
wait ('nothing was changed', exit 1), and a dialer's or softphone hook's note, which nobody
reads the output of, was lost with its call. The real app (Xvfb) and real commands in child
processes on one data dir."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.paths import AppPaths
from tests.test_hook_hung_app import App, calls
from tests.test_hook_without_app import NUMBER, hook

KEPT = ("callercard: the database is busy (another program is writing it): talked for "
        f"{NUMBER} kept; CallerCard records it as soon as it can\n")
NOTE = "Agreed on the 3-year deal"


@contextmanager
def held(database: Path) -> Iterator[None]:
    locker = sqlite3.connect(database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # an import holds the write lock for its whole length
    try:
        yield
    finally:
        locker.execute("COMMIT")
        locker.close()


def log_call(data: Path) -> tuple[int, str]:
    done = hook(data, "log-call", "--outcome", "talked", "--message", NOTE, "--", NUMBER)
    return done.returncode, done.stderr


def noted(data: Path) -> list[tuple[object, ...]]:
    return [(c["direction"], c["outcome"], c["message"], c["source"]) for c in calls(data)]


def wait_noted(data: Path) -> list[tuple[object, ...]]:
    deadline = time.monotonic() + 20
    while not (found := noted(data)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


@pytest.mark.xvfb
def test_a_note_logged_while_the_database_is_held_is_recorded_when_it_lets_go(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        with held(data / "callercard.sqlite3"):
            assert log_call(data) == (4, KEPT)
        found = wait_noted(data)
    finally:
        app.terminate()
    assert found == [("out", "talked", NOTE, "call-note")]
    assert not AppPaths(data).hook_inbox.exists()


@pytest.mark.xvfb
def test_a_note_kept_with_no_app_running_is_recorded_at_its_next_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    assert hook(data, "calls").returncode == 0  # the database made, as a rep's day has it
    with held(data / "callercard.sqlite3"):
        assert log_call(data) == (4, KEPT)
    assert noted(data) == []
    [line] = HookInbox(AppPaths(data).hook_inbox).read().lines
    assert line.note is not None and line.note.note.message == NOTE

    app = App(tmp_path, xvfb_display)
    try:
        found = wait_noted(data)
    finally:
        app.terminate()
    assert found == [("out", "talked", NOTE, "call-note")]
