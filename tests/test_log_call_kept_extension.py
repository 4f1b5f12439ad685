"""A call note `callercard log-call x3103` logs to a colleague's extension while another
program holds the database waits in the hooks' inbox, as a number's note does (exit 4), and
CallerCard records it on the colleague at its next start. It stopped with an error ('nothing
was changed', exit 1), and the dialer's note was lost. The real app (Xvfb) and real commands
in child processes on one data dir."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.paths import AppPaths
from tests.test_extension_callback_cli import ana_missed
from tests.test_hook_hung_app import App
from tests.test_hook_without_app import calls, hook
from tests.test_log_call_kept import held

NOTE = "Sorted the quote"


def kept_text(who: str) -> str:
    return ("callercard: the database is busy (another program is writing it): talked for "
            f"{who} kept; CallerCard records it as soon as it can\n")


def to_the_extension(data: Path) -> list[tuple[object, ...]]:
    return [(c["direction"], c["outcome"], c["message"], c["contact"])
            for c in calls(data) if c["direction"] == "out"]  # fmt: skip


@pytest.mark.xvfb
def test_a_note_to_an_extension_kept_while_the_database_is_held_is_recorded_at_the_start(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = ana_missed(tmp_path)  # Ana Lopez has x3103 and missed a call from it
    [missed] = calls(data)

    with held(data / "callercard.sqlite3"):
        logged = hook(data, "log-call", "--outcome", "talked", "--message", NOTE, "x3103")
    assert (logged.returncode, logged.stdout, logged.stderr) == (4, "", kept_text("Ana Lopez"))
    [line] = HookInbox(AppPaths(data).hook_inbox).read().lines
    assert line.note is not None and line.note.number_e164 == "3103"
    assert to_the_extension(data) == []

    app = App(tmp_path, xvfb_display)
    try:
        deadline = time.monotonic() + 20
        while not to_the_extension(data) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.terminate()
    assert to_the_extension(data) == [("out", "talked", NOTE, missed["contact"])]
    [out] = [c for c in calls(data) if c["direction"] == "out"]
    assert out["caller_id"] == "3103"
    assert not AppPaths(data).hook_inbox.exists()
    # It settled her missed call, as one logged at once does.
    assert "Missed call" not in hook(data, "callbacks").stdout


def test_a_note_to_an_extension_nobody_has_is_kept_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert hook(data, "ring", "--", "3199").returncode == 4  # no app: the hook records it
    assert hook(data, "end", "--missed", "--", "3199").returncode == 4

    with held(data / "callercard.sqlite3"):
        logged = hook(data, "log-call", "--outcome", "talked", "x3199")

    assert (logged.returncode, logged.stderr) == (4, kept_text("x3199"))
    [line] = HookInbox(AppPaths(data).hook_inbox).read().lines
    assert line.note is not None and line.note.number_e164 == "3199"
    assert line.note.contact_id is None
