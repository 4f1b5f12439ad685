"""A colleague's missed call from their internal extension can be called back from the
terminal: `callercard callbacks` says 'x3103' (and --json what to dial, '3103'), and
`callercard log-call x3103` records the call out on them and settles it. Real child
processes on one data dir, as tests/test_hook_without_app.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_hook_without_app import calls, hook

TEAM = "First Name,Last Name,Company,Phone\nAna,Lopez,Our Team,x3103\n"


def ana_missed(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    book = tmp_path / "team.csv"
    book.write_text(TEAM, encoding="utf-8")
    imported = hook(data, "import", str(book))
    assert imported.returncode == 0, imported.stderr
    assert hook(data, "ring", "--", "3103").returncode == 4  # no app: recorded by the hook
    assert hook(data, "end", "--missed", "--", "3103").returncode == 4
    return data


def test_callbacks_say_the_extension_to_call_a_colleague_back_on(tmp_path: Path) -> None:
    data = ana_missed(tmp_path)
    text = hook(data, "callbacks")
    assert text.returncode == 0, text.stderr
    assert "  Ana Lopez · x3103 · Missed call" in text.stdout, text.stdout
    [entry] = json.loads(hook(data, "callbacks", "--json").stdout)["waiting_for_us"]
    assert (entry["number"], entry["extension"]) == ("3103", "3103")


@pytest.mark.parametrize("typed", ["x3103", "3103"])
def test_a_call_logged_to_an_extension_is_theirs_and_settles_their_missed_call(
    tmp_path: Path, typed: str
) -> None:
    data = ana_missed(tmp_path)
    logged = hook(data, "log-call", "--outcome", "talked", "--message", "Sorted", typed)
    assert (logged.returncode, logged.stdout, logged.stderr) == (
        0, "logged talked for Ana Lopez\n", "")  # fmt: skip
    callbacks = json.loads(hook(data, "callbacks", "--json").stdout)
    assert (callbacks["waiting_for_us"], callbacks["due"]) == ([], 0)
    out, missed = calls(data)
    assert (out["direction"], out["outcome"], out["message"], out["caller_id"]) == (
        "out", "talked", "Sorted", "3103")  # fmt: skip
    assert out["contact"] == missed["contact"] and missed["outcome"] == "missed"
    line = hook(data, "calls").stdout.splitlines()[0]
    assert line.endswith("Talked             Ana Lopez · x3103"), line


def test_an_extension_nobody_has_is_refused_and_nothing_recorded(tmp_path: Path) -> None:
    data = ana_missed(tmp_path)
    logged = hook(data, "log-call", "--outcome", "talked", "x3199")
    assert (logged.returncode, logged.stderr) == (
        2, "callercard: log-call: nobody has the extension x3199; nothing recorded\n")  # fmt: skip
    assert len(calls(data)) == 1


def test_calls_and_search_say_x3103_for_a_call_from_linphones_sip_address(
    tmp_path: Path,
) -> None:
    """Linphone logs the colleague as 'sip:3103@sip.example.com': the terminal's call rows say
    'x3103' as the lists and the contact view do, not the address as received."""
    data = ana_missed(tmp_path)
    assert hook(data, "ring", "--", "sip:3103@sip.example.com").returncode == 4
    assert hook(data, "end", "--", "sip:3103@sip.example.com").returncode == 4
    newest = hook(data, "calls").stdout.splitlines()[0]
    assert newest.endswith("Ana Lopez · x3103"), newest
    found = hook(data, "search", "ana").stdout
    rows = found[found.index("Calls · newest first"):].splitlines()[1:3]
    assert all(" · Our Team · x3103 · " in row for row in rows), found


@pytest.mark.parametrize("typed", ["x3103", "3103"])
def test_callercard_call_dials_a_colleagues_extension_as_the_cards_call_button_does(
    tmp_path: Path, typed: str
) -> None:
    """`callercard call x3103` was refused ('not a phone number … too short', exit 1) while
    the missed card's Call back dialled 3103: the softphone is handed the extension's digits."""
    from tests.adapters.test_dialing import CtrlTcpAnswerer
    from tests.test_cli import cc

    data = ana_missed(tmp_path)
    softphone = CtrlTcpAnswerer()
    try:
        placed = cc("call", typed, "--baresip", f"127.0.0.1:{softphone.port}", "--json",
                    data_dir=data)  # fmt: skip
        assert placed.returncode == 0, placed.stderr
        said = json.loads(placed.stdout)
        assert (said["placed"], said["number"], said["dialer"]) == (True, "3103", "baresip")
        assert [(c["command"], c["params"]) for c in softphone.commands] == [("dial", "3103")]
    finally:
        softphone.close()


def test_a_missed_call_from_an_extension_nobody_has_waits_in_callbacks_until_returned(
    tmp_path: Path,
) -> None:
    """A missed call from x3199 (nobody in the book) was not in Callbacks, where a number
    nobody has is: it is listed and counted, the call back that rang out is said beside it,
    and one that reached them settles it."""
    data = ana_missed(tmp_path)
    for _ in range(2):
        assert hook(data, "ring", "--", "sip:3199@pbx.example.com").returncode == 4
        assert hook(data, "end", "--missed", "--", "sip:3199@pbx.example.com").returncode == 4
    listed = json.loads(hook(data, "callbacks", "--json").stdout)
    assert listed["due"] == 2  # Ana's and x3199's
    stranger = [e for e in listed["waiting_for_us"] if e["extension"] == "3199"]
    assert [(e["number"], e["due"]) for e in stranger] == [("3199", True)], listed

    rang_out = hook(data, "log-call", "--outcome", "no_answer", "x3199")
    assert (rang_out.returncode, rang_out.stdout) == (0, "logged no_answer for x3199\n")
    line = next(s for s in hook(data, "callbacks").stdout.splitlines() if "x3199" in s)
    # Nobody has it: the extension names the entry, said once.
    assert line.startswith("  x3199 · Missed call ") and "(2 tries) · Tried " in line, line
    assert line.endswith(", no answer"), line

    reached = hook(data, "log-call", "--outcome", "talked", "3199")
    assert reached.returncode == 0, reached.stderr
    listed = json.loads(hook(data, "callbacks", "--json").stdout)
    assert listed["due"] == 1
    assert [e["extension"] for e in listed["waiting_for_us"]] == ["3103"]
