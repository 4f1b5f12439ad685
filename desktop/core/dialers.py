"""Which softphones can place a call for us, and what each must be handed to do it.

Every softphone here completes a bare number with its own account's domain and dial plan
(Twinkle's `expand_destination`, baresip's `account_uri_complete`, linphonec's proxy, MicroSIP's
account), so they are given the number itself in E.164 (``+14155550142``): a ``sip:`` URI
would have to name a domain we do not know. Only the desktop's link handler gets a URI, the
RFC 3966 ``tel:+14155550142`` that softphones register for. What each program really accepts:
../shared/reference/directories-and-dialing.md §4, checked against Twinkle 1.10.2 and baresip
1.0.0 on loopback (tests/e2e/test_click_to_call.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

from desktop.core.softphones import SOFTPHONES


class Dialer(StrEnum):
    """The choice in Settings ("Place calls with"), as stored there."""

    AUTOMATIC = "automatic"
    BARESIP = "baresip"
    TWINKLE = "twinkle"
    LINPHONE = "linphone"
    MICROSIP = "microsip"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: object) -> Dialer:
        """The stored choice; anything unknown (an older or hand-edited file) is automatic."""
        try:
            return cls(str(text))
        except ValueError:
            return cls.AUTOMATIC


# A softphone's label is its title in the softphone table.
_LABELS = {
    Dialer.AUTOMATIC: "Automatic",
    **{Dialer(p.dialer): p.title for p in SOFTPHONES if p.dialer},
    Dialer.SYSTEM: "System tel: handler",
}

# Automatic tries a softphone that is running first (it has the rep's account and headset),
# then whatever the desktop opens tel: links with, then one installed but not running.
AUTOMATIC_ORDER = (Dialer.BARESIP, Dialer.TWINKLE, Dialer.LINPHONE, Dialer.MICROSIP,
                   Dialer.SYSTEM)  # fmt: skip


# The call sources that report a call this softphone placed, and so its end: its watchable
# formats in the softphone table. With one watched, the wrap-up waits for the end; without, it
# opens when the call is placed.
REPORTED_BY = {
    Dialer(p.dialer): frozenset(f.name for f in p.formats if f.watchable)
    for p in SOFTPHONES
    if p.dialer
}


# A colleague's extension: internal_extension's digits (3 to 6, not led by 0).
_EXTENSION = re.compile(r"[1-9][0-9]{2,5}")


def dialable(e164: str) -> bool:
    """Only a whole E.164 number, or a colleague's internal extension the softphone's account
    dials on the office PBX, is handed to a program's command line or socket: nothing a
    contact file wrote can become an option (``--cmd``) or a second command."""
    return ((e164.startswith("+") and e164[1:].isdigit() and 3 <= len(e164) <= 16)
            or is_extension(e164))  # fmt: skip


def is_extension(dialled: str) -> bool:
    """A colleague's internal extension as dialled ("3103": desktop.core.internal_extension's
    digits), which the office PBX connects: digits alone, so as safe on a command line."""
    return _EXTENSION.fullmatch(dialled) is not None


def tel_uri(e164: str) -> str:
    return f"tel:{e164}"


def twinkle_argv(program: str, e164: str) -> list[str]:
    """`twinkle --call` hands the call to the running Twinkle (over ~/.twinkle/.cmdsock) and
    exits; with none running it starts Twinkle, which then calls. `--immediate`: without it
    Twinkle's window opens a Call dialog for the rep to confirm once more, and a call they
    cancelled there was logged as placed."""
    return [program, "--immediate", "--call", e164]


def linphonecsh_argv(program: str, e164: str) -> list[str]:
    """linphonecsh sends `call` to the linphonec daemon (`linphonecsh init`, or linphonec
    started with --pipe)."""
    return [program, "dial", e164]


def linphone_argv(program: str, e164: str) -> list[str]:
    """Linphone desktop passes a `call` command to its running instance."""
    return [program, f"call sip-address={e164}"]


def microsip_argv(program: str, e164: str) -> list[str]:
    """microsip.exe NUMBER: the running MicroSIP dials it (mainDlg.cpp's command line)."""
    return [program, e164]


def xdg_open_argv(program: str, e164: str) -> list[str]:
    return [program, tel_uri(e164)]


def netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode("ascii") + b":" + payload + b","


def baresip_dial(e164: str, token: str) -> bytes:
    """ctrl_tcp's `dial` command, framed as baresip expects; its answer carries ``token``."""
    command = {"command": "dial", "params": e164, "token": token}
    return netstring(json.dumps(command, separators=(",", ":")).encode("utf-8"))


@dataclass(frozen=True)
class CtrlResponse:
    token: str
    ok: bool
    data: str  # baresip's own words when it refused


def parse_ctrl_response(payload: bytes) -> CtrlResponse | None:
    """A command's answer from ctrl_tcp (``{"response":true,"ok":…}``); None for events and
    anything else."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("response") is not True:
        return None
    token, text = data.get("token"), data.get("data")
    return CtrlResponse(
        token if isinstance(token, str) else "",
        data.get("ok") is True,
        text.strip() if isinstance(text, str) else "",
    )
