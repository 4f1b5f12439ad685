"""The terminal says a call the way the windows do (h-rep6): a note of several lines on one
line, its lines kept apart by " · " (`calls` printed its second line at column 0, outside
the table; `callbacks` ran them into one sentence), and a call out to a colleague's
extension named as the calls in from it ('Unknown · x3103' beside 'Front desk (caller ID)')."""

from __future__ import annotations

from pathlib import Path

from tests.test_hook_without_app import hook

NOTE = "Wants pricing for 40 seats\n\nDecision: Ann (CEO)"
SAID = "Wants pricing for 40 seats · Decision: Ann (CEO)"


def ok(data: Path, *args: str) -> list[str]:
    out = hook(data, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_a_notes_lines_are_one_line_kept_apart_in_calls_and_callbacks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    book = tmp_path / "book.csv"
    book.write_text("Name,Phone\nAnn Lee,+1 415-555-0134\n", encoding="utf-8")
    ok(data, "import", str(book))
    ok(data, "log-call", "+14155550134", "--outcome", "voicemail", "--message", NOTE)

    calls = ok(data, "calls")
    assert calls[0].endswith("Ann Lee · +1 415-555-0134"), calls
    assert calls[1:] == [" " * 23 + SAID], "under the outcome, as one line"

    listed = ok(data, "callbacks")
    at = listed.index("We are waiting for them (1)")
    assert listed[at + 1].startswith("  Ann Lee · +1 415-555-0134 · "), listed
    assert listed[at + 2] == "    " + SAID, listed


def test_a_call_out_to_an_extension_is_named_as_the_calls_in_from_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert hook(data, "ring", "--name", "Front desk", "--", "sip:3199@pbx.office").returncode == 4
    assert hook(data, "end", "--missed", "--", "3199").returncode == 4
    assert hook(data, "ring", "--", "3198").returncode == 4  # no name from the PBX
    assert hook(data, "end", "--missed", "--", "3198").returncode == 4
    ok(data, "log-call", "x3199", "--outcome", "no_answer")

    calls = ok(data, "calls")
    assert "  out  " in calls[0], calls
    # Nobody has 3199: the extension names the call, as its card does, said once.
    assert calls[0].endswith("  x3199") and "Unknown" not in calls[0], calls
    assert calls[1].endswith("  x3198"), calls
    assert calls[2].endswith("  Front desk (caller ID) · x3199"), calls

    listed = ok(data, "callbacks")
    assert "  x3198 · Missed call just now" in listed, listed
