"""Rows and vCards to contacts ready to match, in worker processes, for big files.

Mapping a row and reading its numbers is most of an import's Python work; the importer's own
thread keeps what must happen in order (matching against what is already stored, inserting)
and hands chunks of rows here. Chunk k goes to worker k % n and comes back in the same order.

Workers are plain child processes (`python -m` this module, or the frozen app with a hidden
verb), not multiprocessing: spawning would re-run the app's unguarded __main__, and a killed
import must not leave workers behind (they end at EOF on stdin, which the kernel delivers when
the parent dies). Messages are length-prefixed pickles of the outcomes (tuples, strings,
frozensets), between this process and children it started itself; the file's text is only
ever data in them. A worker that dies or answers nonsense costs nothing: its chunk is mapped
in this process instead.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TypeVar

from desktop.adapters.importing.vcards import CardBlock, parse_card
from desktop.core.import_mapping import (
    ColumnPlan,
    ContactDraft,
    Field,
    RowProblem,
    Skipped,
    draft_from_card,
    draft_from_cells,
    with_corrected_tels,
)
from desktop.core.import_match import ContactRow, contact_row
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number

Row = tuple[int, list[str]]
Outcome = ContactRow | RowProblem | Skipped
T = TypeVar("T")
_FRAME = struct.Struct(">I")


class NumberCache:
    """parse_number, remembered: a column of company switchboards repeats the same few
    numbers thousands of times."""

    def __init__(self, policy: NumberPolicy) -> None:
        self.policy = policy
        self._known: dict[str, CallerNumber] = {}

    def parse(self, raw: str, policy: NumberPolicy) -> CallerNumber:
        if policy != self.policy:
            return parse_number(raw, policy)
        found = self._known.get(raw)
        if found is None:
            found = self._known[raw] = parse_number(raw, policy)
        return found


def draft_rows(
    rows: Sequence[Row], plan: ColumnPlan, policy: NumberPolicy, cache: NumberCache,
    home: str = "", elsewhere: Sequence[str] = (),
) -> list[Outcome]:
    out: list[Outcome] = []
    for line, cells in rows:
        outcome = draft_from_cells(cells, plan, policy, line, cache.parse, home, elsewhere)
        out.append(contact_row(outcome) if isinstance(outcome, ContactDraft) else outcome)
    return out


def draft_cards(
    cards: Sequence[CardBlock], policy: NumberPolicy, cache: NumberCache
) -> list[Outcome]:
    out: list[Outcome] = []
    for block in cards:
        data = parse_card(block)
        if isinstance(data, RowProblem):
            outcome: ContactDraft | RowProblem | Skipped = data
        else:
            data = with_corrected_tels(data, block.corrected)
            outcome = draft_from_card(data, policy, cache.parse)
        if block.file and isinstance(outcome, RowProblem) and not outcome.field:
            outcome = RowProblem(outcome.line, block.file, outcome.message)  # in a folder
        out.append(contact_row(outcome) if isinstance(outcome, ContactDraft) else outcome)
    return out


def setup_message(
    policy: NumberPolicy, plan: ColumnPlan | None, home: str, elsewhere: Sequence[str]
) -> tuple[object, ...]:
    """What a worker is told before its first chunk (`serve` reads it). The frozen smoke test
    sends this too, so the two ends cannot drift apart again."""
    return ("setup", policy.region, policy.outside_line_prefixes,
            plan.headers if plan else (),
            {i: f.value for i, f in plan.fields.items()} if plan else {},
            home, tuple(elsewhere))  # fmt: skip


class RowWorkers:
    """`n` worker processes mapping chunks of rows (or vCards) in order, some chunks ahead of
    the importer. Use as a context manager; `drafts` and `cards` yield one outcome per item."""

    def __init__(
        self, n: int, policy: NumberPolicy, plan: ColumnPlan | None = None, home: str = "",
        elsewhere: Sequence[str] = (),
    ) -> None:
        """`policy` reads the file's numbers; `home` is the rep's region when it differs
        (numbers that read only there are flagged); `elsewhere`, the other countries of a
        file of several (see draft_from_cells)."""
        self.plan = plan
        self.policy = policy
        self.home = home
        self.elsewhere = tuple(elsewhere)
        self._local = NumberCache(policy)
        self._workers: list[_Worker] = []
        with contextlib.suppress(OSError):
            setup = setup_message(policy, plan, home, self.elsewhere)
            for _ in range(n):
                worker = _Worker()
                self._workers.append(worker)
                worker.send(setup)

    def __enter__(self) -> RowWorkers:
        return self

    def __exit__(self, *_exc: object) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []

    def drafts(self, chunks: Iterator[list[Row]]) -> Iterator[tuple[Row, Outcome]]:
        """Each row of each chunk with what it became, in file order."""
        plan = self.plan
        assert plan is not None, "rows need the column plan"
        return self._mapped(
            "rows", chunks,
            lambda chunk: draft_rows(
                chunk, plan, self.policy, self._local, self.home, self.elsewhere
            ),
        )  # fmt: skip

    def cards(self, chunks: Iterator[list[CardBlock]]) -> Iterator[tuple[CardBlock, Outcome]]:
        """Each card of each chunk with what it became, in file order."""
        return self._mapped(
            "cards", chunks, lambda chunk: draft_cards(chunk, self.policy, self._local)
        )

    def _mapped(
        self, kind: str, chunks: Iterator[list[T]], here: Callable[[list[T]], list[Outcome]]
    ) -> Iterator[tuple[T, Outcome]]:
        if not self._workers:
            for chunk in chunks:
                yield from zip(chunk, here(chunk), strict=True)
            return
        flight: deque[tuple[_Worker, list[T]]] = deque()
        # Two chunks per worker in flight: one being mapped, one waiting in its pipe.
        ahead = 2 * len(self._workers)

        def collect(worker: _Worker, chunk: list[T]) -> Iterator[tuple[T, Outcome]]:
            answer = worker.receive()
            outcomes = _checked(answer, chunk) if answer is not None else None
            if outcomes is None:
                outcomes = here(chunk)
            return zip(chunk, outcomes, strict=True)

        for turn, chunk in enumerate(chunks):
            worker = self._workers[turn % len(self._workers)]
            worker.send((kind, chunk))
            flight.append((worker, chunk))
            if len(flight) >= ahead:
                yield from collect(*flight.popleft())
        while flight:
            yield from collect(*flight.popleft())


def _checked(answer: object, chunk: Sequence[object]) -> list[Outcome] | None:
    """The worker's outcomes, or None when they are not one outcome per row."""
    if not isinstance(answer, list) or len(answer) != len(chunk):
        return None
    if not all(isinstance(item, ContactRow | RowProblem | Skipped) for item in answer):
        return None
    return answer


def worker_command() -> list[str]:
    """This interpreter with this module, or the frozen bundle's own executable, which has no
    `python -m`, with desktop.cli.FROZEN_IMPORT_WORKER_VERB (importing the CLI here would be a
    cycle for nothing)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "_import-worker"]
    return [sys.executable, "-m", "desktop.adapters.importing.row_workers"]


class _Worker:
    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            worker_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # A writer thread: a big request and a big reply in flight at once would otherwise
        # fill both pipes and deadlock.
        self._requests: queue.Queue[bytes | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="row-worker-in", daemon=True)
        self._writer.start()

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while (frame := self._requests.get()) is not None:
                stdin.write(frame)
                stdin.flush()
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, message: object) -> None:
        self._requests.put(pack_frame(message))

    def receive(self) -> object | None:
        assert self._proc.stdout is not None
        try:
            return read_frame(self._proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return None

    def close(self) -> None:
        self._requests.put(None)
        # Closing our end first: a worker still writing a reply nobody will read then gets
        # a broken pipe and ends, instead of waiting forever.
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._writer.join(timeout=5)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def pack_frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(payload)) + payload


def read_frame(stream: IO[bytes]) -> object | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    message: object = pickle.loads(payload)  # noqa: S301 (our own child, see above)
    return message


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The worker's side: a setup, then chunks of rows or cards, each answered with their
    outcomes."""
    # Like the importer itself: nothing here forms cycles, and collections only cost time.
    gc.disable()
    plan = ColumnPlan((), {})
    policy = NumberPolicy("US")
    cache = NumberCache(policy)
    home = ""
    elsewhere: tuple[str, ...] = ()
    while (message := read_frame(source)) is not None:
        assert isinstance(message, tuple)
        kind = message[0]
        if kind == "setup":
            _kind, region, prefixes, headers, fields, home, elsewhere = message
            policy = NumberPolicy(region, tuple(prefixes))
            plan = ColumnPlan(tuple(headers), {int(i): Field(v) for i, v in fields.items()})
            cache = NumberCache(policy)
            continue
        if kind == "rows":
            outcomes = draft_rows(message[1], plan, policy, cache, home, elsewhere)
        else:
            outcomes = draft_cards(message[1], policy, cache)
        sink.write(pack_frame(outcomes))
        sink.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
