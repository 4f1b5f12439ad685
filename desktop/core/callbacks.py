"""The rep's callbacks: who is waiting for us, whom we are waiting for, the windows the rep
promised to be in, and the follow-ups those windows left.

A callback window is what the rep told a prospect ("I'll be in my office tomorrow 9–12"),
typed in the wrap-up in the rep's own words and read here in the rep's own time zone. While
it is open, the prospect's call shows "You said you'd be in 9–12 today" on the card; once it
has closed without a call from them, it becomes a follow-up due.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from desktop.core.localtime import HourCycle, clock_text
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.time_words import day_named, in_english

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|—|to|until)\s*{_TIME}$")
_BY = re.compile(rf"^(?:by|before|until)\s+{_TIME}$")
_AT = re.compile(rf"^(?:at\s+)?{_TIME}$")  # a bare time: a deadline in "call them back by"
MAX_WINDOW_TEXT = 80
END_OF_DAY = (18, 0)  # a day named alone as a deadline: the default business hours' end


@dataclass(frozen=True)
class Window:
    start: datetime  # aware
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


def window_of(attempt: Attempt) -> Window | None:
    if attempt.callback_from is None or attempt.callback_until is None:
        return None
    return Window(attempt.callback_from, attempt.callback_until)


# What the rep can type, shown as examples on their own clock: "Fri 2-4pm" on a 24-hour
# desktop reads as a foreign way of writing times.
_EXAMPLES: dict[tuple[HourCycle, bool], tuple[str, ...]] = {
    ("24h", False): ("9-12", "tomorrow 9–12", "Fri 14-16", "by 17:00"),
    ("12h", False): ("9-12", "tomorrow 9–12", "Fri 2-4pm", "by 5pm"),
    ("24h", True): ("17:00", "tomorrow 17:00", "Fri by 12"),
    ("12h", True): ("5pm", "tomorrow 5pm", "Fri by 12pm"),
}


# ...and in the rep's own language where it reads one (core/time_words.py): a German rep
# shown "tomorrow 17:00" did not learn that "morgen 17 Uhr" is read.
_THEIR_EXAMPLES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("de", False): ("9-12", "morgen 9–12", "Fr 14-16 Uhr", "bis 17 Uhr"),
    ("de", True): ("17 Uhr", "morgen 14 Uhr", "Fr bis 12"),
    ("fr", False): ("9h-12h", "demain 9h-12h", "ven 14h-16h", "avant 17h"),
    ("fr", True): ("17h", "demain 14h", "ven avant 12h"),
}


def window_examples(
    cycle: HourCycle, *, deadline: bool = False, language: str = "en"
) -> tuple[str, ...]:
    """Examples of what `parse_window` reads, written on the rep's clock, in the rep's
    language."""
    return _THEIR_EXAMPLES.get((language, deadline)) or _EXAMPLES[cycle, deadline]


def parse_window(
    text: str, now: datetime, *, deadline: bool = False, cycle: HourCycle = "12h",
    language: str = "en",
) -> Window | None:  # fmt: skip
    """A window from the rep's words: "9-12", "tomorrow 9–12", "Fri 2-4pm", "today 14:00 to
    16:30", "by 17:00"; read in ``now``'s zone. With ``deadline`` (the field asks "Call them
    back by") a bare time is the end too: "5pm", "tomorrow 17:00". "next week" is its
    Monday; with ``language`` "de" or "fr" the rep's own words too ("morgen 14 Uhr", "bis
    17 Uhr", "demain 14h": core/time_words.py). None for an empty text; ValueError, saying
    what is understood (examples on ``cycle``'s clock), for anything else."""
    words = in_english(" ".join(text.lower().split()), language)
    if not words:
        return None
    day, rest = _day_of(words, now, language)
    if deadline and day is not None and rest in ("", "by", "before", "until"):
        # "Wed", "by tomorrow": by the end of that working day, which the wrap-up's line
        # then says ("Call them back by 18:00 Wed 9 Dec"). Refused, the rep was left with
        # a grey Save and three lines of examples.
        start = now if day.date() == now.date() else _at(day, now, 0, 0)
        end = _at(day, now, *END_OF_DAY)
        return Window(start, end if end > start else _at(day, now, 23, 59))  # "today", late
    by = _BY.match(rest) or (_AT.match(rest) if deadline else None)
    if by is not None:
        end_h, end_m = _afternoon(*_hour(by.group(1), by.group(2), by.group(3), None), by)
        start = now if day is None else _at(day, now, 0, 0)
        day = day if day is not None else now
        end = _at(day, now, end_h, end_m)
        if end <= start:
            end += timedelta(days=1)
            start = _at(end, now, 0, 0) if start.date() != end.date() else start
        return Window(start, end)
    found = _RANGE.match(rest)
    if found is None and deadline:
        examples = window_examples(cycle, deadline=True, language=language)
        raise ValueError(f"say by when, e.g. {_quoted(examples)}")
    if found is None:
        raise ValueError(f"say when, e.g. {_quoted(window_examples(cycle, language=language))}")
    s_h, s_m, s_suffix, e_h, e_m, e_suffix = found.groups()
    end_h, end_m = _afternoon(*_hour(e_h, e_m, e_suffix, None), found, group=4)
    start_h, start_m = _hour(s_h, s_m, s_suffix, e_suffix if s_suffix is None else None)
    if s_suffix is None and e_suffix is None and end_h != int(e_h) and start_h + 12 <= end_h:
        start_h += 12  # "2-4": the afternoon's 14-16, like its end
    if (start_h, start_m) > (end_h, end_m) and s_suffix is None and start_h + 12 <= end_h:
        start_h += 12
    if (start_h, start_m) >= (end_h, end_m) and end_h != 24:
        raise ValueError("the window ends before it starts")
    base = day if day is not None else now
    window = Window(_at(base, now, start_h, start_m), _at(base, now, end_h, end_m))
    if day is None and window.end <= now:  # "9-12" said in the afternoon means tomorrow
        window = Window(window.start + timedelta(days=1), window.end + timedelta(days=1))
    return window


def _day_of(words: str, now: datetime, language: str) -> tuple[datetime | None, str]:
    """The day named first or last ("tomorrow 9-12", "9-12 tomorrow"), and the other words."""
    first, _, rest = words.partition(" ")
    day = _day_named(first, now, language)
    if day is not None:
        return day, rest
    rest, _, last = words.rpartition(" ")
    day = _day_named(last, now, language)
    return (day, rest) if day is not None else (None, words)


def _day_named(word: str, now: datetime, language: str) -> datetime | None:
    theirs = day_named(word, now, language)  # the rep's language's, and next week
    if theirs is not None:
        return theirs
    if word == "today":
        return now
    if word == "tomorrow":
        return now + timedelta(days=1)
    for index, name in enumerate(_WEEKDAYS):
        # "Fri", "friday", and the two letters calendars head their columns with ("Fr 14-16":
        # used as a rep, refused).
        if (word.startswith(name) and len(word) <= 9) or word.rstrip(".") == name[:2]:
            return now + timedelta(days=(index - now.weekday()) % 7)
    return None


def _hour(
    hour: str, minute: str | None, suffix: str | None, implied: str | None
) -> tuple[int, int]:
    h, m = int(hour), int(minute or 0)
    meridiem = (suffix or implied or "").replace(".", "")
    if meridiem:
        if not 1 <= h <= 12:
            raise ValueError(f"{hour} is not an hour on a 12-hour clock")
        h = h % 12 + (12 if meridiem == "pm" else 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(f"{hour}:{minute or '00'} is not a time of day")
    return h, m


def _afternoon(hour: int, minute: int, found: re.Match[str], group: int = 1) -> tuple[int, int]:
    """A bare 1 to 6 o'clock is the afternoon's: "Thursday at 2", "by 5", "2-4" are said of
    working hours, and were read as 02:00, a callback due in the night. "02:00", or an am,
    is kept."""
    said = found.group(group)
    if found.group(group + 2) is None and not said.startswith("0") and 1 <= hour <= 6:
        return hour + 12, minute
    return hour, minute


def _at(day: datetime, now: datetime, hour: int, minute: int) -> datetime:
    midnight = day.astimezone(now.tzinfo).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(hours=hour, minutes=minute)


def window_text(window: Window, now: datetime, cycle: HourCycle = "24h") -> str:
    """"9–12 today", "9:30–12 tomorrow", "14–16 Fri 12 Dec", in ``now``'s zone; on a
    12-hour clock "9 AM–12 PM today", "2–4 PM Fri 12 Dec"."""
    start = window.start.astimezone(now.tzinfo)
    end = window.end.astimezone(now.tzinfo)
    if cycle == "12h":
        hours = _twelve_hour_range(start, end)
    else:
        hours = f"{_short_time(start)}–{_short_time(end)}"
    return f"{hours} {day_text(start, now)}"


def by_text(window: Window, now: datetime, cycle: HourCycle = "24h") -> str:
    """"by 17:00 today", "by 5:00 PM tomorrow": the end of a window, in ``now``'s zone."""
    end = window.end.astimezone(now.tzinfo)
    return f"by {clock_text(end, end.date(), cycle)} {day_text(end, now)}"


def _twelve_hour_range(start: datetime, end: datetime) -> str:
    def clock(moment: datetime) -> tuple[str, str]:
        hour = moment.hour % 12 or 12
        text = f"{hour}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
        return text, "AM" if moment.hour < 12 else "PM"

    (first, first_half), (last, last_half) = clock(start), clock(end)
    if first_half == last_half:
        return f"{first}–{last} {last_half}"
    return f"{first} {first_half}–{last} {last_half}"


def day_text(moment: datetime, now: datetime) -> str:
    days = (moment.date() - now.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"{_SHORT_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"


def _short_time(moment: datetime) -> str:
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


def ago_text(then: datetime, now: datetime) -> str:
    """"just now", "40 min ago", "5 h ago", "3 days ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def promise_line(attempts: Sequence[Attempt], now: datetime, cycle: HourCycle = "24h") -> str:
    """What the card says when the contact calls inside a window the rep promised and still
    open, or before a "call them back by" is due: "You said you'd be in 9–12 today"; ""
    otherwise. `attempts` newest first.

    Open as Callbacks says (adapters/store/callbacks.py, _WINDOW): the newest window only (a
    later one replaces it), a "call them back by" until a call of ours reached them or a
    wrap-up said Done, a "you'd be in" until they rang in it. A kept promise said again on
    their next call told the rep they still owed a call they had made."""
    for place, attempt in enumerate(attempts):
        window = window_of(attempt)
        if window is None:
            continue
        # A "call them back by" is owed from the call it was promised in (its window may be
        # kept from tomorrow 00:00): their call tonight reminds the rep, as the wrap-up does.
        owed = now <= window.end if attempt.direction is Direction.IN else window.holds(now)
        if not owed or _settled(attempt, window, attempts[:place]):
            return ""
        if attempt.direction is Direction.IN:  # the rep was to call them back
            return f"You said you'd call them back {by_text(window, now, cycle)}"
        return f"You said you'd be in {window_text(window, now, cycle)}"
    return ""


# Calls out that do not keep a "call them back by": they reached nobody (failed, rang out), or
# nobody said whether they did (a dial or a softphone's call whose wrap-up was skipped, a hook
# with no end). An unknown outcome kept it, and a promise vanished from Callbacks as MicroSIP
# logged the call, before anyone knew whether it was answered; it stays, said beside it
# ("Called 14:02, outcome not logged"), until a wrap-up says the call reached them.
NOT_KEPT_BY = (Outcome.FAILED, Outcome.NO_ANSWER, Outcome.UNKNOWN)


def _settled(promise: Attempt, window: Window, since: Sequence[Attempt]) -> bool:
    """Whether a call after the promise (`since`) kept it."""
    if promise.direction is Direction.IN:
        return any(
            later.promise_done
            or (later.direction is Direction.OUT and later.outcome not in NOT_KEPT_BY)
            for later in since
        )
    return any(
        (later.direction is Direction.IN or later.outcome is Outcome.TALKED)
        and later.at >= window.start
        for later in since
    )


class Section(StrEnum):
    WAITING_FOR_US = "waiting_for_us"
    WAITING_FOR_THEM = "waiting_for_them"
    PROMISED = "promised"
    FOLLOW_UPS = "follow_ups"
    PUT_OFF = "put_off"  # core/put_off.py: snoozed until a time the rep chose

    @property
    def heading(self) -> str:
        return _TITLES[self]


_TITLES = {
    Section.WAITING_FOR_US: "Waiting for us",
    Section.WAITING_FOR_THEM: "We are waiting for them",
    Section.PROMISED: "Promised callback windows",
    Section.FOLLOW_UPS: "Follow-ups due",
    Section.PUT_OFF: "Put off",
}


@dataclass(frozen=True)
class CallbackItem:
    section: Section
    attempt: Attempt  # the call it comes from
    contact: Contact | None  # None: a number nobody has (the caller ID's name is on attempt)
    detail: str  # "Missed call 40 min ago", "Voicemail left 3 days ago", "9–12 tomorrow"
    due: bool  # counts in "Callbacks (N due)"
    tries: int = 1  # missed calls since the number (or contact) was last called or answered
    # Put off (core/put_off.py): the section it waits to go back to, and until when
    put_off_from: Section | None = None
    until: datetime | None = None

    @property
    def number(self) -> str | None:
        if self.attempt.number_e164 or self.contact is None:
            return self.attempt.number_e164
        return next((n.e164 for n in self.contact.numbers if n.e164), None)

    @property
    def extension(self) -> str:
        """A colleague's internal extension ("3103") when they have no number to call: the
        one their call came from, else the one kept on them; "" otherwise. The office PBX
        dials it, so it is called back, copied and logged as a number is."""
        if self.number:
            return ""
        from desktop.core.internal_extension import extension_digits

        came_from = extension_digits(self.attempt.caller_id) if self.attempt.caller_id else ""
        if came_from or self.contact is None:
            return came_from
        return next((n.extension for n in self.contact.numbers if n.is_internal), "")

    @property
    def dial(self) -> str:
        """What the rep calls them back on: the number, else their extension; "" for none."""
        return self.number or self.extension


@dataclass(frozen=True)
class Unreached:
    """Calls back since a "call them back by" promise that reached nobody, or nobody said
    whether they did: they keep it open, and the newest is said beside it ("Tried 14:05, no
    answer", "Called 14:02, outcome not logged")."""

    at: datetime
    # NO_ANSWER (a busy line too: the call logs say no more) or FAILED; UNKNOWN for a call
    # whose outcome nobody logged (NOT_KEPT_BY)
    outcome: Outcome
    tries: int = 1

    def text(self, now: datetime, cycle: HourCycle = "24h") -> str:
        local = self.at.astimezone(now.tzinfo)
        when = clock_text(local, local.date(), cycle)
        if local.date() != now.date():
            when = f"{day_text(local, now)} {when}"
        if self.outcome is Outcome.UNKNOWN:
            return f"Called {when}, outcome not logged{tries_text(self.tries)}"
        how = "call failed" if self.outcome is Outcome.FAILED else "no answer"
        return f"Tried {when}, {how}{tries_text(self.tries)}"


Called = Sequence[tuple[Attempt, Contact]]
# An unknown number's newest missed call, and how many missed calls it made since it was last
# called back or answered.
UnknownCalled = Sequence[tuple[Attempt, int]]
# A caller's newest call whose outcome is not known, nothing since; None: a number nobody has.
Rang = Sequence[tuple[Attempt, Contact | None]]
# A call with a callback window; None: its contact has gone since, it waits under its number.
Windowed = Sequence[tuple[Attempt, Contact | None]]


def unknown_caller(attempt: Attempt) -> str:
    """Who a call from someone nobody has is, as Callbacks keys them: its E.164, else the
    colleague's extension it came from ("3199"); "" for neither."""
    if attempt.number_e164:
        return attempt.number_e164
    from desktop.core.internal_extension import extension_digits

    return extension_digits(attempt.caller_id) if attempt.caller_id else ""


def tries_text(tries: int) -> str:
    return f" ({tries} tries)" if tries > 1 else ""


def callback_items(
    missed: Called, voicemails: Windowed, windows: Windowed, now: datetime,
    cycle: HourCycle = "24h",
    unknown_missed: UnknownCalled = (), contact_tries: Mapping[int, int] | None = None,
    rang: Rang = (), unreached: Mapping[int | str, Unreached] | None = None,
    missed_unreached: Mapping[int | str, Unreached] | None = None,
) -> list[CallbackItem]:  # fmt: skip
    """The four sections in order. ``missed``: their newest missed call, for contacts we have
    not reached since; ``unknown_missed`` the same for numbers nobody has, listed among them
    by time; ``voicemails``: our newest voicemail to contacts who have not called back (None:
    its contact has gone since, it waits under its number);
    ``windows``: attempts with a callback window and no call from the contact since (None:
    its contact has gone since, and it waits under its number, as the calls do);
    ``contact_tries``: each missed contact's tries since we last reached them (1 if absent),
    as an unknown number's are counted; ``unreached``: by contact id (by number for a
    promise whose contact has gone), the calls back since
    their "call them back by" promise that reached nobody (it stays open); such a promise
    is due from the start of its window (promise_due), listed before that too;
    ``missed_unreached``: the same for a missed call, by contact id, or by number (or
    extension: unknown_caller) for one nobody has (a call back that rang out settles no
    missed call).

    ``rang``: calls that rang and whose outcome nobody reported (a hook's ring with no end: a
    softphone that crashed, a hook set for incoming calls only), each caller's newest with no
    call since, once it is old enough not to be still talked on (the store's
    RANG_LISTED_AFTER). Such a call may have been missed, so it waits among the missed calls
    ("Rang 40 min ago, outcome unknown") rather than being dropped; it is not counted as due (it may
    as well have been answered), and a caller listed for a missed call is listed once."""
    tries_of = contact_tries or {}
    waiting: list[tuple[Attempt, Contact | None, int]] = [
        (a, c, max(tries_of.get(c.id, 1), 1)) for a, c in missed
    ]
    waiting += [(a, None, tries) for a, tries in unknown_missed]
    listed = {c.id for _a, c in missed} | {unknown_caller(a) for a, _t in unknown_missed}
    waiting += [(a, c, 0) for a, c in rang
                if (c.id if c is not None else unknown_caller(a)) not in listed]  # fmt: skip
    waiting.sort(key=lambda entry: entry[0].at, reverse=True)
    tried_of = missed_unreached or {}

    def missed_text(attempt: Attempt, contact: Contact | None, tries: int) -> str:
        said = f"Missed call {ago_text(attempt.at, now)}{tries_text(tries)}"
        who = contact.id if contact is not None else unknown_caller(attempt)
        tried = tried_of.get(who) if who else None
        return f"{said} · {tried.text(now, cycle)}" if tried is not None else said

    items = [
        CallbackItem(Section.WAITING_FOR_US, a, c, missed_text(a, c, tries), True, tries)
        if tries else
        CallbackItem(Section.WAITING_FOR_US, a, c,
                     f"Rang {ago_text(a.at, now)}, outcome unknown", False)
        for a, c, tries in waiting
    ]  # fmt: skip
    items += [
        CallbackItem(Section.WAITING_FOR_THEM, a, c,
                     f"Voicemail left {ago_text(a.at, now)}", False)
        for a, c in voicemails
    ]  # fmt: skip
    promised, overdue, deadlines = [], [], []
    for attempt, contact in windows:
        window = window_of(attempt)
        if window is None:
            continue
        if attempt.direction is Direction.IN:  # they asked us to call back by then
            by = f"Call them back {by_text(window, now, cycle)}"
            detail = by if window.end >= now else f"{by} — overdue"
            whose = contact.id if contact is not None else attempt.number_e164
            tried = (unreached or {}).get(whose) if whose is not None else None
            if tried is not None:
                detail += f" · {tried.text(now, cycle)}"
            # Due once its day has come (the window opens at the start of the day named, or
            # when it was said for today): "by 10:00 tomorrow" counted in "Callbacks (1 due)"
            # the evening before, and a count that is never zero is a count nobody reads.
            deadlines.append(CallbackItem(Section.WAITING_FOR_US, attempt, contact, detail,
                                          promise_due(window, now)))  # fmt: skip
            continue
        said = window_text(window, now, cycle)
        if window.end >= now:
            detail = f"You said you'd be in {said}" + (" — open now" if window.holds(now) else "")
            promised.append(CallbackItem(Section.PROMISED, attempt, contact, detail, False))
        else:
            overdue.append(CallbackItem(
                Section.FOLLOW_UPS, attempt, contact,
                f"No call in {said}: call them", True))  # fmt: skip
    promised.sort(key=lambda item: item.attempt.callback_from or now)
    # The soonest due first, as the rep has to make them: in the order the calls came, "by
    # 12:00 tomorrow" stood above "by 11:30 today". One whose time has passed heads the
    # section, above the missed calls: a promise already broken.
    deadlines.sort(key=lambda item: item.attempt.callback_until or now)
    late = [d for d in deadlines if (d.attempt.callback_until or now) < now]
    ahead = deadlines[len(late):]
    return late + items + ahead + promised + overdue


def promise_due(window: Window, now: datetime) -> bool:
    """A "call them back by" promise is due from the start of its window: the day named
    ("by 10:00 tomorrow": tomorrow), or at once for one said for today; before that it
    waits, listed but not counted."""
    return window.start <= now


@dataclass(frozen=True)
class OpenPromise:
    """A "call them back by" the rep made on an earlier call with the contact and has not
    kept yet (no call out reached them since, nobody said it was done), as the wrap-up of
    their next call shows it: ``done`` when that call's wrap-up said so already."""

    attempt: Attempt  # the call it was made on, with its window and note
    done: bool = False

    def text(self, now: datetime, cycle: HourCycle = "24h") -> str:
        """"Call them back by 10:00 tomorrow · Wants 3-year pricing by Friday"."""
        window = window_of(self.attempt)
        said = f"Call them back {by_text(window, now, cycle)}" if window else "Call them back"
        if window is not None and window.end < now:
            said += " — overdue"
        # Its lines kept apart, as the card's and Recent calls' (card_text.lines_in_one):
        # "Sent the quote Budget 40k" read as one sentence.
        note = " · ".join(" ".join(line.split()) for line in self.attempt.message.splitlines()
                          if line.strip())  # fmt: skip
        if len(note) > PROMISE_NOTE_CHARS:
            note = note[: PROMISE_NOTE_CHARS - 1].rstrip() + "…"
        return f"{said} · {note}" if note else said


def stays_text(attempt: Attempt, number: str, now: datetime, cycle: HourCycle = "24h",
               heir: str = "") -> str:  # fmt: skip
    """What the question before deleting a contact says of their open promise or window
    (``number``: the call's, as shown; "" for none): it stays in Callbacks under that number,
    as their calls stay in Recent calls, or with ``heir``, who has that number too (a
    switchboard), whose it becomes. Unsaid, a rep deleting a duplicate lost "call them back
    by Friday" without a word."""
    window = window_of(attempt)
    if window is None:
        return ""
    if attempt.direction is Direction.IN:
        said = f"Your promise to call them back {by_text(window, now, cycle)}"
    else:
        said = f"The window you gave them ({window_text(window, now, cycle)})"
    if not number:
        return f"{said} goes with them."
    if heir:
        return f"{said} stays in Callbacks, under {heir}, who has {number} too."
    return f"{said} stays in Callbacks, under {number}."


PROMISE_NOTE_CHARS = 60  # of the note beside an open promise: its first line's worth


def due_count(items: Sequence[CallbackItem]) -> int:
    return sum(1 for item in items if item.due)


def _quoted(examples: Sequence[str]) -> str:
    said = [f'"{e}"' for e in examples]
    return ", ".join(said[:-1]) + " or " + said[-1]
