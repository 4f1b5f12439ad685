"""What every parsed value must look like, whatever the input was."""

from __future__ import annotations

from datetime import datetime

from desktop.core.dialects.end_of_call import HistoryEvent, HistoryRead
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction


def aware(moment: datetime) -> None:
    assert isinstance(moment, datetime)
    assert moment.tzinfo is not None and moment.utcoffset() is not None, moment


def one_line(message: object) -> None:
    """A message shown to people: some text, on one line."""
    assert isinstance(message, str) and message.strip(), repr(message)
    assert "\n" not in message and "\r" not in message, repr(message)


def call_event(event: CallEvent, source: str) -> None:
    assert event.source == source
    assert isinstance(event.direction, Direction)
    assert isinstance(event.state, CallState)
    for text in (event.number, event.name, event.call_key, event.where, event.source):
        assert isinstance(text, str)
        text.encode("utf-8")  # no lone surrogate: SQLite and the logs could not take it
    aware(event.time)


def history_read(read: HistoryRead, source: str) -> None:
    assert isinstance(read, HistoryRead)
    if read.unreadable is not None:
        assert read.events == () and read.problems == (), "unreadable, yet something was read"
        one_line(read.unreadable.message)
    for event in read.events:
        assert isinstance(event, HistoryEvent)
        call_event(event, source)
        assert event.state in (CallState.ENDED, CallState.MISSED), event
        assert event.answered in (None, True, False)
        if event.ended is not None:
            aware(event.ended)
            assert event.ended >= event.time, "the call ended before it started"
    for problem in (*read.problems, *([read.incomplete] if read.incomplete else [])):
        one_line(problem.message)
        assert problem.line is None or problem.line >= 1
