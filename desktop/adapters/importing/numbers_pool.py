"""Number normalisation for a whole import: memoised, and spread over worker processes for big
files (perf-limits.md §3: phonenumbers is ~75% of an import; 2 workers cut 2.6 s to 1.9 s).

Workers are plain child processes speaking JSON lines (number_worker.py), not multiprocessing:
spawning would re-run the app's unguarded __main__, and a killed import must not leave workers
behind (they end at EOF on stdin, which the kernel delivers when the parent dies).
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number

# Below this many new numbers in a batch, a round trip to the workers costs more than it saves.
MIN_BATCH_FOR_WORKERS = 400


class NumberCache:
    def __init__(self, policy: NumberPolicy, workers: int = 0) -> None:
        self.policy = policy
        self._known: dict[str, CallerNumber] = {}
        self._workers: list[_Worker] = []
        self._waiting: list[tuple[_Worker, list[str]]] = []
        if workers > 0 and not getattr(sys, "frozen", False):
            try:
                self._workers = [_Worker() for _ in range(workers)]
            except OSError:
                self._workers = []

    def __enter__(self) -> NumberCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []

    def submit(self, raws: Iterable[str]) -> None:
        """Start parsing these in the workers; `collect` (or `parse`) waits for them."""
        todo = list(dict.fromkeys(r for r in raws if r not in self._known))
        if not self._workers or len(todo) < MIN_BATCH_FOR_WORKERS:
            for raw in todo:
                self._known[raw] = parse_number(raw, self.policy)
            return
        share = -(-len(todo) // len(self._workers))
        for i, worker in enumerate(self._workers):
            part = todo[i * share : (i + 1) * share]
            if part:
                worker.send(self.policy.region, part)
                self._waiting.append((worker, part))

    def collect(self) -> None:
        waiting, self._waiting = self._waiting, []
        for worker, part in waiting:
            results = worker.receive()
            if results is None or len(results) != len(part):
                for raw in part:
                    self._known.setdefault(raw, parse_number(raw, self.policy))
                continue
            for raw, (e164, ext, problem, valid, region) in zip(part, results, strict=True):
                self._known[raw] = CallerNumber(
                    raw=raw, withheld=False, e164=_text(e164), extension=_text(ext) or "",
                    region=_text(region), valid=bool(valid), problem=_text(problem) or "",
                )  # fmt: skip

    def parse(self, raw: str, policy: NumberPolicy) -> CallerNumber:
        if policy != self.policy:
            return parse_number(raw, policy)
        found = self._known.get(raw)
        if found is None:
            if self._waiting:
                self.collect()
                found = self._known.get(raw)
            if found is None:
                found = parse_number(raw, policy)
                self._known[raw] = found
        return found


class _Worker:
    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "desktop.adapters.importing.number_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        # A writer thread: a big request and a big reply in flight at once would otherwise
        # fill both pipes and deadlock.
        self._requests: queue.Queue[str | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="number-worker-in", daemon=True)
        self._writer.start()

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while (line := self._requests.get()) is not None:
                stdin.write(line)
                stdin.flush()
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, region: str, raws: list[str]) -> None:
        self._requests.put(json.dumps({"region": region, "raws": raws}) + "\n")

    def receive(self) -> list[list[object]] | None:
        assert self._proc.stdout is not None
        try:
            line = self._proc.stdout.readline()
            return list(json.loads(line)) if line else None
        except (OSError, ValueError):
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


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
