"""A wrap-up open for a call out follows a note a dialer or CRM logs on that call.

Used as a rep: I dialled Mike, the call ended and "How did it go?" opened with nothing picked;
my dialer's end-of-call hook ran `callercard log-call +1… --outcome talked --message …`, which
put its note on that call (one row). The wrap-up went on showing nothing, and its Save wrote
my pick over what the note said. It now shows the note's outcome and words where I had not
chosen or typed yet; what I did choose or type stays mine.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from desktop.core.models import Direction, Outcome
from desktop.qt.app import CallerCardApp
from desktop.qt.wrap_up import WrapUp
from tests.conftest import PYTHON, python_env
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)
from tests.qt.test_wrap_up_rang_out import _answered_call_out


def _log_call(app: CallerCardApp, *args: str) -> None:
    logged = subprocess.run(
        [PYTHON, "-m", "desktop", "log-call", MIKE, *args,
         "--data-dir", str(app.paths.data_dir), "--region", "US"],
        env=python_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr


def _open_wrap_up(app: CallerCardApp, qtbot: QtBot, key: str) -> tuple[int, WrapUp]:
    _answered_call_out(app, key)
    found: list[tuple[int, WrapUp]] = []

    def opened() -> bool:
        found[:] = [(c.id, w) for c in app.store.calls()
                    if c.attempt.direction is Direction.OUT
                    and (w := app.wrap_ups.window_for(c.id)) is not None]  # fmt: skip
        return len(found) == 1

    qtbot.waitUntil(opened)
    return found[0]


def test_an_open_wrap_up_shows_the_note_logged_on_its_call_and_saves_it(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    app = start_app().app
    call_id, window = _open_wrap_up(app, qtbot, "baresip:out-1")
    assert window.outcome() is None and not window.save_button.isEnabled()

    _log_call(app, "--outcome", "talked", "--message", "Wants 3-year pricing",
              "--reason", "Renewal")  # fmt: skip
    qtbot.waitUntil(lambda: window.outcome() is Outcome.TALKED, timeout=10000)
    assert window.message.toPlainText() == "Wants 3-year pricing"
    assert window.reason.text() == "Renewal"
    assert window.save_button.isEnabled()
    assert [c.id for c in app.store.calls() if c.attempt.direction is Direction.OUT] == [call_id]

    window.save()
    qtbot.waitUntil(lambda: app.wrap_ups.window_for(call_id) is None)

    def saved() -> tuple[Outcome, str]:
        found = app.store.attempt_by_id(call_id)
        assert found is not None
        return found[1].outcome, found[1].message

    qtbot.waitUntil(lambda: saved() == (Outcome.TALKED, "Wants 3-year pricing"))


def test_what_the_rep_picked_and_typed_in_the_wrap_up_stays_theirs(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    app = start_app().app
    _call_id, window = _open_wrap_up(app, qtbot, "baresip:out-2")
    window.buttons[Outcome.GATEKEEPER].setChecked(True)
    window.message.setPlainText("Spoke to his assistant")

    _log_call(app, "--outcome", "talked", "--message", "Dialer note", "--reason", "Renewal")
    qtbot.waitUntil(lambda: window.reason.text() == "Renewal", timeout=10000)
    assert window.outcome() is Outcome.GATEKEEPER
    assert window.message.toPlainText() == "Spoke to his assistant"
    window.skip()
