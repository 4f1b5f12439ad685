"""--trace FILE: a ring's stages are written after its card painted, in order, with the times
they happened (desktop/adapters/trace.py)."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.adapters.trace import RingTrace


def _stages(path: Path) -> list[tuple[str, int]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(record["stage"], record["t_ns"]) for record in map(json.loads, lines)]


def test_held_stages_reach_the_file_with_the_next_stage_in_order_and_keep_their_times(
    tmp_path: Path,
) -> None:
    path = tmp_path / "trace.jsonl"
    trace = RingTrace(path)
    trace.write("read", "+14155550142", t_ns=10, held=True)
    trace.write("matched", "+14155550142", t_ns=20, held=True)
    assert path.read_text(encoding="utf-8") == ""  # nothing written on the ring's path
    trace.write("shown", "+14155550142", t_ns=30)
    assert _stages(path) == [("read", 10), ("matched", 20), ("shown", 30)]
    trace.close()


def test_held_stages_are_written_when_released_or_when_the_trace_closes(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    trace = RingTrace(path)
    trace.write("read", "anonymous", t_ns=1, held=True)
    trace.release()  # a paused ring: no card will paint
    assert _stages(path) == [("read", 1)]
    trace.write("matched", "anonymous", t_ns=2, held=True)
    trace.close()
    assert _stages(path) == [("read", 1), ("matched", 2)]

