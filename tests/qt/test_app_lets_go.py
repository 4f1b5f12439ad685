"""An app that has quit leaves none of its windows behind in the process, and windows opened
and closed all week leave nothing behind in the app.

Its tray menu, the no-tray window, the cards and every window the rep opened were kept for
good: slots connected as lambdas hold the app, and Qt holds those for as long as their sender
lives. In the suite each in-process app left nine windows or more (168 after 184 Qt tests).
"""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Callable

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)


def _windows() -> Counter[str]:
    gc.collect()
    return Counter(type(w).__name__ for w in QApplication.topLevelWidgets())


def test_a_quit_app_leaves_no_window_behind(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    before = _windows()
    running = start_app()
    app = running.app
    [(mike, _)] = app.store.contacts_for_number(MIKE)
    app.open_search("kowalski")
    app.open_calls()
    app.open_callbacks()
    app.show_contact(mike.id)
    app.who_is_it("+12125550199")
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))  # its card stays
    qtbot.waitUntil(lambda: app.popups.visible_count() == 1)
    assert _windows() - before  # the app's windows, while it runs

    running.close()
    qtbot.wait(20)  # the event loop's turn: what the app let go is deleted
    assert _windows() - before == Counter()


def test_wrap_ups_and_who_is_it_opened_and_closed_all_day_leave_nothing_behind(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """PySide 6.11 kept a weakref for good for each of these windows: their signals were
    connected to methods of the app and of WrapUpWindows, which are not QObjects."""
    app = start_app().app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.ANSWERED))
    qtbot.waitUntil(lambda: len(app.store.calls()) == 1)
    [call] = app.store.calls()

    def a_call_wrapped_up_and_a_number_looked_up() -> None:
        app.wrap_ups.asked(call.id)
        wrap_up = app.wrap_ups.window_for(call.id)
        assert wrap_up is not None
        wrap_up.close()
        app.who_is_it("+12125550199")
        assert app.windows.who_is_it_window is not None
        app.windows.who_is_it_window.close()
        qtbot.wait(1)  # the event loop's turn: both windows are deleted

    a_call_wrapped_up_and_a_number_looked_up()
    before = weakref.getweakrefcount(app), weakref.getweakrefcount(app.wrap_ups)
    for _ in range(5):
        a_call_wrapped_up_and_a_number_looked_up()
    assert (weakref.getweakrefcount(app), weakref.getweakrefcount(app.wrap_ups)) == before


def test_an_app_shut_down_at_once_reads_nothing_after(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """An app that quit within 100 ms of starting had its start-up's callback count still to
    come: it read the closed database ("Cannot operate on a closed database") after the
    quit, an exception in the event loop of the shutting-down process."""
    running = start_app()
    running.app.start(None)
    running.close()
    qtbot.wait(300)  # the start-up's timers come due: none may touch what was shut down
