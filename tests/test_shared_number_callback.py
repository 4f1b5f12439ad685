"""A call out to a number two contacts share goes to the contact it was for: Bo (an older
Google entry) and Michael Brandt share +1 415-555-0199; Michael calls ("MIKE BRANDT") and is
missed, so calling the number back returns his call, not Bo's (the lower id). `callercard
log-call`, the card, Callbacks and the history agree. Real child processes on one data dir."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_hook_without_app import calls, hook

SHARED = "+14155550199"


def book(data: Path, tmp: Path) -> None:
    csv = tmp / "book.csv"
    csv.write_text("First Name,Last Name,Company,Phone\n"
                   "Bo,,,(415) 555-0199\n"
                   "Michael,Brandt,Acme Corp,+1 415 555 0199\n")  # fmt: skip
    done = hook(data, "import", str(csv))
    assert done.returncode == 0, done.stderr


def call_in(data: Path, name: str, *, missed: bool) -> None:
    assert hook(data, "ring", SHARED, name).returncode == 4  # no app: recorded by the hook
    ended = hook(data, "end", *(["--missed"] if missed else []), SHARED)
    assert ended.returncode == 4, ended.stderr


def log_call(data: Path, outcome: str, *message: str) -> str:
    done = hook(data, "log-call", "--outcome", outcome, *message, SHARED)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def whose_calls(data: Path) -> list[tuple[object, object, object]]:
    return [(c["direction"], c["outcome"], c["contact"]["name"]) for c in calls(data)]  # type: ignore[index]


def callbacks(data: Path) -> dict[str, list[str]]:
    out = hook(data, "callbacks", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    return {section: [e["contact"]["name"] for e in listed[section]]
            for section in ("waiting_for_us", "waiting_for_them")}  # fmt: skip


def test_calling_back_a_shared_number_returns_the_missed_call_of_the_one_who_rang(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    book(data, tmp_path)
    call_in(data, "MIKE BRANDT", missed=True)

    assert log_call(data, "no_answer") == "logged no_answer for Michael Brandt"
    assert callbacks(data) == {"waiting_for_us": ["Michael Brandt"], "waiting_for_them": []}
    out = hook(data, "callbacks")
    assert "Michael Brandt · +1 415-555-0199 · Missed call just now · Tried " in out.stdout

    assert log_call(data, "voicemail", "--message", "Left VM re pricing") == (
        "logged voicemail for Michael Brandt")  # fmt: skip
    assert callbacks(data) == {"waiting_for_us": [], "waiting_for_them": ["Michael Brandt"]}
    assert whose_calls(data) == [("out", "voicemail", "Michael Brandt"),
                                 ("out", "no_answer", "Michael Brandt"),
                                 ("in", "missed", "Michael Brandt")]  # fmt: skip


def test_with_no_missed_call_due_the_call_goes_to_the_one_last_in_touch_on_the_number(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    book(data, tmp_path)
    call_in(data, "MIKE BRANDT", missed=False)  # talked: nothing due

    assert log_call(data, "talked") == "logged talked for Michael Brandt"
