"""The call history: the calls softphones, hooks and the rep report, as `attempts` rows with a
source and a call key, each stored once.

Where each call log was read up to (`source_cursors`) is saved in the same transaction as its
calls. A call that counts as contact moves the contact's `last_contacted_at`. The rep's
wrap-up of a call is saved here too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from desktop.adapters.store.call_heirs import claim_returned
from desktop.adapters.store.connection import StoreError, describe
from desktop.adapters.store.contacts import Contacts
from desktop.adapters.store.times import from_epoch, unix_now, window
from desktop.core.caller_user_part import same_caller_key
from desktop.core.dialers import is_extension
from desktop.core.given_names import equivalent_names
from desktop.core.ipc import HOOK_KEY_PREFIX  # call keys of calls a hook logged
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.search_query import fold
from desktop.core.withheld_calls import TOLD_APART, WITHHELD_KEY

CALL_SEARCH_LIMIT = 50  # calls the Search window lists under the people found
CALLS_LIMIT = 200  # calls Recent calls and `callercard calls` list, the newest first
# A caller ID's name holds a word typed in Search: as typed (ASCII in any case), or, for a name
# with letters beyond ASCII, folded as the search index folds (connection.py's folded()).
# (More bytes than characters: a letter beyond ASCII, found without a scan of the text.)
_CALLER_NAME_HOLDS = (
    "(caller_name LIKE ? ESCAPE '\\' OR (length(CAST(caller_name AS BLOB)) "
    "> length(caller_name) AND folded(caller_name) LIKE ? ESCAPE '\\'))"
)
# A caller ID's name whose given name is another form of a word typed ("MICHAEL B" for "mike",
# desktop.core.given_names). Only a name holding one of the other forms (LIKE's case-blind
# test; "mick" holds "mickey" too, so fewer LIKEs) or with letters beyond ASCII is looked at
# further: one that starts with the other form and has no comma is one (LIKE alone), any other
# is asked given_name_for (connection.py): "BRANDT, MICHAEL", "BRANDT MICHAEL" (CNAM's surname
# first), "DR MICHAEL B", not "TOM MICHAEL". Formatted with the LIKEs for each other form.
_GIVEN_NAME_FOR = (
    "(({holds} OR length(CAST(caller_name AS BLOB)) > length(caller_name)) "
    "AND ((({starts}) AND instr(caller_name, ',') = 0) OR given_name_for(caller_name, ?)))"
)
_LIKE_NAME = "caller_name LIKE ? ESCAPE '\\'"
# The same for a caller ID that is no number (desktop.core.unread_caller_id): "reception" in
# "Reception", "front" and "desk" in "sip:front-desk@pbx".
_CALLER_ID_HOLDS = _CALLER_NAME_HOLDS.replace("caller_name", "caller_id")
# Such a caller ID's digits with the marks people write between them dropped, so "90182013"
# and "03090182013" are both in "030 90182013" (no regex in SQLite: one replace per mark).
_CALLER_ID_DIGITS = (
    "replace(replace(replace(replace(replace(replace("
    "caller_id, ' ', ''), '-', ''), '.', ''), '/', ''), '(', ''), ')', '')"
)


@dataclass(frozen=True)
class LoggedCall:
    """One call in the history, with the contact it belongs to (None: nobody we know)."""

    id: int
    attempt: Attempt
    contact: Contact | None
    source: str  # what reported it: a softphone log, a hook, an import


@dataclass(frozen=True)
class NearCall:
    """A logged call close in time to another report of a call (Store.calls_near)."""

    id: int
    source: str
    call_key: str
    outcome: Outcome

    @property
    def from_hook(self) -> bool:
        return self.call_key.startswith(HOOK_KEY_PREFIX)


class Calls(Contacts):
    def calls(
        self,
        *,
        since: datetime | None = None,
        outcome: Outcome | None = None,
        contact_ids: Iterable[int] | None = None,
        named: str = "",
        limit: int = CALLS_LIMIT,
    ) -> list[LoggedCall]:
        """Logged calls, the newest first: those since `since`, with `outcome`, of the
        contacts `contact_ids`, with someone whose name, company or caller ID name holds
        `named`, or from a caller ID that is no number holding it ("reception", "front-desk",
        "90182013"; ASCII letters in any case; each filter only when given)."""
        where: list[str] = ["1"]
        params: list[object] = []
        if since is not None:
            where.append("at >= ?")
            params.append(int(since.timestamp()))
        if outcome is not None:
            where.append("outcome = ?")
            params.append(outcome.value)
        if contact_ids is not None:
            ids = sorted(set(contact_ids))
            where.append(f"contact_id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        for word in named.split():
            # A scan (LIKE '%…%'): a listing the rep asked for, never the ring path; --days
            # bounds it by the index on `at`. Each word as Search takes it: in the caller ID's
            # name or the contact's name or company, a given name's other forms too ("mike"
            # is the MICHAEL of "BRANDT MICHAEL" and of Michael Brandt).
            caller_name, caller_name_values = _caller_name_holds(word)
            contact, contact_values = _contact_holds(word)
            # Constant statements: every value is a parameter.
            where.append(f"({caller_name} OR {_CALLER_ID_HOLDS} OR contact_id IN "  # noqa: S608
                         f"(SELECT id FROM contacts WHERE {contact}))")  # fmt: skip
            params.extend([*caller_name_values, f"%{_like_escaped(word)}%",
                           f"%{_like_escaped(fold(word))}%", *contact_values])  # fmt: skip
        # The WHERE parts are constants; every value is a parameter.
        sql = (
            "SELECT id, contact_id, direction, at, outcome, message, reason, number_e164, "  # noqa: S608
            f"source, caller_name, rep, caller_id FROM attempts WHERE {' AND '.join(where)} "
            "ORDER BY at DESC, id DESC LIMIT ?"
        )
        rows = self._conn.execute(
            sql,
            (*params, limit),
        ).fetchall()
        return self._named_by_caller_id(self._logged_calls(rows))

    def _named_by_caller_id(self, calls: list[LoggedCall]) -> list[LoggedCall]:
        """`calls`, the rep's own calls to a number nobody has named as its caller ID named
        it, as Search names them. Used as a rep: Call back on WIRELESS CALLER's missed call
        was listed in Recent calls and `calls` as "Unknown · +1 312-555-0188", whom nobody
        could tell from any other stranger."""
        names: dict[str, str] = {}
        for call in calls:  # the newest first: a number is named as it was last
            number = call.attempt.number_e164
            if call.contact is None and number and call.attempt.caller_name:
                names.setdefault(number, call.attempt.caller_name)
        unnamed = {call.attempt.number_e164 for call in calls
                   if call.contact is None and call.attempt.number_e164
                   and not call.attempt.caller_name} - names.keys()  # fmt: skip
        for number in sorted(n for n in unnamed if n is not None):  # its calls off this page
            names[number] = self.caller_name_of(number)
        return [
            replace(call, attempt=replace(call.attempt, caller_name=names[number]))
            if call.contact is None and not call.attempt.caller_name
            and (number := call.attempt.number_e164) and names.get(number)
            else call
            for call in calls
        ]

    def _logged_calls(self, rows: list[tuple[Any, ...]]) -> list[LoggedCall]:
        """Rows of (id, contact_id, direction, at, outcome, message, reason, number_e164,
        source, caller_name, rep, caller_id), each with its contact."""
        ids = [int(r[1]) for r in rows if r[1] is not None]
        contacts = {c.id: c for c in self.contacts_by_id(ids, attempts_limit=0)}
        return [
            LoggedCall(int(aid), Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n,
                                         str(rep), caller_name=str(name), caller_id=str(raw)),
                       contacts.get(cid) if cid is not None else None, str(src))
            for aid, cid, d, at, o, m, r, n, src, name, rep, raw in rows
        ]  # fmt: skip

    def search_calls(
        self,
        *,
        contact_ids: Iterable[int] = (),
        words: Sequence[str] = (),
        digits: Sequence[str | Sequence[str]] = (),
        since: datetime | None = None,
        limit: int = CALL_SEARCH_LIMIT,
    ) -> list[LoggedCall]:
        """The Search window's calls, the newest first (since `since`): those with the
        contacts `contact_ids`, and those whose caller ID holds every one of `words` in its
        name (in any case, accents folded as the search index folds them) and every run of
        `digits` in its number; or, from a caller ID that is no number, in that caller ID.
        [] when given none of them; never a withheld call (it has neither)."""
        # Each part is (a constant statement, its values); none interpolates a value. A run
        # of digits may come in two forms ("0171", "49171"): either one is in the number.
        forms = [(d,) if isinstance(d, str) else tuple(d) for d in digits]
        digit_held = ["(" + " OR ".join(["instr(number_e164, ?)"] * len(f)) + ")" for f in forms]
        digit_values = [d for f in forms for d in f]  # in the statements' order
        after = " AND at >= ?" if since is not None else ""
        since_value = [int(since.timestamp())] if since is not None else []
        parts: list[tuple[str, list[object]]] = []
        ids = sorted(set(contact_ids))
        if ids:
            marks = ", ".join("?" * len(ids))
            parts.append((f"SELECT id, at FROM attempts WHERE contact_id IN ({marks}){after}",  # noqa: S608
                          [*ids, *since_value]))  # fmt: skip
        if words:
            # A scan of attempts_caller_name alone (the calls whose caller ID gave a name, with
            # every column looked at): its text has no word index, and 20,000 calls scan in
            # about a millisecond (benchmarks/call_search_latency.py). LIKE is ASCII
            # case-insensitive, as `calls` named=; the table's rows are read for those shown.
            # A name with letters beyond ASCII is also folded ("JOSÉ PÉREZ" found by "josé"
            # and "jose", as people are): only those rows pay for the Python call.
            named = [_caller_name_holds(w) for w in words]
            held = " AND ".join([sql for sql, _ in named] + digit_held)
            parts.append((
                "SELECT id, at FROM attempts INDEXED BY attempts_caller_name "  # noqa: S608
                f"WHERE caller_name <> '' AND number_e164 IS NOT NULL AND {held}{after}",
                [*(v for _, values in named for v in values), *digit_values, *since_value],
            ))  # fmt: skip
        elif forms:  # the numbers alone: attempts_number_at holds them and the time
            held = " AND ".join(digit_held)
            parts.append((
                "SELECT id, at FROM attempts INDEXED BY attempts_number_at "  # noqa: S608
                f"WHERE number_e164 IS NOT NULL AND {held}{after}",
                [*digit_values, *since_value],
            ))  # fmt: skip
        if words or forms:
            # Calls from a caller ID that is no number: a scan of the calls with no number
            # (attempts_number_at), these and withheld ones, a few among the rest.
            digit_in_id = ["(" + " OR ".join([f"instr({_CALLER_ID_DIGITS}, ?)"] * len(f)) + ")"
                           for f in forms]  # fmt: skip
            held = " AND ".join([_CALLER_ID_HOLDS] * len(words) + digit_in_id)
            parts.append((
                "SELECT id, at FROM attempts INDEXED BY attempts_number_at "  # noqa: S608
                f"WHERE number_e164 IS NULL AND caller_id <> '' AND {held}{after}",
                [*(v for w in words for v in (f"%{_like_escaped(w)}%",
                                              f"%{_like_escaped(fold(w))}%")),
                 *digit_values, *since_value],
            ))  # fmt: skip
        if not parts:
            return []
        union = " UNION ".join(sql for sql, _ in parts)
        values = [v for _, part_values in parts for v in part_values]
        newest = [int(r[0]) for r in self._conn.execute(
            f"{union} ORDER BY at DESC, id DESC LIMIT ?", (*values, limit))]  # fmt: skip
        rows = self._conn.execute(
            "SELECT id, contact_id, direction, at, outcome, message, reason, number_e164, "  # noqa: S608
            f"source, caller_name, rep, caller_id FROM attempts "
            f"WHERE id IN ({', '.join('?' * len(newest))}) "
            "ORDER BY at DESC, id DESC",
            newest,
        ).fetchall()
        return self._logged_calls(rows)

    def has_calls(self) -> bool:
        """Whether any call is in the history (a hook may log calls before the app first runs)."""
        return self._conn.execute("SELECT 1 FROM attempts LIMIT 1").fetchone() is not None

    def has_called_us(self, number_e164: str) -> bool:
        """Whether any incoming call from this number (or colleague's extension:
        number_clause) is in the history."""
        # The clause is one of two constants; the number is a parameter.
        return self._conn.execute(
            f"SELECT 1 FROM attempts WHERE {number_clause('attempts', number_e164)} "  # noqa: S608
            "AND direction = 'in' LIMIT 1",
            (number_e164,),
        ).fetchone() is not None

    def caller_name_of(self, number_e164: str) -> str:
        """The name the newest call from this number gave in its caller ID ("" for none):
        what Who is it?, opened after the call, knows of who it was (attempts_number_at)."""
        try:
            row = self._conn.execute(
                "SELECT caller_name FROM attempts WHERE number_e164 = ? AND direction = 'in' "
                "AND caller_name <> '' ORDER BY at DESC LIMIT 1",
                (number_e164,),
            ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc
        return str(row[0]) if row is not None else ""

    def called_out_since(self, number_e164: str, since: int, after_id: int = 0) -> bool:
        """Whether a call out to this number that may have reached them was logged at or
        after `since` (Unix seconds), by anyone (attempts_number_at); one logged in that very
        second only when recorded after the call of id `after_id` (rows keep whole seconds:
        Callbacks orders them so). One that reached nobody (failed, or "No answer": a busy
        line) leaves their missed calls due in Callbacks (callbacks.py's _MISSED), and so
        their missed card up. A colleague's extension ("3103") is found as the calls to it
        keep it, a caller ID with no E.164."""
        if is_extension(number_e164):
            # attempts_number_at: number_e164 IS NULL, then by time; extension_digits() is
            # desktop.core.internal_extension's rule, registered on each connection.
            row = self._conn.execute(
                "SELECT 1 FROM attempts WHERE number_e164 IS NULL AND at >= ?1 "
                "AND (at > ?1 OR id > ?3) AND direction = 'out' AND caller_id <> '' "
                "AND outcome NOT IN ('failed', 'no_answer') "
                "AND extension_digits(caller_id) = ?2 LIMIT 1",
                (since, number_e164, after_id),
            ).fetchone()
            return row is not None
        row = self._conn.execute(
            "SELECT 1 FROM attempts WHERE number_e164 = ?2 AND at >= ?1 AND (at > ?1 OR id > ?3) "
            "AND direction = 'out' AND outcome NOT IN ('failed', 'no_answer') LIMIT 1",
            (since, number_e164, after_id),
        ).fetchone()
        return row is not None

    def talked_since(self, number_e164: str, since: int, after_id: int = 0) -> bool:
        """Whether a call with this number, either way, was answered (outcome talked) at or
        after `since` (Unix seconds; in that second, recorded after the call of id
        `after_id`): as a call out does, it settles their missed calls (callbacks.py's
        _MISSED)."""
        row = self._conn.execute(
            "SELECT 1 FROM attempts WHERE number_e164 = ?2 AND at >= ?1 AND (at > ?1 OR id > ?3) "
            "AND outcome = 'talked' LIMIT 1",
            (since, number_e164, after_id),
        ).fetchone()
        return row is not None

    def missed_id_at(self, number: str, at: int) -> int:
        """The id of the newest missed call from this number (or colleague's extension)
        logged in the second `at`; 0 for none."""
        if is_extension(number):
            row = self._conn.execute(
                "SELECT max(id) FROM attempts WHERE number_e164 IS NULL AND at = ? "
                "AND direction = 'in' AND outcome = 'missed' AND extension_digits(caller_id) = ?",
                (at, number),
            ).fetchone()
        else:
            row = self._conn.execute(
                "SELECT max(id) FROM attempts WHERE number_e164 = ? AND at = ? "
                "AND direction = 'in' AND outcome = 'missed'",
                (number, at),
            ).fetchone()
        return int(row[0]) if row is not None and row[0] is not None else 0

    def record_call(
        self,
        contact_id: int | None,
        attempt: Attempt,
        source: str,
        call_key: str,
        *,
        cursor: tuple[str, str] | None = None,
    ) -> int | None:
        """Store one call a softphone reported, once: returns the new attempt's id, or None
        when (source, call_key) is stored already. ``cursor`` (origin, cursor) is where that
        call log was read up to; it is saved in the same transaction, so a crash keeps both or
        neither. A missed call does not count as having been in contact."""
        at = int(attempt.at.timestamp())
        try:
            with self.transaction():
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO attempts(contact_id, number_e164, direction, at, "
                    "outcome, message, reason, source, call_key, caller_name, caller_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (contact_id, attempt.number_e164, attempt.direction.value, at,
                     attempt.outcome.value, attempt.message, attempt.reason, source, call_key,
                     attempt.caller_name, attempt.caller_id),
                )  # fmt: skip
                new_id = int(cur.lastrowid or 0) if cur.rowcount == 1 else None
                if new_id and contact_id is not None and _in_contact(attempt):
                    self._touch_contact(contact_id, at)
                if new_id:
                    claim_returned(self._conn, new_id)
                if cursor is not None:
                    self._save_cursor(*cursor)
                return new_id
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def record_ring_once(
        self, contact_id: int | None, attempt: Attempt, source: str, key_prefix: str,
        stamp: str, within_s: int | None, same_call: Sequence[str] = (),
        *, same_ring: Callable[[str], bool] | None = None,
    ) -> int | None:  # fmt: skip
        """Store a hook's ring as record_call does, under ``key_prefix`` + ``stamp`` (its
        second, or ms), unless a ring of the same call is stored already, whatever its outcome
        by now: one from the same caller (number, or caller ID that is not a number) and
        ``source`` whose key starts with ``key_prefix`` (or one of ``same_call``) that rang
        within ``within_s`` seconds, and whose key ``same_ring`` takes for this ring's (when
        given: the second is too coarse for withheld callers); with ``within_s`` None, only
        that very key (a withheld ring's ms). A hook and the app that read its line late both
        write the ring, each taking its time from the one monotonic stamp. Looked for and
        written in one transaction, so two processes writing the call at once store it once.
        None when it was stored already."""
        if within_s is None:
            return self.record_call(contact_id, attempt, source, f"{key_prefix}{stamp}")
        at = int(attempt.at.timestamp())
        prefixes = (key_prefix, *same_call)
        keyed = " OR ".join(["call_key >= ? AND call_key < ?"] * len(prefixes))
        try:
            with self.transaction():
                stored = self._conn.execute(
                    "SELECT call_key FROM attempts WHERE number_e164 IS ? "  # noqa: S608
                    "AND caller_id = ? AND source = ? AND direction = 'in' "
                    f"AND at BETWEEN ? AND ? AND ({keyed})",
                    (attempt.number_e164, attempt.caller_id, source, at - within_s, at + within_s,
                     *(bound for p in prefixes for bound in (p, p + "\uffff"))),
                ).fetchall()  # fmt: skip
                if any(same_ring is None or same_ring(str(key)) for (key,) in stored):
                    return None
                return self.record_call(contact_id, attempt, source, f"{key_prefix}{stamp}")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def _touch_contact(self, contact_id: int, at: int) -> None:
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            (at, contact_id),
        )

    def _untouch_contact(self, contact_id: int, attempt_id: int, at: int) -> None:
        """The call ``attempt_id`` (at ``at``) turned out not to be contact (a hook took a
        missed call for a taken one): "last contacted" goes back to the contact before it,
        when it was set by this call."""
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts "
            "WHERE contact_id = ?1 AND id <> ?2 AND outcome <> 'missed' "
            "AND NOT (direction = 'in' AND outcome = '')) "
            "WHERE id = ?1 AND last_contacted_at = ?3",
            (contact_id, attempt_id, at),
        )

    def calls_near(
        self, number_e164: str | None, direction: Direction, at: datetime, within_s: int,
        *, caller_id: str = "",
    ) -> list[NearCall]:  # fmt: skip
        """Logged calls with this number and direction that started within ``within_s``
        seconds of ``at``, the nearest first: the same call seen by another source (see
        call_history.py). A number None is a withheld caller's, or, with ``caller_id``, the
        calls from a caller ID that is not a number, told apart by same_caller_key."""
        t = int(at.timestamp())
        unread = number_e164 is None and bool(caller_id)
        # Either clause is a constant; every value is a parameter.
        who = "caller_id <> ''" if unread else "caller_id = ''"
        rows = self._conn.execute(
            "SELECT id, source, call_key, outcome, at, caller_id FROM attempts "  # noqa: S608
            f"WHERE number_e164 IS ? AND {who} AND direction = ? AND at BETWEEN ? AND ? "
            "AND call_key <> '' ORDER BY abs(at - ?), id LIMIT 20",
            (number_e164, direction.value, t - within_s, t + within_s, t),
        ).fetchall()
        key = same_caller_key(caller_id) if unread else ""
        return [NearCall(int(i), str(src), str(k), Outcome(o))
                for i, src, k, o, _, raw in rows
                if not unread or same_caller_key(str(raw)) == key]  # fmt: skip

    def open_unread_call(self, caller_id: str, since: datetime, until: datetime) -> int | None:
        """The newest inbound call a hook reported ringing between ``since`` and ``until``
        from this caller ID that is not a number (same_caller_key), whose end is not known
        yet; or None. Not by its key, which spells the caller ID as its ring did: a phone may
        ring with "sip:Reception@pbx" and end with "Reception"."""
        key = same_caller_key(caller_id)
        rows = self._conn.execute(
            "SELECT id, caller_id FROM attempts WHERE number_e164 IS NULL AND caller_id <> '' "
            "AND direction = 'in' AND at BETWEEN ? AND ? AND outcome = '' "
            "AND substr(call_key, 1, 5) = ? ORDER BY at DESC, id DESC",
            (int(since.timestamp()), int(until.timestamp()), HOOK_KEY_PREFIX),
        ).fetchall()
        return next((int(i) for i, raw in rows if same_caller_key(str(raw)) == key), None)

    def open_hook_call(
        self, number_e164: str | None, key_prefix: str, since: datetime,
        until: datetime | None = None,
    ) -> int | None:  # fmt: skip
        """The newest inbound call a hook reported ringing under ``key_prefix`` since ``since``
        (and up to ``until``) whose end is not known yet (outcome still unknown), or None."""
        last = int(until.timestamp()) if until is not None else 2**62
        row = self._conn.execute(
            "SELECT id FROM attempts WHERE number_e164 IS ? AND direction = 'in' "
            "AND at BETWEEN ? AND ? "
            "AND outcome = '' AND call_key >= ? AND call_key < ? ORDER BY at DESC, id DESC "
            "LIMIT 1",
            (number_e164, int(since.timestamp()), last, key_prefix, key_prefix + "\uffff"),
        ).fetchone()
        return int(row[0]) if row is not None else None

    def open_withheld_call(
        self, since: datetime, until: datetime, excluding: Collection[int] = ()
    ) -> int | None:
        """The newest withheld call a hook reported ringing between ``since`` and ``until``,
        under the plain key or one told apart (desktop.core.withheld_calls), whose end is not
        known yet and which is not one of ``excluding``; or None."""
        rows = self._conn.execute(
            "SELECT id FROM attempts WHERE number_e164 IS NULL AND caller_id = '' "
            "AND direction = 'in' AND at BETWEEN ? AND ? AND outcome = '' "
            "AND (call_key >= ? AND call_key < ? OR call_key >= ? AND call_key < ?) "
            "ORDER BY at DESC, id DESC",
            (int(since.timestamp()), int(until.timestamp()), f"{WITHHELD_KEY}@",
             f"{WITHHELD_KEY}@\uffff", TOLD_APART, f"{TOLD_APART}\uffff"),
        ).fetchall()  # fmt: skip
        return next((int(i) for (i,) in rows if int(i) not in excluding), None)

    def call_just_made(
        self, number_e164: str, now: datetime, within_s: int, note_source: str
    ) -> tuple[int, str, str] | None:
        """(id, source, call key) of the call a call note logged at ``now`` is about: the
        newest call with this number (or colleague's extension: number_clause), either way, is a
        call out (not itself a note) that started within ``within_s`` seconds before ``now``
        (call_history.NOTE_AFTER_CALL_S); or None (attempts_number_at)."""
        t = int(now.timestamp())
        # The clause is one of two constants; every value is a parameter.
        row = self._conn.execute(
            "SELECT id, source, call_key, direction, at FROM attempts "  # noqa: S608
            f"WHERE {number_clause('attempts', number_e164)} "
            "AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
            (number_e164, t + 5),  # the softphone's clock and ours: a few seconds apart
        ).fetchone()
        if row is None or row[3] != Direction.OUT.value or row[1] == note_source:
            return None
        if int(row[4]) < t - within_s:
            return None
        return int(row[0]), str(row[1]), str(row[2])

    def note_after(
        self, number_e164: str, at: datetime, within_s: int, note_source: str
    ) -> tuple[int, int | None, Attempt] | None:
        """A call note the rep logged (``note_source``, none mirrored from a teammate) on a
        call out to this number (or colleague's extension: number_clause) started at ``at``:
        logged within ``within_s`` seconds after it (call_history.NOTE_AFTER_CALL_S), with
        no other call with this number between; or None. A note logged before the call
        started is another call's (a rep who logs "no answer" and redials at once), but for
        the second the two times are rounded to."""
        t = int(at.timestamp())
        # The clauses are constants; every value is a parameter.
        row = self._conn.execute(
            f"SELECT n.id FROM attempts n WHERE {number_clause('n', number_e164)} "  # noqa: S608
            "AND n.direction = 'out' "
            "AND n.source = ? AND n.rep = '' AND n.at BETWEEN ? AND ? AND NOT EXISTS ("
            f"SELECT 1 FROM attempts o WHERE {number_clause('o', number_e164)} AND o.id <> n.id "
            "AND o.at BETWEEN ? AND n.at) ORDER BY n.at, n.id LIMIT 1",
            (number_e164, note_source, t - 1, t + within_s, number_e164, t),
        ).fetchone()
        if row is None:
            return None
        found = self.attempt_by_id(int(row[0]))
        return (int(row[0]), found[0], found[1]) if found is not None else None

    def note_on_call(self, attempt_id: int, outcome: Outcome, message: str, reason: str) -> bool:
        """A call note (log-call) on a call recorded already: its outcome, and its message and
        reason when it gives them. False when the call no longer exists."""
        return self._set_outcome(
            "UPDATE attempts SET outcome = ?, message = coalesce(nullif(?, ''), message), "
            "reason = coalesce(nullif(?, ''), reason) WHERE id = ? RETURNING contact_id, at, id",
            (outcome.value, message, reason, attempt_id), outcome,
        )  # fmt: skip

    def finish_call(self, attempt_id: int, outcome: Outcome) -> bool:
        """A hook's call that rang is over: its outcome, unless a softphone's log has said it
        already (that is kept). An answered call counts as contact. False when nothing
        changed."""
        return self._set_outcome(
            "UPDATE attempts SET outcome = ? WHERE id = ? AND outcome = '' "
            "AND substr(call_key, 1, 5) = ? RETURNING contact_id, at, id",
            (outcome.value, attempt_id, HOOK_KEY_PREFIX), outcome,
        )  # fmt: skip

    def _set_outcome(self, update: str, params: tuple[object, ...], outcome: Outcome) -> bool:
        """Run `update` (one call's row, RETURNING contact_id, at); a call that reached them
        counts as contact. False when no row changed."""
        try:
            with self.transaction():
                row = self._conn.execute(update, params).fetchone()
                if row is None:
                    return False
                if row[0] is not None and outcome is not Outcome.MISSED:
                    self._touch_contact(int(row[0]), int(row[1]))
                claim_returned(self._conn, int(row[2]))
                return True
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def take_over_call(
        self,
        attempt_id: int,
        contact_id: int | None,
        attempt: Attempt,
        source: str,
        call_key: str,
        *,
        cursor: tuple[str, str] | None = None,
    ) -> None:
        """A call a hook logged, now reported by a softphone's own log or event stream: the
        row takes that source's data (its key, so reading the log again finds it; its start
        and outcome), keeping its id and anything the rep wrote on it. The caller ID's name
        is the softphone's when it gave one, else the hook's."""
        at = int(attempt.at.timestamp())
        try:
            with self.transaction():
                old = self._conn.execute(
                    "SELECT contact_id, at, outcome FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
                if old is None:
                    return
                self._conn.execute(
                    "UPDATE attempts SET contact_id = coalesce(contact_id, ?), at = ?, "
                    "outcome = ?, source = ?, call_key = ?, "
                    "caller_name = coalesce(nullif(?, ''), caller_name) WHERE id = ?",
                    (contact_id, at, attempt.outcome.value, source, call_key,
                     attempt.caller_name, attempt_id),
                )
                owner = old[0] if old[0] is not None else contact_id
                if owner is not None and _in_contact(attempt):
                    self._touch_contact(owner, at)
                elif owner is not None and old[2] != Outcome.MISSED.value:
                    self._untouch_contact(owner, attempt_id, int(old[1]))
                claim_returned(self._conn, attempt_id)
                if cursor is not None:
                    self._save_cursor(*cursor)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def call_attempt(self, source: str, call_key: str) -> tuple[int, int | None, Attempt] | None:
        """(attempt id, contact id, attempt) of a call recorded by record_call, or None."""
        row = self._conn.execute(
            "SELECT id, contact_id, direction, at, outcome, message, reason, number_e164, "
            "caller_name, caller_id FROM attempts WHERE source = ? AND call_key = ? "
            "AND call_key <> ''",
            (source, call_key),
        ).fetchone()
        if row is None:
            return None
        aid, cid, d, at, o, m, r, n, name, raw = row
        return int(aid), cid, Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n,
                                      caller_name=str(name), caller_id=str(raw))  # fmt: skip

    def attempt_by_id(self, attempt_id: int) -> tuple[int | None, Attempt] | None:
        """(contact id, attempt), or None when it no longer exists."""
        row = self._conn.execute(
            "SELECT contact_id, direction, at, outcome, message, reason, number_e164, rep, "
            "callback_from, callback_until, caller_name, caller_id FROM attempts WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        if row is None:
            return None
        cid, d, at, o, m, r, n, rep, cb_from, cb_until, name, raw = row
        return cid, Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n, rep,
                            *window(cb_from, cb_until), str(name), str(raw))  # fmt: skip

    def save_wrap_up(
        self, attempt_id: int, outcome: Outcome, message: str, reason: str,
        callback: tuple[datetime, datetime] | None = None, *, promise_done: bool = False,
    ) -> bool:  # fmt: skip
        """What the rep said about a call: its outcome, the message left, why we called and
        the callback window promised (None: none); `promise_done`: the contact's open "call
        them back by" from an earlier call is done (store/callbacks.py open_promise). A
        non-empty reason also becomes the contact's current reason, so their next call's card
        says it. One transaction; False when the attempt no longer exists."""
        try:
            with self.transaction():
                row = self._conn.execute(
                    "SELECT contact_id FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
                if row is None:
                    return False
                start, end = (
                    (int(callback[0].timestamp()), int(callback[1].timestamp()))
                    if callback is not None else (None, None)
                )  # fmt: skip
                self._conn.execute(
                    "UPDATE attempts SET outcome = ?, message = ?, reason = ?, "
                    "callback_from = ?, callback_until = ?, promise_done = ? WHERE id = ?",
                    (outcome.value, message, reason, start, end, int(promise_done), attempt_id),
                )
                if row[0] is not None and reason.strip():
                    self._conn.execute(
                        "UPDATE contacts SET reason = ?, updated_at = ?, edited_at = ? "
                        "WHERE id = ?",
                        (reason.strip(), unix_now(), unix_now(), row[0]),
                    )
                claim_returned(self._conn, attempt_id)
                return True
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def source_cursor(self, origin: str) -> str | None:
        """Where the call log ``origin`` was last read up to (see record_call)."""
        row = self._conn.execute(
            "SELECT cursor FROM source_cursors WHERE origin = ?", (origin,)
        ).fetchone()
        return str(row[0]) if row is not None else None

    def save_source_cursor(self, origin: str, cursor: str) -> None:
        try:
            self._save_cursor(origin, cursor)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def _save_cursor(self, origin: str, cursor: str) -> None:
        self._conn.execute(
            "INSERT INTO source_cursors(origin, cursor, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(origin) DO UPDATE SET cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (origin, cursor, unix_now()),
        )


def _caller_name_holds(word: str) -> tuple[str, list[object]]:
    """The test that a caller ID's name holds `word` as typed, or holds another form of it as
    its given name (the search's own rule for a contact's name), with its values."""
    values: list[object] = [f"%{_like_escaped(word)}%", f"%{_like_escaped(fold(word))}%"]
    others = equivalent_names(fold(word))
    if not others:
        return _CALLER_NAME_HOLDS, values
    # A name holding the word typed matched as typed already: only the forms it is not in.
    held = [o for o in others if fold(word) not in o]
    held = [o for o in held if not any(h != o and h in o for h in held)]
    starts = " OR ".join([_LIKE_NAME] * (2 * len(others)))
    holds = " OR ".join([_LIKE_NAME] * len(held)) or "0"
    sql = f"({_CALLER_NAME_HOLDS} OR {_GIVEN_NAME_FOR.format(holds=holds, starts=starts)})"
    return sql, [*values, *(f"%{_like_escaped(o)}%" for o in held),
                 *(v for o in others for v in (_like_escaped(o), f"{_like_escaped(o)} %")),
                 fold(word)]  # fmt: skip


def _contact_holds(word: str) -> tuple[str, list[object]]:
    """The test that a contact's name or company holds `word` (ASCII in any case, accents
    folded as Search folds them), or that their given name is another form of it ("Michael
    Brandt" for "mike"; not Tom Michael, whose surname it is), with its values."""
    values: list[object] = []
    parts = []
    for column in ("name", "company"):
        parts.append(_CALLER_NAME_HOLDS.replace("caller_name", column))
        values += [f"%{_like_escaped(word)}%", f"%{_like_escaped(fold(word))}%"]
    others = equivalent_names(fold(word))
    if others:
        holds = " OR ".join(["name LIKE ? ESCAPE '\\'"] * len(others))
        parts.append(f"(({holds} OR length(CAST(name AS BLOB)) > length(name)) "
                     "AND contact_given_name_for(name, ?))")  # fmt: skip
        values += [*(f"%{_like_escaped(o)}%" for o in others), fold(word)]
    return "(" + " OR ".join(parts) + ")", values


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in_contact(attempt: Attempt) -> bool:
    """Whether a call counts as contact: not a missed one, nor one that only rang."""
    if attempt.outcome is Outcome.MISSED:
        return False
    return not (attempt.direction is Direction.IN and attempt.outcome is Outcome.UNKNOWN)


def number_clause(table: str, number: str) -> str:
    """`table`'s calls with `number`: its E.164, or a colleague's extension ("3103"), which
    their calls and ours keep as the caller ID, with no E.164 (attempts_number_at: number_e164
    IS NULL, then by time; extension_digits() is desktop.core.internal_extension's rule,
    registered on each connection). One parameter: the number."""
    if is_extension(number):
        return (f"{table}.number_e164 IS NULL AND {table}.caller_id <> '' "
                f"AND extension_digits({table}.caller_id) = ?")  # fmt: skip
    return f"{table}.number_e164 = ?"
