"""The history writes still waiting for the database, kept on disk so a quit or a crash loses
none of them (history_writer.py writes it, and replays it at the next start).

One JSON object per line, appended and synced, in a file only this user can read (it holds
callers' numbers). A line cut short by a crash mid-write is skipped; every write in it is
idempotent (a call is keyed by source and call key), so replaying one twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, Outcome

if TYPE_CHECKING:
    # hashlib's C module, which the ring path and the start do without (tests/test_layers.py)
    from desktop.core.call_notes import CallNote

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordCall:
    """A call event for the history (CallHistory.record)."""

    event: CallEvent


@dataclass(frozen=True)
class SaveWrapUp:
    attempt_id: int
    outcome: Outcome
    message: str
    reason: str
    callback: tuple[datetime, datetime] | None = None  # the window the rep promised
    rep: str = ""  # who made the call, for the note on a shared card ("": not shared)
    promise_done: bool = False  # the contact's open "call them back by" is done


@dataclass(frozen=True)
class SavePosition:
    """Where a watched call log was read up to, without a call to go with it."""

    origin: str
    cursor: str


@dataclass(frozen=True)
class LogCall:
    """A call note `callercard log-call` could not write (another program held the database):
    recorded as that command records it (call_note_log.record_note), then shared."""

    number_e164: str
    contact_id: int | None  # who the number belonged to when it was logged
    note: CallNote


Job = RecordCall | SaveWrapUp | SavePosition | LogCall


class WriteJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        data = "".join(json.dumps(job_to_json(job), ensure_ascii=False) + "\n" for job in jobs)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Job]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        jobs: list[Job] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                jobs.append(job_from_json(json.loads(line)))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("%s line %d: not a pending write, skipped (%s)", self.path, number,
                            exc)  # fmt: skip
        return jobs

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def job_to_json(job: Job) -> dict[str, Any]:
    if isinstance(job, RecordCall):
        return {"job": "call", "event": _event_to_json(job.event)}
    if isinstance(job, SaveWrapUp):
        window = [t.isoformat() for t in job.callback] if job.callback is not None else None
        return {"job": "wrap-up", "attempt_id": job.attempt_id, "outcome": job.outcome.value,
                "message": job.message, "reason": job.reason, "callback": window,
                "rep": job.rep, "promise_done": job.promise_done}  # fmt: skip
    if isinstance(job, LogCall):
        note = job.note
        return {"job": "call-note", "number": job.number_e164, "contact_id": job.contact_id,
                "id": note.id, "at": note.at.isoformat(), "direction": note.direction.value,
                "outcome": note.outcome.value, "rep": note.rep, "message": note.message,
                "reason": note.reason}  # fmt: skip
    return {"job": "position", "origin": job.origin, "cursor": job.cursor}


def job_from_json(data: dict[str, Any]) -> Job:
    kind = data["job"]
    if kind == "call":
        return RecordCall(_event_from_json(data["event"]))
    if kind == "wrap-up":
        window = data.get("callback")  # absent from journals written before windows
        callback = (
            (datetime.fromisoformat(window[0]), datetime.fromisoformat(window[1]))
            if isinstance(window, list) and len(window) == 2 else None
        )  # fmt: skip
        return SaveWrapUp(int(data["attempt_id"]), Outcome(data["outcome"]),
                          str(data["message"]), str(data["reason"]), callback,
                          str(data.get("rep", "")),
                          data.get("promise_done") is True)  # fmt: skip
    if kind == "position":
        return SavePosition(str(data["origin"]), str(data["cursor"]))
    if kind == "call-note":
        from desktop.core.call_notes import CallNote

        contact_id = data.get("contact_id")
        note = CallNote(str(data["id"]), datetime.fromisoformat(data["at"]),
                        Direction(data["direction"]), Outcome(data["outcome"]),
                        str(data["rep"]), str(data["message"]), str(data["reason"]))  # fmt: skip
        return LogCall(str(data["number"]),
                       int(contact_id) if isinstance(contact_id, int) else None, note)  # fmt: skip
    raise ValueError(f"unknown job {kind!r}")


def _event_to_json(event: CallEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"history": isinstance(event, HistoryEvent)}
    for f in fields(event):
        value = getattr(event, f.name)
        out[f.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _event_from_json(data: dict[str, Any]) -> CallEvent:
    cls = HistoryEvent if data.get("history") else CallEvent
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in ("time", "ended") and value is not None:
            value = datetime.fromisoformat(value)
        values[f.name] = value
    values["direction"] = Direction(values["direction"])
    values["state"] = CallState(values["state"])
    return cls(**values)
