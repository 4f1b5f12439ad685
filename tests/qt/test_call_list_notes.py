"""Recent calls show what the rep noted at the wrap-up, cut in its column and whole in the
tooltip, as the Callbacks window does: "Left voicemail" alone did not say what about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.call_list import NOTE_CHARS, CallList

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
LONG = ("Wants the <b>pilot</b> for the Kiel depot in Q1; send the revised quote with the "
        "volume discount before Friday and copy procurement")  # fmt: skip


def test_recent_calls_show_the_wrap_up_note_cut_and_whole_in_the_tooltip(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    jonas = store.add_contact(NewContact("Jonas Becker", company="Stadtwerke Kiel", numbers=(
        StoredNumber("0171 2345678", "+491712345678"),)))  # fmt: skip
    for minutes, outcome, note in ((30, Outcome.VOICEMAIL, LONG), (20, Outcome.TALKED, "Sent\nit"),
                                   (10, Outcome.NO_ANSWER, "")):  # fmt: skip
        attempt = Attempt(Direction.OUT, NOW - timedelta(minutes=minutes), outcome, note,
                          number_e164="+491712345678")  # fmt: skip
        store.add_attempt(jonas, attempt, "wrap-up")
    window = CallList(store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    store.close()
    table = window.table
    assert table.headerItem().text(5) == "Note"
    rows = [table.topLevelItem(i) for i in range(table.topLevelItemCount())]
    none, short, long = rows  # newest first
    assert (none.text(5), none.toolTip(5)) == ("", "")
    # One line, its lines kept apart: "Sent it" read as one sentence of two.
    assert short.text(5) == "Sent · it"
    cut = long.text(5)
    assert cut.startswith("Wants the <b>pilot</b> for the Kiel depot") and cut.endswith("…")
    assert len(cut) <= NOTE_CHARS
    tip = long.toolTip(5)  # the whole note, literally (never bold)
    assert "copy procurement" in tip and "&lt;b&gt;pilot&lt;/b&gt;" in tip
    assert long.text(3) == "+49 171 2345678"


def test_who_gets_the_room_an_empty_note_column_does_not_need(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """At 2× (a 784 px window) Who and Note split the room evenly: 'DANA WHITFIELD (caller…'
    was cut beside an empty Note column as wide as it."""
    store = Store.open(tmp_path / "cc.sqlite3")
    for minutes, name in ((30, "DANA WHITFIELD"), (20, "ROSALIND MONTGOMERY-PEMBERTON")):
        attempt = Attempt(Direction.IN, NOW - timedelta(minutes=minutes), Outcome.MISSED, "",
                          number_e164=f"+1415555{minutes:04}", caller_name=name)  # fmt: skip
        store.record_call(None, attempt, "hook", f"hook:{minutes}")
    window = CallList(store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(784, 440)
    window.open()
    store.close()
    table = window.table
    assert "ROSALIND MONTGOMERY-PEMBERTON" in table.topLevelItem(0).text(2)
    qtbot.waitUntil(lambda: table.columnWidth(2) >= table.sizeHintForColumn(2))
    # And a long note still gets what Who leaves, not squeezed out of the window.
    used = sum(table.columnWidth(c) for c in range(6))
    assert used <= table.viewport().width() + 1
