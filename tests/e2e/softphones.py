"""The three Debian softphones, configured to ring headless on the namespace's loopback.

What each really does is in ../shared/reference/softphones.md §8; the settings below are the
few each needs to run with no sound card, no account registration and no GUI.
"""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.e2e.harness import Processes, Started, require

# Each test has a namespace of its own, so fixed ports cannot collide with anything.
TWINKLE_SIP_PORT = 5070
TWINKLE_USER = "1001"
BARESIP_SIP_PORT = 5072
BARESIP_CTRL_PORT = 4444
BARESIP_USER = "1002"
LINPHONE_SIP_PORT = 5074
LINPHONE_USER = "1003"

TWINKLE_PROFILE = "callercard-e2e"


def start_twinkle(processes: Processes, home: Path, *, ring_hook: list[str],
                  end_hook: list[str]) -> Started:  # fmt: skip
    """twinkle-console 1.10.2 with its scripts set as docs/softphone-hooks.md says.

    ``ring_hook`` runs on an incoming call, ``end_hook`` when one fails (the caller gave up)
    or either side hangs up. Twinkle splits a script setting on white space and execve()s the
    first word: an absolute path, then arguments none of which may contain a space.
    """
    exe = require("twinkle-console")
    spaced = [arg for arg in (*ring_hook, *end_hook) if any(c.isspace() for c in arg)]
    if spaced:
        pytest.fail(f"Twinkle cannot pass arguments with spaces to its hook: {spaced}")
    ring, end = " ".join(ring_hook), " ".join(end_hook)
    config = home / ".twinkle"
    config.mkdir(parents=True, exist_ok=True)
    (config / f"{TWINKLE_PROFILE}.cfg").write_text(
        f"user_name={TWINKLE_USER}\n"
        "user_domain=127.0.0.1\n"
        "user_display=CallerCard E2E\n"
        "register_at_startup=no\n"
        "pres_publish_startup=no\n"
        f"script_incoming_call={ring}\n"
        f"script_in_call_failed={end}\n"
        f"script_local_release={end}\n"
        f"script_remote_release={end}\n",
        encoding="utf-8",
    )
    # No sound card here: no ring tone, and no probing of ALSA devices that are not there.
    (config / "twinkle.sys").write_text(
        f"sip_port={TWINKLE_SIP_PORT}\n"
        f"rtp_port={TWINKLE_SIP_PORT + 1000}\n"
        "validate_audio_dev=no\n"
        "play_ringtone=no\n"
        "play_ringback=no\n",
        encoding="utf-8",
    )
    # The console reads commands from stdin and ends at EOF, so stdin stays an open pipe.
    twinkle = processes.start("twinkle", [exe, f"{TWINKLE_PROFILE}.cfg"], quit_line="quit")
    twinkle.wait_for_output("Twinkle>", "Twinkle's command prompt")
    return twinkle


def start_twinkle_gui(processes: Processes, home: Path) -> Started:
    """Twinkle's full build (package twinkle) in its command-line mode: unlike twinkle-console
    it listens on ~/.twinkle/.cmdsock, where `twinkle --call NUMBER` hands it a call to place.
    Calls to a bare number go to <number>@user_domain, 127.0.0.1:5060 here."""
    exe = require("twinkle")
    config = home / ".twinkle"
    config.mkdir(parents=True, exist_ok=True)
    (config / f"{TWINKLE_PROFILE}.cfg").write_text(
        f"user_name={TWINKLE_USER}\n"
        "user_domain=127.0.0.1\n"
        "user_display=CallerCard E2E\n"
        "register_at_startup=no\n"
        "pres_publish_startup=no\n",
        encoding="utf-8",
    )
    (config / "twinkle.sys").write_text(
        f"sip_port={TWINKLE_SIP_PORT}\n"
        f"rtp_port={TWINKLE_SIP_PORT + 1000}\n"
        "validate_audio_dev=no\n"
        "play_ringtone=no\n"
        "play_ringback=no\n",
        encoding="utf-8",
    )
    twinkle = processes.start(
        "twinkle", [exe, "-c", "-f", TWINKLE_PROFILE], quit_line="quit",
        env=python_env(QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
    twinkle.wait_for_output("Twinkle>", "Twinkle's command prompt")
    return twinkle


def start_baresip(processes: Processes, config: Path, *, outbound: str = "",
                  console_port: int = 0) -> Started:  # fmt: skip
    """baresip 1.0.0 with ctrl_tcp on 127.0.0.1 and calls answered by hand.

    ``-n 127.0.0.1``: baresip skips loopback when it picks its own address, and the namespace
    has nothing else, so without it baresip never opens its SIP port. Manual answer mode,
    because an auto-answered call starts at CALL_ESTABLISHED with no CALL_INCOMING (§8). No
    audio driver module is loaded: a call that is never answered needs none.
    """
    exe = require("baresip")
    config.mkdir(parents=True, exist_ok=True)
    # ``outbound``: where the calls it places go (a bare number completes to this account's
    # own address, so without a proxy they would ring baresip itself).
    proxy = f';outbound="{outbound}"' if outbound else ""
    # ``console_port``: baresip's cons module takes menu commands ("/accept") as UDP lines
    # there, for a test to answer a call as the rep would (ctrl_tcp is CallerCard's, §8),
    # and plays the far end's audio to a file: there is no sound card.
    console = (
        "module\t\t\tcons.so\n"
        f"cons_listen\t\t127.0.0.1:{console_port}\n"
        "module\t\t\taufile.so\n"
        f"audio_player\t\taufile,{config / 'heard.wav'}\n"
        f"audio_source\t\taufile,{config / 'silence.wav'}\n"
    ) if console_port else ""
    if console_port:
        with wave.open(str(config / "silence.wav"), "wb") as silence:  # 30 s: the call's "voice"
            silence.setnchannels(1)
            silence.setsampwidth(2)
            silence.setframerate(8000)
            silence.writeframes(bytes(2 * 8000 * 30))
    (config / "config").write_text(
        "poll_method\t\tepoll\n"
        f"sip_listen\t\t127.0.0.1:{BARESIP_SIP_PORT}\n"
        "module_path\t\t/usr/lib/baresip/modules\n"
        "module\t\t\tg711.so\n"
        "module\t\t\tctrl_tcp.so\n"
        "module_tmp\t\taccount.so\n"
        "module_app\t\tmenu.so\n"
        f"ctrl_tcp_listen\t\t127.0.0.1:{BARESIP_CTRL_PORT}\n" + console,
        encoding="utf-8",
    )
    (config / "accounts").write_text(
        f"<sip:{BARESIP_USER}@127.0.0.1:{BARESIP_SIP_PORT}>;regint=0;answermode=manual{proxy}\n",
        encoding="utf-8",
    )
    baresip = processes.start("baresip", [exe, "-f", str(config), "-n", "127.0.0.1"])
    baresip.wait_for_output("baresip is ready.", "baresip to be ready")
    return baresip


def start_linphonec(processes: Processes, home: Path, linphonerc: Path) -> Started:
    """linphonec (linphone-cli 5.1.65), which keeps its calls in the legacy call-history.db."""
    exe = require("linphonec")
    # §8: linphonec does not start listening unless its data directory already exists.
    (home / ".local/share/linphone").mkdir(parents=True, exist_ok=True)
    linphonerc.write_text(
        "[sip]\n"
        f"sip_port={LINPHONE_SIP_PORT}\n"
        "sip_tcp_port=0\n"
        "sip_tls_port=0\n"
        "default_proxy=-1\n"
        "[video]\n"
        "enabled=0\n"
        "capture=0\n"
        "display=0\n",
        encoding="utf-8",
    )
    linphonec = processes.start("linphonec", [exe, "-c", str(linphonerc), "-d", "0"],
                                quit_line="quit")  # fmt: skip
    linphonec.wait_for_output("linphonec>", "linphonec's command prompt")
    return linphonec


def linphone_history(home: Path) -> Path:
    return home / ".local/share/linphone/call-history.db"


def twinkle_history(home: Path) -> Path:
    return home / ".twinkle/twinkle.ch"
