"""The contact book as the domain sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


class Outcome(StrEnum):
    """How an attempt ended. VOICEMAIL is the one that earns a callback."""

    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    GATEKEEPER = "gatekeeper"
    TALKED = "talked"
    MISSED = "missed"
    # A call of ours the softphone could not place (baresip's dial answered 404 at once): it
    # reached nobody, so it returns no one's call and takes nothing off Callbacks.
    FAILED = "failed"
    UNKNOWN = ""


@dataclass(frozen=True)
class StoredNumber:
    raw: str
    e164: str | None
    extension: str = ""
    label: str = ""

    @property
    def is_fax(self) -> bool:
        """Labelled a fax ("fax", "Business Fax", "Fax privat"): a number no rep dials."""
        return "fax" in self.label.casefold().replace("-", " ").split()

    @property
    def is_internal(self) -> bool:
        """A colleague's internal extension ("3103") with no number of its own: no E.164, the
        digits kept as its extension (desktop.core.internal_extension)."""
        return self.e164 is None and bool(self.extension)


@dataclass(frozen=True)
class Attempt:
    direction: Direction
    at: datetime  # timezone-aware
    outcome: Outcome = Outcome.UNKNOWN
    message: str = ""
    reason: str = ""
    number_e164: str | None = None
    rep: str = ""  # a teammate who made it (a shared call note); "" for this rep's own
    # When the rep said they would be in for the callback (core/callbacks.py); both or neither
    callback_from: datetime | None = None
    callback_until: datetime | None = None
    caller_name: str = ""  # the caller ID's display name, as stored (call_history.py)
    # The caller ID as received when it is not a number we can read (no E.164, not withheld:
    # desktop.core.unread_caller_id); "" for every other call
    caller_id: str = ""
    # This call's wrap-up said the open "call them back by" promise before it is done
    promise_done: bool = False
    # The store's key of the call (a hook's says when it rang, to the ms: call_history.py);
    # "" when not read
    call_key: str = field(default="", compare=False)  # bookkeeping: not what the call was


# A contact's text, as imports fill it and merges compare it (NewContact's and the contacts
# table's order).
CONTACT_FIELDS = (
    "name", "title", "company", "email", "notes", "reason", "referred_by", "next_step",
)  # fmt: skip
NumberFields = tuple[str, str | None, str, str]  # a StoredNumber as plain values, in its order


# The word beside every demo-book contact, on cards and in search, so it is never taken for
# a real prospect.
DEMO_MARK = "Demo"


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    title: str = ""
    company: str = ""
    email: str = ""
    notes: str = ""
    reason: str = ""
    referred_by: str = ""
    next_step: str = ""
    opener_override: str = ""
    numbers: tuple[StoredNumber, ...] = ()
    last_contacted: datetime | None = None
    attempts: tuple[Attempt, ...] = field(default=())  # newest first, as many as were asked for
    # Where the card found it: "local" and/or team directories' names (desktop.core.sources);
    # empty where nobody asked.
    sources: tuple[str, ...] = ()
    demo: bool = False  # from the bundled demo book, not the rep's own: marked DEMO_MARK

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""
