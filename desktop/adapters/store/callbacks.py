"""Callbacks (core/callbacks.py): missed calls not returned (from contacts and from numbers
nobody has), voicemails we left that still await a callback, promised callback windows.

All of them are read from `attempts`; there is no table of their own. Search's "awaiting"
filter uses awaiting_callback's list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop.adapters.store.calls import LoggedCall, number_clause
from desktop.adapters.store.contacts import _ATTEMPT_COLUMNS, Contacts
from desktop.adapters.store.times import from_epoch, window
from desktop.core.callbacks import OpenPromise, Unreached
from desktop.core.callee import NumberHistory
from desktop.core.caller_user_part import same_caller_key
from desktop.core.models import Attempt, Direction, Outcome

AWAITING_DAYS = 365  # an older unanswered voicemail no longer counts as awaiting a callback
# A call whose outcome nobody reported is listed this long: it may have been answered, and
# the scan for these rows (no index of their own) stays short.
RANG_DAYS = 30
# ...and only from this long after it rang: until then the rep may well still be talking on it
# (a hook set for incoming calls only sends no end), and "Rang just now, outcome unknown" in
# Callbacks mid-call is noise. Such a call is never counted due, so listing it later costs
# nothing. A rule on the stored call alone, so the window and `callercard callbacks` agree.
RANG_LISTED_AFTER = timedelta(minutes=30)
CALLBACKS_LIMIT = 500  # entries listed per Callbacks section, the newest first


_NO_ID = 2**62  # greater than any attempt's id
# What a callback entry is kept under: its contact, or, once the contact has gone (deleted,
# its import undone), the number the call was on, as the calls themselves are.
_CONTACT, _NUMBER = "contact_id", "number_e164"


@dataclass(frozen=True)
class UnknownMissed:
    """A number nobody has that called and was not called back: its newest missed call
    (with the caller ID's name, if it gave one) and how many missed calls since we last
    called it or talked with it."""

    id: int
    attempt: Attempt
    tries: int


# Attempt `later` was logged after attempt `call`. Times are whole seconds, and a call back
# placed from a missed card the moment the call was missed shares its second: within one
# second the order they were logged in (their ids) says which came first. Written so that
# the index on (number or contact, at) still bounds the scan.
_AFTER = "{later}.at >= {call}.at AND ({later}.at > {call}.at OR {later}.id > {call}.id)"


# Attempt `one` is kept under the same contact as `other`, or, with no contact, on its number.
_SAME_OWNER = ("({one}.contact_id = {other}.contact_id OR {other}.contact_id IS NULL "
               "AND {one}.contact_id IS NULL AND {one}.number_e164 = {other}.number_e164)")


# The call `a` can be called back: a contact's, a number's, or a colleague's extension nobody
# has ("3199": no E.164, its caller ID kept; extension_digits() is registered on each
# connection). Withheld callers and caller IDs that are no number ("Reception") cannot.
_CALLABLE = ("(a.contact_id IS NOT NULL OR a.number_e164 IS NOT NULL "
             "OR a.caller_id <> '' AND extension_digits(a.caller_id) <> '')")
# The call `l` is with the extension nobody has that `a` came from (_UNKNOWN_EXTENSION_MISSED's
# rule: a call back to 3199 keeps it as its caller ID).
_SAME_EXTENSION = ("a.contact_id IS NULL AND a.number_e164 IS NULL AND l.number_e164 IS NULL "
                   "AND l.caller_id <> '' "
                   "AND extension_digits(l.caller_id) = extension_digits(a.caller_id)")


class Callbacks(Contacts):
    # Each kind: (which attempts, what settles one of them). `a` is the attempt, `l` a later one.
    # A call back that reached nobody (it failed, or rang out: "No answer", a busy line)
    # settles no missed call: we still owe them the call, and the try is said beside it
    # (unreached_after_missed), as for a "call them back by" promise.
    _MISSED = ("a.direction = 'in' AND a.outcome = 'missed'",
               f"{_AFTER.format(later='l', call='a')} AND (l.direction = 'out' "
               "  AND l.outcome NOT IN ('failed', 'no_answer') "
               "  OR l.outcome = 'talked')")  # fmt: skip
    _VOICEMAIL = ("a.direction = 'out' AND a.outcome = 'voicemail'",
                  "l.at > a.at AND (l.direction = 'in' OR l.outcome = 'talked')")  # fmt: skip

    # A window on a call of ours: we wait for them in it. On their call: "call them back by"
    # (the wrap-up after an incoming call), a promise kept once we reach them or leave a
    # message: a call back that rang out ("No answer", a busy line) or failed keeps it open
    # (_UNREACHED), shown beside it as the try it was. A call from them does not keep it:
    # they rang about something else and the promise vanished unseen. It stays until we call
    # back, or the rep says in a later call's wrap-up that it is done (promise_done), or a
    # later "call them back by" replaces it (each contact's newest window counts). A call
    # back whose outcome nobody logged keeps it open too (core/callbacks.NOT_KEPT_BY).
    _PROMISE_KEPT = ("l.direction = 'out' AND l.outcome NOT IN ('', 'failed', 'no_answer') "
                     "OR l.promise_done = 1")
    _WINDOW = ("a.callback_until IS NOT NULL",
               f"(a.direction = 'in' AND {_AFTER.format(later='l', call='a')} "
               f"  AND ({_PROMISE_KEPT})"
               " OR a.direction <> 'in' AND ((l.direction = 'in' OR l.outcome = 'talked') "
               "  AND l.at >= a.callback_from OR l.direction = 'out' AND l.outcome <> 'failed' "
               "  AND l.at > a.callback_until))"
               )  # fmt: skip

    def missed_not_returned(self, now: datetime) -> list[LoggedCall]:
        """Each contact's newest missed call within AWAITING_DAYS that we have not returned:
        no call to them and no answered call with them since; the newest first."""
        return self._callback_rows(*self._MISSED, now)

    def missed_tries(self, contact_ids: Sequence[int], now: datetime) -> dict[int, int]:
        """How many missed calls each of these contacts made within AWAITING_DAYS since we
        last called them or talked with them (an unknown number's tries, for a contact);
        a contact with none is left out."""
        ids = sorted(set(contact_ids))
        if not ids:
            return {}
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        # Only placeholders are interpolated; attempts_missed holds (contact_id, at).
        rows = self._conn.execute(
            "SELECT m.contact_id, count(*) FROM attempts m "  # noqa: S608
            f"WHERE m.contact_id IN ({', '.join('?' * len(ids))}) AND m.direction = 'in' "
            "  AND m.outcome = 'missed' AND m.at >= ? "
            "  AND m.at > coalesce((SELECT max(s.at) FROM attempts s "
            "    WHERE s.contact_id = m.contact_id AND (s.direction = 'out' "
            "    AND s.outcome NOT IN ('failed', 'no_answer') OR s.outcome = 'talked')), 0) "
            "GROUP BY m.contact_id",
            (*ids, since),
        ).fetchall()
        return {int(cid): int(tries) for cid, tries in rows}

    def number_history(
        self, number_e164: str, contact_ids: Sequence[int], now: datetime
    ) -> NumberHistory:
        """Of these contacts sharing `number_e164`: whose missed call from it (within
        AWAITING_DAYS) is not returned yet, as Callbacks counts it (_MISSED), and who had any
        call on it; newest first (desktop.core.callee)."""
        ids = sorted(set(contact_ids))
        if not ids:
            return NumberHistory()
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        holders = ", ".join("?" * len(ids))
        # Only placeholders and the _MISSED constant are interpolated.
        missed = self._conn.execute(
            "SELECT a.contact_id FROM attempts a "  # noqa: S608
            f"WHERE a.number_e164 = ? AND a.contact_id IN ({holders}) AND a.at >= ? "
            f"AND {self._MISSED[0]} AND NOT EXISTS (SELECT 1 FROM attempts l "
            f"  WHERE l.contact_id = a.contact_id AND l.id <> a.id AND {self._MISSED[1]}) "
            "ORDER BY a.at DESC, a.id DESC",
            (number_e164, *ids, since),
        ).fetchall()
        touched = self._conn.execute(
            "SELECT contact_id FROM attempts "  # noqa: S608
            f"WHERE number_e164 = ? AND contact_id IN ({holders}) "
            "GROUP BY contact_id ORDER BY max(at) DESC, max(id) DESC",
            (number_e164, *ids),
        ).fetchall()
        return NumberHistory(tuple(dict.fromkeys(int(r[0]) for r in missed)),
                             tuple(int(r[0]) for r in touched))  # fmt: skip

    def unread_missed_tries(self, caller_id: str, now: datetime) -> int:
        """How many missed calls a caller ID that is no number ("Reception", told apart as
        the history tells it: same_caller_key) made within AWAITING_DAYS since the last
        call with it that was answered (none can be called back); 1 at least."""
        key = same_caller_key(caller_id)
        if not key:
            return 1
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        # attempts_number_at: number_e164 IS NULL, then by time; few rows have a caller ID.
        rows = self._conn.execute(
            "SELECT id, at, outcome, caller_id FROM attempts WHERE number_e164 IS NULL "
            "AND caller_id <> '' AND direction = 'in' AND at >= ? "
            "AND outcome IN ('missed', 'talked') ORDER BY at, id",
            (since,),
        ).fetchall()
        tries = 0
        for _id, _at, outcome, raw in rows:
            if same_caller_key(str(raw)) == key:
                tries = tries + 1 if outcome == "missed" else 0
        return max(tries, 1)

    def last_attempt_id(self) -> int:
        """The newest call's id: calls recorded later have greater ones."""
        return self._max_id("attempts")

    def missed_between(self, since: datetime, until: datetime,
                       recorded_after: int | None = None,
                       open_then: Sequence[int] = ()) -> int:  # fmt: skip
        """Missed calls that rang after ``since`` and up to ``until``, or rang before it and
        were recorded after the call of id ``recorded_after`` (0: the history was empty;
        None: not asked) or are among ``open_then`` (calls whose end was not known at
        ``since``, open_calls_since), and wait in Callbacks still: from a contact, a number or
        a colleague's extension nobody has (x3199; withheld callers cannot be called back),
        with no call since that settled them (_MISSED)."""
        return len(self.missed_ids_between(since, until, recorded_after, open_then))

    def missed_ids_between(self, since: datetime, until: datetime,
                           recorded_after: int | None = None,
                           open_then: Sequence[int] = ()) -> list[int]:  # fmt: skip
        """The ids of the calls missed_between counts, oldest first."""
        settled = self._MISSED[1]
        open_ids = ",".join(str(int(i)) for i in open_then)  # ints: nothing to bind
        rows = self._conn.execute(
            "SELECT a.id FROM attempts a WHERE a.direction = 'in' "  # noqa: S608
            f"AND a.outcome = 'missed' AND (a.at > ? OR a.id > ? OR a.id IN ({open_ids})) "
            f"AND a.at <= ? AND {_CALLABLE} "
            "AND NOT EXISTS (SELECT 1 FROM attempts l WHERE l.id <> a.id "
            "  AND (l.contact_id = a.contact_id OR l.number_e164 = a.number_e164 "
            f"  OR {_SAME_EXTENSION}) AND {settled}) ORDER BY a.id",
            (int(since.timestamp()), _NO_ID if recorded_after is None else recorded_after,
             int(until.timestamp())),
        ).fetchall()
        return [int(i) for (i,) in rows]

    def talked_unwrapped_between(self, since: datetime, until: datetime, recorded_by: int,
                                 open_then: Sequence[int] = ()) -> list[int]:  # fmt: skip
        """Calls taken that the app had seen ring (recorded by the call of id ``recorded_by``,
        the newest at this start, or earlier) and that ended while it was closed: rang from
        ``since``'s second (a stamp written as the app started, a ring in that second came
        after it) up to ``until``, or were among ``open_then`` (still ringing at the
        quit), with nothing written on them (no note, reason, callback or Done): their
        wrap-up was never offered. A softphone's catch-up of calls it alone saw (recorded
        after ``recorded_by``) is history, never asked about. Ids, oldest first."""
        open_ids = ",".join(str(int(i)) for i in open_then)  # ints: nothing to bind
        rows = self._conn.execute(
            "SELECT id FROM attempts WHERE direction = 'in' AND outcome = 'talked' "  # noqa: S608
            f"AND (at >= ? OR id IN ({open_ids})) AND at <= ? AND id <= ? "
            "AND message = '' AND reason = '' AND callback_until IS NULL AND promise_done = 0 "
            "ORDER BY id LIMIT 100",
            (int(since.timestamp()), int(until.timestamp()), recorded_by),
        ).fetchall()
        return [int(i) for (i,) in rows]

    def open_calls_since(self, since: datetime) -> list[int]:
        """Incoming calls that rang from ``since`` on and whose end is not known yet (a
        hook's ring, its end still to come): ids, oldest first. An end that comes once the
        app has quit makes such a call missed while it was closed (missed_between)."""
        rows = self._conn.execute(
            "SELECT id FROM attempts WHERE direction = 'in' AND outcome = '' AND at >= ? "
            "ORDER BY id LIMIT 100",
            (int(since.timestamp()),),
        ).fetchall()
        return [int(i) for (i,) in rows]

    def voicemails_awaiting(self, now: datetime) -> list[LoggedCall]:
        """Our newest voicemail to each contact who has neither called back nor talked to us
        since (Store.awaiting_callback's contacts), the newest first. A voicemail whose
        contact has gone since (deleted, its import undone) stays under its number, as its
        calls do (contact None), settled by a call from that number: we are still waiting
        for them to ring back."""
        rows = self._callback_rows(*self._VOICEMAIL, now)
        rows += self._callback_rows(*self._VOICEMAIL, now, by=_NUMBER)
        rows.sort(key=lambda c: (c.attempt.at, c.id), reverse=True)
        return rows[:CALLBACKS_LIMIT]

    def callback_windows(self, now: datetime) -> list[LoggedCall]:
        """Each contact's newest attempt with a promised callback window, unless it was
        settled since: a window of ours by their call in it (or our call after it), their
        "call them back by" by our call that reached them or a wrap-up that said it is
        done; the newest first. A window whose contact has gone since (deleted, its import
        undone) stays under its number, as its calls do (contact None), settled the same way
        by the calls on that number: the rep still owes that call on Friday."""
        rows = self._callback_rows(*self._WINDOW, now)
        rows += self._callback_rows(*self._WINDOW, now, by=_NUMBER)
        rows.sort(key=lambda c: (c.attempt.at, c.id), reverse=True)
        return rows[:CALLBACKS_LIMIT]

    def open_window_of(self, contact_id: int, now: datetime) -> Attempt | None:
        """The contact's open promise or window (callback_windows' entry for them), for the
        question before deleting them to say it stays; None for none."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        row = self._conn.execute(
            "SELECT a.direction, a.at, a.outcome, a.message, a.number_e164, "  # noqa: S608
            "a.callback_from, a.callback_until FROM attempts a "
            "WHERE a.id = (SELECT id FROM attempts WHERE contact_id = ? "
            "  AND callback_until IS NOT NULL AND at >= ? ORDER BY at DESC, id DESC LIMIT 1) "
            "AND NOT EXISTS (SELECT 1 FROM attempts l WHERE l.contact_id = a.contact_id "
            f"  AND l.id <> a.id AND {self._WINDOW[1]})",
            (contact_id, since),
        ).fetchone()
        if row is None:
            return None
        direction, at, outcome, message, number, cb_from, cb_until = row
        return Attempt(Direction(direction), from_epoch(at), Outcome(outcome), str(message),
                       "", number, "", *window(cb_from, cb_until))  # fmt: skip

    def attempts_on_number(self, number_e164: str, limit: int) -> tuple[Attempt, ...]:
        """The newest ``limit`` calls on a number no contact has (its contact gone since, or
        never had one), the newest first: a promise kept under it is among them, for the
        card (core/callbacks.promise_line), as a contact's are."""
        rows = self._conn.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts "  # noqa: S608 (constant)
            "WHERE number_e164 = ? AND contact_id IS NULL ORDER BY at DESC, id DESC LIMIT ?",
            (number_e164, limit),
        ).fetchall()
        return tuple(
            Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n, rep, *window(f, u),
                    caller_id=raw, promise_done=bool(done), call_key=key or "")
            for d, at, o, m, r, n, rep, f, u, _id, raw, done, key in rows
        )  # fmt: skip

    def open_promise(self, attempt_id: int) -> OpenPromise | None:
        """The contact's "call them back by" still open when this call came (made on an
        earlier call, the contact's newest window then, no call between that settled it),
        for this call's wrap-up to show; ``done`` if this call's wrap-up said it is. None for
        a call with neither contact nor number, or no promise open. A call on a number no
        contact has (its contact gone since) finds the promise kept under that number, as
        Callbacks lists it (callback_windows)."""
        row = self._conn.execute(
            "SELECT p.id, p.direction, p.at, p.outcome, p.message, p.number_e164, "  # noqa: S608
            "p.callback_from, p.callback_until, c.promise_done FROM attempts c "
            f"JOIN attempts p ON {_SAME_OWNER.format(one='p', other='c')} AND p.id <> c.id "
            f"  AND p.callback_until IS NOT NULL AND {_AFTER.format(later='c', call='p')} "
            "WHERE c.id = ? ORDER BY p.at DESC, p.id DESC LIMIT 1",
            (attempt_id,),
        ).fetchone()
        if row is None or row[1] != "in":
            return None  # none, or our own window ("you'll be in"): theirs to keep
        pid, _d, at, outcome, message, number, cb_from, cb_until, done = row
        # A call between the promise and this one that kept it (this call's own Done aside).
        kept = self._conn.execute(
            "SELECT 1 FROM attempts l, attempts a, attempts c "  # noqa: S608
            f"WHERE a.id = ? AND c.id = ? AND {_SAME_OWNER.format(one='l', other='a')} "
            f"  AND l.id NOT IN (a.id, c.id) AND {_AFTER.format(later='l', call='a')} "
            f"  AND {_AFTER.format(later='c', call='l')} AND ({self._PROMISE_KEPT}) LIMIT 1",
            (pid, attempt_id),
        ).fetchone()
        if kept is not None:
            return None
        attempt = Attempt(Direction.IN, from_epoch(at), Outcome(outcome), str(message), "",
                          number, "", *window(cb_from, cb_until))  # fmt: skip
        return OpenPromise(attempt, bool(done))

    # Calls out that reached nobody: they keep a missed call due...
    _UNREACHED = "('failed', 'no_answer')"
    # ...and a "call them back by" promise open, as do those whose outcome nobody logged.
    _PROMISE_UNKEPT = "('', 'failed', 'no_answer')"

    def unreached_since(self, promise_ids: Sequence[int]) -> dict[int, Unreached]:
        """For each "call them back by" promise (the id of the incoming call it was made on),
        the newest call out to that contact (to that number, for a promise whose contact has
        gone) since that reached nobody or whose outcome nobody logged, and how many; a
        promise with none is left out."""
        return self._unreached(promise_ids, "t.contact_id = p.contact_id "
                               "OR p.contact_id IS NULL AND t.number_e164 = p.number_e164",
                               self._PROMISE_UNKEPT)  # fmt: skip

    def unreached_after_missed(self, missed_ids: Sequence[int]) -> dict[int, Unreached]:
        """For each missed call (its attempt id), the newest call back to that contact (or,
        for a number or extension nobody has, to it) since, that reached nobody, and how many
        did; one with none is left out."""
        return self._unreached(missed_ids, "t.contact_id = p.contact_id "
                               "OR p.contact_id IS NULL AND t.number_e164 = p.number_e164 "
                               "OR p.contact_id IS NULL AND p.number_e164 IS NULL "
                               "AND t.number_e164 IS NULL AND t.caller_id <> '' "
                               "AND p.caller_id <> '' AND extension_digits(p.caller_id) <> '' "
                               "AND extension_digits(t.caller_id) = "
                               "extension_digits(p.caller_id)")  # fmt: skip

    def unreached_since_missed(self, number_e164: str) -> Unreached | None:
        """What Callbacks says beside this number's newest missed call (unreached_after_missed):
        the calls back since that reached nobody; None for none (or no missed call). A
        colleague's extension ("3103") is found as their calls from it keep it (number_clause)."""
        # The clause is one of two constants; the number is a parameter.
        row = self._conn.execute(
            f"SELECT id FROM attempts WHERE {number_clause('attempts', number_e164)} "  # noqa: S608
            "AND direction = 'in' AND outcome = 'missed' ORDER BY at DESC, id DESC LIMIT 1",
            (number_e164,),
        ).fetchone()
        if row is None:
            return None
        return self.unreached_after_missed([int(row[0])]).get(int(row[0]))

    def _unreached(self, call_ids: Sequence[int], whose: str,
                   outcomes: str = _UNREACHED) -> dict[int, Unreached]:  # fmt: skip
        """By incoming call `p` (its id): the calls out `t` to `whose` since it with one of
        `outcomes` (reached nobody), the newest and how many."""
        ids = sorted(set(call_ids))
        if not ids:
            return {}
        # `whose` is one of the constants above; only placeholders are interpolated besides.
        # attempts_contact_at / attempts_number_at find the tries.
        rows = self._conn.execute(
            "SELECT p.id, max(t.at), t.outcome, count(*) FROM attempts p "  # noqa: S608
            f"JOIN attempts t ON ({whose}) AND t.direction = 'out' "
            f"  AND t.outcome IN {outcomes} AND {_AFTER.format(later='t', call='p')} "
            f"WHERE p.id IN ({', '.join('?' * len(ids))}) GROUP BY p.id",
            ids,
        ).fetchall()
        return {int(pid): Unreached(from_epoch(at), Outcome(outcome), int(n))
                for pid, at, outcome, n in rows}  # fmt: skip

    # An unknown caller is its number: settled, like a contact, by a later call to that
    # number or an answered call with it (attempts_number_at finds both). Withheld callers
    # (no number) can never be called back and are left out.
    _UNKNOWN_MISSED = (
        "FROM (SELECT id AS newest, max(at) FROM attempts WHERE direction = 'in' "  # noqa: S608
        "  AND outcome = 'missed' AND contact_id IS NULL AND number_e164 IS NOT NULL "
        "  AND at >= ? GROUP BY number_e164) v "
        "JOIN attempts a ON a.id = v.newest "
        "WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.number_e164 = a.number_e164 "
        f"  AND {_AFTER.format(later='l', call='a')} AND (l.direction = 'out' "
        "  AND l.outcome NOT IN ('failed', 'no_answer') "
        "  OR l.outcome = 'talked'))"
    )

    # A colleague's extension nobody in the book has ("3199": no E.164, its caller ID kept):
    # settled, as a number is, by a later call to it that reached them or an answered call
    # with it, its calls told by their digits (extension_digits(), the rule of
    # desktop.core.internal_extension registered on each connection). attempts_number_at:
    # number_e164 IS NULL, then by time; few rows have a caller ID.
    _FROM_EXTENSION = ("number_e164 IS NULL AND caller_id <> '' "
                       "AND extension_digits(caller_id) <> ''")  # fmt: skip
    _UNKNOWN_EXTENSION_MISSED = (
        "FROM (SELECT id AS newest, max(at) FROM attempts WHERE direction = 'in' "  # noqa: S608
        f"  AND outcome = 'missed' AND contact_id IS NULL AND {_FROM_EXTENSION} "
        "  AND at >= ? GROUP BY extension_digits(caller_id)) v "
        "JOIN attempts a ON a.id = v.newest "
        "WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.number_e164 IS NULL "
        "  AND l.caller_id <> '' AND extension_digits(l.caller_id) = extension_digits(a.caller_id) "
        f"  AND {_AFTER.format(later='l', call='a')} AND (l.direction = 'out' "
        "  AND l.outcome NOT IN ('failed', 'no_answer') "
        "  OR l.outcome = 'talked'))"
    )

    def unknown_missed_not_returned(self, now: datetime) -> list[UnknownMissed]:
        """Each unknown number's newest missed call within AWAITING_DAYS that nobody
        returned, the newest first, with its tries since the last call to or answered call
        with that number."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        # Built from the constants above; values are parameters.
        rows = self._conn.execute(
            "SELECT a.id, a.at, a.number_e164, a.caller_name, (SELECT count(*) FROM attempts m "  # noqa: S608
            "  WHERE m.number_e164 = a.number_e164 AND m.direction = 'in' "
            "  AND m.outcome = 'missed' AND m.contact_id IS NULL AND m.at >= ? "
            "  AND m.at > coalesce((SELECT max(s.at) FROM attempts s "
            "    WHERE s.number_e164 = a.number_e164 AND (s.direction = 'out' "
            "    AND s.outcome NOT IN ('failed', 'no_answer') OR s.outcome = 'talked')), 0)) "
            f"{self._UNKNOWN_MISSED} ORDER BY a.at DESC, a.id DESC LIMIT {CALLBACKS_LIMIT}",
            (since, since),
        ).fetchall()
        unknown = [
            UnknownMissed(int(aid), Attempt(Direction.IN, from_epoch(at), Outcome.MISSED,
                                            number_e164=str(number), caller_name=str(name)),
                          max(int(tries), 1))
            for aid, at, number, name, tries in rows
        ]  # fmt: skip
        unknown += self._unknown_extensions_missed(since)
        unknown.sort(key=lambda u: (u.attempt.at, u.id), reverse=True)
        return unknown[:CALLBACKS_LIMIT]

    def _unknown_extensions_missed(self, since: int) -> list[UnknownMissed]:
        """unknown_missed_not_returned's entries for extensions nobody has: the caller ID
        kept (CallbackItem.extension reads "3199" from it), no E.164."""
        rows = self._conn.execute(
            "SELECT a.id, a.at, a.caller_id, a.caller_name, (SELECT count(*) FROM attempts m "  # noqa: S608
            "  WHERE m.number_e164 IS NULL AND m.caller_id <> '' "
            "  AND extension_digits(m.caller_id) = extension_digits(a.caller_id) "
            "  AND m.direction = 'in' AND m.outcome = 'missed' AND m.contact_id IS NULL "
            "  AND m.at >= ? AND m.at > coalesce((SELECT max(s.at) FROM attempts s "
            "    WHERE s.number_e164 IS NULL AND s.caller_id <> '' "
            "    AND extension_digits(s.caller_id) = extension_digits(a.caller_id) "
            "    AND (s.direction = 'out' AND s.outcome NOT IN ('failed', 'no_answer') "
            "    OR s.outcome = 'talked')), 0)) "
            f"{self._UNKNOWN_EXTENSION_MISSED} ORDER BY a.at DESC, a.id DESC "
            f"LIMIT {CALLBACKS_LIMIT}",
            (since, since),
        ).fetchall()
        return [
            UnknownMissed(int(aid), Attempt(Direction.IN, from_epoch(at), Outcome.MISSED,
                                            caller_name=str(name), caller_id=str(raw)),
                          max(int(tries), 1))
            for aid, at, raw, name, tries in rows
        ]  # fmt: skip

    def rang_not_returned(self, now: datetime) -> list[tuple[Attempt, int | None]]:
        """Each caller's newest inbound call within RANG_DAYS, and RANG_LISTED_AFTER old at
        least, whose outcome is not known (a hook's ring that no end followed), with no call
        from or to them since, the newest first; with its contact's id, None for a number
        nobody has (a colleague's extension nobody has, x3199, keeps its caller ID). Withheld
        callers (no number, no contact) cannot be called back and are left out."""
        since = int((now - timedelta(days=RANG_DAYS)).timestamp())
        until = int((now - RANG_LISTED_AFTER).timestamp())
        rows = self._conn.execute(
            "SELECT a.contact_id, a.at, a.number_e164, a.caller_name, a.caller_id "  # noqa: S608
            "FROM attempts a WHERE a.at >= ? AND a.at <= ? AND a.direction = 'in' "
            f"  AND a.outcome = '' AND {_CALLABLE} "
            "  AND NOT EXISTS (SELECT 1 FROM attempts l "
            "    WHERE (l.at > a.at OR l.at = a.at AND l.id > a.id) "
            "    AND (l.contact_id = a.contact_id OR l.number_e164 = a.number_e164 "
            f"    OR {_SAME_EXTENSION}) AND l.outcome <> 'failed') "
            f"ORDER BY a.at DESC, a.id DESC LIMIT {CALLBACKS_LIMIT}",
            (since, until),
        ).fetchall()
        return [
            (Attempt(Direction.IN, from_epoch(at), Outcome.UNKNOWN, number_e164=number,
                     caller_name=str(name or ""), caller_id=str(raw or "")),
             None if cid is None else int(cid))
            for cid, at, number, name, raw in rows
        ]  # fmt: skip

    def callbacks_due(self, now: datetime) -> int:
        """How many missed calls are not returned and promised windows ran out unanswered
        (core/callbacks.py's due entries), less those put off past ``now`` (store/put_off.py),
        counted without loading them: the tray menu asks each time it opens."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        at = int(now.timestamp())
        contact, number = "'c:' || a.contact_id", "'n:' || a.number_e164"
        ours = "CASE a.direction WHEN 'in' THEN 'waiting_for_us' ELSE 'follow_ups' END"
        missed = self._conn.execute(
            f"SELECT count(*) {self._callback_from(*self._MISSED)} "
            f"AND {self._not_put_off(self._WAITING, contact)}",
            (since, at),
        ).fetchone()[0]
        ran_out = self._conn.execute(
            f"SELECT count(*) {self._callback_from(*self._WINDOW)} "
            # core/callbacks.py's promise_due: "call them back by" from its window's start
            "AND (a.direction = 'in' AND a.callback_from <= ? "
            "  OR a.direction <> 'in' AND a.callback_until < ?) "
            f"AND {self._not_put_off(ours, contact)}",
            (since, at, at, at),
        ).fetchone()[0]
        # A promise whose contact has gone waits under its number (callback_windows).
        ran_out += self._conn.execute(
            f"SELECT count(*) {self._callback_from(*self._WINDOW, by=_NUMBER)} "
            "AND (a.direction = 'in' AND a.callback_from <= ? "
            "  OR a.direction <> 'in' AND a.callback_until < ?) "
            f"AND {self._not_put_off(ours, number)}",
            (since, at, at, at),
        ).fetchone()[0]
        unknown = self._conn.execute(
            f"SELECT count(*) {self._UNKNOWN_MISSED} "
            f"AND {self._not_put_off(self._WAITING, number)}",
            (since, at),
        ).fetchone()[0]
        extension = "'n:' || extension_digits(a.caller_id)"  # core/put_off.key_of's
        extensions = self._conn.execute(
            f"SELECT count(*) {self._UNKNOWN_EXTENSION_MISSED} "
            f"AND {self._not_put_off(self._WAITING, extension)}",
            (since, at),
        ).fetchone()[0]
        return int(missed) + int(ran_out) + int(unknown) + int(extensions)

    _WAITING = "'waiting_for_us'"

    @staticmethod
    def _not_put_off(section: str, who: str) -> str:
        """The attempt `a`'s entry in ``section`` is not put off past the next parameter."""
        return ("NOT EXISTS (SELECT 1 FROM callbacks_put_off z WHERE z.section = "  # noqa: S608
                f"{section} AND z.who = {who} AND z.call_at = a.at AND z.until > ?)")  # fmt: skip

    @staticmethod
    def _callback_from(which: str, settled_by: str, by: str = _CONTACT) -> str:
        """FROM and WHERE of a callback kind: each contact's newest matching attempt since
        the first parameter, unless a later call settled it; ``by`` _NUMBER: each number's,
        of the calls no contact has (its contact gone since), settled by the calls on that
        number. (SQLite fills a bare column of a max() aggregate from the row holding the
        maximum: `id` is the newest attempt's.)"""
        newest = which.replace("a.", "")
        whose = ("contact_id IS NOT NULL" if by == _CONTACT
                 else "contact_id IS NULL AND number_e164 IS NOT NULL")  # fmt: skip
        # `which`, `settled_by` and `by` are the constants above; values are parameters.
        return (
            "FROM (SELECT id AS newest, max(at) FROM attempts "  # noqa: S608
            f"  WHERE {newest} AND {whose} AND at >= ? GROUP BY {by}) v "
            "JOIN attempts a ON a.id = v.newest "
            f"WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.{by} = a.{by} "
            f"  AND l.id <> a.id AND {settled_by})"
        )

    def _callback_rows(
        self, which: str, settled_by: str, now: datetime, by: str = _CONTACT
    ) -> list[LoggedCall]:
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        sql = (
            "SELECT a.id, a.contact_id, a.direction, a.at, a.outcome, a.message, a.reason, "
            "a.number_e164, a.source, a.callback_from, a.callback_until, a.caller_name "
            f"{self._callback_from(which, settled_by, by)} "
            f"ORDER BY a.at DESC, a.id DESC LIMIT {CALLBACKS_LIMIT}"
        )
        rows = self._conn.execute(sql, (since,)).fetchall()
        if by == _NUMBER:  # a number nobody has: what its caller ID said names it
            return [
                LoggedCall(int(aid), Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n,
                                             "", *window(cb_from, cb_until),
                                             caller_name=str(name)), None, str(src))
                for aid, _c, d, at, o, m, r, n, src, cb_from, cb_until, name in rows
            ]  # fmt: skip
        contacts = {
            c.id: c for c in self.contacts_by_id([int(r[1]) for r in rows], attempts_limit=0)
        }
        return [
            LoggedCall(int(aid), Attempt(Direction(d), from_epoch(at), Outcome(o), m, r, n,
                                         "", *window(cb_from, cb_until)),
                       contacts[cid], str(src))
            for aid, cid, d, at, o, m, r, n, src, cb_from, cb_until, _name in rows
            if cid in contacts
        ]  # fmt: skip

    _awaiting_cache: tuple[tuple[object, ...], list[int], dict[int, int]] | None = None

    def awaiting_callback(self, now: datetime | None = None) -> list[int]:
        """Contacts we left a voicemail for (within AWAITING_DAYS) who have neither called
        back nor talked to us since; the most recent message first."""
        return list(self._awaiting(now or datetime.now(UTC))[0])

    def _awaiting(self, now: datetime) -> tuple[list[int], dict[int, int]]:
        """The awaiting list and each id's place in it, cached until the database changes,
        so the filter costs nothing per keystroke."""
        since = int((now - timedelta(days=AWAITING_DAYS)).timestamp())
        key = (*self._data_version(), since // 3600)
        if self._awaiting_cache is None or self._awaiting_cache[0] != key:
            ids = [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT contact_id FROM (SELECT contact_id, max(at) AS left_at "
                    "  FROM attempts WHERE direction = 'out' AND outcome = 'voicemail' "
                    "  AND at >= ? AND contact_id IS NOT NULL GROUP BY contact_id) v "
                    "WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.contact_id = "
                    "  v.contact_id AND l.at > v.left_at "
                    "  AND (l.direction = 'in' OR l.outcome = 'talked')) "
                    "ORDER BY left_at DESC",
                    (since,),
                )
            ]
            self._awaiting_cache = (key, ids, {cid: i for i, cid in enumerate(ids)})
        return self._awaiting_cache[1], self._awaiting_cache[2]

    def _data_version(self) -> tuple[int, int]:
        """Changes by other connections (data_version) and by this one (total_changes)."""
        other = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return other, self._conn.total_changes
