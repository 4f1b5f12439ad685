"""The terminal says a call the way the windows do (h-rep6): a call out to a colleague's
extension named as the calls in from it ('Unknown · x3103' beside 'Front desk (caller ID)')."""

from __future__ import annotations

from pathlib import Path

from tests.test_hook_without_app import hook


def ok(data: Path, *args: str) -> list[str]:
    out = hook(data, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


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
