"""Settings offers the softphones found on this machine, one checkbox each; its choice of
softphone shows whole names when the row has room; the Openers page has no blank bands."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings, WatchedSource
from desktop.adapters.sources.detect import detect_softphones
from desktop.core.softphones import SOFTPHONES, log_formats
from desktop.qt.settings_window import SettingsWindow


def test_detected_softphones_are_offered_and_the_checked_ones_watched(
    qtbot: QtBot, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    twinkle = home / ".twinkle" / "twinkle.ch"
    twinkle.parent.mkdir(parents=True)
    twinkle.write_text("# time_start|time_answer|\n")
    legacy = home / ".local/share/linphone/call-history.db"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"SQLite format 3\x00")
    jitsi = home / ".jitsi/history_ver1.0/callhistory/default/default"
    jitsi.mkdir(parents=True)
    already = WatchedSource("twinkle", str(twinkle))
    window = SettingsWindow(Settings(sources=(already,)), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.detect = lambda: detect_softphones(home=home, env={}, platform="linux", root=tmp_path)
    window.show()

    qtbot.mouseClick(window.detect_button, Qt.MouseButton.LeftButton)

    offered = [window.detected.item(i) for i in range(window.detected.count())]
    assert [item.text() for item in offered] == [
        f"Linphone ≤ 5.1 call history (call-history.db) — {legacy}",
        f"Jitsi call history (callhistory folder) — {jitsi}",
    ]  # the Twinkle log is watched already
    assert all(item.checkState() is Qt.CheckState.Checked for item in offered)
    offered[1].setCheckState(Qt.CheckState.Unchecked)  # "I do not use Jitsi"
    qtbot.mouseClick(window.watch_detected, Qt.MouseButton.LeftButton)

    assert window.current().sources == (already, WatchedSource("linphone-legacy", str(legacy)))
    # The watched list names each log as it was offered, not by its settings key.
    assert [window.sources.item(i).text() for i in range(window.sources.count())] == [
        f"Twinkle call history (twinkle.ch) — {twinkle}",
        f"Linphone ≤ 5.1 call history (call-history.db) — {legacy}",
    ]
    # A long path gives up its middle, and shows whole in the tooltip.
    assert window.sources.textElideMode() is Qt.TextElideMode.ElideMiddle
    assert window.sources.item(1).toolTip() == str(legacy)
    assert window.detected.count() == 1  # Jitsi stays on offer


def test_nothing_found_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.detect = lambda: detect_softphones(home=tmp_path, env={}, platform="linux",
                                              root=tmp_path)  # fmt: skip
    window.show()

    qtbot.mouseClick(window.detect_button, Qt.MouseButton.LeftButton)

    assert window.detected.isHidden()
    assert "No other softphone call logs" in window.detect_note.text()


def test_settings_offers_the_softphone_tables_sources_and_dialers_by_title(qtbot: QtBot) -> None:
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.show()

    combo = window.source_kind
    offered = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    assert offered == [(f.title, f.name) for f in log_formats() if f.watchable]
    assert offered[0] == ("MicroSIP (microsip.ini)", "microsip")
    dialers = [window.dialer.itemText(i).removesuffix(" (not found)")
               for i in range(window.dialer.count())]  # fmt: skip
    titles = {p.dialer: p.title for p in SOFTPHONES if p.dialer}
    assert dialers == ["Automatic", *(titles[d] for d in
                                      ("baresip", "twinkle", "linphone", "microsip")),
                       "System tel: handler"]  # fmt: skip


def test_a_softphone_choice_with_room_beside_it_shows_its_whole_name(qtbot: QtBot) -> None:
    # Seen on a 1600×1000 screen: "MicroSIP (microsi" beside the empty rest of the row.
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.show_page("Softphones")
    window.show()
    qtbot.waitExposed(window)

    for combo in (window.source_kind, window.dialer):
        whole = QComboBox()
        whole.addItems([combo.itemText(i) for i in range(combo.count())])
        whole.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        assert combo.width() >= whole.sizeHint().width(), combo.currentText()


def test_the_openers_page_keeps_its_templates_under_the_hint(qtbot: QtBot) -> None:
    # Seen at 1600×1000: blank bands above the placeholders hint and between it and the first
    # template, the page's spare height spread into them instead of left under the last one.
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    window.resize(780, 560)
    window.show_page("Openers")
    window.show()
    qtbot.waitExposed(window)

    first = window.templates["referral_reason"]  # the top row
    page = first.parentWidget()
    [hint] = [label for label in page.findChildren(QLabel)
              if label.text().startswith("Placeholders:")]  # fmt: skip
    text_bottom = hint.geometry().top() + hint.heightForWidth(hint.width())
    assert hint.geometry().top() <= 12
    assert first.geometry().top() - text_bottom <= 12
