"""A missed card waiting for room, on a real X display: counted in "+N more" and opened there.

    python -m tests.qt.show_missed_waiting_demo OUT_DIR SUFFIX

Run by tests/qt/test_missed_card.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb,
QT_SCALE_FACTOR 1 or 2). Calls ring until the screen's column is full, then the oldest one
ends unanswered: its missed card must wait, and the rep must see that it does. Prints one
JSON report and saves the corner of the screen before and after the rep opens it.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tests.qt.show_popup_demo import unknown_card


def main(out_dir: Path, suffix: str) -> int:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.core.card import Card
    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"platform": QGuiApplication.platformName()}

    def wait_until(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not condition():
            QTest.qWait(10)
        return condition()

    def caller(i: int) -> Card:
        card = unknown_card(with_candidates=False)
        return replace(card, number=replace(card.number, e164=f"+1415555{100 + i}"))

    def rect(widget: QWidget) -> QRect:
        return QRect(widget.x(), widget.y(), widget.width(), widget.height())

    def corner(name: str) -> None:
        QTest.qWait(150)
        windows = [*stack.popups(), *([more] if more.isVisible() else [])]
        left = min(w.x() for w in windows) - 20
        top = min(w.y() for w in windows) - 20
        screen = windows[0].screen()
        geo = screen.geometry()
        shot = screen.grabWindow(0, left, top, geo.width() - left, geo.height() - top)
        shot.save(str(out_dir / f"{name}{suffix}.png"))

    stack = PopupStack()
    stack.warm_up()
    more = stack.more_entry()
    # Calls ring until one of them has to wait in "+N more" (two at 2x, six at 1x: five cards).
    rung = 0
    while not stack.collapsed_count() and rung < 10:
        stack.show(caller(rung), f"call-{rung}")
        rung += 1
    QTest.qWait(60)
    report["rung"] = rung
    # The oldest call, waiting in "+N more" at 2x and on its card at 1x, rings out unanswered;
    # at 1x another call then rings, and the missed card gives way to it.
    kept = stack.keep_missed("call-0")
    if stack.missed_waiting() == 0:
        stack.show(caller(rung), f"call-{rung}")
        rung += 1
    report["missed_waiting"] = stack.missed_waiting()
    wait_until(more.isVisible)
    report["more_visible"] = more.isVisible()
    report["more_text"] = more.text()
    report["entries"] = [a.text() for a in more.menu().actions() if not a.isSeparator()]
    area = more.screen().availableGeometry()
    report["more_on_screen"] = area.contains(rect(more))
    report["more_clear_of_cards"] = not any(rect(more).intersects(rect(p))
                                            for p in stack.popups())  # fmt: skip
    corner("missed_waiting")

    # The rep opens it from the entry's menu, as they would a ringing call.
    action = next(a for a in more.menu().actions() if a.data() == kept)
    action.trigger()
    popup = stack.popup_for(kept) if kept else None
    report["opened"] = popup is not None and wait_until(popup.isVisible)
    report["opened_offers_call_back"] = popup is not None and popup.offers_call_back()
    report["opened_texts"] = popup.shown_texts() if popup is not None else []
    report["more_text_after"] = more.text() if more.isVisible() else ""
    cards = [rect(p) for p in stack.popups() if p.isVisible()]
    if more.isVisible():
        cards.append(rect(more))
    report["overlap_after"] = any(a.intersects(b) for i, a in enumerate(cards)
                                  for b in cards[i + 1 :])  # fmt: skip
    corner("missed_opened")
    stack.dismiss_all()
    print(json.dumps(report), flush=True)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
