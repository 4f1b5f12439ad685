"""Suite-wide guards: no test touches the real home directory or a real screen by accident."""

from __future__ import annotations

import contextlib
import gc
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.adapters.child_process import end_child
from desktop.adapters.sources.baresip_ctrl import ADDRESS_VARIABLE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keyring's in-memory stand-in; the OS keychain is the one thing tests cannot use for real.
# Forced, not defaulted: a developer's own PYTHON_KEYRING_BACKEND would hand tests their keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# Not the developer's desktop bus: real notifications, Do Not Disturb, the autostart portal.
# A test that needs a bus starts its own (session_bus).
os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
# A child that hangs is ended with SIGABRT, on which this prints each of its threads' stacks
# (tests/traced_app.py): the next hang is diagnosed from the failure, not rerun blind. No
# core files: the stacks are what is wanted, and a core is as big as the app's memory.
os.environ.setdefault("PYTHONFAULTHANDLER", "1")
if sys.platform != "win32":
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collecting the suite made (its modules, parameters, strategies: ~150,000 objects)
    lives until the end; kept out of the collector, as the app does with its own start-up
    (desktop.qt.app), so that each full collection a test's code runs (one per import, see
    desktop.adapters.importing.pipeline) walks that test's objects, not the suite's: ~100 ms
    each otherwise."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def suite_baresip_address() -> Iterator[tuple[str, int]]:
    """The baresip ctrl_tcp address of the whole run, in-process and in every app or command a
    test starts: a port this process holds without listening, so a dial to the default address
    ("Automatic" tries baresip first) is refused at once. Left at baresip's 127.0.0.1:4444, it
    reached whatever listened there: a developer's baresip, or a rep's, placing a real call."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        # No SO_REUSEADDR: while it is held, nothing else can listen on this port.
        held.bind(("127.0.0.1", 0))
        host, port = held.getsockname()
        before = os.environ.get(ADDRESS_VARIABLE)
        os.environ[ADDRESS_VARIABLE] = f"{host}:{port}"
        try:
            yield host, port
        finally:
            if before is None:
                os.environ.pop(ADDRESS_VARIABLE, None)
            else:
                os.environ[ADDRESS_VARIABLE] = before


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data, config and runtime directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
    (home / "run").mkdir(mode=0o700)
    monkeypatch.setenv("CALLERCARD_HOME", str(home / "callercard"))
    return home


@pytest.fixture(scope="module", autouse=True)
def _no_window_left_by_a_module() -> Iterator[None]:
    """The same check around each test module: what a module- or class-scoped fixture made
    (set up before a test's own check looks, torn down after it) and what the module's first
    Qt test made before any QApplication existed are counted here. Autouse, so it is set up
    before the module's other fixtures and torn down after them."""
    before = _top_level_windows()
    yield
    _fail_if_windows_left(set() if before is None else before, "the test module")


@pytest.fixture(autouse=True)
def _no_window_left_behind() -> Iterator[None]:
    """A test that leaves a window alive fails: each one lived for the rest of the session
    (about 60 at the end of the Qt tests, with their cards, timers and signal connections),
    and a window left showing or stacking changes what the next test sees. Whatever the
    test closed goes with Qt's deferred deletes; only what is still alive after those (and a
    garbage collection, when anything is) counts. Autouse and defined first, so it checks
    after every other fixture of the test (qtbot's closing of its widgets included)."""
    before = _top_level_windows()
    yield
    _fail_if_windows_left(set() if before is None else before, "the test")


def _fail_if_windows_left(before: set[int], who: str) -> None:
    if _top_level_windows() is None or not _new_windows(before):
        return  # the usual case: a count, no collection
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if _new_windows(before):
        gc.collect()
    left = _new_windows(before)
    if left:
        said = ", ".join(f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})"
                         for w in left)  # fmt: skip
        for window in left:  # reported once, not again by every later test
            window.close()
            window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        pytest.fail(f"{who} left {len(left)} window(s) alive: {said}; close them "
                    "(qtbot.addWidget) or let the object that owns them go (let_go)")


def _top_level_windows() -> set[int] | None:
    """The addresses of the top-level widgets alive; None when no QApplication exists (a test
    that never touched Qt costs nothing here)."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or widgets.QApplication.instance() is None:
        return None
    import shiboken6

    return {shiboken6.getCppPointer(w)[0] for w in widgets.QApplication.topLevelWidgets()}


def _new_windows(before: set[int]) -> list[Any]:
    import shiboken6
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets()
            if shiboken6.getCppPointer(w)[0] not in before]  # fmt: skip


@pytest.fixture
def desktop_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Sets the desktop's locale to a name, e.g. ``desktop_locale("en_US")``, whatever this
    machine's is: LC_ALL, as a Linux session sets it (the windows' and the command line's
    clock), and QLocale's default (the rest of what Qt writes); restored afterwards."""
    from PySide6.QtCore import QLocale

    before = QLocale()

    def use(name: str) -> None:
        monkeypatch.setenv("LC_ALL", f"{name}.UTF-8")
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the shared samples are missing: expected {SAMPLES}")
    return SAMPLES


@contextlib.contextmanager
def private_x_server(size: str = "1920x1080x24") -> Iterator[str]:
    """A fresh Xvfb on a display number the server picks itself (-displayfd), so tests and
    parallel runs never fight over one; yields the DISPLAY string once clients get in.

    -noreset: by default an X server resets when its last client leaves (the xprop probe
    below, a screenshot, an app that quit) and drops any client whose connection arrives
    during that reset, which then "cannot open display". That was openbox's occasional
    failure in desktop_with_wm: 57 of 600 back-to-back connections failed under load,
    none with -noreset."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed; scripts/bootstrap installs it (package xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp",
         "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], 15)
        if not ready:
            pytest.fail("Xvfb did not report a display within 15 s")
        display = ":" + os.read(read_fd, 32).decode().strip()
        env = {**os.environ, "DISPLAY": display}
        deadline = time.monotonic() + 15
        # -displayfd can speak before the server accepts clients.
        while not _x_answers(env):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Xvfb on {display} does not answer")
            time.sleep(0.05)
        yield display
    finally:
        os.close(read_fd)
        stop_process(proc)


def _x_answers(env: dict[str, str]) -> bool:
    probe = subprocess.run(["xprop", "-root", "-len", "0"], env=env, capture_output=True,
                           check=False)  # fmt: skip
    return probe.returncode == 0


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A real X server for tests of what a person sees. Started once per session."""
    with private_x_server() as display:
        yield display


def wm_running(env: dict[str, str]) -> bool:
    root = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "_NET_SUPPORTING_WM_CHECK(WINDOW)" in root.stdout


@pytest.fixture
def desktop_with_wm(tmp_path: Path) -> Iterator[str]:
    """A private X display with a real window manager (openbox), which does hand focus to
    new windows: the situation every caller-ID popup's users complained about."""
    for tool in ("openbox", "xprop"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing; scripts/bootstrap installs it")
    with private_x_server("1280x800x24") as display:
        env = {**os.environ, "DISPLAY": display}
        wm_log = tmp_path / "openbox.log"
        with wm_log.open("w") as log:
            wm = subprocess.Popen(
                ["openbox", "--sm-disable"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 10
            while not wm_running(env) and wm.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if not wm_running(env):
                pytest.fail(f"openbox did not start on {display}: {wm_log.read_text().strip()}")
            yield display
        finally:
            stop_process(wm)


def stop_process(proc: subprocess.Popen[Any] | None, wait: float = 5) -> None:
    """Ask a server the test started to stop; kill it if it does not within `wait` seconds."""
    if proc is not None:
        end_child(proc, wait)


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    """A private D-Bus session bus, as a desktop session has."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.fail("dbus-daemon is missing; scripts/bootstrap installs dbus")
    # Not under tmp_path: a socket's path must fit AF_UNIX's ~100 bytes, and a long TMPDIR
    # (a deep home, CI's work folders) makes tmp_path longer than that.
    folder = tempfile.mkdtemp(prefix="cc-bus-", dir="/tmp")
    said = tmp_path / "dbus-daemon.txt"
    with said.open("w") as stderr:
        proc = subprocess.Popen(
            [daemon, "--session", "--nofork", "--print-address=1", "--nopidfile",
             f"--address=unix:path={folder}/bus"],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
        )  # fmt: skip
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    try:
        if not address:
            pytest.fail(f"dbus-daemon did not start: {said.read_text(errors='replace')}")
        yield address
    finally:
        proc.terminate()
        proc.wait(5)
        proc.stdout.close()
        shutil.rmtree(folder, ignore_errors=True)


def python_env(**extra: str) -> dict[str, str]:
    """Environment for a child `python -m desktop ...`, inheriting the test's isolation."""
    env = dict(os.environ)
    env.update(extra)
    env.setdefault("PYTHONPATH", str(REPO))
    return env


PYTHON = sys.executable
