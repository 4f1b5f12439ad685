"""The ring's lookup with three team directories configured against none (issue 14: it must not
move): the same generated book, first all local, then with its contacts spread over two
CardDAV books and an LDAP directory, and one in ten known numbers also in a second source
under the same name (so the card merges them). Figures only.

    .venv/bin/python benchmarks/lookup_with_directories.py [--contacts 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _book import build_book

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.directories import mirror
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy


def timed(lookup: CallerLookup, sample: list[str]) -> tuple[float, float]:
    for number in sample[:200]:  # warm the page cache and the statements
        lookup.card_for(number)
    took = []
    for number in sample:
        started = time.perf_counter_ns()
        lookup.card_for(number)
        took.append((time.perf_counter_ns() - started) / 1e6)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.99)]


def spread_over_directories(store: Store, numbers: list[str], rng: random.Random) -> int:
    """Every contact into one of three directories; a local twin for one number in ten."""
    names = [("team", "carddav"), ("sales", "carddav"), ("corp", "ldap")]
    ids = [mirror.add_directory(store, n, k, f"http://127.0.0.1/{n}/", f"/{n}/", "").id
           for n, k in names]  # fmt: skip
    conn = store.connection
    twins = 0
    with store.transaction():
        rows = conn.execute("SELECT id, name FROM contacts").fetchall()
        conn.executemany(
            "INSERT INTO directory_cards(directory_id, href, etag, contact_id) VALUES (?, ?, ?, ?)",
            [(ids[cid % 3], f"/card/{cid}.vcf", "e", cid) for cid, _ in rows],
        )
        by_id = dict(rows)
        for number in numbers[::10]:
            [(contact, _)] = store.contacts_for_number(number, 0)[:1] or [(None, None)]
            if contact is None:
                continue
            store.add_contact(NewContact(name=str(by_id[contact.id]).split()[0],
                                         numbers=(StoredNumber(number, number),)))  # fmt: skip
            twins += 1
    return twins


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory(prefix="callercard-lookup-dirs-") as tmp:
        path = Path(tmp) / "callercard.db"
        numbers = build_book(path, args.contacts)
        sample = [numbers[rng.randrange(len(numbers))] for _ in range(2000)]
        sample += [f"+1628555{rng.randrange(10**4):04d}" for _ in range(200)]
        store = Store.open(path, cache_mb=64)
        lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
        none = timed(lookup, sample)
        twins = spread_over_directories(store, numbers, rng)
        three = timed(lookup, sample)
        merged = sum(len(lookup.card_for(n).contacts[0].sources) > 1 for n in numbers[::10][:500])
        store.close()
    print(f"{args.contacts:,} contacts, caller ID -> full card, 2,200 rings:")
    print(f"  no directories:                median {none[0]:.3f} ms, p99 {none[1]:.3f} ms")
    print(f"  three directories, {twins:,} twins: median {three[0]:.3f} ms, p99 {three[1]:.3f} ms"
          f" ({merged} of 500 twin numbers shown as one entry)")


if __name__ == "__main__":
    main()
