"""`callercard --open FILE` with other options (the desktop entry runs `callercard --open %F`;
a rep's own launcher adds --data-dir, --region, --watch...): the app it starts runs with
every one of them, not with the defaults. Real processes: the launcher, the app it starts
(detached, as from a file manager), a softphone's call log."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.conftest import python_env
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.traced_app import TracedApp


def callercard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=cwd, env=python_env(),
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


class Launched(TracedApp):
    """The app a launcher started: known by its trace, stopped with `callercard quit`."""

    def __init__(self, trace: Path) -> None:
        self.trace = trace

    def wait_for_stage(self, stage: str, *, after: int = 0) -> dict[str, object]:
        deadline = time.monotonic() + self.wait_timeout_s
        while time.monotonic() < deadline:
            for record in self.records()[after:]:
                if record["stage"] == stage:
                    return record
            time.sleep(0.05)
        pytest.fail(f"no {stage!r} in the started app's trace: {self.records()}")


def test_a_first_launch_with_open_starts_the_app_with_every_other_option(
    tmp_path: Path,
) -> None:
    (tmp_path / "book.csv").write_text("Name,Phone\nAnn Lee,020 7946 0999\n", encoding="utf-8")
    ini = tmp_path / "microsip.ini"
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, {})))
    # Relative paths, as typed in a terminal: the app resolves them where the launch ran.
    options = ["--data-dir", "data", "--region", "GB", "--watch", "microsip:microsip.ini",
               "--trace", "trace.jsonl"]  # fmt: skip
    opened = callercard("--open", "book.csv", *options, cwd=tmp_path)
    assert opened.returncode == 0, opened.stderr
    app = Launched(tmp_path / "trace.jsonl")  # --trace was honoured, or this never appears
    try:
        app.wait_for_stage("ready")
        window = app.wait_for_stage("import_window")
        assert window["state"] in ("loading", "ready")

        # --watch: the ring is read from that file; --region GB: its national number is
        # the demo book's London contact (with the system's region it matches no one).
        mark = len(app.records())
        at = int(time.time())
        ring = render_call("02079460321", "", CallType.INCOMING, at)
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "1"}, {1: ring})))
        matched = app.wait_for_stage("matched", after=mark)
        assert matched["call_key"] == f"microsip:1:{at}"
        assert matched["match"] == "exact"
    finally:
        stopped = callercard("quit", "--data-dir", "data", cwd=tmp_path)
    assert stopped.returncode == 0, stopped.stderr


def test_the_launch_options_are_the_apps_own_minus_what_the_launch_sets() -> None:
    """Every app option given with --open is passed on; --data-dir, --background and
    --deliver are set by the launch itself."""
    from desktop.cli import _parse_app_start, app_options

    given = ["--region", "gb", "--watch", "microsip:/a.ini", "--watch", "linphone:/b.db",
             "--trace", "/tmp/t.jsonl", "--data-dir", "/d", "--open", "a.csv"]  # fmt: skip
    args = _parse_app_start(given)
    assert args is not None
    passed = app_options(args)
    assert passed == ["--region", "gb", "--watch", "microsip:/a.ini", "--watch",
                      "linphone:/b.db", "--trace", "/tmp/t.jsonl"]  # fmt: skip
    again = _parse_app_start([*passed, "--background", "--data-dir", "/d"])
    assert again is not None
    assert vars(again) == {**vars(args), "open": [], "background": True}
