"""No "How did it go?" after a call that reached nobody.

Used as a rep: I called Mike back, it rang out, and the wrap-up opened asking how it went;
there was nothing to say. The history already says "No answer" (as the softphone reported
it), and his missed call stays due in Callbacks. A dialer script's `callercard log-call
NUMBER --outcome no_answer` says the same and asks nothing either. An answered call still
asks, as before.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from desktop.core.events import CallEvent, CallState, CallUnanswered
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.ring_input import from_call_event
from desktop.qt.app import CallerCardApp
from tests.conftest import PYTHON, python_env
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)

MIKE_URI = f"sip:{MIKE}@sip.example.com"


def _missed_call_from_mike(app: CallerCardApp) -> None:
    [(mike, _)] = app.store.contacts_for_number(MIKE)
    missed = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=30), Outcome.MISSED,
                     number_e164=MIKE)  # fmt: skip
    assert app.store.record_call(mike.id, missed, "hook", "hook:mike-missed") is not None


def _outcomes_out(app: CallerCardApp) -> list[Outcome]:
    return [c.attempt.outcome for c in app.store.calls() if c.attempt.direction is Direction.OUT]


def _wrap_ups_open(app: CallerCardApp) -> list[int]:
    return [c.id for c in app.store.calls() if app.wrap_ups.window_for(c.id) is not None]


def _answered_call_out(app: CallerCardApp, key: str) -> None:
    for state in (CallState.RINGING, CallState.ENDED):
        app.pipeline.arrive(from_call_event(CallEvent(
            "baresip", Direction.OUT, state, MIKE_URI, "", datetime.now(UTC), call_key=key)))


def test_a_call_back_that_rang_out_opens_no_wrap_up_and_the_missed_call_stays_due(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    app = start_app().app
    _missed_call_from_mike(app)
    assert app.store.callbacks_due(datetime.now(UTC)) == 1

    # The rep calls Mike back from the softphone; it rings, and "486 Busy Here" ends it.
    app.pipeline.arrive(from_call_event(CallEvent(
        "baresip", Direction.OUT, CallState.RINGING, MIKE_URI, "", datetime.now(UTC),
        call_key="baresip:out-1")))  # fmt: skip
    app.pipeline.arrive(from_call_event(CallUnanswered(
        "baresip", Direction.OUT, CallState.ENDED, MIKE_URI, "", datetime.now(UTC),
        call_key="baresip:out-1", why="486 Busy Here")))  # fmt: skip
    qtbot.waitUntil(lambda: _outcomes_out(app) == [Outcome.NO_ANSWER])
    assert app.store.callbacks_due(datetime.now(UTC) + timedelta(seconds=5)) == 1
    # A call he answers later asks how it went: once its wrap-up is open, the first call's
    # would have been too (the history writer answers in order).
    _answered_call_out(app, "baresip:out-2")
    qtbot.waitUntil(lambda: len(_wrap_ups_open(app)) == 1)

    [answered] = [c for c in app.store.calls() if c.attempt.outcome is not Outcome.NO_ANSWER
                  and c.attempt.direction is Direction.OUT]  # fmt: skip
    assert _wrap_ups_open(app) == [answered.id]
    assert sorted(_outcomes_out(app)) == sorted([Outcome.NO_ANSWER, Outcome.UNKNOWN])


def test_a_call_the_dialer_logged_as_no_answer_opens_no_wrap_up(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    _missed_call_from_mike(app)
    data = app.paths.data_dir
    logged = subprocess.run(
        [PYTHON, "-m", "desktop", "log-call", MIKE, "--outcome", "no_answer",
         "--data-dir", str(data), "--region", "US"],
        env=python_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.strip() == "logged no_answer for Mike Kowalski"

    qtbot.waitUntil(lambda: _outcomes_out(app) == [Outcome.NO_ANSWER])
    assert app.store.callbacks_due(datetime.now(UTC) + timedelta(seconds=5)) == 1
    # Later, one he answered: asked. Seconds later, not within the one second a call note
    # and its softphone's report of one call may disagree by (a redial a moment after the
    # note is another call).
    qtbot.wait(2100)
    _answered_call_out(app, "baresip:out-1")
    qtbot.waitUntil(lambda: len(_wrap_ups_open(app)) == 1)
    [asked] = _wrap_ups_open(app)
    assert app.store.calls()[0].id == asked  # the newest call, not the one logged unreached
