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
    assert short.text(5) == "Sent it"  # one line, as Callbacks shows it
    cut = long.text(5)
    assert cut.startswith("Wants the <b>pilot</b> for the Kiel depot") and cut.endswith("…")
    assert len(cut) <= NOTE_CHARS
    tip = long.toolTip(5)  # the whole note, literally (never bold)
    assert "copy procurement" in tip and "&lt;b&gt;pilot&lt;/b&gt;" in tip
    assert long.text(3) == "+49 171 2345678"
