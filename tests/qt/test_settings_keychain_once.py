"""Settings with no keychain: the warning is said once, on the page where a password is typed
(Team directories), not on General as well."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.secrets import SecretStoreStatus
from desktop.adapters.settings import Settings
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.directory_tasks import DirectoryTasks
from desktop.qt.settings_directories import DirectoriesPage
from desktop.qt.settings_window import SettingsWindow

NO_KEYCHAIN = SecretStoreStatus(False, "", "", "Secret Service: the Secret Service daemon is "
                                "neither running nor activatable through D-Bus")  # fmt: skip
KEYRING = SecretStoreStatus(True, "Secret Service", "keyring.backends.SecretService.Keyring")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[SettingsWindow]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    w = SettingsWindow(Settings(), default_opener_templates(), "US")
    w.add_directories_page(DirectoriesPage(
        store, DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())))  # fmt: skip
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    store.close()


def said_on(window: SettingsWindow, title: str, words: str) -> list[str]:
    """The texts of the labels a person sees on that page that contain `words`."""
    window.show_page(title)
    page = window.pages.currentWidget()
    assert isinstance(page, QWidget)
    return [label.text() for label in page.findChildren(QLabel)
            if words in label.text() and label.isVisibleTo(window)]  # fmt: skip


def test_no_keychain_is_said_once_where_passwords_are_typed(window: SettingsWindow) -> None:
    window.set_platform_status(NO_KEYCHAIN)
    assert said_on(window, "General", "keychain") == []
    assert said_on(window, "General", "Start your desktop's keyring") == []
    [warning] = said_on(window, "Team directories", "keychain")
    assert warning.startswith("⚠ No keychain found: team directory passwords can't be saved.")
    assert "Start your desktop's keyring" in warning  # what to do about it, with it
    assert window.directories is not None
    assert window.directories.keychain.toolTip() == NO_KEYCHAIN.detail  # not on the page


def test_a_keychain_found_is_said_on_general_and_warned_nowhere(window: SettingsWindow) -> None:
    window.set_platform_status(NO_KEYCHAIN)
    window.set_platform_status(KEYRING)  # Settings opened again once the keyring was started
    assert said_on(window, "General", "Passwords are kept") == [
        "Passwords are kept in your desktop's keyring (Secret Service)."]
    assert said_on(window, "Team directories", "keychain") == []
