r"""Shared call notes: a call a rep logged, kept in the contact's card on the team's CardDAV
server, so the next rep who gets the callback sees it.

Each note is one property other clients keep and ignore (RFC 6350 6.10 "X-" extensions;
vCard 3.0 has the same rule). Its value is ONE text value, escaped as vCard text, because that
is how other software treats an unknown property: Radicale (vobject) reads it as text and
writes it back escaped, so a structured value's bare ";" would come back as "\;". Inside it,
components are joined with ";" and each has "%", ";", ",", "\" and line breaks written as
%XX, so the split is the same however the value was escaped:

    X-CALLERCARD-ATTEMPT:2026-12-01T15:04:00Z\;out\;voicemail\;Dana Reyes\;about the Q3
      bid\;Q3 bid\;5f0c…

time (UTC, ISO 8601), direction, outcome, rep, message, reason, id. The id makes a note the
same note wherever it is read, so syncing a card twice, or reading back one's own note,
records it once. A card keeps its newest MAX_NOTES notes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from desktop.core.models import Direction, Outcome

PROPERTY = "X-CALLERCARD-ATTEMPT"
MAX_NOTES = 50
WRAP_UP_NOTE_PREFIX = "wrap-"  # a wrap-up's note (attempt_note_id); log-call's are uuid4 hex
_FOLD_AT = 75  # octets per line, continuation lines included (RFC 6350 3.2)
_LINE = re.compile(rf"^(?:[A-Za-z0-9-]+\.)?{PROPERTY}(?:;[^:]*)?:(.*)$", re.IGNORECASE)
# One logical line as it is written: a physical line and the folded lines that continue it.
_RAW_LINE = re.compile(r"[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n|$)")
_QUICK = re.compile(PROPERTY, re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class CallNote:
    id: str
    at: datetime  # timezone-aware
    direction: Direction
    outcome: Outcome
    rep: str  # who made the call, as they call themselves
    message: str = ""
    reason: str = ""


def attempt_note_id(source: str, call_key: str) -> str:
    """The id of the note that shares a call recorded here (a wrap-up's), from the key the
    history keeps it by: reading the note back from the card finds that call, not a new one.
    Hashed, so the softphone's call key never reaches the team's server."""
    digest = hashlib.sha256(f"{source}\0{call_key}".encode()).hexdigest()
    return f"{WRAP_UP_NOTE_PREFIX}{digest[:32]}"


def note_value(note: CallNote) -> str:
    when = note.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = (when, note.direction.value, note.outcome.value, note.rep, note.message,
             note.reason, note.id)  # fmt: skip
    return "\\;".join(_quote(p) for p in parts)


def parse_note(value: str) -> CallNote | None:
    """A note from its property value; None for one this version cannot read."""
    parts = [unquote(p) for p in _unescape(value).split(";")]
    if len(parts) < 7:
        return None
    when, direction, outcome, rep, message, reason, note_id = parts[:7]
    try:
        at = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return CallNote(note_id, at, Direction(direction), Outcome(outcome), rep, message, reason)
    except ValueError:
        return None


def notes_in(card: str) -> list[CallNote]:
    """The notes a card's text holds, oldest first; lines that cannot be read are skipped."""
    if _QUICK.search(card) is None:  # most cards: no need to unfold them
        return []
    notes = []
    for line in _unfolded(card):
        found = _LINE.match(line)
        if found is not None and (note := parse_note(found.group(1))) is not None:
            notes.append(note)
    return sorted(notes, key=lambda n: n.at)


def with_note(card: str, note: CallNote) -> str:
    """The card's text with `note` added before its END:VCARD, everything else as it was;
    the oldest notes beyond MAX_NOTES go. Unchanged when the note is there already; a note
    of the same id that says something else (a wrap-up edited later) is replaced where it
    stands."""
    present = notes_in(card)
    same = next((n for n in present if n.id == note.id), None)
    if same == note:
        return card
    newline = "\r\n" if "\r\n" in card else "\n"
    if same is not None:
        return _replaced(card, note, newline)
    end = _END.search(card)
    if end is None:
        raise ValueError("not a vCard: no END:VCARD")
    drop = {n.id for n in present[: max(0, len(present) + 1 - MAX_NOTES)]}
    head = card[: end.start()]
    if drop:
        head = _without(head, drop)
    if head and not head.endswith(("\n", "\r")):
        head += newline
    return head + _folded(f"{PROPERTY}:{note_value(note)}", newline) + card[end.start() :]


def _replaced(text: str, note: CallNote, newline: str) -> str:
    """`text` with the note of `note.id` written anew in its place; every other line as it
    was."""
    out = []
    for raw in _RAW_LINE.findall(text):
        line = re.sub(r"\r?\n[ \t]", "", raw).rstrip("\r\n")
        found = _LINE.match(line)
        old = parse_note(found.group(1)) if found is not None else None
        out.append(_folded(f"{PROPERTY}:{note_value(note)}", newline)
                   if old is not None and old.id == note.id else raw)  # fmt: skip
    return "".join(out)


def _without(text: str, ids: set[str]) -> str:
    """`text` without the notes whose id is in `ids`; every other line exactly as it was."""
    kept = []
    for raw in _RAW_LINE.findall(text):
        line = re.sub(r"\r?\n[ \t]", "", raw).rstrip("\r\n")
        found = _LINE.match(line)
        note = parse_note(found.group(1)) if found is not None else None
        if note is None or note.id not in ids:
            kept.append(raw)
    return "".join(kept)


def _unfolded(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).replace("\r\n", "\n").split("\n")


def _folded(line: str, newline: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = _FOLD_AT if not out else _FOLD_AT - 1  # a continuation starts with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return newline.join([out[0], *(" " + part for part in out[1:])]) + newline


def _quote(text: str) -> str:
    return re.sub(r"[%;,\\\r\n]", lambda m: f"%{ord(m.group()):02X}", text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)
