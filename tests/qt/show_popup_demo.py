"""Real caller cards on a real X display: focus checks, timings and screenshots.

Run by tests/qt/test_popup_screenshot.py in child processes (DISPLAY set, QT_QPA_PLATFORM=xcb)
because the test process itself runs offscreen. Modes:

    python -m tests.qt.show_popup_demo screenshots OUT_DIR [SUFFIX]
        cards of every kind, a stack of three and dark mode; checks that a focused window in
        the same process keeps the keyboard; saves PNGs; prints one JSON report.
    python -m tests.qt.show_popup_demo editor
        another application the rep is typing in: prints READY once focused, then
        "FOCUS in|out <monotonic ns>" on every change; it quits when stdin closes.
    python -m tests.qt.show_popup_demo ring [take-focus]
        one ring through PopupStack; prints a JSON report once the card has painted. With
        take-focus the rep then presses the hotkey and Esc.
    python -m tests.qt.show_popup_demo plain
        the control: an ordinary window, which a window manager does give focus to.

The sample cards below are also the realistic fixtures of tests/qt/test_popup.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.core.card import Candidate, Card, MatchTier
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber
from desktop.core.numbers import CallerNumber

NOW = datetime.now(UTC)


def _days_ago(days: int, hour: int) -> datetime:
    return (NOW - timedelta(days=days)).replace(hour=hour, minute=12, second=0, microsecond=0)


def mike() -> Contact:
    return Contact(
        id=11,
        name="Mike Kowalski",
        title="VP Operations",
        company="Harbor Freight Logistics",
        reason="the freight-audit proposal I sent last week",
        referred_by="Harley Smith",
        numbers=(StoredNumber("(415) 555-0142", "+14155550142", label="work"),),
        last_contacted=_days_ago(2, 10),
        attempts=(
            Attempt(
                Direction.OUT,
                _days_ago(2, 10),
                Outcome.VOICEMAIL,
                "Left a voicemail about the freight-audit proposal; asked for 15 minutes "
                "on Thursday to walk through the findings.",
                "freight-audit proposal",
            ),
            Attempt(Direction.OUT, _days_ago(6, 16), Outcome.NO_ANSWER, "", "freight-audit"),
            Attempt(
                Direction.OUT,
                _days_ago(13, 9),
                Outcome.GATEKEEPER,
                "Spoke to his assistant Jen; she said try next week.",
                "intro",
            ),
            Attempt(Direction.OUT, _days_ago(20, 9), Outcome.NO_ANSWER, "", "intro"),
        ),
    )


def exact_card() -> Card:
    return Card(
        caller_id="+14155550142",
        number=CallerNumber(
            raw="+14155550142",
            withheld=False,
            e164="+14155550142",
            display_name="M KOWALSKI",
            region="US",
            valid=True,
        ),
        match=MatchTier.EXACT,
        contacts=(mike(),),
        candidates=(),
        opener="Hi Mike, thanks for calling me back! Harley Smith suggested I reach out to "
        "you about the freight-audit proposal I sent last week.",
        local_time=LocalTime(
            zones=("America/Los_Angeles",), text="14:05 Tue", place="San Francisco, CA"
        ),
    )


def switchboard_card() -> Card:
    dana = Contact(
        id=21,
        name="Dana Whitfield",
        title="CFO",
        company="Contoso Ltd",
        reason="the budget sign-off for the pilot",
        numbers=(StoredNumber("+1 415 555 0100 x204", "+14155550100", "204", "work"),),
        last_contacted=_days_ago(4, 14),
        attempts=(
            Attempt(
                Direction.OUT,
                _days_ago(4, 14),
                Outcome.VOICEMAIL,
                "Left a voicemail with her assistant's extension about the pilot budget.",
                "pilot budget",
            ),
        ),
    )
    raj = Contact(
        id=22,
        name="Raj Patel",
        title="Financial Controller",
        company="Contoso Ltd",
        numbers=(StoredNumber("+1 415 555 0100 ext. 317", "+14155550100", "317", "work"),),
        last_contacted=_days_ago(9, 11),
        attempts=(Attempt(Direction.OUT, _days_ago(9, 11), Outcome.NO_ANSWER),),
    )
    return Card(
        caller_id="4155550100",
        number=CallerNumber(
            raw="4155550100", withheld=False, e164="+14155550100", region="US", valid=True
        ),
        match=MatchTier.SWITCHBOARD,
        contacts=(dana, raj),
        candidates=(),
        # What desktop.core.openers.switchboard_opener says with the bundled template.
        opener="Hello, thanks for calling back from Contoso Ltd! Who am I speaking with?",
        local_time=LocalTime(
            zones=("America/Los_Angeles",), text="14:05 Tue", place="San Francisco, CA"
        ),
    )


def unknown_card(*, with_candidates: bool = True) -> Card:
    priya = Contact(id=31, name="Priya Natarajan", title="Head of IT", company="Northwind Health")
    tom = Contact(id=32, name="Tom Becker", title="IT Manager", company="Northwind Health")
    candidates = (
        (
            Candidate(priya, "Same company switchboard prefix (+44 20 7946 03…)"),
            Candidate(tom, "Called from this area code last month"),
        )
        if with_candidates
        else ()
    )
    return Card(
        caller_id="+442079460399",
        number=CallerNumber(
            raw="+442079460399",
            withheld=False,
            e164="+442079460399",
            display_name="NORTHWIND HLTH",
            region="GB",
            valid=True,
        ),
        match=MatchTier.NONE,
        contacts=(),
        candidates=candidates,
        opener="Thanks for calling back! I'm sorry, I didn't catch which of my messages "
        "you're returning. Who am I speaking with?",
        local_time=LocalTime(zones=("Europe/London",), text="22:05 Tue", place="London"),
    )


LONG_VOICEMAIL = (
    "Hi Mike, it's Sam from Contoso returning your call about the freight audit. We went "
    "through the Q3 invoices and found about forty thousand in duplicate accessorial charges "
    "on the Reno lane. I'd like fifteen minutes Thursday or Friday morning to walk you "
    "through the findings before your carrier review on the 20th. My direct line is 415 "
    "555 0100, extension 204."
)
IMPORTED_NOTES = (
    "Met at the Long Beach logistics expo (booth 14). Runs ops for three DCs; the CFO signs "
    "anything above 25k.\nPrefers calls before 10am Pacific; no e-mail on Fridays.\n"
    "Evaluated a competitor in 2024 and dropped it over onboarding time, so lead with the "
    "two-week rollout and the references from Harbor West."
)


def story_card() -> Card:
    """Mike with everything the import and the history give: a long voicemail he left us,
    imported notes and a next step."""
    from dataclasses import replace

    base = mike()
    heard = Attempt(Direction.IN, _days_ago(1, 9), Outcome.VOICEMAIL, LONG_VOICEMAIL)
    contact = replace(base, attempts=(heard, *base.attempts), notes=IMPORTED_NOTES,
                      next_step="Send the audit summary, then book the Thursday walk-through")
    return replace(exact_card(), contacts=(contact,))  # fmt: skip


def withheld_card() -> Card:
    return Card(
        caller_id="anonymous",
        number=CallerNumber(raw="anonymous", withheld=True, e164=None),
        match=MatchTier.WITHHELD,
        contacts=(),
        candidates=(),
        opener="Thanks for calling! Who am I speaking with?",
        local_time=LocalTime(),
    )


SAMPLES: dict[str, Callable[[], Card]] = {
    "exact": exact_card,
    "switchboard": switchboard_card,
    "unknown": unknown_card,
    "withheld": withheld_card,
    "story": story_card,
}


def screenshots(out_dir: Path, suffix: str = "") -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QGuiApplication, QPalette
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

    from desktop.qt.popup import Popup
    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"platform": QGuiApplication.platformName()}
    timings: list[float] = []  # show() → painted, ms
    shots: list[str] = []
    sizes: dict[str, list[int]] = {}
    report.update(show_to_painted_ms=timings, screenshots=shots, sizes=sizes)

    def wait_until(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            QTest.qWait(10)
        return condition()

    # The rep is typing into another window when the phone rings.
    editor = QWidget()
    editor.setWindowTitle("Notes")
    line = QLineEdit(editor)
    QVBoxLayout(editor).addWidget(line)
    editor.setGeometry(80, 80, 420, 80)
    editor.show()
    editor.activateWindow()
    line.setFocus()
    report["editor_active_before"] = wait_until(lambda: app.activeWindow() is editor)

    stack = PopupStack()
    painted: list[tuple[str, int]] = []
    stack.painted.connect(lambda key, t_ns: painted.append((key, t_ns)))
    t0 = time.perf_counter()
    stack.warm_up()
    report["warm_up_call_ms"] = round((time.perf_counter() - t0) * 1000, 2)
    report["warm"] = wait_until(lambda: all(p.is_warm() for p in stack._pool))

    def show(card: Card, key: str) -> Popup:
        before = len(painted)
        start = time.monotonic_ns()
        popup = stack.show(card, key)
        if wait_until(lambda: len(painted) > before):
            timings.append(round((painted[-1][1] - start) / 1e6, 2))
        QTest.qWait(60)  # the X server has the pixels once Qt flushed; let it settle
        return popup

    def grab(popup: Popup, name: str) -> None:
        screen = popup.screen()
        pixmap = screen.grabWindow(int(popup.winId()))
        path = out_dir / f"{name}{suffix}.png"
        pixmap.save(str(path))
        shots.append(str(path))
        sizes[name] = [popup.width(), popup.height()]

    popup = show(exact_card(), "exact")
    report["editor_active_after"] = app.activeWindow() is editor
    report["focus_widget_is_editor_line"] = app.focusWidget() is line
    report["focus_window_is_editor"] = QGuiApplication.focusWindow() is editor.windowHandle()
    report["popup_active"] = popup.isActiveWindow()
    focused = app.focusWidget()
    if focused is not None:  # the rep keeps typing: the keys go where the focus is
        QTest.keyClicks(focused, "typed while ringing")
    report["typed_text_in_editor"] = line.text()
    report["popup_geometry"] = [popup.x(), popup.y(), popup.width(), popup.height()]
    avail = popup.screen().availableGeometry()
    report["available_geometry"] = [avail.x(), avail.y(), avail.width(), avail.height()]
    if shutil.which("xprop"):
        report["xprop"] = subprocess.run(
            ["xprop", "-id", str(int(popup.winId()))],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    grab(popup, "popup_exact")
    stack.close_for_call("exact")

    grab(show(switchboard_card(), "switchboard"), "popup_switchboard")
    stack.close_for_call("switchboard")
    grab(show(unknown_card(), "unknown"), "popup_unknown")
    stack.close_for_call("unknown")
    grab(show(withheld_card(), "withheld"), "popup_withheld")
    stack.close_for_call("withheld")
    story = show(story_card(), "story")
    grab(story, "popup_story")
    for name in ("attempt0More", "notesMore"):  # the rep asks for the whole text
        more = story.findChild(QPushButton, name)
        if more is not None and more.isVisible():
            QTest.mouseClick(more, Qt.MouseButton.LeftButton)
    QTest.qWait(120)
    grab(story, "popup_story_expanded")
    stack.close_for_call("story")

    # Three overlapping calls, as the rep would see them in the corner of the screen.
    for key, factory in (("a", exact_card), ("b", switchboard_card), ("c", unknown_card)):
        show(factory(), key)
    cards = stack.popups()
    left = min(p.x() for p in cards) - 20
    top = min(p.y() for p in cards) - 20
    screen = cards[0].screen()
    geo = screen.geometry()
    shot = screen.grabWindow(0, left, top, geo.width() - left, geo.height() - top)
    shot.save(str(out_dir / f"popup_stack{suffix}.png"))
    report["stack_geometries"] = [[p.x(), p.y(), p.width(), p.height()] for p in cards]
    report["editor_active_after_stack"] = app.activeWindow() is editor
    stack.dismiss_all()

    # The desktop switches to dark mode while the app runs: the card follows.
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"),
        (QPalette.ColorRole.AlternateBase, "#2a2b2e"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#2d2e31"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, "#8ab4f8"),
        (QPalette.ColorRole.ToolTipBase, "#2d2e31"),
        (QPalette.ColorRole.ToolTipText, "#e8eaed"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
        (QPalette.ColorRole.Light, "#3c4043"),
        (QPalette.ColorRole.Midlight, "#34363a"),
        (QPalette.ColorRole.Mid, "#2a2b2e"),
        (QPalette.ColorRole.Dark, "#111214"),
        (QPalette.ColorRole.Shadow, "#000000"),
    ):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)
    QTest.qWait(20)
    grab(show(exact_card(), "dark"), "popup_exact_dark")
    grab(show(switchboard_card(), "dark2"), "popup_switchboard_dark")
    stack.dismiss_all()

    report["painted_keys"] = [key for key, _ in painted]
    report["qt_flags_ok"] = bool(
        popup.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
        and popup.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    )
    print(json.dumps(report), flush=True)
    return 0


def editor() -> int:
    from PySide6.QtCore import QSocketNotifier, QTimer
    from PySide6.QtGui import QGuiApplication, QWindow
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication([sys.argv[0]])
    line = QLineEdit()
    line.setWindowTitle("Notes")
    line.setGeometry(80, 80, 420, 40)
    line.show()
    line.activateWindow()
    line.setFocus()

    def focus_changed(window: QWindow | None) -> None:
        state = "in" if window is line.windowHandle() else "out"
        print(f"FOCUS {state} {time.monotonic_ns()}", flush=True)

    def ready() -> None:
        if QGuiApplication.focusWindow() is line.windowHandle():
            print("READY", flush=True)
            app.focusWindowChanged.connect(focus_changed)
        else:
            QTimer.singleShot(20, ready)

    def command() -> None:
        if not sys.stdin.readline():
            app.quit()  # the test closed stdin

    QTimer.singleShot(0, ready)
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    return app.exec()


def ring(take_focus: bool = False) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])
    stack = PopupStack(prebuilt=1)
    stack.warm_up()
    painted: list[str] = []
    dismissed: list[str] = []
    stack.painted.connect(lambda key, _t: painted.append(key))
    stack.dismissed.connect(dismissed.append)
    QTest.qWait(300)
    popup = stack.show(exact_card(), "ring-1")
    deadline = time.monotonic() + 3
    while not painted and time.monotonic() < deadline:
        QTest.qWait(10)
    QTest.qWait(500)  # give a window manager every chance to (wrongly) focus the card
    report: dict[str, object] = {
        "painted": painted,
        "visible": popup.isVisible(),
        "popup_active": popup.isActiveWindow(),
    }
    if take_focus:
        # The rep presses the app's hotkey, then Esc.
        report["take_focus_ns"] = time.monotonic_ns()
        report["took_focus"] = stack.take_focus()
        QTest.qWait(400)
        report["active_after_take_focus"] = popup.isActiveWindow()
        focused = app.focusWidget()
        report["focused"] = focused.objectName() if focused else None
        if focused is not None:
            QTest.keyClick(focused, Qt.Key.Key_Escape)
        QTest.qWait(400)
        report["dismissed"] = dismissed
        report["visible_after_escape"] = popup.isVisible()
    print(json.dumps(report), flush=True)
    stack.dismiss_all()
    return 0


def hover() -> int:
    """A card whose role line is shortened; the real pointer comes to rest on that line (as a
    rep's does, with the card never the active window): the tooltip Qt shows, if any."""
    from dataclasses import replace

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolTip, QWidget

    from desktop.qt.painted_text import TextPart
    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])  # noqa: F841 (must outlive the window)
    stack = PopupStack(prebuilt=1)
    stack.warm_up()
    company = "Harbor Freight Logistics International Holdings (Europe, Middle East & Africa)"
    card = exact_card()
    card = replace(card, contacts=(replace(card.contacts[0], company=company),))
    popup = stack.show(card, "ring-1")
    assert popup is not None
    QTest.qWait(500)
    role = popup.text_part("role")
    head = popup.findChild(QWidget, "head")
    assert isinstance(role, TextPart) and head is not None
    QCursor.setPos(popup.mapToGlobal(QPoint(2, 2)))  # onto the card, then onto the line
    QTest.qWait(100)
    QCursor.setPos(head.mapToGlobal(role.geometry_in(head).center()))
    deadline = time.monotonic() + 4
    while not QToolTip.isVisible() and time.monotonic() < deadline:
        QTest.qWait(20)
    report = {"elided": role.is_elided(), "popup_active": popup.isActiveWindow(),
              "tooltip": QToolTip.text() if QToolTip.isVisible() else None}  # fmt: skip
    print(json.dumps(report), flush=True)
    stack.dismiss_all()
    return 0


def plain() -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])  # noqa: F841 (must outlive the window)
    window = QWidget()
    window.setWindowTitle("Ordinary window")
    window.resize(300, 100)
    window.show()
    QTest.qWait(500)
    print(json.dumps({"active": window.isActiveWindow()}), flush=True)
    return 0


if __name__ == "__main__":
    mode, *rest = sys.argv[1:] or ["screenshots"]
    if mode == "screenshots":
        out = Path(rest[0]) if rest else Path("artifacts/screenshots")
        sys.exit(screenshots(out, *rest[1:2]))
    if mode == "ring":
        sys.exit(ring(take_focus=rest == ["take-focus"]))
    sys.exit({"editor": editor, "plain": plain, "hover": hover}[mode]())
