"""A generated contact book of any size, written straight into a CallerCard store."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from desktop.adapters.store import Store

FIRST = ["Mike", "Michael", "Mika", "Anna", "John", "Priya", "Dana", "Raj", "Sarah", "Tom",
         "Élodie", "Łukasz", "Zoë", "Chen", "Fatima", "Oliver", "Nina", "Omar", "Lena", "Paul"]
LAST = ["Kowalski", "Brennan", "Smith", "Natarajan", "Whitfield", "Patel", "Chen", "Becker",
        "Martin", "Ångström", "Wiśniewski", "Okafor", "Doe", "Garcia", "Müller", "Rossi"]
COMPANIES = ["Harbor Freight", "Acme Tooling", "Northwind", "Contoso", "Fabrikam", "Globex",
             "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises"]
# (country code, national significant number length, leading digits) for plausible numbers
PLANS = [("1", 10, "415"), ("1", 10, "312"), ("44", 10, "20"), ("49", 10, "30"),
         ("33", 9, "1"), ("61", 9, "2")]  # fmt: skip


def generated_number(rng: random.Random, i: int) -> str:
    cc, length, lead = PLANS[i % len(PLANS)]
    rest = length - len(lead)
    return f"+{cc}{lead}{(i * 7919 + rng.randrange(10**rest)) % 10**rest:0{rest}d}"


def build_book(path: Path, count: int, seed: int = 7) -> list[str]:
    """Create a store at `path` with `count` contacts; returns every stored E.164 number."""
    rng = random.Random(seed)
    store = Store.open(path)
    conn = store.connection
    now = int(time.time())
    numbers: list[str] = []
    seen: set[str] = set()
    contacts = []
    phones = []
    for i in range(1, count + 1):
        number = generated_number(rng, i)
        while number in seen:
            number = generated_number(rng, i + rng.randrange(10**6))
        seen.add(number)
        numbers.append(number)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        contacts.append((i, name, "Buyer", rng.choice(COMPANIES), "", "", "the proposal",
                         "", "", "", now, now, now - rng.randrange(90 * 86400)))  # fmt: skip
        phones.append((i, number, number, "", "work"))
    with store.transaction(), store.deferred_search_index():
        _insert(conn, contacts, phones)
    store.close()
    return numbers


Row = tuple[object, ...]


def _insert(conn: sqlite3.Connection, contacts: list[Row], phones: list[Row]) -> None:
    conn.executemany(
        "INSERT INTO contacts(id, name, title, company, email, notes, reason, referred_by, "
        "next_step, opener_override, created_at, updated_at, last_contacted_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        contacts,
    )
    conn.executemany(
        "INSERT INTO phone_numbers(contact_id, raw, e164, extension, label) VALUES (?, ?, ?, ?, ?)",
        phones,
    )
