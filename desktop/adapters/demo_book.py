"""The bundled demo contact book, so a newcomer sees a real card at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop.adapters.bundled import demo_book
from desktop.adapters.store import DEMO_BATCH_SOURCE, NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy, parse_number

DEMO_BATCH_LABEL = "Demo contact book"


@dataclass(frozen=True)
class DemoRing:
    caller_id: str
    name: str
    after_seconds: float


def demo_ring() -> DemoRing:
    ring = demo_book()["ring"]
    return DemoRing(str(ring["caller_id"]), str(ring["name"]), float(ring["after_seconds"]))


def seed_demo_book(store: Store, now: datetime | None = None) -> int:
    """Load the demo book as one undoable batch; returns the batch id."""
    now = now or datetime.now(UTC)
    # Demo numbers are written in international or US form, so the US policy reads them
    # all the same whatever the user's home region is.
    policy = NumberPolicy("US")
    book: Any = demo_book()
    with store.transaction():
        batch = store.create_batch(DEMO_BATCH_LABEL, DEMO_BATCH_SOURCE)
        for entry in book["contacts"]:
            numbers = []
            for n in entry.get("numbers", []):
                parsed = parse_number(n["raw"], policy)
                numbers.append(StoredNumber(n["raw"], parsed.e164, parsed.extension, n["label"]))
            attempts = tuple(
                Attempt(
                    direction=Direction.OUT,
                    at=(now - timedelta(days=a["days_ago"])).replace(
                        hour=a["hour"], minute=5, second=0, microsecond=0
                    ),
                    outcome=Outcome(a["outcome"]),
                    message=a["message"],
                    reason=a["reason"],
                    number_e164=numbers[0].e164 if numbers else None,
                )
                for a in entry.get("attempts", [])
            )
            store.add_contact(
                NewContact(
                    name=entry["name"],
                    title=entry.get("title", ""),
                    company=entry.get("company", ""),
                    email=entry.get("email", ""),
                    notes=entry.get("notes", ""),
                    reason=entry.get("reason", ""),
                    referred_by=entry.get("referred_by", ""),
                    next_step=entry.get("next_step", ""),
                    numbers=tuple(numbers),
                    attempts=attempts,
                ),
                batch,
            )
    return batch
