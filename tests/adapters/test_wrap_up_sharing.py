"""A wrap-up saved in the app is shared on the contact's card like `callercard log-call`'s
note: the history writer queues it, the directory thread writes it to a real Radicale at once
(not at the next 15-minute sync), a teammate's CallerCard shows it after their sync, and the
rep's own sync reads it back as the call it already has, not as a second one. A wrap-up
corrected later replaces its note, and the teammate's copy follows."""

from __future__ import annotations

import json
import queue
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.directories.background import DirectorySyncLoop
from desktop.adapters.history_writer import CallWritten, HistoryWriter
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.adapters.write_journal import RecordCall, SaveWrapUp
from desktop.core.call_notes import notes_in
from desktop.core.dialects.end_of_call import history_event
from desktop.core.models import Direction, Outcome
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, running_radicale
from tests.adapters.test_call_notes import attempts, card_text
from tests.adapters.test_carddav_sync import BO, DANA, MIA, add, wait_for
from tests.test_cli import cc


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    yield from running_radicale(tmp_path_factory.mktemp("radicale"))


def test_a_wrap_up_after_danas_call_reaches_her_shared_card_and_the_next_rep(
    radicale: Radicale, tmp_path: Path
) -> None:
    book = f"/team-{uuid.uuid4().hex[:8]}/book/"
    radicale.make_book(book, [DANA, BO, MIA])
    rep_a, rep_b = tmp_path / "a", tmp_path / "b"
    for data in (rep_a, rep_b):
        add(data, radicale.base + book, "--name", "team")
    database = rep_a / "callercard.sqlite3"

    written: queue.Queue[CallWritten] = queue.Queue()
    problems: list[str] = []
    # Its timer would sync only in an hour: only the wrap-up's trigger can write the note now.
    loop = DirectorySyncLoop(database, lambda: "US", problems.append, interval=3600,
                             first_delay=3600)  # fmt: skip
    store = Store.open(database)
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    writer = HistoryWriter(database, tmp_path / "journal", lookup, written.put, problems.append,
                           on_note_queued=loop.share_now)  # fmt: skip
    loop.start()
    try:
        started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        writer.submit(RecordCall(history_event(
            source="twinkle", direction=Direction.IN, answered=True, number="+1 415 555 0101",
            name="", started=started, ended=started + timedelta(minutes=4), key="c1",
            where="twinkle.ch line 1",
        )))  # fmt: skip
        recorded = written.get(timeout=20).recorded
        assert recorded is not None and recorded.wrap_up  # the app opens the wrap-up now
        writer.submit(SaveWrapUp(recorded.attempt_id, Outcome.TALKED, "wants the Q3 bid by Fri",
                                 "Q3 bid", None, "Dana's rep"))  # fmt: skip

        wait_for(lambda: notes_in(card_text(radicale, book + "dana.vcf")) != [],
                 "the note on Dana's card")  # fmt: skip
        [note] = notes_in(card_text(radicale, book + "dana.vcf"))
        assert (note.direction, note.outcome, note.rep, note.message, note.reason) == (
            Direction.IN, Outcome.TALKED, "Dana's rep", "wants the Q3 bid by Fri", "Q3 bid")
        assert note.at == started

        cc("directory", "sync", "--region", "US", data_dir=rep_b, check=True)
        [seen] = attempts(rep_b, "+14155550101")
        assert (seen["direction"], seen["outcome"], seen["message"], seen["rep"]) == (
            "in", "talked", "wants the Q3 bid by Fri", "Dana's rep")

        # Later, from Recent calls, the rep corrects it: the card's note is that call's
        # note, corrected in place, not a second one.
        writer.submit(SaveWrapUp(recorded.attempt_id, Outcome.TALKED, "wants the Q3 bid by Thu",
                                 "Q3 bid", None, "Dana's rep"))  # fmt: skip
        wait_for(lambda: [n.message for n in notes_in(card_text(radicale, book + "dana.vcf"))]
                 == ["wants the Q3 bid by Thu"], "the corrected note on Dana's card")  # fmt: skip
        assert not problems
    finally:
        writer.close()
        loop.stop()
        store.close()

    # The teammate's next sync shows the correction on the call they have already.
    cc("directory", "sync", "--region", "US", data_dir=rep_b, check=True)
    [seen] = attempts(rep_b, "+14155550101")
    assert (seen["direction"], seen["outcome"], seen["message"], seen["rep"]) == (
        "in", "talked", "wants the Q3 bid by Thu", "Dana's rep")
    # Rep A's own sync reads the note back as the call A already has: still one call.
    cc("directory", "sync", "--region", "US", data_dir=rep_a, check=True)
    mine = attempts(rep_a, "+14155550101")
    assert [(a["direction"], a["outcome"], a["rep"]) for a in mine] == [("in", "talked", "")]
    listed = json.loads(cc("directory", "list", "--json", data_dir=rep_a, check=True).stdout)
    assert listed["directories"][0]["notes_waiting"] == 0
