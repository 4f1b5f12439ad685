"""A call note (`callercard log-call`, from a dialer or CRM) for a number the rep dialled
moments ago is about that call: the history keeps one row, saying what the note says, in
either order (the softphone's report first, or the note first). The real app watching a real
microsip.ini in a child process, log-call in another, Xvfb."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.softphone_writers import render_call
from tests.test_hook_without_app import calls, hook
from tests.test_ring_at_start import OLD, App, write

pytestmark = [pytest.mark.xvfb]

MIKE = "+14155550110"
DANA = "+12125550123"


def book(tmp: Path) -> None:
    csv = tmp / "book.csv"
    csv.write_text("First Name,Last Name,Company,Phone\n"
                   "Mike,Kowalski,Acme Robotics,+1 415 555 0110\n"
                   "Dana,Brandt,Harbor Foods,+1 212 555 0123\n"
                   "Ana,Lopez,Our Team,x3103\n")  # fmt: skip
    done = hook(tmp / "data", "import", str(csv))
    assert done.returncode == 0, done.stderr


def log_call(tmp: Path, number: str, outcome: str) -> None:
    done = hook(tmp / "data", "log-call", number, "--outcome", outcome)
    assert done.returncode == 0, done.stderr


def outgoing(tmp: Path) -> list[tuple[object, object]]:
    return [(c["number"] or c["caller_id"], c["outcome"])
            for c in calls(tmp / "data") if c["direction"] == "out"]  # fmt: skip


def test_a_note_logged_after_the_softphone_reported_the_dial_is_on_that_call(
    tmp_path: Path, xvfb_display: str
) -> None:
    book(tmp_path)
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    app = App(tmp_path, ini, xvfb_display, "app")
    try:
        dialled = int(time.time())
        ring_buffer[1] = render_call(MIKE, "Mike Kowalski", CallType.OUTGOING, dialled)
        write(ini, ring_buffer)
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == MIKE, "the dial")
        ring_buffer[1] = render_call(MIKE, "Mike Kowalski", CallType.OUTGOING, dialled, 1,
                                     "Call Ended")  # fmt: skip
        write(ini, ring_buffer)
        time.sleep(1.5)  # the end read
        log_call(tmp_path, MIKE, "no_answer")  # the dialer's end-of-call hook
        assert outgoing(tmp_path) == [(MIKE, "no_answer")]

        # A note for a number not dialled lately is a call of its own.
        log_call(tmp_path, DANA, "talked")
        assert sorted(outgoing(tmp_path)) == [(DANA, "talked"), (MIKE, "no_answer")]
    finally:
        app.terminate()


def test_a_note_logged_before_the_softphone_reports_the_dial_is_that_call(
    tmp_path: Path, xvfb_display: str
) -> None:
    book(tmp_path)
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    app = App(tmp_path, ini, xvfb_display, "app")
    try:
        dialled = int(time.time()) - 20  # MicroSIP writes its log a while after the dial
        log_call(tmp_path, MIKE, "no_answer")
        ring_buffer[1] = render_call(MIKE, "Mike Kowalski", CallType.OUTGOING, dialled, 1,
                                     "Call Ended")  # fmt: skip
        write(ini, ring_buffer)
        # Then a call to Dana, with no note: once it is recorded, Mike's was read before it.
        ring_buffer[2] = render_call(DANA, "Dana Brandt", CallType.OUTGOING, dialled + 30)
        write(ini, ring_buffer)
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == DANA, "Dana's")
        assert sorted(outgoing(tmp_path)) == [(DANA, ""), (MIKE, "no_answer")]
        assert not [r for r in app.records() if r["stage"] == "wrap_up_shown"]
    finally:
        app.terminate()


def test_a_note_logged_to_a_colleagues_extension_just_dialled_is_on_that_call(
    tmp_path: Path, xvfb_display: str
) -> None:
    """`log-call x3103 --outcome no_answer` right after dialling 3103 made a second row (a
    'Called' and a 'No answer'), where a number's note is on the call just dialled; and a
    note logged before MicroSIP reports the dial is that call too."""
    book(tmp_path)
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    app = App(tmp_path, ini, xvfb_display, "app")
    try:
        # The note first: MicroSIP writes its log a while after the dial.
        dialled = int(time.time()) - 20
        log_call(tmp_path, "3103", "voicemail")
        ring_buffer[1] = render_call("3103", "Ana Lopez", CallType.OUTGOING, dialled, 1,
                                     "Call Ended")  # fmt: skip
        ring_buffer[2] = render_call(DANA, "Dana Brandt", CallType.OUTGOING, dialled + 30)
        write(ini, ring_buffer)
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == DANA, "Dana's")
        assert sorted(outgoing(tmp_path), key=str) == [(DANA, ""), ("3103", "voicemail")]

        # The dial first, then the dialer's end-of-call hook.
        seen = len(app.records())
        # Two seconds on: a note within the second before a call may be that call's.
        ring_buffer[3] = render_call("3103", "Ana Lopez", CallType.OUTGOING, int(time.time()) + 2)
        write(ini, ring_buffer)
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == "3103",
                     "the redial", after=seen)  # fmt: skip
        log_call(tmp_path, "x3103", "no_answer")
        assert sorted(outgoing(tmp_path), key=str) == [
            (DANA, ""), ("3103", "no_answer"), ("3103", "voicemail")]  # fmt: skip
    finally:
        app.terminate()
