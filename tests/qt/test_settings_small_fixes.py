"""Settings as a rep finds it: Escape cancels from wherever the focus is, the Softphones page
names every softphone that pops a card, and a home region the system did not name says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.directories import mirror
from desktop.adapters.settings import Settings
from desktop.adapters.store import Store
from desktop.adapters.system_locale import region_named
from desktop.core.numbers import NumberPolicy
from desktop.core.softphones import SOFTPHONES
from desktop.qt.bridge import ThreadBridge
from desktop.qt.directory_tasks import DirectoryTasks
from desktop.qt.settings_directories import DirectoriesPage
from desktop.qt.settings_window import SettingsWindow


def settings_window(qtbot: QtBot, **kwargs: bool) -> SettingsWindow:
    window = SettingsWindow(Settings(my_name="Alex"), default_opener_templates(), "US", **kwargs)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("focus", ["directory list", "softphone list", "your name"])
def test_escape_cancels_settings_wherever_the_focus_is(
    qtbot: QtBot, tmp_path: Path, focus: str
) -> None:
    """Escape did nothing at all in Settings, the team directories' list included."""
    store = Store.open(tmp_path / "cc.sqlite3")
    # Listed, never synced: the page shows its list only with a directory in it.
    mirror.add_directory(store, "corp", "ldap", "ldap://127.0.0.1:9", "dc=example,dc=com", "")
    window = settings_window(qtbot)
    tasks = DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())
    window.add_directories_page(DirectoriesPage(store, tasks))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.my_name.setText("Alex Seller")  # not saved: Escape is Cancel
    targets: dict[str, QWidget] = {
        "directory list": window.directories.list,  # type: ignore[union-attr]
        "softphone list": window.sources, "your name": window.my_name,
    }  # fmt: skip
    window.show_page({"directory list": "Team directories", "softphone list": "Softphones"}
                     .get(focus, "General"))  # fmt: skip
    targets[focus].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is targets[focus])
    saved: list[Settings] = []
    window.saved.connect(saved.append)
    qtbot.keyClick(targets[focus], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert saved == []
    store.close()


def test_the_softphones_page_names_every_softphone_that_pops_a_card(qtbot: QtBot) -> None:
    """The intro named MicroSIP and Linphone only; baresip pops one from ctrl_tcp, Twinkle
    from its ring hook."""
    window = settings_window(qtbot)
    window.show_page("Softphones")
    intro = window.pages.currentWidget().findChild(QLabel)  # type: ignore[union-attr]
    assert intro is not None
    text = intro.text()
    assert "(MicroSIP, Linphone, baresip) pop a card" in text
    assert "Twinkle, Jitsi Desktop and Zoiper 5 pop a card through a hook" in text
    ringing = [p for p in SOFTPHONES if any(f.ring_time and f.watchable for f in p.formats)
               or any("-ring" in h for h in p.hooks)]  # fmt: skip
    assert all(p.title in text for p in ringing)


def test_a_home_region_the_system_did_not_name_is_called_a_fallback(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("LC_ALL", "LC_TELEPHONE", "LC_ADDRESS", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert not region_named("C.UTF-8")  # Python reads C.UTF-8 as en_US: no country named
    assert not region_named("POSIX")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert not region_named("C.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert region_named("C.UTF-8")

    window = settings_window(qtbot, region_named=False)
    assert window.region.itemText(0) == "From the system: none set, so United States (US)"
    assert "names no country" in str(window.region.itemData(0, Qt.ItemDataRole.ToolTipRole))
    named = settings_window(qtbot, region_named=True)
    assert named.region.itemText(0) == "From the system: United States (US)"


def test_a_region_given_at_start_is_named_beside_the_home_region_choice(qtbot: QtBot) -> None:
    """Used as a rep, started with --region-once US: the Home region read "From the system:
    none set, so United States (US)", and choosing Germany there changed nothing in this run."""
    window = SettingsWindow(Settings(), default_opener_templates(), "US", region_named=False,
                            region_override="US")  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    assert window.region_override.isVisible()
    assert window.region_override.text() == (
        "This run reads numbers as United States (US): CallerCard was started with "
        "--region-once US. The choice above applies from the next start."
    )
    plain = settings_window(qtbot)
    plain.show()
    assert not plain.region_override.isVisible()


@pytest.mark.parametrize("points", [9, 12])
def test_every_opener_template_shows_its_lines_without_a_scroll_bar_of_its_own(
    qtbot: QtBot, points: int
) -> None:
    """Used as a rep in GTK's Adwaita:dark, whose font is larger than Fusion's: the boxes of
    "Referral and a reason" and "Unknown number" (54 px each) clipped their three lines and
    scrolled inside, with room to spare under them."""
    window = settings_window(qtbot)
    font = window.font()
    font.setPointSize(points)
    window.setFont(font)
    window.show_page("Openers")
    window.show()
    qtbot.waitExposed(window)
    for kind, box in window.templates.items():
        assert box.toPlainText(), kind
        qtbot.waitUntil(lambda box=box: box.verticalScrollBar().maximum() == 0, timeout=2000)
        lines = box.document().documentLayout().documentSize().height()
        assert box.viewport().height() >= lines * box.fontMetrics().lineSpacing(), kind
