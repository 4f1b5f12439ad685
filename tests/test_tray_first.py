"""The tray icon is up before the rest of the app is built (desktop/qt/start_up.py): what a rep
or a softphone does in between waits for the app and is then handled, once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.test_cli import cc
from tests.traced_app import end_with_sigterm, stacks

MIKE = "+14155550142"  # in the demo book a new data folder starts with

# The real app as `callercard` starts it; at the "tray" stage the probe does what ACTION says,
# from inside, the moment the icon is shown. The app's code is left as it is.
PROBE = """
import json, os, signal, subprocess, sys, time
from desktop.adapters import trace
import desktop.qt.tray as tray_module
import desktop.qt.start_up as start_up_module

ACTION, DATA = sys.argv.pop(1), sys.argv.pop(1)
write = trace.RingTrace.write
made = []
make_tray = tray_module.make_tray

def made_tray():
    made.append(make_tray())
    if ACTION in ("SIGTERM", "SIGINT"):  # a logout or Ctrl+C before the event loop's first turn
        os.kill(os.getpid(), getattr(signal, ACTION))
    return made[-1]

tray_module.make_tray = made_tray
handed_to_running = start_up_module._handed_to_running

def handed_before_qt(*args):
    if ACTION == "SIGTERM before Qt":  # a logout as the app looks for one already running
        os.kill(os.getpid(), signal.SIGTERM)
    return handed_to_running(*args)

start_up_module._handed_to_running = handed_before_qt

def hook(ring_trace):
    hook = subprocess.Popen([sys.executable, "-m", "desktop", "ring", "--source", "test",
                             "--data-dir", DATA, "--", "{mike}"])
    # Until the hook has its ack, only the tray's event loop runs: the ring is in the app
    # before the app that acts on it is built.
    from PySide6.QtCore import QCoreApplication
    deadline = time.monotonic() + 10
    while hook.poll() is None and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    write(ring_trace, "hook_done", "", rc=hook.poll())

def windows():
    from PySide6.QtWidgets import QApplication
    shown = sorted(type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible())
    print(json.dumps(shown), flush=True)
    os._exit(0)

def probe(self, stage, *args, **fields):
    write(self, stage, *args, **fields)
    if stage == "tray":
        if ACTION == "modules":
            names = ("desktop.qt.app", "desktop.adapters.store", "desktop.adapters.lookup",
                     "desktop.qt.popup_stack", "desktop.core.ring_input", "phonenumbers",
                     "sqlite3")
            print(json.dumps(sorted(n for n in names if n in sys.modules)), flush=True)
            os._exit(0)
        elif ACTION == "ring":
            hook(self)
        elif ACTION == "search":
            made[0].search_action.trigger()
        elif ACTION == "term":
            os.kill(os.getpid(), signal.SIGTERM)
    if stage == "ready" and ACTION == "search":
        from PySide6.QtCore import QTimer
        QTimer.singleShot(500, windows)

trace.RingTrace.write = probe
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
""".replace("{mike}", MIKE)


def run_probe(tmp_path: Path, action: str) -> subprocess.Popen[str]:
    """The app started with the probe, its trace in tmp_path/trace.jsonl."""
    data = tmp_path / "data"
    trace = tmp_path / "trace.jsonl"
    return subprocess.Popen(
        [sys.executable, "-c", PROBE, action, str(data), "--data-dir", str(data), "--region",
         "US", "--background", "--trace", str(trace)],
        env=python_env(QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def records(trace: Path) -> list[dict[str, object]]:
    if not trace.exists():
        return []
    # Only whole lines: a read can meet the app writing the next one.
    return [json.loads(line) for line in trace.read_text("utf-8").split("\n")[:-1] if line]


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    """stdout and stderr of a probe that ends by itself; one that hangs fails with its stacks."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass  # failed below, out of this handler: the timeout's own traceback is only noise
    pytest.fail(f"the app did not end within {timeout:g} s; {stacks(proc)}")


def test_the_tray_is_shown_before_the_store_the_lookup_and_the_cards_are_loaded(
    tmp_path: Path,
) -> None:
    """Only Qt, the tray and its icons stand between the launch and the icon."""
    proc = run_probe(tmp_path, "modules")
    out, err = finish(proc)
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == []


def test_a_hook_ring_sent_as_the_tray_shows_pops_its_card_once(tmp_path: Path) -> None:
    """A softphone's hook that fires while the app is still being built is acked and its ring
    kept: the card pops when the app is ready, not never, not twice."""
    import time

    proc = run_probe(tmp_path, "ring")
    trace = tmp_path / "trace.jsonl"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            shown = [r for r in records(trace) if r["stage"] == "shown"]
            if shown and any(r["stage"] == "hook_done" for r in records(trace)):
                break
            assert proc.poll() is None, finish(proc)[1]
            time.sleep(0.05)
        time.sleep(1.0)  # a second card would be on its way by now
    finally:
        err = end_with_sigterm(proc)
    at = {str(r["stage"]): r for r in records(trace)}
    shown = [r for r in records(trace) if r["stage"] == "shown"]
    assert [r["caller_id"] for r in shown] == [MIKE], err
    order = [r["stage"] for r in records(trace) if r["stage"] in ("hook_done", "ready")]
    assert order == ["hook_done", "ready"], "the ring was in before the app was ready for it"
    assert int(at["ready"]["t_ns"]) < int(shown[0]["t_ns"])  # type: ignore[call-overload]
    assert at["hook_done"]["rc"] == 0, "the hook was told its ring was delivered"


def test_a_menu_item_clicked_before_the_app_is_ready_opens_once_it_is(tmp_path: Path) -> None:
    """Search clicked the moment the icon appears opens the Search window, not nothing."""
    proc = run_probe(tmp_path, "search")
    out, err = finish(proc)
    assert proc.returncode == 0, err
    assert "SearchWindow" in json.loads(out.splitlines()[-1])
    # The log file is opened after the icon is shown, and still has what came before it.
    log = (tmp_path / "data" / "callercard.log").read_text("utf-8")
    assert "single instance: listening" in log and "tray: " in log


def test_a_logout_before_the_app_is_ready_quits_cleanly(tmp_path: Path) -> None:
    """SIGTERM while the tray is all there is: the app exits at once, without error, and the
    next start gets the instance lock."""
    proc = run_probe(tmp_path, "term")
    _, err = finish(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Fatal" not in err, err
    assert "ready" not in [r["stage"] for r in records(tmp_path / "trace.jsonl")]
    again = run_probe(tmp_path, "modules")
    out, err = finish(again)
    assert again.returncode == 0 and out.strip(), err


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_logout_while_the_tray_is_being_made_quits_cleanly(
    tmp_path: Path, signal_name: str
) -> None:
    """The signal comes before the event loop runs: it used to be lost (Qt drops a quit made
    outside its loop), so the app went on to start and ignored the logout until killed."""
    data = tmp_path / "data"
    logged = cc("log-call", MIKE, "--outcome", "talked", "--region", "US", data_dir=data)
    assert logged.returncode == 0, logged.stderr
    proc = run_probe(tmp_path, signal_name)
    _, err = finish(proc, timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Fatal" not in err, err
    assert "ready" not in [r["stage"] for r in records(tmp_path / "trace.jsonl")]
    assert f"quit: {signal_name}" in (data / "callercard.log").read_text("utf-8")
    calls = json.loads(cc("calls", "--json", data_dir=data).stdout)["calls"]
    assert [(c["number"], c["outcome"]) for c in calls] == [(MIKE, "talked")]


def test_a_logout_before_qt_is_up_quits_cleanly_once_it_is(tmp_path: Path) -> None:
    """SIGTERM before Qt is even imported: the default action used to end the app there and
    then (exit -15, nothing in the log, a demo's folder left behind); now it quits as from a
    logout at any other moment."""
    proc = run_probe(tmp_path, "SIGTERM before Qt")
    _, err = finish(proc, timeout=30)
    assert proc.returncode == 0, err
    assert "ready" not in [r["stage"] for r in records(tmp_path / "trace.jsonl")]
    assert "quit: SIGTERM" in (tmp_path / "data" / "callercard.log").read_text("utf-8")
