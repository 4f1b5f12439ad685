"""Desktop conventions as a user meets them: start at login, where secrets go, and a data
folder that cannot be written. The app runs as a real child process where a process matters.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.secrets import MemoryKeyring, SecretStore, SecretStoreStatus
from desktop.adapters.settings import Settings, SettingsFile
from desktop.adapters.store import Store
from desktop.qt.settings_window import SettingsWindow
from tests.conftest import PYTHON, REPO, private_x_server, python_env
from tests.traced_app import TracedApp

CALLER = "+14155550142"  # Mike Kowalski in the demo book


def window(qtbot: QtBot, settings: Settings | None = None) -> SettingsWindow:
    w = SettingsWindow(settings or Settings(), default_opener_templates(), "US")
    qtbot.addWidget(w)
    return w


def test_start_at_login_is_a_setting_that_is_saved(qtbot: QtBot, tmp_path: Path) -> None:
    w = window(qtbot)
    assert w.start_at_login.text() == "Start CallerCard when I log in"
    assert not w.start_at_login.isChecked()
    w.start_at_login.setChecked(True)
    with qtbot.waitSignal(w.saved) as blocker:
        w._save()
    saved = blocker.args[0]
    assert saved.start_at_login is True
    file = SettingsFile(tmp_path / "settings.json")
    file.save(saved)
    assert file.load().start_at_login is True
    w.load(Settings(start_at_login=True))
    assert w.start_at_login.isChecked()


def test_where_passwords_go_is_said_in_words(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.set_platform_status(SecretStoreStatus(True, "Secret Service",
                                            "keyring.backends.SecretService.Keyring"))  # fmt: skip
    assert w.secrets_line.text() == "Passwords are kept in your desktop's keyring (Secret Service)."
    assert not w.secrets_line.font().bold()
    assert w.secrets_advice.isHidden()
    w.set_platform_status(SecretStore.open(MemoryKeyring()).status)
    assert w.secrets_line.text() == "Passwords are kept in memory, for this session only."


def test_no_secure_store_is_a_sentence_not_an_error_dump(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # keyring's fail backend, as a user's keyringrc.cfg or environment can choose it.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    w = window(qtbot)
    w.set_platform_status(SecretStore.open().status)
    assert w.secrets_line.text() == ("⚠ Your keyring setting keeps no password safely: team "
                                     "directory passwords can't be saved.")  # fmt: skip
    assert w.secrets_line.font().bold()
    assert not w.secrets_advice.isHidden()
    assert "keyring.backends.fail.Keyring" in w.secrets_advice.text()
    # No keychain at all (no Secret Service on the session bus): keyring's reason is only
    # in the tooltip.
    reason = ("Secret Service: the Secret Service daemon is neither running nor activatable "
              "through D-Bus")  # fmt: skip
    w.set_platform_status(SecretStoreStatus(False, "", "", reason))
    assert w.secrets_line.text() == ("⚠ No keychain found: team directory passwords can't be "
                                     "saved.")  # fmt: skip
    assert "D-Bus" not in w.secrets_line.text() + w.secrets_advice.text()
    assert w.secrets_line.toolTip() == reason


def test_without_a_way_to_start_at_login_the_box_says_why(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.set_platform_status(None, "this system offers no way to start at login")
    assert not w.start_at_login.isEnabled()
    assert "no way to start at login" in w.start_at_login.toolTip()
    assert w.secrets_line.text() == "Checking where passwords can be kept…"


# --- the app as a process -----------------------------------------------------------------------


class App(TracedApp):
    wait_timeout_s = 30.0

    def __init__(self, argv: list[str], trace: Path, env: dict[str, str]) -> None:
        self.trace = trace
        self.env = env
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)  # fmt: skip

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PYTHON, "-m", "desktop", *args], env=self.env, capture_output=True,
                              text=True, timeout=30)  # fmt: skip

    def stop(self) -> tuple[int, str]:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(15)
        err = self.terminate()
        return self.proc.returncode, err


def test_start_at_login_writes_the_login_entry_when_the_app_starts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    SettingsFile(data / "settings.json").save(Settings(start_at_login=True))
    config = tmp_path / "config"
    env = python_env(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config))
    env.pop("FLATPAK_ID", None)
    trace = tmp_path / "trace.jsonl"
    app = App([PYTHON, "-m", "desktop", "--data-dir", str(data), "--background", "--trace",
               str(trace), "--region", "US"], trace, env)  # fmt: skip
    app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready")
    entry = config / "autostart/io.callercard.CallerCard.desktop"
    deadline = time.monotonic() + 15
    while not entry.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    exec_line = next(x for x in entry.read_text("utf-8").splitlines() if x.startswith("Exec="))
    assert " -m desktop --background --data-dir " in exec_line
    assert str(data) in exec_line
    assert app.cli("quit", "--data-dir", str(data)).returncode == 0
    code, err = app.stop()
    assert code == 0, err
    log_text = (data / "callercard.log").read_text("utf-8")
    assert "autostart: using XDG autostart entry" in log_text
    assert "autostart: on, through" in log_text


def read_only_mount_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


def test_a_read_only_data_folder_runs_from_a_copy_and_says_so(tmp_path: Path) -> None:
    if not read_only_mount_works():
        pytest.fail("this test needs `unshare -rm` (util-linux, user namespaces) to mount "
                    "the data folder read-only")  # fmt: skip
    from desktop.adapters.demo_book import seed_demo_book

    data = tmp_path / "data"
    data.mkdir()
    SettingsFile(data / "settings.json").save(Settings(my_name="Alex Seller", region="US"))
    store = Store.open(data / "callercard.sqlite3")
    seed_demo_book(store, datetime.now(UTC))
    store.close()
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    trace = tmp_path / "trace.jsonl"
    env = python_env(QT_QPA_PLATFORM="offscreen")
    # A private mount namespace where the data folder is a read-only bind mount: a real EROFS.
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && '
              'exec "$@"')  # fmt: skip
    argv = [PYTHON, "-m", "desktop", "--data-dir", str(data), "--background", "--trace", str(trace)]
    app = App(["unshare", "-rm", "sh", "-c", script, "sh", str(data), *argv], trace, env)
    app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready")
    ring = app.cli("ring", CALLER, "--data-dir", str(data))
    assert ring.returncode == 0, ring.stderr
    matched = app.wait_for(lambda r: r["stage"] == "matched", "the ring to be matched")
    assert matched["match"] == "exact"  # the contacts came along in the copy
    assert app.cli("quit", "--data-dir", str(data)).returncode == 0
    code, err = app.stop()
    assert code == 0, err
    assert "cannot be written (Read-only file system)" in err
    assert "runs from a temporary copy" in err
    assert "will not be kept" in err
    after = {p.name: p.read_bytes() for p in data.iterdir()}
    assert after == before  # nothing lost, nothing half-written
    copy = re.search(r"temporary copy in (\S+)\. ", err)
    assert copy is not None
    assert not Path(copy.group(1)).exists()  # the copy is cleaned up at exit


@pytest.fixture
def bare_display(tmp_path: Path) -> Iterator[str]:
    """A private X server with no tray host yet, as at the start of a login."""
    with private_x_server("1280x800x24") as display:
        yield display


@pytest.mark.xvfb
def test_a_tray_host_that_appears_late_at_login_still_gets_the_icon(
    bare_display: str, tmp_path: Path
) -> None:
    data, trace = tmp_path / "data", tmp_path / "trace.jsonl"
    # No session bus: Qt then looks for an XEmbed tray, the one a panel provides on X11.
    env = python_env(DISPLAY=bare_display, QT_QPA_PLATFORM="xcb")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    app = App([PYTHON, "-m", "desktop", "--data-dir", str(data), "--background", "--trace",
               str(trace), "--region", "US"], trace, env)  # fmt: skip
    app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready")
    log_file = data / "callercard.log"
    assert "tray: no system tray yet" in log_file.read_text("utf-8")
    time.sleep(1.5)  # the panel comes up after the app, as it often does at login
    host = subprocess.Popen([PYTHON, "-m", "tests.packaging.fake_tray_host"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert host.stdout is not None and host.stdout.readline().strip() == "tray host ready"
        deadline = time.monotonic() + 10
        while "tray: system tray appeared after" not in log_file.read_text("utf-8"):
            assert time.monotonic() < deadline, log_file.read_text("utf-8")
            time.sleep(0.1)
    finally:
        host.kill()
        host.wait(5)
        assert host.stdout is not None
        host.stdout.close()
    assert app.cli("quit", "--data-dir", str(data)).returncode == 0
    code, err = app.stop()
    assert code == 0, err
