"""MicroSipSource on real files, written the ways Windows writes them, seen through watchdog."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.sources.microsip import MicroSipSource
from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.dialects.microsip import CallType, decode_ini
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction
from tests.adapters.recorder import EventRecorder
from tests.softphone_writers import encode_appended_call, encode_ini, render_call, render_ini

TIMEOUT_S = 5.0


Recorder = EventRecorder


Start = Callable[..., tuple[MicroSipSource, Recorder]]  # (path, watcher=None)


@pytest.fixture
def start() -> Iterator[Start]:
    sources: list[MicroSipSource] = []

    def start(path: Path, watcher: FileWatcher | None = None) -> tuple[MicroSipSource, Recorder]:
        recorder = Recorder()
        source = MicroSipSource(path, recorder.on_event, recorder.on_problem, watcher=watcher)
        sources.append(source)
        source.start()
        return source, recorder

    yield start
    for source in sources:
        source.stop()


def now() -> int:
    return int(time.time())


def ring(number: str = "+33199001234", name: str = "Élodie Martin", at: int = 0) -> str:
    return render_call(number, name, CallType.INCOMING, at or now())


def history(count: int) -> dict[int, str]:
    old = now() - 86_400
    return {
        key: render_call(
            f"+1415555{key:04d}", f"Caller {key}", CallType.MISSED, old + key, 0, "Missed Call"
        )
        for key in range(count)
    }


def microsip_text(calls: dict[int, str], last_key: int) -> str:
    settings = {"accountId": "1", "singleMode": "1", "callsLastKey": str(last_key)}
    return render_ini(settings, calls, sections={"Account1": {"domain": "pbx.example.com"}})


def rewrite(path: Path, text: str) -> None:
    """What WritePrivateProfileString does: truncate, then write the whole file. Two writes with
    the first one ending in half a UTF-16 code unit give the watcher a half-written file to see."""
    data = encode_ini(text)
    middle = len(data) // 2 | 1
    with path.open("wb") as handle:
        handle.write(data[:middle])
        handle.flush()
        handle.write(data[middle:])


def sentinel(
    path: Path, calls: dict[int, str], key: int, recorder: Recorder, seen: int
) -> CallEvent:
    """A last, unrelated ring. Events are handled in order, so once it has popped every earlier
    write has been read, and a duplicate or spurious event would already be in the recorder."""
    rewrite(path, microsip_text({**calls, key: ring("+14155550100", "Sentinel")}, key))
    events = recorder.wait_events(seen + 1)
    assert events[-1].name == "Sentinel"
    return events[-1]


def test_a_restart_pops_nothing_and_the_next_ring_pops_once(
    samples: Path, tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "microsip.ini"
    path.write_bytes((samples / "softphones" / "microsip.ini").read_bytes())  # key 7 rings
    source, recorder = start(path)
    assert source.poll_now() == []

    text = decode_ini(path.read_bytes())
    at = now()
    written_ns = time.monotonic_ns()
    rewrite(path, text + f"8={ring(at=at)}\r\n")  # CallSave
    rewrite(path, text.replace("callsLastKey=7", "callsLastKey=8") + f"8={ring(at=at)}\r\n")

    (event,) = recorder.wait_events(1)
    assert event.source == "microsip"
    assert (event.direction, event.state) == (Direction.IN, CallState.RINGING)
    assert (event.number, event.name) == ("+33199001234", "Élodie Martin")
    assert event.time.timestamp() == at
    assert event.time.utcoffset() is not None
    assert event.call_key == f"microsip:8:{at}"
    assert event.where == f"{path} [Calls] key 8"
    assert event.read_ns > written_ns
    source.stop()

    again, recorder = start(path)
    assert again.poll_now() == []
    text = decode_ini(path.read_bytes())
    rewrite(
        path,
        text.replace("callsLastKey=8", "callsLastKey=9")
        + f"9={ring('+14155550123', 'Jane Doe')}\r\n",
    )
    (event,) = recorder.wait_events(1)
    assert (event.number, event.call_key.split(":")[1]) == ("+14155550123", "9")
    assert recorder.problems == []


def test_microsips_writes_for_a_missed_call_pop_ringing_then_missed(
    tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(12)
    rewrite(path, microsip_text(calls, 11))
    _source, recorder = start(path)
    at = now()
    uri = "+442079460321@trunk.example.net;user=phone"

    ringing = render_call(uri, "Zoë Ångström", CallType.INCOMING, at)
    rewrite(path, microsip_text({**calls, 12: ringing}, 11))  # CallSave at EARLY
    rewrite(path, microsip_text({**calls, 12: ringing}, 12))  # SaveKey
    recorder.wait_events(1)  # the phone rings for a few seconds before the end is written
    for value in [
        render_call("+442079460321", "Zoë Ångström", CallType.MISSED, at),  # OnEndCall: Add
        render_call("+442079460321", "Zoë Ångström", CallType.MISSED, at, 0),  # SetDuration
        render_call("+442079460321", "Zoë Ångström", CallType.MISSED, at, 0, "Missed Call"),
    ]:
        rewrite(path, microsip_text({**calls, 12: value}, 12))
    calls[12] = render_call("+442079460321", "Zoë Ångström", CallType.MISSED, at, 0, "Missed Call")
    sentinel(path, calls, 13, recorder, 2)

    assert [(e.call_key, e.state, e.number) for e in recorder.events[:2]] == [
        (f"microsip:12:{at}", CallState.RINGING, uri),
        (f"microsip:12:{at}", CallState.MISSED, "+442079460321"),
    ]
    assert len(recorder.events) == 3
    assert recorder.problems == []


def test_a_rewrite_in_many_small_writes_pops_once(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(200)
    rewrite(path, microsip_text(calls, 199))
    _source, recorder = start(path)

    data = encode_ini(microsip_text({**calls, 200: ring()}, 200))
    with path.open("wb") as handle:
        for offset in range(0, len(data), 1023):  # odd-sized pieces, each flushed
            handle.write(data[offset : offset + 1023])
            handle.flush()
    calls[200] = ring()
    sentinel(path, calls, 201, recorder, 1)

    assert [e.call_key.split(":")[1] for e in recorder.events] == ["200", "201"]


def test_a_replace_by_rename_pops(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(5)
    rewrite(path, microsip_text(calls, 4))
    _source, recorder = start(path)

    temporary = tmp_path / "microsip.ini.tmp"
    temporary.write_bytes(encode_ini(microsip_text({**calls, 5: ring()}, 5)))
    os.replace(temporary, path)

    (event,) = recorder.wait_events(1)
    assert event.call_key.startswith("microsip:5:")


def test_a_half_written_file_waits_for_its_last_line(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(5)
    rewrite(path, microsip_text(calls, 4))
    source, recorder = start(path)
    complete = encode_ini(microsip_text({**calls, 5: ring()}, 4))

    path.write_bytes(complete[:-5])  # odd byte count; the ring line has no CRLF yet
    assert source.poll_now() == []
    path.write_bytes(complete)

    (event,) = recorder.wait_events(1)
    assert event.call_key.startswith("microsip:5:")
    calls[5] = ring()
    sentinel(path, calls, 6, recorder, 1)
    assert len(recorder.events) == 2
    assert recorder.problems == []


def test_a_full_ring_buffer_reuses_key_0_for_a_new_call(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(1000)
    rewrite(path, microsip_text(calls, 999))
    _source, recorder = start(path)
    at = now()

    rewrite(path, microsip_text({**calls, 0: ring(at=at)}, 999))

    (event,) = recorder.wait_events(1)
    assert (event.call_key, event.state) == (f"microsip:0:{at}", CallState.RINGING)


def test_a_ringing_key_rewritten_with_a_new_call_ends_the_old_one(
    tmp_path: Path, start: Start
) -> None:
    """MicroSIP crashed during a ring (no end written); a thousand calls later its ring buffer
    gives that key to a new call: the old call is reported over before the new one rings."""
    path = tmp_path / "microsip.ini"
    calls = history(1000)
    rewrite(path, microsip_text(calls, 999))
    _source, recorder = start(path)
    rang = now() - 5
    rewrite(path, microsip_text({**calls, 0: ring("+14155550123", "Jane", at=rang)}, 0))
    recorder.wait_events(1)

    at = rang + 3
    rewrite(path, microsip_text({**calls, 0: ring(at=at)}, 0))

    _first, gone, new = recorder.wait_events(3)
    assert (gone.call_key, gone.state, type(gone).__name__) == (
        f"microsip:0:{rang}", CallState.ENDED, "CallGone")
    assert (gone.number, gone.direction) == ("+14155550123", Direction.IN)
    assert (new.call_key, new.state) == (f"microsip:0:{at}", CallState.RINGING)


def test_junk_is_reported_with_the_file_and_the_next_good_write_pops(
    tmp_path: Path, start: Start
) -> None:
    path = tmp_path / "microsip.ini"
    calls = history(5)
    rewrite(path, microsip_text(calls, 4))
    _source, recorder = start(path)

    path.write_bytes(bytes(range(256)) * 8)  # binary, with line feeds and NULs in it
    (problem,) = recorder.wait_problems(1)
    assert str(path) in problem
    assert "not MicroSIP's settings file" in problem

    rewrite(path, microsip_text({**calls, 5: ring()}, 5))
    (event,) = recorder.wait_events(1)
    assert event.call_key.startswith("microsip:5:")  # the five old calls did not pop again


def test_a_bad_line_is_reported_once_and_rings_still_pop(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = {**history(5), 5: "+14155550123;Jane;x;1773222065;0;"}
    rewrite(path, microsip_text(history(5), 4))
    _source, recorder = start(path)

    rewrite(path, microsip_text(calls, 5))
    (problem,) = recorder.wait_problems(1)
    assert problem.startswith(f"{path} [Calls] key 5 (line ")
    assert problem.endswith("type 'x' is not a number")

    rewrite(path, microsip_text(calls, 4))  # the same bad line in another rewrite
    sentinel(path, calls, 6, recorder, 0)
    assert len(recorder.problems) == 1


def test_a_file_that_does_not_exist_yet_pops_when_it_appears(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    source, recorder = start(path)
    assert source.poll_now() == []

    rewrite(path, microsip_text({**history(3), 3: ring()}, 3))

    # The ring is news. The three calls of a day ago, over before the log was first watched,
    # are its past (as a snapshot of them would have been): not recorded. They come in the
    # same read as the ring, ahead of it.
    recorder.wait_events(1)
    assert source.poll_now() == []
    assert [e.call_key.split(":")[1] for e in recorder.events] == ["3"]
    assert not isinstance(recorder.events[0], HistoryEvent)
    assert recorder.problems == []


def test_a_missing_folder_is_reported_and_followed(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "AppData" / "Roaming" / "MicroSIP" / "microsip.ini"
    _source, recorder = start(path)
    (problem,) = recorder.wait_problems(1)
    assert str(path.parent) in problem

    path.parent.mkdir(parents=True)
    rewrite(path, microsip_text({0: ring()}, 0))

    (event,) = recorder.wait_events(1)
    assert event.call_key.startswith("microsip:0:")


def test_a_file_deleted_and_recreated_pops_only_what_is_new(tmp_path: Path, start: Start) -> None:
    path = tmp_path / "microsip.ini"
    calls = {**history(5), 5: ring()}
    rewrite(path, microsip_text(calls, 5))
    _source, recorder = start(path)

    path.unlink()
    rewrite(path, microsip_text(calls, 5))
    sentinel(path, calls, 6, recorder, 0)

    assert [e.call_key.split(":")[1] for e in recorder.events] == ["6"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_microsip_converting_an_old_file_pops_nothing(
    tmp_path: Path, start: Start, encoding: str
) -> None:
    path = tmp_path / "microsip.ini"
    calls = {
        **history(3),
        3: render_call(
            "02079460555",
            "Łukasz" if encoding != "cp1252" else "Zoë",
            CallType.MISSED,
            now() - 100,
            0,
            "Canceled",
        ),
    }
    path.write_bytes(microsip_text(calls, 3).encode(encoding))
    _source, recorder = start(path)

    rewrite(path, microsip_text(calls, 3))  # MicroSIP's first start: the same text in UTF-16LE
    sentinel(path, calls, 4, recorder, 0)

    assert [e.call_key.split(":")[1] for e in recorder.events] == ["4"]


def test_a_failing_on_event_does_not_stop_the_next_ring(tmp_path: Path) -> None:
    path = tmp_path / "microsip.ini"
    rewrite(path, microsip_text(history(2), 1))
    recorder = Recorder()

    def on_event(event: CallEvent) -> None:
        recorder.on_event(event)
        raise RuntimeError("the card could not be shown")

    source = MicroSipSource(path, on_event, recorder.on_problem)
    source.start()
    try:
        rewrite(path, microsip_text({**history(2), 2: ring()}, 2))
        recorder.wait_events(1)
        rewrite(path, microsip_text({**history(2), 2: ring(), 3: ring("+14155550123")}, 3))
        recorder.wait_events(2)
    finally:
        source.stop()


def test_sources_can_share_one_watcher(tmp_path: Path, start: Start) -> None:
    watcher = FileWatcher()
    first, second = tmp_path / "a" / "microsip.ini", tmp_path / "b" / "microsip.ini"
    for path in (first, second):
        path.parent.mkdir()
        rewrite(path, microsip_text(history(2), 1))
    _one, first_recorder = start(first, watcher=watcher)
    _two, second_recorder = start(second, watcher=watcher)
    watcher.start()
    try:
        rewrite(second, microsip_text({**history(2), 2: ring("+14155550123", "B")}, 2))
        rewrite(first, microsip_text({**history(2), 2: ring("+14155550124", "A")}, 2))
        assert first_recorder.wait_events(1)[0].name == "A"
        assert second_recorder.wait_events(1)[0].name == "B"
    finally:
        watcher.stop()


def test_nothing_is_reported_after_stop(tmp_path: Path) -> None:
    path = tmp_path / "microsip.ini"
    rewrite(path, microsip_text(history(2), 1))
    recorder = Recorder()
    source = MicroSipSource(path, recorder.on_event, recorder.on_problem)
    source.start()
    source.stop()
    source.stop()

    rewrite(path, microsip_text({**history(2), 2: ring()}, 2))

    assert source.poll_now() == []
    assert recorder.events == []


def test_parse_and_diff_latency_is_measured(tmp_path: Path) -> None:
    """Read + decode + parse + diff + event for one ring, as poll_now does it in the watcher's
    thread. Printed, not asserted: the machine is shared. Idle gaps let the CPU go cold, as it
    does between real rings."""
    lines = []
    for label, size in [("sample-sized (8 calls)", 7), ("1000 calls, ring buffer full", 999)]:
        path = tmp_path / f"{size}.ini"
        calls = history(size)
        path.write_bytes(encode_ini(microsip_text(calls, size - 1)))
        source = MicroSipSource(path, lambda _event: None, lambda _problem: None)
        source.poll_now()
        costs_us = []
        for key in range(30):
            target = key % size if size == 999 else size + key
            calls[target] = ring(at=now() - 1 + 0 * key)
            if size == 999:
                path.write_bytes(encode_ini(microsip_text(calls, target)))
            else:
                with path.open("ab") as handle:
                    handle.write(encode_appended_call(target, calls[target]))
            time.sleep(0.02)
            began = time.perf_counter_ns()
            events = source.poll_now()
            costs_us.append((time.perf_counter_ns() - began) / 1000)
            assert len(events) == 1
        costs_us.sort()
        lines.append(
            f"{label}: median {statistics.median(costs_us):.0f} us, "
            f"p90 {costs_us[int(len(costs_us) * 0.9)]:.0f} us, max {costs_us[-1]:.0f} us"
        )
    print("\nMicroSipSource.poll_now for one ring\n" + "\n".join(lines))


def test_a_ring_first_seen_long_after_it_rang_ends_as_history_not_as_a_live_call(
    tmp_path: Path, start: Start
) -> None:
    """An ini put back in place while the app runs (a backup made while the phone rang, or
    MicroSIP killed mid-ring) holds rings hours or days old; their ends come in a later
    rewrite. A ring that old pops nothing, and its end is no live end either (no missed card,
    no wrap-up for a call of last week): over before the log was first watched, it is the
    log's past and nothing is reported; over after it, it is history (catch-up)."""
    path = tmp_path / "microsip.ini"
    calls = history(3)
    rewrite(path, microsip_text(calls, 2))
    first, _ = start(path)
    assert first.poll_now() == []
    first.stop()
    # Watched for hours already (a test cannot wait them out): its first watch moved back.
    position = json.loads(first.cursor)
    position["since"] -= 4 * 3600
    source = MicroSipSource(path, (recorder := Recorder()).on_event, recorder.on_problem)
    source.resume_from(json.dumps(position))
    source.start()
    try:
        assert source.poll_now() == []
        last_week, hours_ago = now() - 5 * 86_400, now() - 2 * 3600
        old = "+12065550100", "Ann Old"
        recent = "+14155550177", "Mike Recent"
        # Key 5 rang last week too and MicroSIP never wrote its end: its key is reused below.
        unended = {5: ring("+12065550111", "Bo Unended", at=last_week + 60)}
        rewrite(path, microsip_text({**calls, 3: ring(*old, at=last_week),
                                     4: ring(*recent, at=hours_ago), **unended}, 4))  # fmt: skip
        source.poll_now()  # the rings read as rings, before their ends are written
        ended = {
            **calls,
            3: render_call(*old, CallType.MISSED, last_week, 0, "Missed Call"),
            4: render_call(*recent, CallType.INCOMING, hours_ago, 95, "Call Ended"),
            **unended,
        }
        rewrite(path, microsip_text(ended, 4))
        sentinel(path, ended, 5, recorder, 1)
    finally:
        source.stop()
    seen = [(e.name, e.state, isinstance(e, HistoryEvent) and e.catch_up)
            for e in recorder.events]  # fmt: skip
    assert seen == [("Mike Recent", CallState.ENDED, True), ("Sentinel", CallState.RINGING, False)]
