"""The secret store: says where secrets go, and never writes them anywhere unsafe."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, Windows, macOS
from keyring.errors import KeyringLocked

from desktop.adapters.secrets import (
    MemoryKeyring,
    SecretStore,
    SecretStoreError,
    choose_backend,
)
from tests.conftest import PYTHON, REPO, python_env


def test_secrets_round_trip_through_the_memory_backend() -> None:
    store = SecretStore.open(MemoryKeyring())
    assert store.status.secure
    assert store.status.describe() == "Secrets are stored in: Memory (this session only)"
    assert store.get("crm-token") is None
    store.set("crm-token", "s3cret")
    assert store.get("crm-token") == "s3cret"
    store.delete("crm-token")
    store.delete("crm-token")  # removing what is gone is not an error
    assert store.get("crm-token") is None


def test_the_memory_backend_can_be_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "desktop.adapters.secrets.MemoryKeyring")
    store = SecretStore.open()
    assert store.status.secure
    store.set("crm-token", "abc")
    assert store.get("crm-token") == "abc"


@pytest.mark.parametrize(
    "backend", ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"]
)
def test_a_backend_that_keeps_nothing_is_refused_with_a_clear_message(
    backend: str, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    store = SecretStore.open()
    assert not store.status.secure
    text = store.status.describe()
    assert text.startswith("No secure store for secrets")
    assert backend in text
    assert "never writes them to a plain file" in text
    with pytest.raises(SecretStoreError, match="cannot save 'crm-token'"):
        store.set("crm-token", "s3cret-value")
    with pytest.raises(SecretStoreError, match="cannot read 'crm-token'"):
        store.get("crm-token")
    # Nothing landed on disk in the clear either.
    for path in _isolated_home.rglob("*"):
        if path.is_file():
            assert b"s3cret-value" not in path.read_bytes(), path


def test_without_a_secret_service_the_store_says_so_instead_of_falling_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    caplog.set_level(logging.INFO, logger="desktop.adapters.secrets")
    backend, status = choose_backend("linux")
    assert backend is None
    assert not status.secure
    assert "Secret Service:" in status.detail
    assert "no secure store" in caplog.text
    with pytest.raises(SecretStoreError, match="No secure store"):
        SecretStore(backend, status).set("crm-token", "x")


def test_each_platform_tries_its_own_store_and_logs_why_it_passed_over(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    caplog.set_level(logging.INFO, logger="desktop.adapters.secrets")
    _, mac = choose_backend("darwin")
    _, win = choose_backend("win32")
    assert mac.detail.startswith("macOS Keychain: ")
    assert win.detail.startswith("Windows Credential Locker: ")
    _, other = choose_backend("sunos5")
    assert other.detail == "no secret store is known on sunos5"


def test_stores_are_named_as_people_know_them() -> None:
    assert SecretStore.open(macOS.Keyring()).status.label == "macOS Keychain"
    assert SecretStore.open(Windows.WinVaultKeyring()).status.label == "Windows Credential Locker"
    assert SecretStore.open(SecretService.Keyring()).status.label == "Secret Service"


class LockedKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the login keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the login keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the login keyring is locked")


def test_a_locked_keyring_is_reported_with_the_store_and_the_secret_name() -> None:
    store = SecretStore.open(LockedKeyring())
    with pytest.raises(SecretStoreError, match="cannot save 'crm-token': the login keyring is lo"):
        store.set("crm-token", "x")
    with pytest.raises(SecretStoreError, match="cannot remove 'crm-token'"):
        store.delete("crm-token")


PROBE = """
import json
from desktop.adapters.secrets import SecretStore
store = SecretStore.open(service="CallerCard-test")
store.set("crm-token", "from-the-test")
value = store.get("crm-token")
store.delete("crm-token")
print(json.dumps({"label": store.status.label, "backend": store.status.backend,
                  "secure": store.status.secure, "value": value, "after": store.get("crm-token")}))
"""


def test_a_real_secret_service_is_found_and_used(tmp_path: Path) -> None:
    """gnome-keyring on a private session bus: the store the Linux bundle relies on."""
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing; scripts/bootstrap installs it (dbus, gnome-keyring)")
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    env = python_env(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    # The keyring daemon creates and unlocks a login keyring with the password on stdin.
    unlock = "printf ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", f'{unlock} && exec "$0" "$1"', PYTHON, str(script)],
        env=env, capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "label": "Secret Service",
        "backend": "keyring.backends.SecretService.Keyring",
        "secure": True,
        "value": "from-the-test",
        "after": None,
    }


def test_the_secrets_verb_says_when_there_is_no_secure_store(tmp_path: Path) -> None:
    import sys

    from tests.conftest import python_env

    env = python_env(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    result = subprocess.run([sys.executable, "-m", "desktop", "secrets", "--json"],
                            capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert result.returncode == 3
    status = json.loads(result.stdout)
    assert status["secure"] is False and status["detail"]
