"""Number parsing cost: µs per number for `parse_number` on the shapes a contact import brings
(US national, +1, +44, +49, extensions, mobiles, clean E.164), every number unique so no cache
can help, next to bare phonenumbers (parse + is_valid_number + format_number E.164) on the same
strings. Prints the best and median of several rounds; the machine is noisy.

    /work/venv/bin/python benchmarks/number_parsing.py [--numbers 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phonenumbers

from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number

AREAS = ["415", "212", "646", "312", "617", "303", "206", "512", "713", "305", "404", "702"]


def _one(rng: random.Random) -> str:
    area = rng.choice(AREAS)
    exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(2, 9)}"
    line = f"{rng.randint(0, 9999):04d}"
    shape = rng.random()
    if shape < 0.25:
        return f"({area}) {exchange}-{line}"
    if shape < 0.40:
        return f"+1 {area} {exchange} {line}"
    if shape < 0.45:
        return f"+1{area}{exchange}{line}"  # clean E.164, as a CRM export writes it
    if shape < 0.50:
        return f"{area}{exchange}{line}"
    if shape < 0.60:
        return f"+44 20 {rng.choice('378')}{rng.randint(0, 999):03d} {rng.randint(0, 9999):04d}"
    if shape < 0.65:
        return f"+44 7{rng.randint(400, 999)} {rng.randint(0, 999999):06d}"  # mobile
    if shape < 0.75:
        return f"+49 30 {rng.randint(10000, 99999999)}"
    if shape < 0.80:
        return f"+49 1{rng.choice('567')}{rng.randint(0, 9)} {rng.randint(1000000, 99999999)}"
    if shape < 0.90:
        form = rng.choice(["({}) {}-{} x{}", "+1 {} {} {} ext. {}", "{}-{}-{} #{}"])
        return form.format(area, exchange, line, rng.randint(1, 9999))
    # US mobiles look like any other US number; written the way phones export them.
    return f"+1 ({area}) {exchange}-{line}"


def mix(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(_one(rng), None)
    return list(seen)


def bare(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def per_number_us(work: Callable[[str], object], numbers: list[str]) -> float:
    started = time.perf_counter()
    for raw in numbers:
        work(raw)
    return (time.perf_counter() - started) / len(numbers) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    numbers = mix(args.numbers)
    policy = NumberPolicy("US")

    def ours(raw: str) -> CallerNumber:
        return parse_number(raw, policy)

    # Metadata loading belongs to the first number of a run, not to every number.
    for raw in mix(2_000, seed=12):
        bare(raw)
        ours(raw)
    valid = sum(1 for raw in numbers if ours(raw).valid)
    times: dict[str, list[float]] = {"parse_number": [], "phonenumbers bare": []}
    for _ in range(args.rounds):
        times["phonenumbers bare"].append(per_number_us(bare, numbers))
        times["parse_number"].append(per_number_us(ours, numbers))
    print(f"{len(numbers):,} unique numbers, {valid:,} valid, home region US")
    for label, runs in times.items():
        print(
            f"{label:<18} best {min(runs):6.2f} µs/number  median {statistics.median(runs):6.2f}"
            f"  ({', '.join(f'{t:.2f}' for t in runs)})"
        )


if __name__ == "__main__":
    main()
