"""The fuzz suite's shared parts: the seed corpus, the mutations applied to it, the example budget
and the bound on how long one input may take.

Every parser has a folder in tests/fuzz_corpus/ of small real-looking inputs (mostly cut from
../shared/samples and the unit tests) and of every input that once broke it, minimised. Each run
replays all of them, then mutates them: byte flips, truncation, splicing two entries, and
inserting NUL, byte-order marks, lone surrogates, bidi controls and fields far over any limit.

The budget: CI runs a fixed number of examples per test (derandomized, so a red build is
reproducible). CALLERCARD_FUZZ_SCALE=10 runs ten times as many, with fresh randomness, for a
local campaign.
"""

from __future__ import annotations

import codecs
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CORPUS = Path(__file__).resolve().parents[1] / "fuzz_corpus"
_SCALE = int(os.environ.get("CALLERCARD_FUZZ_SCALE", "1") or "1")

# A parser that spends this long on one input of at most a few hundred KB has hung (the biggest
# input here is parsed in milliseconds). It guards against loops, not against slowness.
HANG_S = 20

# Inserted whole: each is a way real files or hostile senders break parsers.
TOKENS: tuple[bytes, ...] = (
    b"\x00", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
    b"\xed\xa0\x80",  # a lone surrogate as (invalid) UTF-8
    "\ud800".encode("utf-16-le", "surrogatepass"),
    b"\xff", b"\xc3", b"\r", b"\n", b"\r\n", b"\r\r\n", b"\x1a", b"\x7f",
    b'"', b"'", b",", b";", b"|", b"\t", b"<", b">", b"&", b"&amp;", b"&#0;", b"\\", b"=",
    b":", b"%", b"%00", b"%ZZ", b"%2B", b"+", b"#", b" ", b"[", b"]", b"{", b"}",
    "\u202e".encode(), "\u2066".encode(), "\u200f".encode(), "\ufeff".encode(),
    b"-1", b"0", b"9" * 25, b"1e999", b"NaN", b"null", b"true", b"2**63",
)  # fmt: skip
_HUGE: tuple[bytes, ...] = (b"A" * 70_000, b"9" * 70_000, "\u202e".encode() * 25_000)


def fuzz_settings(examples: int) -> settings:
    """`examples` inputs per test in CI; CALLERCARD_FUZZ_SCALE times as many locally."""
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        derandomize=_SCALE == 1,
        database=None if _SCALE == 1 else settings.default.database,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def entries(parser: str) -> list[bytes]:
    folder = CORPUS / parser
    found = [path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()]
    if not found:
        pytest.fail(f"the fuzz corpus for {parser} is empty: {folder}")
    return found


def replay_cases(parsers: Sequence[str]) -> list[object]:
    """One pytest param per corpus file, named parser/file, for the full replay."""
    return [
        pytest.param(parser, path.read_bytes(), id=f"{parser}/{path.name}")
        for parser in parsers
        for path in sorted((CORPUS / parser).iterdir())
        if path.is_file()
    ]


_OPS = ("flip", "truncate", "delete", "insert", "duplicate", "splice", "huge")


@st.composite
def mutants(draw: st.DrawFn, seeds: Sequence[bytes]) -> bytes:
    """A corpus entry with up to five mutations (none at all, sometimes: the entry itself)."""
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(_OPS))
        size = len(data)
        at = draw(st.integers(0, size))
        if op == "flip" and size:
            at = min(at, size - 1)
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif op == "truncate":
            data = data[:at]
        elif op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif op == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif op == "duplicate":
            piece = data[at : at + draw(st.integers(1, 256))]
            data = data[:at] + piece * draw(st.integers(2, 20)) + data[at:]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            data = data[:at] + other[draw(st.integers(0, len(other))) :]
        elif op == "huge" and draw(st.integers(0, 3)) == 0:  # rare: each costs real parse time
            data = data[:at] + draw(st.sampled_from(_HUGE)) + data[at:]
    return data


def mutated_text(seeds: Sequence[bytes]) -> st.SearchStrategy[str]:
    """Mutants read as text the way Python reads untrusted bytes it cannot refuse: invalid
    UTF-8 becomes lone surrogates, which is exactly what a text parser must survive too."""
    return mutants(seeds).map(lambda data: data.decode("utf-8", "surrogateescape"))


class Hang(AssertionError):
    pass


@contextmanager
def bounded(what: str) -> Iterator[None]:
    """Fail (instead of hanging the suite) when one input takes over HANG_S seconds."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"{what} took over {HANG_S} s on one input: it hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, HANG_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Check = Callable[[bytes], None]
