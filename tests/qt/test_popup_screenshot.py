"""Real windows under Xvfb: the card keeps its hands off the keyboard and looks right.

The test process runs offscreen, so every real-window check runs in a child process
(tests/qt/show_popup_demo.py) with DISPLAY set and QT_QPA_PLATFORM=xcb. Screenshots go to
artifacts/screenshots/ for people to look at (popup_exact.png, popup_switchboard.png,
popup_unknown.png, popup_withheld.png, popup_stack.png, the dark-mode and 2x variants).
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.qt.card_view import MAX_WIDTH, MIN_WIDTH
from tests.conftest import PYTHON, REPO, python_env

pytestmark = pytest.mark.xvfb

SHOTS = REPO / "artifacts" / "screenshots"
DEMO = "tests.qt.show_popup_demo"


def run_demo(display: str, *args: str, **env: str) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, "-m", DEMO, *args],
        env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 60)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_cards_on_a_real_display_keep_the_typists_focus_and_render_fully(
    xvfb_display: str, qapp: QApplication
) -> None:
    report = run_demo(xvfb_display, "screenshots", str(SHOTS))

    assert report["platform"] == "xcb"
    # The rep was typing into another window; the ring changes nothing about that.
    assert report["editor_active_before"] is True
    assert report["editor_active_after"] is True
    assert report["focus_window_is_editor"] is True
    assert report["focus_widget_is_editor_line"] is True
    assert report["popup_active"] is False
    assert report["typed_text_in_editor"] == "typed while ringing"
    assert report["editor_active_after_stack"] is True
    # What the card tells the window manager, for desktops that do run one.
    xprop = str(report.get("xprop", ""))
    if shutil.which("xprop"):
        assert "Client accepts input or input focus: False" in xprop
        assert "_NET_WM_USER_TIME(CARDINAL) = 0" in xprop  # "do not activate on map"
        assert "_NET_WM_STATE_ABOVE" in xprop
        assert "_NET_WM_WINDOW_TYPE_UTILITY" in xprop
    assert report["painted_keys"] == [
        "exact",
        "switchboard",
        "unknown",
        "withheld",
        "story",
        "a",
        "b",
        "c",
        "dark",
        "dark2",
    ]

    x, y, w, h = report["popup_geometry"]
    area = QRect(*report["available_geometry"])
    assert area.contains(QRect(x, y, w, h))
    rects = [QRect(*r) for r in report["stack_geometries"]]
    for i, rect in enumerate(rects):
        assert area.contains(rect)
        for other in rects[i + 1 :]:
            assert not rect.intersects(other)

    sizes = report["sizes"]
    for name in (
        "popup_exact",
        "popup_switchboard",
        "popup_unknown",
        "popup_withheld",
        "popup_story",
        "popup_story_expanded",
        "popup_exact_dark",
        "popup_switchboard_dark",
    ):
        image = QImage(str(SHOTS / f"{name}.png"))
        assert not image.isNull(), name
        assert [image.width(), image.height()] == sizes[name], name
        assert MIN_WIDTH <= image.width() <= MAX_WIDTH
        assert distinct_colours(image) > 12, f"{name} looks blank"
    assert sizes["popup_unknown"][1] < sizes["popup_exact"][1]  # compact for strangers
    assert not QImage(str(SHOTS / "popup_stack.png")).isNull()


def test_cards_at_twice_the_scale_render_at_twice_the_pixels(
    xvfb_display: str, qapp: QApplication
) -> None:
    report = run_demo(xvfb_display, "screenshots", str(SHOTS), "_2x", QT_SCALE_FACTOR="2")

    sizes = report["sizes"]
    width, height = sizes["popup_exact"]
    image = QImage(str(SHOTS / "popup_exact_2x.png"))
    assert (image.width(), image.height()) == (2 * width, 2 * height)
    assert report["editor_active_after"] is True
    # 540 logical pixels of screen: the long card folds its notes and older messages to
    # "Show …" links, so its opener and buttons stay on screen.
    _x, _y, _w, screen_height = report["available_geometry"]
    assert sizes["popup_story"][1] <= screen_height - 2 * 16


# ---- with a window manager ---------------------------------------------------------------------


class Editor:
    """Another application with a text field the rep is typing into."""

    def __init__(self, display: str) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", DEMO, "editor"],
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb"),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _lines(self, seconds: float) -> Iterator[str]:
        """The editor's output lines, stripped, until `seconds` pass or it closes stdout."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if not ready:
                return
            line = self.process.stdout.readline()
            if not line:
                return
            yield line.strip()

    def events(self, kind: str, seconds: float = 0.3) -> list[str]:
        """The timestamps of `kind` lines printed so far (and within `seconds`)."""
        stamps: list[str] = []
        for line in self._lines(seconds):
            if not line:
                break
            if line.startswith(kind + " "):
                stamps.append(line.removeprefix(kind + " "))
        return stamps

    def wait_for(self, wanted: str, seconds: float = 10) -> None:
        """Consume lines up to and including the first that starts with `wanted`."""
        seen: list[str] = []
        for line in self._lines(seconds):
            if line.startswith(wanted):
                return
            if line:
                seen.append(line)
        pytest.fail(f"the editor never said {wanted!r}; it said {seen or 'nothing'}")

    def close(self) -> str:
        """End the editor; returns what it wrote to stderr, for failure messages."""
        try:  # communicate() closes stdin, which is the editor's signal to quit
            _, err = self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=5)
        return err


def test_a_pointer_resting_on_a_shortened_line_gets_its_full_text_though_the_card_is_inactive(
    desktop_with_wm: str,
) -> None:
    """Qt shows tooltips only in the active window unless told otherwise, and a card never
    is: the full text of a shortened line must still reach a rep's pointer."""
    report = run_demo(desktop_with_wm, "hover")
    assert report["elided"] is True
    assert report["popup_active"] is False
    assert report["tooltip"] is not None, "no tooltip for the pointer"
    assert "International Holdings (Europe, Middle East" in report["tooltip"]


def test_under_a_window_manager_the_card_gets_the_keyboard_only_on_request(
    desktop_with_wm: str,
) -> None:
    editor = Editor(desktop_with_wm)
    try:
        editor.wait_for("READY")
        ring = run_demo(desktop_with_wm, "ring", "take-focus")
        assert ring["painted"] == ["ring-1"]
        assert ring["visible"] is True
        assert ring["popup_active"] is False  # 0.5 s after painting, the WM had its chance
        # On the hotkey the card does take the keyboard, and Esc closes it.
        assert ring["took_focus"] is True
        assert ring["active_after_take_focus"] is True
        assert ring["focused"] == "copyOpener"
        assert ring["dismissed"] == ["ring-1"]
        assert ring["visible_after_escape"] is False
        # The editor lost the keyboard only once the hotkey was pressed, never at the ring.
        lost = [int(t) for t in editor.events("FOCUS out")]
        assert lost, "take_focus() did not take the keyboard from the editor"
        assert min(lost) >= ring["take_focus_ns"], "the ringing card took the keyboard"
    finally:
        problems = editor.close()
    assert "Traceback" not in problems, problems

    # The control: an ordinary window from another app does take the focus on this display,
    # so the checks above can tell a polite popup from a rude one. (A fresh editor, because
    # where focus goes after a window closes is the window manager's policy.)
    editor = Editor(desktop_with_wm)
    try:
        editor.wait_for("READY")
        plain = run_demo(desktop_with_wm, "plain")
        assert plain["active"] is True
        editor.wait_for("FOCUS out")
    finally:
        problems = editor.close()
    assert "Traceback" not in problems, problems
