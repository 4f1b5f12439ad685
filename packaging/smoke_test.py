"""Smoke-test the frozen app the way a user meets it (qutebrowser's frozen smoke test).

    python packaging/smoke_test.py dist/callercard/callercard [--expect-store "Secret Service"]

Stdlib only, so any Python can drive the bundle. With a temporary data directory the frozen
app must: start into the tray, receive one ring from its own `callercard ring`, pop the
card (trace: read, matched, shown), build the place index in its child process (the hidden
verb and the geocoder data made it into the bundle), pick a real secret store when one is
running, hand a second copy over to the first, import a 6,000-row CSV (its rows mapped by
import workers, which frozen are the same executable with another hidden verb), and quit on
`callercard quit`.

Prints one JSON line of measurements: bundle size, start-up to tray-ready (spawn to the
trace's "ready"), ring to card painted, the import's time. Exits non-zero with the reason on
any failure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CALLER = "+14155550142"  # Mike Kowalski, in the demo book a new data directory starts with
HOOK_CALLER = "+14155550199"  # nobody in the demo book: rung through callercard-hook


class SmokeFailure(Exception):
    pass


def import_worker_answers(exe: Path, env: dict[str, str]) -> None:
    """One chunk through the frozen import worker, in desktop.adapters.importing.row_workers'
    framing (a 4-byte length, then a pickle). The answer holds ContactRows, which only the app
    can unpickle, so its bytes are checked for the number read in E.164."""
    from desktop.adapters.importing.row_workers import setup_message
    from desktop.core.import_mapping import ColumnPlan, Field
    from desktop.core.numbers import NumberPolicy

    frame = struct.Struct(">I")
    plan = ColumnPlan(("Name", "Phone"), {0: Field.NAME, 1: Field.PHONE})
    messages = [setup_message(NumberPolicy("US"), plan, "US", ()),
                ("rows", [(2, ["Mike Kowalski", "(415) 555-0142"])])]  # fmt: skip
    request = b"".join(
        frame.pack(len(p)) + p for p in (pickle.dumps(m, protocol=4) for m in messages)
    )
    done = subprocess.run([str(exe), "_import-worker"], input=request, capture_output=True,
                          env=env, timeout=60, check=False)  # fmt: skip
    head, payload = done.stdout[: frame.size], done.stdout[frame.size :]
    if done.returncode != 0 or len(head) < frame.size or len(payload) != frame.unpack(head)[0]:
        raise SmokeFailure(f"the import worker did not answer: {done.stderr.decode()[-500:]}")
    if b"ContactRow" not in payload or CALLER.encode() not in payload:
        raise SmokeFailure("the import worker's answer has no contact with the number read")


def import_book(exe: Path, data: Path, folder: Path, env: dict[str, str]) -> float:
    """`callercard import` of a 6,000-row CSV; returns its seconds."""
    book = folder / "book.csv"
    with book.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Company", "Phone"])
        writer.writerows([f"Prospect {i}", f"Firm {i % 97}", f"+1 212 555 {i:04d}"]
                         for i in range(6000))  # fmt: skip
    started = time.monotonic()
    done = run(exe, "import", str(book), "--json", "--data-dir", str(data), env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SmokeFailure(f"`callercard import` failed: {done.stderr[-500:]}")
    summary = json.loads(done.stdout)["files"][0]
    if (summary["imported"], summary["rejected_count"]) != (6000, 0):
        raise SmokeFailure(f"the import did not take every row: {summary}")
    return seconds


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def records(trace: Path) -> list[dict[str, Any]]:
    if not trace.exists():
        return []
    lines = trace.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def wait_for(trace: Path, proc: subprocess.Popen[str], stage: str, timeout: float = 30.0,
             **fields: object) -> dict[str, Any]:  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in records(trace):
            if record["stage"] == stage and all(record.get(k) == v for k, v in fields.items()):
                return record
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise SmokeFailure(f"the app exited ({proc.returncode}) before {stage!r}: {err}")
        time.sleep(0.01)
    raise SmokeFailure(f"no {stage!r} in the trace after {timeout} s: {records(trace)}")


def run(exe: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def start_app(exe: Path, data: Path, trace: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:  # noqa: E501
    spawned = time.monotonic_ns()
    proc = subprocess.Popen(
        [str(exe), "--data-dir", str(data), "--background", "--region", "US", "--trace",
         str(trace)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    ready = wait_for(trace, proc, "ready")
    return proc, (int(ready["t_ns"]) - spawned) // 1_000_000


def stop(exe: Path, data: Path, proc: subprocess.Popen[str], env: dict[str, str]) -> str:
    quit_run = run(exe, "quit", "--data-dir", str(data), env=env)
    if quit_run.returncode != 0:
        raise SmokeFailure(f"`callercard quit` failed: {quit_run.stderr}")
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SmokeFailure("the app did not quit within 20 s of `callercard quit`") from None
    _, err = proc.communicate()
    if proc.returncode != 0:
        crash = data / "crash.log"  # every thread's stack, when it crashed (crash_log.py)
        stacks = crash.read_text("utf-8", "replace") if crash.exists() else ""
        raise SmokeFailure(f"the app exited with {proc.returncode}: {err}{stacks}")
    return err


HOOK_MAX_BYTES = 4_000_000


def ring_through_the_hook_executable(exe: Path, data: Path, trace: Path,
                                     proc: subprocess.Popen[str], env: dict[str, str]) -> float | None:  # noqa: E501
    """The light `callercard-hook` beside the app (Linux, macOS) rings and ends a call, and
    hands what it does not do itself (here `--help`) to the main executable."""
    hook = exe.parent / "callercard-hook"
    if sys.platform == "win32":
        return None
    if not hook.exists():
        raise SmokeFailure(f"no {hook.name} beside {exe.name}")
    # Its archive holds the fast path alone (1.6 MB). At 11 MB it had Qt again, and Qt's
    # runtime hook ran on every ring: 130-220 ms from spawn to the app's read, not 26.
    if hook.stat().st_size > HOOK_MAX_BYTES:
        raise SmokeFailure(f"{hook.name} is {hook.stat().st_size / 1e6:.1f} MB: an import "
                           "reached from desktop/hook_main.py bundles more than the fast path")
    spawned = time.monotonic_ns()
    rang = run(hook, "ring", "--source", "microsip", "--data-dir", str(data), "--", HOOK_CALLER,
               env=env)  # fmt: skip
    if rang.returncode != 0:
        raise SmokeFailure(f"`callercard-hook ring` failed ({rang.returncode}): {rang.stderr}")
    read = wait_for(trace, proc, "read", caller_id=HOOK_CALLER)
    ended = run(hook, "end", "--missed", "--data-dir", str(data), HOOK_CALLER, env=env)
    if ended.returncode != 0:
        raise SmokeFailure(f"`callercard-hook end` failed ({ended.returncode}): {ended.stderr}")
    wait_for(trace, proc, "ended", caller_id=HOOK_CALLER)
    helped = run(hook, "--help", env=env)
    if helped.returncode != 0 or "usage: callercard" not in helped.stdout:
        raise SmokeFailure(f"`callercard-hook --help` did not reach the app: {helped.stderr}")
    return round((int(read["t_ns"]) - spawned) / 1e6, 1)


def smoke(exe: Path, expect_store: str) -> dict[str, Any]:
    exe = exe.resolve()
    with tempfile.TemporaryDirectory(prefix="callercard-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        runtime = tmp / "run"
        runtime.mkdir(mode=0o700)
        env = dict(os.environ)
        env.update(QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
                   XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(tmp / "config"))  # fmt: skip
        env.pop("CALLERCARD_HOME", None)
        env.pop("PYTHON_KEYRING_BACKEND", None)
        data, trace = tmp / "data", tmp / "trace.jsonl"

        proc, first_start_ms = start_app(exe, data, trace, env)
        try:
            ring = run(exe, "ring", CALLER, "--name", "MIKE K", "--data-dir", str(data), env=env)
            if ring.returncode != 0:
                raise SmokeFailure(f"`callercard ring` failed: {ring.stderr}")
            matched = wait_for(trace, proc, "matched", caller_id=CALLER)
            if matched["match"] != "exact":
                raise SmokeFailure(f"the demo prospect was not matched exactly: {matched}")
            read = wait_for(trace, proc, "read", caller_id=CALLER)
            shown = wait_for(trace, proc, "shown", caller_id=CALLER)
            hook_ms = ring_through_the_hook_executable(exe, data, trace, proc, env)
            # Asked of the frozen executable itself: the backends a bundle can lose are its own.
            answer = run(exe, "secrets", "--json", env=env)
            secrets = json.loads(answer.stdout)
            if expect_store and (not secrets["secure"] or secrets["label"] != expect_store):
                raise SmokeFailure(f"secret store: wanted {expect_store}, got {secrets}")
            second = run(exe, "--data-dir", str(data), "--background", env=env)
            if second.returncode != 0 or "already running" not in second.stderr:
                raise SmokeFailure(f"a second copy did not hand over: {second.stderr}")
            deadline = time.monotonic() + 60
            while not list((data / "cache").glob("places-*.sqlite3")):
                if time.monotonic() > deadline:
                    build_log = data / "cache" / "places-build.log"
                    detail = build_log.read_text("utf-8", "replace") if build_log.exists() else ""
                    raise SmokeFailure(f"the place index was not built: {detail}")
                time.sleep(0.1)
            import_worker_answers(exe, env)
            import_s = import_book(exe, data, tmp, env)
        finally:
            if proc.poll() is None:
                stop(exe, data, proc, env)
        log = (data / "callercard.log").read_text(encoding="utf-8")
        if "Traceback" in log:
            raise SmokeFailure(f"the app logged a traceback:\n{log}")

        # Again with the data directory in place: the start-up a user has every morning.
        trace.unlink()
        proc, second_start_ms = start_app(exe, data, trace, env)
        stop(exe, data, proc, env)

    bundle = exe.parent
    return {
        "bundle": str(bundle),
        "bundle_mb": round(folder_bytes(bundle) / 1e6, 1),
        "start_to_tray_ready_ms_first_run": first_start_ms,
        "start_to_tray_ready_ms": second_start_ms,
        "ring_read_to_card_shown_ms": round((shown["t_ns"] - read["t_ns"]) / 1e6, 1),
        "hook_executable_spawn_to_read_ms": hook_ms,
        "secret_store": secrets["label"] or f"none ({secrets['detail']})",
        "import_6000_rows_s": round(import_s, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("executable", type=Path)
    parser.add_argument(
        "--expect-store", default="", help='the store the app must pick, e.g. "Secret Service"'
    )
    args = parser.parse_args()
    try:
        result = smoke(args.executable, args.expect_store)
    except (SmokeFailure, OSError, subprocess.TimeoutExpired) as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
