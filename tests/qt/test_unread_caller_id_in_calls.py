"""Recent calls list a call whose caller ID is not a number the rep's region can read, as it
was received, counted among the missed, with nothing offered that would dial or look it up;
and a running app records such a call a hook reports (it only popped a card before)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Direction
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import UNREAD_CALLER_ID_TIP, CallList
from tests.qt.test_app_e2e import RunningApp

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
BERLIN = "030 90182013"


def hook_call(history: CallHistory, number: str, at: datetime, end: CallState) -> None:
    for state, when in ((CallState.RINGING, at), (end, at + timedelta(seconds=15))):
        history.record(CallEvent("hook", Direction.IN, state, number, "", when,
                                 call_key=hook_call_key(number), hook=True))  # fmt: skip


def test_recent_calls_show_it_as_received_and_offer_only_a_copy(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                              default_opener_templates()))  # fmt: skip
    hook_call(history, "+14155550177", NOW - timedelta(minutes=30), CallState.ENDED)
    hook_call(history, "anonymous", NOW - timedelta(minutes=20), CallState.MISSED)
    hook_call(history, "Reception", NOW - timedelta(minutes=10), CallState.ENDED)
    hook_call(history, BERLIN, NOW - timedelta(minutes=5), CallState.MISSED)
    window = CallList(store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    rows = []
    for i in range(window.table.topLevelItemCount()):
        item = window.table.topLevelItem(i)
        assert item is not None
        rows.append((item.text(1), item.text(2), item.text(3), item.toolTip(3)))
    assert rows == [
        ("Missed", "Unknown", BERLIN, UNREAD_CALLER_ID_TIP),
        ("In", "Unknown", "Reception", UNREAD_CALLER_ID_TIP),
        ("Missed", "Number withheld", "", ""),
        ("In", "Unknown", "+1 415-555-0177", ""),
    ]
    assert window.status.text() == "4 calls · 2 missed"

    window.table.setCurrentItem(window.table.topLevelItem(0))
    assert not window.call.isEnabled()  # nothing to dial: not a number we can read
    assert not window.open_button.isEnabled()  # nor anyone to look up by it
    assert window.copy.isEnabled()
    window.copy.click()
    assert QGuiApplication.clipboard().text() == BERLIN  # to dial by hand, as received
    assert window.status.text() == f"Copied {BERLIN}"
    assert window.wrap_up_button.isEnabled() is False  # a missed call, as any other

    window.table.setCurrentItem(window.table.topLevelItem(1))
    assert window.wrap_up_button.isEnabled()  # an answered call: its wrap-up, as any other
    window.views.button(3).click()  # Missed
    assert [window.table.topLevelItem(i).text(3)  # type: ignore[union-attr]
            for i in range(window.table.topLevelItemCount())] == [BERLIN, ""]  # fmt: skip
    store.close()


def test_a_running_app_records_a_hooks_call_from_a_number_it_cannot_read(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)  # --region US
    try:
        ring = app.cli("ring", BERLIN)
        assert ring.returncode == 0, ring.stderr
        app.wait_for(lambda r: r["stage"] == "recorded" and r["outcome"] == "",
                     "the ring logged")  # fmt: skip
        assert app.cli("end", BERLIN, "--missed").returncode == 0
        app.wait_for(lambda r: r["stage"] == "recorded" and r["outcome"] == "missed",
                     "the missed call logged")  # fmt: skip

        listed = app.cli("calls", "--json")
        assert listed.returncode == 0, listed.stderr
        calls: list[dict[str, Any]] = json.loads(listed.stdout)["calls"]
        # The demo book's calls are there too (a fresh data dir); none without a number.
        assert [(c["number"], c["caller_id"], c["outcome"], c["direction"]) for c in calls
                if c["number"] is None] == [(None, BERLIN, "missed", "in")]  # fmt: skip
    finally:
        app.stop()
