"""What each softphone is handed to place a call (core/dialers.py)."""

from __future__ import annotations

import json

import pytest

from desktop.core.dialers import (
    CtrlResponse,
    Dialer,
    baresip_dial,
    dialable,
    linphone_argv,
    linphonecsh_argv,
    microsip_argv,
    parse_ctrl_response,
    tel_uri,
    twinkle_argv,
    xdg_open_argv,
)

NUMBER = "+14155550142"


def test_each_program_gets_the_number_in_the_form_it_completes_itself() -> None:
    # --immediate: Twinkle's window otherwise asks to confirm the call in a dialog of its own.
    assert twinkle_argv("/usr/bin/twinkle", NUMBER) == [
        "/usr/bin/twinkle", "--immediate", "--call", NUMBER]  # fmt: skip
    assert linphonecsh_argv("linphonecsh", NUMBER) == ["linphonecsh", "dial", NUMBER]
    assert linphone_argv("linphone", NUMBER) == ["linphone", f"call sip-address={NUMBER}"]
    assert microsip_argv(r"C:\Program Files\MicroSIP\microsip.exe", NUMBER) == [
        r"C:\Program Files\MicroSIP\microsip.exe", NUMBER]  # fmt: skip
    assert xdg_open_argv("xdg-open", NUMBER) == ["xdg-open", "tel:+14155550142"]
    assert tel_uri(NUMBER) == "tel:+14155550142"


def test_baresip_dial_is_a_netstring_of_its_json_command() -> None:
    framed = baresip_dial(NUMBER, "callercard-1")
    length, _, rest = framed.partition(b":")
    assert rest.endswith(b",") and int(length) == len(rest) - 1
    assert json.loads(rest[:-1]) == {"command": "dial", "params": NUMBER,
                                     "token": "callercard-1"}  # fmt: skip


@pytest.mark.parametrize(("payload", "expected"), [
    (b'{"response":true,"ok":true,"data":"","token":"t1"}', CtrlResponse("t1", True, "")),
    (b'{"response":true,"ok":false,"data":"could not find UA\\n","token":"t2"}',
     CtrlResponse("t2", False, "could not find UA")),
    (b'{"response":true,"ok":true}', CtrlResponse("", True, "")),
    (b'{"event":true,"class":"call","type":"CALL_RINGING"}', None),
    (b'{"response":"yes"}', None),
    (b"not json", None),
    (b"\xff\xfe", None),
    (b"[1, 2]", None),
])  # fmt: skip
def test_ctrl_tcp_answers_are_told_from_events(
    payload: bytes, expected: CtrlResponse | None
) -> None:
    assert parse_ctrl_response(payload) == expected


@pytest.mark.parametrize(("number", "ok"), [
    (NUMBER, True),
    ("+442079460321", True),
    ("4155550142", False),  # no country: the program would guess
    ("--cmd=quit", False),  # never an option on a command line
    ("+1415555 0142", False),
    ("+1;dial sip:evil", False),
    ("+", False),
    ("+1234567890123456", False),  # longer than E.164 allows
    ("", False),
    ("3103", True),  # a colleague's internal extension: the office PBX connects it
    ("101", True),
    ("0310", False),  # the operator's or the outside line's 0, not an extension
    ("31", False),
    ("1234567", False),  # a local number cut short, not an extension
])  # fmt: skip
def test_only_whole_international_numbers_are_handed_over(number: str, ok: bool) -> None:
    assert dialable(number) is ok


def test_the_stored_choice_reads_back_and_anything_else_is_automatic() -> None:
    assert [Dialer.parse(d.value) for d in Dialer] == list(Dialer)
    assert Dialer.parse("skype") is Dialer.AUTOMATIC
    assert Dialer.parse(None) is Dialer.AUTOMATIC
    assert Dialer.SYSTEM.label == "System tel: handler"
