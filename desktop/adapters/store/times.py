"""Times as the database holds them: whole seconds since the Unix epoch."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def window(start: object, end: object) -> tuple[datetime | None, datetime | None]:
    if isinstance(start, int) and isinstance(end, int):
        return from_epoch(start), from_epoch(end)
    return None, None


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def unix_now() -> int:
    return int(time.time())
