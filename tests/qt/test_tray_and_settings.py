"""The tray menu, its fallback window, and the settings window, as a user drives them."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings, WatchedSource
from desktop.qt.icons import app_icon
from desktop.qt.settings_window import SettingsWindow
from desktop.qt.tray import TrayMenu


def test_tray_menu_offers_its_actions_in_order(qtbot: QtBot) -> None:
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.menu)  # no parent: left behind, every test's menu stayed
    qtbot.addWidget(menu.fallback)
    texts = [a.text() for a in menu.menu.actions() if a.isVisible() and not a.isSeparator()]
    assert texts == ["Search…", "Recent calls…", "Callbacks…", "Import…", "Import history…",
                     "Possible duplicates…", "Pause popups",
                     "Pause for 1 hour",
                     "Pause until tomorrow", "Keep cards out of screen shares", "Settings…",
                     "Getting started…",
                     "Quit CallerCard"]  # fmt: skip
    with qtbot.waitSignal(menu.pause_toggled) as blocker:
        menu.pause_action.trigger()
    assert blocker.args == [True]
    with qtbot.waitSignal(menu.search_requested):
        menu.search_action.trigger()
    with qtbot.waitSignal(menu.welcome_requested):
        menu.welcome_action.trigger()
    menu.hide()


def test_without_a_tray_the_app_still_offers_a_way_in(qtbot: QtBot) -> None:
    # Offscreen (like bare Xvfb or stock GNOME) there is no tray host.
    menu = TrayMenu(app_icon(), paused=True)
    qtbot.addWidget(menu.menu)
    qtbot.addWidget(menu.fallback)
    menu.start(show_fallback=True)
    assert menu.fallback.isVisible()
    menu.set_paused(True)
    assert menu.fallback.pause.isChecked()
    with qtbot.waitSignal(menu.settings_requested):
        next(b for b in menu.fallback.findChildren(type(menu.fallback.pause))
             if b.text() == "Settings…").click()  # fmt: skip
    menu.notify("CallerCard", "microsip.ini: line 3 is not a call")
    assert "line 3" in menu.fallback.status.text()
    # A long problem grows the window rather than being cut off.
    menu.notify("CallerCard", "/tmp/a/very/long/path/" * 12 + "microsip.ini: cannot read the file")
    text = menu.fallback.status
    assert text.geometry().bottom() <= menu.fallback.height()
    assert text.height() >= text.heightForWidth(text.width())
    menu.hide()


def test_the_no_tray_windows_quit_is_apart_from_the_everyday_buttons(qtbot: QtBot) -> None:
    """Used as a rep: "Quit" sat in the grid right under Import…, the same size; and the
    window said a card pops "when a known number rings" (an unknown number's does too)."""
    from PySide6.QtWidgets import QLabel, QPushButton

    menu = TrayMenu(app_icon(), paused=False)
    window = menu.fallback
    qtbot.addWidget(window)
    menu.start(show_fallback=True)
    qtbot.waitExposed(window)
    quits = [b for b in window.findChildren(QPushButton) if "Quit" in b.text()]
    assert quits == [window.quit] and window.quit.text() == "Quit CallerCard"
    below = [b for b in window.findChildren(QPushButton)
             if b.isVisible() and b is not window.quit]  # fmt: skip
    assert all(window.quit.geometry().top() > b.geometry().bottom() for b in below)
    assert window.quit.geometry().right() >= max(b.geometry().right() for b in below)
    with qtbot.waitSignal(menu.quit_requested):
        window.quit.click()
    intro = [label.text() for label in window.findChildren(QLabel)]
    assert any(t.startswith("CallerCard is running: a card pops up when your phone rings.")
               for t in intro)  # fmt: skip


def test_background_start_without_a_tray_keeps_quiet_until_asked(qtbot: QtBot) -> None:
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.menu)
    qtbot.addWidget(menu.fallback)
    menu.start(show_fallback=False)
    assert not menu.fallback.isVisible()
    menu.hide()


def test_settings_window_edits_region_prefixes_sources_and_openers(qtbot: QtBot) -> None:
    start = Settings(sources=(WatchedSource("microsip", "/a/microsip.ini"),))
    window = SettingsWindow(start, default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.my_name.setText("Alex Seller")
    window.region.setCurrentIndex(window.region.findData("GB"))
    window.prefixes.setText("9, 0")
    window.templates["reason"].setPlainText("Hello {first_name}, re {reason}!")
    with qtbot.waitSignal(window.saved) as blocker:
        window._save()
    saved = blocker.args[0]
    assert isinstance(saved, Settings)
    assert saved.region == "GB"
    assert saved.my_name == "Alex Seller"
    assert saved.outside_line_prefixes == ("9", "0")
    assert saved.sources == start.sources
    # Only templates that differ from the defaults are stored as overrides.
    assert saved.opener_templates == {"reason": "Hello {first_name}, re {reason}!"}


def test_settings_window_refuses_non_digit_prefixes(qtbot: QtBot) -> None:
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.prefixes.setText("9, x")
    with qtbot.assertNotEmitted(window.saved):
        window._save()
    assert "digits" in window.problem.text()


def test_system_region_is_the_default_choice(qtbot: QtBot) -> None:
    window = SettingsWindow(Settings(), default_opener_templates(), "DE")
    qtbot.addWidget(window)
    assert window.region.currentData() == ""
    assert "(DE)" in window.region.currentText()


def test_an_empty_softphone_list_says_how_to_fill_it(qtbot: QtBot) -> None:
    # Seen in the app: "CallerCard watches these call logs" over a blank box, half the page.
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.page_list.setCurrentRow(1)
    window.resize(760, 560)
    window.show()
    qtbot.waitExposed(window)
    assert window.sources.placeholder().startswith("No call logs saved here yet: Detect softp")

    def inked() -> int:
        """Pixels of the list drawn in anything but its background."""
        image = window.sources.viewport().grab().toImage()
        back = window.sources.palette().color(window.sources.viewport().backgroundRole()).rgb()
        return sum(image.pixel(x, y) != back for x in range(0, image.width(), 2)
                   for y in range(0, image.height(), 2))  # fmt: skip

    assert inked() > 100  # the words are painted, not only held

    window.load(Settings(sources=(WatchedSource("microsip", "/a/microsip.ini"),)))
    assert window.sources.placeholder() == ""
    window.sources.clearSelection()
    window.sources.setCurrentRow(-1)
    window.load(Settings())
    assert window.sources.placeholder() != ""
