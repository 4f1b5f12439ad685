"""Search latency per keystroke at 100,000 and 1,000,000 contacts.

Builds a generated contact book in a temporary directory (never in the repository), then times
`Store.search(parse_query(text))` end to end (index rounds, loading rows, ranking, loading the
attempts shown) for what a person types: 1-4 character name prefixes, a name plus an area code,
and digit fragments (an area code, the last four digits, seven digits from the middle). Each
query runs once per sample on a warm connection, as keystrokes do.

The book is skewed the way the reference book of perf-limits.md section 3 is: about 60 first
names, heavy in Mik-names, times about 130 surnames; 8 country codes; about a third of the
people called within the last year, most of them lately; voicemails, notes and referrals.

    /work/venv/bin/python benchmarks/search_latency.py [--sizes 100000 1000000] [--samples 300]
        [--dir /tmp/callercard-search-bench] [--keep]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.adapters.store import Store
from desktop.core.search_query import SearchFilters, parse_query

FIRST = [
    "Mike", "Michael", "Mikael", "Mikhail", "Mika", "Mikko", "Mikey", "Miguel", "Michelle",
    "Mila", "Milan", "Miriam", "Anna", "John", "Priya", "Dana", "Raj", "Sarah", "Tom", "Élodie",
    "Łukasz", "Zoë", "Chen", "Fatima", "Oliver", "Nina", "Omar", "Lena", "Paul", "Grace",
    "Hiro", "Ines", "Jonas", "Kofi", "Laura", "Marta", "Noah", "Olga", "Pedro", "Quinn",
    "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Xavier", "Yara", "Zane", "Aisha", "Bruno",
    "Carla", "Diego", "Emma", "Felix", "Gita", "Hana", "Ivan", "Jana", "Karim",
]  # fmt: skip
_ROOTS = [
    "Kowal", "Brenn", "Smith", "Natar", "Whit", "Pat", "Beck", "Mart", "Ång", "Wiśni",
    "Okaf", "Garc", "Müll", "Ross", "Schn", "Fisch", "Weber", "Wagn", "Hoff", "Kell",
    "Nguy", "Tran", "Kim", "Park", "Sato", "Tana", "Silva", "Sant", "Ferr", "Esposi",
]  # fmt: skip
_ENDINGS = ["ski", "an", "son", "er", "field", "el", "ez", "i", "o"]
LAST = sorted({root + ending for root in _ROOTS for ending in _ENDINGS})[:130]
TITLES = ["Buyer", "Head of Procurement", "CFO", "Office Manager", "IT Director", "Founder",
          "Operations Lead", "VP Sales", "Facilities", "Controller"]  # fmt: skip
_COMPANY_A = ["Harbor", "Nordic", "Acme", "Blue", "Granite", "Summit", "Pioneer", "Atlas",
              "Cedar", "Orbit", "Vertex", "Silver", "Delta", "Crown", "Metro"]  # fmt: skip
_COMPANY_B = ["Freight", "Tooling", "Logistics", "Foods", "Systems", "Dental", "Labs",
              "Partners", "Works", "Energy", "Print", "Clinic", "Motors", "Textiles"]  # fmt: skip
REASONS = ["the freight audit", "the renewal in March", "the demo you asked for",
           "pricing for the new plant", "a referral from the trade fair",
           "the pilot results"]  # fmt: skip
NOTES = ["met at the trade fair", "prefers mornings", "gatekeeper is Sam",
         "asked for a case study", "budget frozen until Q2",
         "switchboard, ask for ext."]  # fmt: skip
# (country code, area codes, subscriber digits): 8 country codes as in the reference book.
PLANS = [
    ("1", ["415", "212", "312", "617", "206", "512", "303", "404"], 7),
    ("44", ["20", "161", "113", "131"], 8),
    ("49", ["30", "89", "40", "221"], 7),
    ("33", ["1", "4", "6"], 8),
    ("61", ["2", "3", "7"], 8),
    ("34", ["91", "93"], 7),
    ("39", ["02", "06"], 7),
    ("31", ["20", "10"], 7),
]  # fmt: skip
DAY = 86400


def _number(rng: random.Random, serial: int) -> str:
    cc, areas, digits = PLANS[serial % len(PLANS)]
    area = areas[(serial // len(PLANS)) % len(areas)]
    # 7919 is prime to 10**digits, so serial -> subscriber is one-to-one within an area.
    block = serial // (len(PLANS) * len(areas))
    return f"+{cc}{area}{(block * 7919 + 1234) % 10**digits:0{digits}d}"


def build(path: Path, count: int, seed: int = 11) -> dict[str, float]:
    """A store at `path` with `count` generated contacts; returns timings in seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    # A cache that holds the indexes being built: 1M rows of random keys thrash a small one.
    store = Store.open(path, cache_mb=512)
    conn = store.connection
    now = int(time.time())
    contacts = []
    phones = []
    attempts = []
    serial = 0
    for cid in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"{rng.choice(_COMPANY_A)} {rng.choice(_COMPANY_B)}"
        email = f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.example"
        contacted = None
        if rng.random() < 0.33:
            # Most calls are recent: an exponential age with a 60-day mean, capped at a year.
            contacted = now - int(min(rng.expovariate(1 / 60), 365) * DAY)
            for k in range(rng.randint(1, 3)):
                at = contacted - k * rng.randint(1, 20) * DAY
                outcome = rng.choice(["voicemail", "voicemail", "no_answer", "talked"])
                attempts.append((cid, None, "out", at, outcome, "", rng.choice(REASONS)))
        contacts.append((
            cid, f"{first} {last}", rng.choice(TITLES), company, email,
            rng.choice(NOTES) if rng.random() < 0.3 else "",
            rng.choice(REASONS) if rng.random() < 0.5 else "",
            f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.1 else "",
            now, now, contacted,
        ))  # fmt: skip
        for _ in range(2 if rng.random() < 0.2 else 1):
            serial += 1
            e164 = _number(rng, serial)
            phones.append((cid, e164, e164, "work"))
    generated = time.perf_counter()
    with store.transaction(), store.deferred_search_index():
        conn.executemany(
            "INSERT INTO contacts(id, name, title, company, email, notes, reason, referred_by, "
            "created_at, updated_at, last_contacted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            contacts,
        )
        conn.executemany(
            "INSERT INTO phone_numbers(contact_id, raw, e164, label) VALUES (?, ?, ?, ?)",
            phones,
        )
        first_number = {cid: e164 for cid, e164, _raw, _label in reversed(phones)}
        conn.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(a[0], first_number[a[0]], *a[2:]) for a in attempts],
        )
        inserted = time.perf_counter()
    indexed = time.perf_counter()
    store.close()
    return {
        "generate_s": generated - started,
        "insert_s": inserted - generated,
        "index_catch_up_s": indexed - inserted,
        "total_s": indexed - started,
        "contacts": count,
        "numbers": len(phones),
        "attempts": len(attempts),
        "file_mb": path.stat().st_size / 1e6,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def time_queries(store: Store, texts: list[str], filters: SearchFilters | None = None
                 ) -> dict[str, float]:  # fmt: skip
    now = datetime.now(UTC)
    for text in texts[:20]:  # warm the page cache and the statement cache
        store.search(parse_query(text, filters), now=now)
    samples = []
    cpu = []
    found = []
    for text in texts:
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        hits = store.search(parse_query(text, filters), now=now)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
        cpu.append((time.thread_time_ns() - c0) / 1e6)
        found.append(len(hits))
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples),
        "p90_ms": percentile(samples, 0.90),
        "p99_ms": percentile(samples, 0.99),
        "max_ms": max(samples),
        # CPU time of this thread: what the query costs when no other process preempts it.
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p99_ms": percentile(cpu, 0.99),
        "mean_results": statistics.mean(found),
    }


def workloads(store: Store, rng: random.Random, samples: int) -> dict[str, list[str]]:
    conn = store.connection
    max_id = int(conn.execute("SELECT max(id) FROM phone_numbers").fetchone()[0])
    numbers = [
        str(conn.execute("SELECT e164 FROM phone_numbers WHERE id = ?",
                         (rng.randint(1, max_id),)).fetchone()[0])
        for _ in range(samples)
    ]  # fmt: skip
    names = [rng.choice(FIRST).lower() for _ in range(samples)]
    mik = [rng.choice(["mike", "mikael", "mikhail", "mika"]) for _ in range(samples)]
    plans: dict[str, list[str]] = {}
    for n in (1, 2, 3, 4):
        plans[f"name prefix, {n} char"] = [name[:n] for name in names]
    for n in (1, 2, 3, 4):
        plans[f"'mik' names (10% of the book), {n} char"] = [name[:n] for name in mik]
    # Typed in full, each also looked for as its other forms (desktop/core/given_names.py).
    plans["a given name with nicknames ('mike', 'michael', 'tom', 'sam')"] = [
        rng.choice(["mike", "michael", "tom", "sam"]) for _ in range(samples)
    ]
    plans["surname prefix, 4 char"] = [rng.choice(LAST)[:4] for _ in range(samples)]
    plans["two words: first + surname prefix"] = [
        f"{rng.choice(FIRST)} {rng.choice(LAST)[:3]}" for _ in range(samples)
    ]
    plans["name + area code ('mike 415')"] = [
        f"{name} {_area_digits(number)}" for name, number in zip(mik, numbers, strict=True)
    ]
    plans["digits: last four"] = [n[-4:] for n in numbers]
    plans["digits: area code (3)"] = [_area_digits(n) for n in numbers]
    plans["digits: 7 from the middle"] = [n[3:10] for n in numbers]
    plans["digits: 1-2 (too short, no lookup)"] = [n[-2:] for n in numbers]
    return plans


def _area_digits(e164: str) -> str:
    return e164[2:5] if e164.startswith("+1") else e164[3:6]


def run(size: int, directory: Path, samples: int, keep: bool) -> dict[str, object]:
    path = directory / f"book-{size}.sqlite3"
    built: dict[str, float] | None = None
    if not (keep and path.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        built = build(path, size)
    store = Store.open(path, cache_mb=64)
    rng = random.Random(size)
    results: dict[str, object] = {"size": size, "build": built}
    timings = {}
    for label, texts in workloads(store, rng, samples).items():
        timings[label] = time_queries(store, texts)
    filters = {
        "filter only: called in the last 7 days": (SearchFilters(days=7), [""] * samples),
        "filter only: has a referral": (SearchFilters(has_referral=True), [""] * samples),
        "filter only: message left, no callback": (
            SearchFilters(awaiting_callback=True), [""] * samples),
        "'mi' + called in the last 30 days": (SearchFilters(days=30), ["mi"] * samples),
        "'mike' + called in the last 7 days": (SearchFilters(days=7), ["mike"] * samples),
        "'mi' + message left, no callback": (
            SearchFilters(awaiting_callback=True), ["mi"] * samples),
    }  # fmt: skip
    for label, (chosen, texts) in filters.items():
        timings[label] = time_queries(store, texts, chosen)
    t0 = time.perf_counter()
    store.refresh_search_index()
    results["full_rebuild_s"] = time.perf_counter() - t0
    results["queries"] = timings
    store.close()
    return results


def report(results: list[dict[str, object]]) -> str:
    lines = []
    for result in results:
        lines.append(f"\n## {result['size']:,} contacts")
        built = result["build"]
        if isinstance(built, dict):
            lines.append(
                f"built in {built['total_s']:.1f} s (generate {built['generate_s']:.1f}, insert "
                f"{built['insert_s']:.1f}, index catch-up {built['index_catch_up_s']:.1f}); "
                f"{built['numbers']:,} numbers, {built['attempts']:,} attempts, "
                f"{built['file_mb']:.0f} MB"
            )
        lines.append(f"full index rebuild + optimize: {result['full_rebuild_s']:.1f} s")
        lines.append("")
        lines.append("| query | n | median ms | p90 ms | p99 ms | max ms | CPU median / p99 ms "
                     "| results |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|---|")
        queries = result["queries"]
        assert isinstance(queries, dict)
        for label, t in queries.items():
            lines.append(
                f"| {label} | {t['n']} | {t['median_ms']:.2f} | {t['p90_ms']:.2f} | "
                f"{t['p99_ms']:.2f} | {t['max_ms']:.2f} | {t['cpu_median_ms']:.2f} / "
                f"{t['cpu_p99_ms']:.2f} | {t['mean_results']:.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/callercard-search-bench"))
    parser.add_argument(
        "--keep", action="store_true",
        help="reuse books left by an earlier run and keep them afterwards",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes:
        results.append(run(size, args.dir, args.samples, args.keep))
        print(report(results[-1:]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
