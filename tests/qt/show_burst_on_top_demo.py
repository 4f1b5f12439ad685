"""A burst of calls under a window manager: every card it leaves up is still above the rest.

    python -m tests.qt.show_burst_on_top_demo

Run by tests/qt/test_burst_on_top.py in a child process (DISPLAY set on a display with
openbox, QT_QPA_PLATFORM=xcb). An ordinary window (the Import window a rep works in) covers
the screen's corner; calls ring, end and end unanswered in bursts, within one turn of the
event loop and across turns, so that the pool hides cards and shows them again within
milliseconds. After each burst it prints, for every card up, the "+N more" entry included,
what the window manager holds for it: its _NET_WM_STATE and WM_STATE, as xprop reads them.
Prints one JSON report.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from collections.abc import Callable

from tests.qt.show_popup_demo import exact_card

ROUNDS = 6


def main() -> int:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.core.card import Card
    from desktop.core.numbers import CallerNumber
    from desktop.qt.popup_stack import PopupStack

    app = QApplication([sys.argv[0]])
    report: dict[str, object] = {"platform": QGuiApplication.platformName(), "rounds": []}

    def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not condition():
            QTest.qWait(20)
        return condition()

    work = QWidget()
    work.setWindowTitle("Import")
    work.setGeometry(app.primaryScreen().availableGeometry())
    work.show()
    work.activateWindow()

    stack = PopupStack(prebuilt=5, max_cards=5)
    stack.warm_up()
    QTest.qWait(300)
    base = exact_card()
    rung = 0

    def ring() -> None:
        nonlocal rung
        rung += 1
        e164 = f"+1415555{rung:04d}"
        number = CallerNumber(raw=e164, withheld=False, e164=e164)
        card: Card = dataclasses.replace(base, caller_id=e164, number=number)
        stack.show(card, f"call-{rung}")

    def ringing() -> list[str]:
        return [key for key in (p.call_key for p in stack.popups())
                if not key.startswith("missed-")]  # fmt: skip

    def held(window: QWidget) -> dict[str, object]:
        out = subprocess.run(
            ["xprop", "-id", str(int(window.winId())), "_NET_WM_STATE", "WM_STATE"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        return {
            "above": "_NET_WM_STATE_ABOVE" in out,
            "managed": "window state: Normal" in out,
            "xprop": out.strip(),
        }

    def up() -> list[tuple[str, QWidget]]:
        windows: list[tuple[str, QWidget]] = [(p.call_key, p) for p in stack.popups()]
        if stack.more_entry().isVisible():
            windows.append(("+N more", stack.more_entry()))
        return windows

    for _ in range(ROUNDS):
        for _ in range(5):
            ring()
        # Ends and rings in one turn: the card just hidden is wanted again at once.
        for step in range(8):
            keys = ringing()
            if step % 3 == 1 and keys:
                stack.keep_missed(keys[-1])
            elif keys:
                stack.close_for_call(keys[0])
            ring()
            if step % 2:
                QTest.qWait(2)  # and across turns, a millisecond or two apart
        stack.keep_missed(ringing()[-1])  # the newest call rings out: its card stays
        # What the window manager will hold once it has caught up with the burst: openbox on
        # a loaded machine (a full suite beside other work) took over 1.5 s to map one card.
        wait_until(lambda: all(h["above"] and h["managed"] for h in (held(w) for _, w in up())),
                   6)  # fmt: skip
        rounds = report["rounds"]
        assert isinstance(rounds, list)
        rounds.append({key: held(window) for key, window in up()})
        stack.dismiss_all()
        QTest.qWait(30)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
