"""A hook set up as `callercard ring %number% %name%` without quotes, for a phone that shows
numbers with spaces: `callercard ring +4930 1234567` is a call from +49 30 1234567, not from
"+4930" named "1234567". Real `callercard ring` / `end` processes, to a stand-in app that
records the line it is sent, and with no app at all (the hook records the call itself)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.core.ipc import Ack, End, Ring, decode, encode_ack
from tests.adapters.test_instance_client import (
    fake_instance,  # noqa: F401 - a fixture
)
from tests.conftest import python_env
from tests.test_hook_without_app import NOT_RUNNING, hook


def callercard(data: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data), *args],
                          env=python_env(), capture_output=True, text=True, timeout=30)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")


def test_digit_groups_after_the_number_are_the_number_and_words_are_the_name(
    tmp_path: Path,
    fake_instance: Callable[[Callable[[bytes], bytes | None]], str],  # noqa: F811
) -> None:
    lines: list[bytes] = []

    def accept(line: bytes) -> bytes:
        lines.append(line)
        return encode_ack(Ack(True))

    fake_instance(accept)
    data = tmp_path / "data"
    callercard(data, "ring", "+4930", "1234567")
    callercard(data, "ring", "(030)", "123", "45-67", "Jane", "Doe")
    callercard(data, "ring", "--source", "zoiper", "--", "+4930", "Room", "101")
    callercard(data, "ring", "1001", "1001")  # a phone naming an unnamed caller by the number
    callercard(data, "end", "--missed", "+4930", "1234567")

    rings = [decode(line) for line in lines]
    assert [(r.caller_id, r.name) for r in rings if isinstance(r, Ring)] == [
        ("+4930 1234567", ""),
        ("(030) 123 45-67", "Jane Doe"),
        ("+4930", "Room 101"),
        ("1001", "1001"),
    ]
    assert [r.caller_id for r in rings if isinstance(r, End)] == ["+4930 1234567"]


def test_with_no_app_the_spaced_number_is_the_call_recorded(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rang = hook(data, "ring", "+4930", "1234567")
    ended = hook(data, "end", "--missed", "+4930", "1234567")
    assert (rang.returncode, rang.stderr) == (
        4, NOT_RUNNING + "call from +49 30 1234567 recorded; no card shown\n"
    )  # fmt: skip
    assert (ended.returncode, ended.stderr) == (
        4, NOT_RUNNING + "missed call from +49 30 1234567 recorded\n"
    )  # fmt: skip
    listed = hook(data, "calls", "--json")
    assert listed.returncode == 0, listed.stderr
    calls = json.loads(listed.stdout)["calls"]
    assert [(c["number"], c["outcome"]) for c in calls] == [("+49301234567", "missed")]
