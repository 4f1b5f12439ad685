"""Every recipe in docs/softphone-hooks.md, run the way its softphone runs it, into a real app.

The recipes are read from the document itself, so the page and the tests cannot drift apart.
Each softphone's way of starting a program is reproduced from its source (softphones.md §3):
MicroSIP appends the caller's user part and waits up to 10 s; Zoiper substitutes {number} and
runs a shell command, or opens a URL; Twinkle splits at whitespace, execve()s with the caller
in SIP_* variables, and reads the hook's stdout until every copy of the pipe is closed; Jitsi
substitutes ${caller.*} and splits at whitespace. The app runs as a child process (offscreen
Qt) and reports what it did through --trace.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli_ring import header_display_name, hook_message, twinkle_party
from desktop.core.ipc import End, EndOutcome, Ring, hook_call_key
from tests.conftest import REPO, python_env
from tests.traced_app import TracedApp

DOC = REPO / "docs" / "softphone-hooks.md"
BIN = Path(sys.executable).parent
CALLERCARD = BIN / "callercard"  # the console script the package installs
MIKE = "+14155550142"  # in the demo book the app loads on first start
BRENNAN = "+14155550178"
HOOK_BUDGET_S = 5.0  # far above the ~0.1 s a hook takes; MicroSIP gives up at 10 s


def recipes() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- recipe: (\S+) -->\s*```[a-z]*\n(.*?)\n```", text, re.DOTALL)
    return dict(found)


RECIPES = recipes()


def recipe_value(name: str, key: str) -> str:
    """The value of ``key=`` in a recipe written as ini lines."""
    for line in RECIPES[name].splitlines():
        found, _, value = line.partition("=")
        if found == key:
            return value
    raise AssertionError(f"recipe {name} has no {key}=")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class App(TracedApp):
    """The tray app, offscreen, in its own home; hooks get the same environment."""

    def __init__(self, home: Path, port: int) -> None:
        self.home = home
        self.data = home / "callercard"
        self.trace = home / "trace.jsonl"
        self.port = port
        (home / "run").mkdir(mode=0o700, parents=True)
        self.env = python_env(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_STATE_HOME=str(home / ".local/state"),
            XDG_RUNTIME_DIR=str(home / "run"),
            CALLERCARD_HOME=str(self.data),
            QT_QPA_PLATFORM="offscreen",
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(CALLERCARD), "--data-dir", str(self.data), "--region", "US", "--background",
             "--trace", str(self.trace)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app to be ready", after=0)

    def mark(self) -> int:
        return len(self.records())

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CALLERCARD), *args], env=self.env, capture_output=True, text=True, timeout=30
        )

    def stop(self) -> str:
        return self.terminate()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    running = App(tmp_path_factory.mktemp("hooks"), free_port())
    # The URL endpoint is off by default; turn it on the way the user does, before start.
    enabled = running.cli("hook-url", "--enable", "--port", str(running.port))
    assert enabled.returncode == 0, enabled.stderr
    running.start()
    yield running
    running.stop()


def token_of(app: App) -> str:
    config = json.loads((app.data / "url-endpoint.json").read_text(encoding="utf-8"))
    return str(config["token"])


def rang(app: App, caller_id: str, after: int) -> dict[str, object]:
    return app.wait_for(
        lambda r: r["stage"] == "matched" and r["caller_id"] == caller_id,
        f"the ring from {caller_id}",
        after=after,
    )


def ended(app: App, call_key: str, after: int) -> dict[str, object]:
    return app.wait_for(
        lambda r: r["stage"] == "ended" and r["call_key"] == call_key,
        f"the end of {call_key}",
        after=after,
    )


# --- MicroSIP ------------------------------------------------------------------------------


def run_like_microsip(value: str, user: str, env: dict[str, str]) -> tuple[int, float]:
    """MSIP::RunCmd: split the value, argv[0] becomes lpFile, the other arguments are joined
    with spaces, then " " + the SIP user part is appended; ShellExecuteEx, then wait up to
    10 s. The program's runtime splits lpParameters again (no quotes in these recipes)."""
    argv = shlex.split(value)
    parameters = " ".join(argv[1:]) + " " + user
    program = shutil.which(argv[0], path=env["PATH"])
    assert program is not None, f"{argv[0]} is not on PATH"
    started = time.monotonic()
    result = subprocess.run([program, *parameters.split()], env=env, timeout=10,
                            capture_output=True, text=True)  # fmt: skip
    assert result.stdout == "", result.stdout
    return result.returncode, time.monotonic() - started


def test_microsip_hooks_pop_the_card_and_close_it(app: App) -> None:
    mark = app.mark()
    code, took = run_like_microsip(recipe_value("microsip-ring", "cmdIncomingCall"), MIKE, app.env)
    assert code == 0 and took < HOOK_BUDGET_S
    assert rang(app, MIKE, mark)["match"] == "exact"
    app.wait_for(lambda r: r["stage"] == "shown" and r["caller_id"] == MIKE, "the card", after=mark)

    code, _ = run_like_microsip(recipe_value("microsip-end", "cmdCallEnd"), MIKE, app.env)
    assert code == 0
    assert ended(app, f"hook:{MIKE}", mark)["closed"] is True


def test_microsip_busy_hook_closes_the_card_too(app: App) -> None:
    mark = app.mark()
    run_like_microsip(recipe_value("microsip-ring", "cmdIncomingCall"), BRENNAN, app.env)
    rang(app, BRENNAN, mark)
    code, _ = run_like_microsip(recipe_value("microsip-busy", "cmdCallBusy"), BRENNAN, app.env)
    assert code == 0
    assert ended(app, f"hook:{BRENNAN}", mark)["closed"] is True


def test_microsip_with_no_user_part_pops_a_withheld_card_and_its_end_closes_it(app: App) -> None:
    # INVITE From: <sip:pbx.example.com>: MicroSIP appends "" (a trailing space), so the hook
    # gets no caller ID at all, for the ring and for the end alike.
    mark = app.mark()
    code, took = run_like_microsip(recipe_value("microsip-ring", "cmdIncomingCall"), "", app.env)
    assert code == 0 and took < HOOK_BUDGET_S
    rang(app, "", mark)
    app.wait_for(lambda r: r["stage"] == "shown" and r["caller_id"] == "", "the card", after=mark)
    code, _ = run_like_microsip(recipe_value("microsip-end", "cmdCallEnd"), "", app.env)
    assert code == 0
    assert ended(app, hook_call_key(""), mark)["closed"] is True
    assert app.proc is not None and app.proc.poll() is None


def test_a_withheld_ring_by_name_is_closed_and_logged_missed_by_an_end_with_no_caller_id(
    app: App,
) -> None:
    # A phone rings with a word for the withheld number and ends with no caller ID at all:
    # the end must close that card and log the missed call, matched to no contact.
    for said in ("anonymous", "Restricted"):
        mark = app.mark()
        assert app.cli("ring", said).returncode == 0
        rang(app, said, mark)
        app.wait_for(lambda r, s=said: r["stage"] == "shown" and r["caller_id"] == s,
                     "the card", after=mark)  # fmt: skip
        assert app.cli("end", "--missed").returncode == 0
        # Kept as the missed call's card: before, no card was found under the end's key.
        assert ended(app, hook_call_key(""), mark)["kept"] is True
    deadline = time.monotonic() + 10
    while True:  # the history writer logs the call on a thread of its own
        newest = json.loads(app.cli("calls", "--json").stdout)["calls"][0]
        if newest["outcome"] == "missed" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    said = (newest["direction"], newest["outcome"], newest["number"], newest["contact"])
    assert said == ("in", "missed", None, None)


# --- Zoiper ---------------------------------------------------------------------------------


def run_like_zoiper_program(command: str, number: str, env: dict[str, str]) -> int:
    """Method "program": {number} substituted, run as a shell command."""
    line = command.replace("{number}", number)
    return subprocess.run(["/bin/sh", "-c", line], env=env, timeout=10,
                          capture_output=True).returncode  # fmt: skip


def test_zoiper_program_rules_pop_the_card_and_close_it(app: App) -> None:
    mark = app.mark()
    assert run_like_zoiper_program(RECIPES["zoiper-ring-program"], MIKE, app.env) == 0
    assert rang(app, MIKE, mark)["match"] == "exact"
    assert run_like_zoiper_program(RECIPES["zoiper-end-program"], MIKE, app.env) == 0
    assert ended(app, f"hook:{MIKE}", mark)["closed"] is True


def test_a_caller_id_full_of_shell_syntax_stays_a_caller_id(app: App, tmp_path: Path) -> None:
    # SIP allows $ ( ) ; & in a user part; none of it may reach the shell as code.
    marker = tmp_path / "pwned"
    hostile = f"$(touch {marker});touch${{IFS}}{marker}&`touch {marker}`"
    mark = app.mark()
    assert run_like_zoiper_program(RECIPES["zoiper-ring-program"], hostile, app.env) == 0
    rang(app, hostile, mark)
    assert not marker.exists()


def open_like_zoiper(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Method "url": a plain GET of the URL with {number} substituted, as a program opens it."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def zoiper_url(app: App, recipe: str, number: str) -> str:
    template = RECIPES[recipe].replace("TOKEN", token_of(app))
    return template.replace(":47123/", f":{app.port}/").replace("{number}", number)


def test_zoiper_url_rules_pop_the_card_and_close_it(app: App) -> None:
    mark = app.mark()
    # The number goes in raw: "+" must stay a plus, not turn into a space.
    assert open_like_zoiper(zoiper_url(app, "zoiper-ring-url", MIKE))[0] == 200
    assert rang(app, MIKE, mark)["match"] == "exact"
    assert open_like_zoiper(zoiper_url(app, "zoiper-end-url", MIKE))[0] == 200
    assert ended(app, f"hook:{MIKE}", mark)["closed"] is True


def test_the_url_endpoint_refuses_web_pages_and_strangers(app: App) -> None:
    mark = app.mark()
    good = zoiper_url(app, "zoiper-ring-url", BRENNAN)
    from_page = open_like_zoiper(
        good, {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    )
    assert from_page[0] == 403
    img_tag = open_like_zoiper(good, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert img_tag[0] == 403
    rebound = urllib.request.Request(good, headers={"Host": f"evil.example:{app.port}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(rebound, timeout=10)
    refused.value.close()
    assert refused.value.code == 421
    wrong_token = good.replace(token_of(app), "guess")
    assert open_like_zoiper(wrong_token)[0] == 403
    post = urllib.request.Request(good, data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as posted:
        urllib.request.urlopen(post, timeout=10)
    posted.value.close()
    assert posted.value.code == 405
    # The user (or a program) opening the URL is what browsers mark Sec-Fetch-Site: none.
    assert open_like_zoiper(good, {"Sec-Fetch-Site": "none"})[0] == 200
    rang(app, BRENNAN, mark)
    rings = [r for r in app.records()[mark:] if r["stage"] == "read"]
    assert [r["caller_id"] for r in rings] == [BRENNAN]
    assert open_like_zoiper(zoiper_url(app, "zoiper-end-url", BRENNAN))[0] == 200
    ended(app, f"hook:{BRENNAN}", mark)  # the next test's call from Brennan is a new one


def test_the_url_endpoint_listens_on_loopback_only(app: App) -> None:
    listening = subprocess.run(["ss", "-Hltn", f"sport = :{app.port}"], capture_output=True,
                               text=True, check=False)  # fmt: skip
    if listening.returncode != 0:
        pytest.skip("ss is not available")
    addresses = {line.split()[3] for line in listening.stdout.splitlines() if line.strip()}
    assert addresses == {f"127.0.0.1:{app.port}"}


# --- Twinkle --------------------------------------------------------------------------------


def twinkle_environment(samples: Path, **changes: str | None) -> dict[str, str]:
    """The sample environment Twinkle builds for script_incoming_call, with changes."""
    env: dict[str, str] = {}
    for line in (
        (samples / "softphones" / "twinkle-script_incoming_call.env").read_text().splitlines()
    ):
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_like_twinkle(
    command: str, sip_env: dict[str, str], env: dict[str, str]
) -> tuple[bytes, float]:
    """t_call_script::exec_action: fork with stdout on a pipe (the child also keeps the pipe's
    write end under its own number: Twinkle never closes it), execve argv split at whitespace
    with environ + SIP variables, then read stdout until every copy of the pipe is closed."""
    argv = command.split()
    assert Path(argv[0]).is_absolute(), "Twinkle execve()s: the recipe needs an absolute path"
    argv[0] = str(CALLERCARD)  # where it is installed here
    read_end, write_end = os.pipe()
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=write_end, pass_fds=(write_end,),
                            env={**env, **sip_env})  # fmt: skip
    os.close(write_end)
    output = b""
    deadline = started + HOOK_BUDGET_S
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail("Twinkle would still be waiting for its script: the pipe never closed")
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 4096)
                if not chunk:
                    break
                output += chunk
    finally:
        os.close(read_end)
        proc.wait(10)
    return output, time.monotonic() - started


def twinkle_line(recipe: str, key: str) -> str:
    return recipe_value(recipe, key)


def test_twinkle_scripts_pop_the_card_and_follow_the_call(app: App, samples: Path) -> None:
    mark = app.mark()
    ring_env = twinkle_environment(samples)
    output, took = run_like_twinkle(twinkle_line("twinkle-ring", "script_incoming_call"),
                                    ring_env, app.env)  # fmt: skip
    assert output == b"", "Twinkle parses the script's output; it must print nothing"
    assert took < HOOK_BUDGET_S
    matched = rang(app, "+14155550123", mark)
    assert matched["call_key"] == "twinkle:a84b4c76e66710@10.0.0.5"

    bye = twinkle_environment(samples, TWINKLE_TRIGGER="remote_release", SIPREQUEST_METHOD="BYE")
    output, _ = run_like_twinkle(twinkle_line("twinkle-end", "script_remote_release"), bye, app.env)
    assert output == b""
    assert ended(app, "twinkle:a84b4c76e66710@10.0.0.5", mark)["closed"] is True


def test_twinkle_local_hang_up_closes_the_card(app: App, samples: Path) -> None:
    mark = app.mark()
    ring_env = twinkle_environment(samples, SIP_CALL_ID="local-1@10.0.0.5", SIP_FROM_USER=MIKE)
    run_like_twinkle(twinkle_line("twinkle-ring", "script_incoming_call"), ring_env, app.env)
    rang(app, MIKE, mark)
    # Our own BYE: From is us, To is the caller.
    bye = twinkle_environment(
        samples, TWINKLE_TRIGGER="local_release", SIP_CALL_ID="local-1@10.0.0.5",
        SIP_FROM='"Alex Seller" <sip:1001@sip.example.com>;tag=9', SIP_FROM_USER="1001",
        SIP_FROM_DISPLAY="Alex Seller", SIP_TO=f"<sip:{MIKE}@sip.example.com>", SIP_TO_USER=MIKE,
    )  # fmt: skip
    run_like_twinkle(twinkle_line("twinkle-end", "script_local_release"), bye, app.env)
    assert ended(app, "twinkle:local-1@10.0.0.5", mark)["closed"] is True


def test_twinkle_missed_call_leaves_a_missed_card(app: App, samples: Path) -> None:
    mark = app.mark()
    ring_env = twinkle_environment(samples, SIP_CALL_ID="missed-1@10.0.0.5", SIP_FROM_USER=BRENNAN)
    run_like_twinkle(twinkle_line("twinkle-ring", "script_incoming_call"), ring_env, app.env)
    rang(app, BRENNAN, mark)
    # The caller gave up: Twinkle answers the CANCEL with 487 and runs in_call_failed with it.
    failed = twinkle_environment(
        samples, TWINKLE_TRIGGER="in_call_failed", SIP_CALL_ID="missed-1@10.0.0.5",
        SIP_FROM_USER=BRENNAN,
    )  # fmt: skip
    run_like_twinkle(twinkle_line("twinkle-end", "script_in_call_failed"), failed, app.env)
    end = ended(app, "twinkle:missed-1@10.0.0.5", mark)
    assert (end["missed"], end["kept"], end["closed"]) == (True, True, False)  # Call back waits


def test_a_twinkle_ring_with_no_app_running_starts_it_without_holding_up_twinkle(
    tmp_path: Path, samples: Path
) -> None:
    app = App(tmp_path / "home", free_port())  # not started: the hook must start it
    ring_env = twinkle_environment(samples, SIP_FROM_USER=MIKE)
    try:
        output, took = run_like_twinkle(twinkle_line("twinkle-ring", "script_incoming_call"),
                                        ring_env, app.env)  # fmt: skip
        assert output == b""
        assert took < HOOK_BUDGET_S
        log = app.data / "callercard.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and "card shown" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the app started by the hook never showed the card")
    finally:
        assert app.cli("quit").returncode == 0


# --- Jitsi ----------------------------------------------------------------------------------


def run_like_jitsi(command: str, caller: dict[str, str], env: dict[str, str]) -> int:
    """CommandNotificationHandlerImpl: replace ${key} with each value, then Runtime.exec(String),
    which splits at whitespace (StringTokenizer) and finds the program on PATH."""
    for key, value in caller.items():
        command = command.replace("${" + key + "}", value)
    argv = command.split()
    program = shutil.which(argv[0], path=env["PATH"])
    assert program is not None
    return subprocess.run([program, *argv[1:]], env=env, timeout=10).returncode


def test_jitsi_execute_program_pops_the_card_with_the_whole_name(app: App) -> None:
    mark = app.mark()
    caller = {
        "caller.uri": f"sip:{MIKE}@sip.example.com",
        "caller.address": f"{MIKE}@sip.example.com",
        "caller.name": "Mike  K. -Sales-",
        "caller.id": "a84b4c76e66710@10.0.0.5",
    }
    assert run_like_jitsi(RECIPES["jitsi-ring"], caller, app.env) == 0
    assert rang(app, f"{MIKE}@sip.example.com", mark)["match"] == "exact"


# --- what the hook makes of each shape (no app needed) ---------------------------------------


def test_twinkle_1_10_2_sets_no_display_variable_so_the_name_comes_from_the_header(
    samples: Path,
) -> None:
    env = twinkle_environment(samples, SIP_FROM_DISPLAY=None)
    assert twinkle_party(env) == ("+14155550123", "Jane Doe", "a84b4c76e66710@10.0.0.5")


def test_twinkle_release_by_us_takes_the_caller_from_to(samples: Path) -> None:
    env = twinkle_environment(
        samples, TWINKLE_TRIGGER="local_release", SIP_FROM_USER="1001",
        SIP_TO='"Zoë Ångström" <sip:+442079460321@trunk.example.net>', SIP_TO_USER="+442079460321",
        SIP_TO_DISPLAY="",
    )  # fmt: skip
    message = hook_message("end", caller_id="", environ=env)
    assert message == End(call_key="twinkle:a84b4c76e66710@10.0.0.5", caller_id="+442079460321",
                          outcome=EndOutcome.ANSWERED)  # a release ends a call that was taken
    assert twinkle_party(env)[1] == "Zoë Ångström"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('"Jane Doe" <sip:+14155550123@sip.example.com;user=phone>;tag=as5f', "Jane Doe"),
        ('"Bob \\"The Builder\\" O" <sip:1@x>', 'Bob "The Builder" O'),
        ("Jane Doe <sip:1@x>;tag=1", "Jane Doe"),
        ("<sip:+14155550123@x>;tag=1", ""),
        ("sip:+14155550123@x;tag=1", ""),
        ('"unterminated <sip:1@x>', ""),
        ("", ""),
    ],
)
def test_display_names_are_read_from_sip_headers(header: str, name: str) -> None:
    assert header_display_name(header) == name


def test_bytes_that_are_not_utf8_never_break_the_message() -> None:
    env = {
        "TWINKLE_TRIGGER": "in_call",
        "SIP_FROM_USER": "+14155550123",
        "SIP_FROM_DISPLAY": b"Z\xf6e".decode("utf-8", "surrogateescape"),  # Latin-1 bytes
        "SIP_CALL_ID": "x@y",
    }
    message = hook_message("ring", caller_id="", environ=env)
    assert isinstance(message, Ring)
    assert message.name == "Z\ufffde"
    message.name.encode("utf-8")  # fit for the JSON line


def test_jitsi_name_words_are_joined_and_an_explicit_name_wins() -> None:
    ring = hook_message("ring", caller_id="1@x", name_words=["Mike", "K."], environ={})
    assert isinstance(ring, Ring) and ring.name == "Mike K."
    ring = hook_message("ring", caller_id="1@x", name_words=["x"], name="Given", environ={})
    assert isinstance(ring, Ring) and ring.name == "Given"


@pytest.mark.parametrize("given", ["", " "])
def test_an_end_with_an_empty_caller_id_ends_the_withheld_call_that_rang(given: str) -> None:
    """A softphone passes an empty number for a withheld caller, to `ring` and to `end`
    alike: the end must close the "Private caller" card the ring opened."""
    ring = hook_message("ring", caller_id=given, environ={})
    end = hook_message("end", caller_id=given, environ={})
    assert isinstance(ring, Ring) and isinstance(end, End)
    assert end.call_key == (ring.call_key or hook_call_key(ring.caller_id))


def test_descriptors_the_softphone_left_open_are_not_passed_on() -> None:
    from desktop.cli_ring import stop_passing_on_inherited_descriptors

    read_end, write_end = os.pipe()
    os.set_inheritable(write_end, True)
    try:
        stop_passing_on_inherited_descriptors()
        assert not os.get_inheritable(write_end)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_every_recipe_in_the_document_is_exercised() -> None:
    exercised = {
        "microsip-ring", "microsip-end", "microsip-busy", "zoiper-ring-program",
        "zoiper-end-program", "zoiper-ring-url", "zoiper-end-url", "twinkle-ring",
        "twinkle-end", "jitsi-ring",
        # Not a hook: the two settings tests/e2e/softphones.py starts the real baresip with.
        "baresip-config",
    }  # fmt: skip
    assert set(RECIPES) == exercised
    assert recipe_value("twinkle-end", "script_in_call_failed").endswith("end --source twinkle")
