"""`callercard ring` / `end` on the softphone's clock: read without argparse, and the same.

The softphone waits for its hook, so the hook loads as little as it can; the lines hooks send
must still mean exactly what `callercard --help` documents (argparse stays the judge of
anything unusual).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import APP_NAME, ENV_HOME
from desktop.cli import build_parser, main
from desktop.core.ipc import Ack, End, EndOutcome, Ring, decode, encode_ack
from desktop.hook_argv import parse_hook_argv
from tests.adapters.test_instance_client import (
    FakeInstance,
    fake_instance,  # noqa: F401 - a fixture
)
from tests.conftest import python_env

ROOT = Path(__file__).resolve().parents[1]

FIELDS = ("verb", "caller_id", "name_words", "name", "source", "region", "data_dir")

HOOK_LINES = [
    ["ring", "--source", "microsip", "--", "+14155550123"],  # MicroSIP appends the number
    ["end", "--source", "microsip", "--", "+14155550123"],
    ["ring", "--source", "microsip", "--"],  # a call with no user part
    ["ring", "--source", "zoiper", "--", "it's $(rm -rf ~)"],
    ["ring", "--source", "jitsi", "--", "sip:ann@example.com", "Ann", "Marie", "Lee"],
    ["ring", "--source", "twinkle"],
    ["end", "--source", "twinkle"],
    ["end", "--missed", "--", "+14155550123"],
    ["end", "--answered", "1001"],
    ["ring", "+14155550123", "--data-dir", "/tmp/x"],
    ["ring", "+14155550123", "Bob", "Smith", "--data-dir=/tmp/x", "--region", "GB"],
    ["--data-dir", "/tmp/top", "ring", "1001", "--name", "Front desk"],
    ["--data-dir", "/tmp/top", "ring", "--data-dir", "/tmp/verb", "1001"],
    ["--region=DE", "ring", "--name=", "0301234567"],
    ["ring", "--source", "a", "--source", "b", "--", "-5", "x"],
    ["ring"],
]


@pytest.mark.parametrize("argv", HOOK_LINES, ids=" ".join)
def test_hook_lines_mean_what_the_documented_parser_says(argv: list[str]) -> None:
    fast = parse_hook_argv(argv)
    full = build_parser().parse_args(argv)

    assert fast is not None
    assert {f: getattr(fast, f) for f in FIELDS} == {f: getattr(full, f) for f in FIELDS}
    assert fast.outcome == getattr(full, "outcome", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["ring", "-h"],
        ["ring", "--dat", "/tmp/x", "1"],  # an abbreviation argparse accepts
        ["ring", "-1"],  # argparse's idea of a negative number
        ["ring", "--name", "--source", "x"],  # a value that looks like an option
        ["ring", "1", "--name", "N", "Bob"],  # positionals split around an option
        ["end", "--missed", "--answered", "1"],
        ["ring", "--", "1", "--", "2"],
        ["--demo", "ring", "1"],
        ["--data-dir", "/tmp/x"],  # the tray app, not a hook
    ],
    ids=" ".join,
)
def test_unusual_lines_are_left_to_argparse(argv: list[str]) -> None:
    assert parse_hook_argv(argv) is None


def test_an_unusual_line_still_gets_argparse_s_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ring", "1", "--name", "N", "Bob"])

    assert exit_info.value.code == 2
    assert "unrecognized arguments: Bob" in capsys.readouterr().err


CHILD = (
    "import sys\n"
    "from desktop.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(' '.join(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)


def test_a_ring_reaches_the_app_without_loading_argparse_typing_or_socket_py(
    tmp_path: Path,
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],  # noqa: F811
) -> None:
    lines: list[bytes] = []

    def accept(line: bytes) -> bytes:
        lines.append(line)
        return encode_ack(Ack(True))

    fake_instance(accept)
    data = str(tmp_path / "data")
    ring = [sys.executable, "-c", CHILD, "ring", "--data-dir", data, "--source", "microsip", "--"]
    end = [sys.executable, "-c", CHILD, "end", "--missed", "--data-dir", data, "--"]

    rang = subprocess.run([*ring, "+14155550123"], capture_output=True, text=True, timeout=30)
    ended = subprocess.run([*end, "+14155550123"], capture_output=True, text=True, timeout=30)

    assert (rang.returncode, rang.stderr, ended.returncode, ended.stderr) == (0, "", 0, "")
    sent = [decode(line) for line in lines]
    assert isinstance(sent[0], Ring)
    assert (sent[0].caller_id, sent[0].source) == ("+14155550123", "microsip")
    assert sent[1] == End(caller_id="+14155550123", outcome=EndOutcome.MISSED)
    for run in (rang, ended):
        loaded = set(run.stdout.split())
        # argparse brings gettext, shutil and locale; socket.py makes enums of every constant.
        assert {"argparse", "gettext", "shutil", "typing", "socket"}.isdisjoint(loaded)


# What an interpreter loads before running anything (`python -S`), beyond which the hook adds
# only its own modules and two C extensions; each name here would add milliseconds to every
# ring (json brings re and enum, pathlib brings re, enum, fnmatch and urllib).
HOOK_NEVER_LOADS = {"json", "re", "enum", "pathlib", "platformdirs", "typing", "argparse",
                    "socket", "collections", "functools", "desktop.core.ipc",
                    "desktop.adapters.instance_client", "desktop.cli_ring"}  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG data directory")
def test_a_ring_to_a_running_app_loads_nothing_a_bare_interpreter_does_not(
    tmp_path: Path,
) -> None:
    # -S: as a wheel install starts (the editable install's .pth finder loads pathlib and re
    # at start-up, which would hide them); the default data directory, as most users run it.
    lines: list[bytes] = []

    def accept(line: bytes) -> bytes:
        lines.append(line)
        return encode_ack(Ack(True))

    xdg = tmp_path / "xdg"
    app = FakeInstance(instance_address(xdg / APP_NAME), accept)
    env = {k: v for k, v in os.environ.items() if k != ENV_HOME}
    env |= {"PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(xdg)}
    hook = [sys.executable, "-S", "-c", CHILD]
    try:
        rang = subprocess.run([*hook, "ring", "--source", "microsip", "--", "+14155550123"],
                              env=env, capture_output=True, text=True, timeout=30)  # fmt: skip
        ended = subprocess.run([*hook, "end", "--missed", "--", "+14155550123"], env=env,
                               capture_output=True, text=True, timeout=30)  # fmt: skip
    finally:
        app.close()

    assert (rang.returncode, rang.stderr, ended.returncode, ended.stderr) == (0, "", 0, "")
    sent = [decode(line) for line in lines]
    assert isinstance(sent[0], Ring)
    assert (sent[0].caller_id, sent[0].source) == ("+14155550123", "microsip")
    assert sent[1] == End(caller_id="+14155550123", outcome=EndOutcome.MISSED)
    for run in (rang, ended):
        assert HOOK_NEVER_LOADS & set(run.stdout.split()) == set()


def test_ring_help_says_what_its_words_are_and_where_the_recipes_are() -> None:
    """Used as a rep: `callercard ring --help` named a bare CALLER_ID and hid the name words
    a hook line passes after it, so nothing said how to write the softphone's hook."""
    for verb in ("ring", "end"):
        done = subprocess.run([sys.executable, "-m", "desktop", verb, "--help"],
                              capture_output=True, text=True, env=python_env(), timeout=60,
                              check=True)  # fmt: skip
        said = " ".join(done.stdout.split())
        assert "[CALLER_ID] [NAME ...]" in said
        assert "the number as the phone shows it" in said
        assert f"callercard {verb} %number% %name%" in said
        assert "docs/softphone-hooks.md" in said
