"""A followed file's people, updated in place by each new version of the file.

A save is imported beside the people the last version brought, who are set aside meanwhile (no
row merges into them: pipeline's ImportOptions.set_aside). Each of them is then matched to the
same person in the new version, and that new contact is folded into the old one, which keeps
its id: an open contact view, the calls, a promised callback, a snoozed one, a merge the rep
made, anything that names the contact by id stays with it. A person the file no longer has
goes, as when the batch is undone, unless the rep worked on them.

What the file said for each person is kept (`followed_rows.file_values`), so each field is
settled three ways, between the file's last version, the contact now and the file now:

- the file's cell did not change: the contact keeps its value (typed by the rep, or the file's);
- only the file changed it: the file's new value;
- both changed it: Notes keep both (the rep's lines, the file's new lines after them; the
  file's old lines go, they were not the rep's: core/field_merge); a one-line field takes the
  file's new value, since the cell was changed after the rep's edit by whoever keeps the sheet,
  and the contact view says what the rep had typed there (`told`), so it can be typed back.

A person the new version no longer has whom the rep worked on stays as the rep's own
(following._OldContacts), what the file said for them kept with the file that kept them
(`kept_by`): held with that file's next version's people, so their row coming back updates them
in place. Another followed file does not hold them: the rep's own, its row only fills what is
empty on them, as any import's row does on a contact it did not bring.

Numbers the same way: a number the file had last time that is no longer on the contact was taken
off or corrected by hand and stays off (Excel's `4,93091E+11` fixed to +49 30 90182099 does not
come back beside its fix); a number new in the file is added unless the rep took it off this
person before; one the file no longer has goes, unless the rep typed it.

A contact followed before file_values were kept has none: its values as they are stand for the
file's, except that on a contact the rep changed since (which field cannot be told) the file
only fills what is empty, and Notes keep the rep's lines and then the file's new ones; a number
that never read as one is not put back beside a number the rep typed. From then on it has them.

Runs inside the re-import's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from desktop.adapters.store import ImportIndex, Store
from desktop.core.field_merge import followed_notes
from desktop.core.import_mapping import name_words, words_agree
from desktop.core.models import CONTACT_FIELDS, NumberFields, StoredNumber

_CARRIED = (*CONTACT_FIELDS, "opener_override")
_MULTILINE = frozenset({"notes"})
_LABELS = {"name": "Name", "title": "Title", "company": "Company", "email": "E-mail",
           "reason": "Why we called", "referred_by": "Referred by", "next_step": "Next step",
           "notes": "Notes"}  # fmt: skip
NumberKey = tuple[str, str]


def number_key(raw: str, e164: str | None, extension: str) -> NumberKey:
    """A number as a file's cell and the contact's row are compared: by what it dials, or by
    its text when it never read as a number (Excel's `4,93091E+11`)."""
    if e164 or extension:
        return (e164 or "", extension)
    return ("text:" + raw.strip(), "")


@dataclass
class _Phone:
    id: int
    number: StoredNumber
    by_hand: bool
    from_file: bool  # brought by the followed file's last version (not typed, not linked)

    @property
    def key(self) -> NumberKey:
        return number_key(self.number.raw, self.number.e164, self.number.extension)


@dataclass
class _Held:
    """One of the last version's people, as set aside before the new version is imported."""

    id: int
    values: dict[str, str]  # the contact's fields now (_CARRIED)
    file_fields: dict[str, str] | None  # what the file said last time; None: not kept then
    file_numbers: list[NumberFields]
    edited: bool  # changed since it was imported (used only without file_fields)
    phones: list[_Phone] = field(default_factory=list)
    calls: int = 0  # the rep's calls with them
    told: str = ""

    @property
    def as_in_file(self) -> dict[str, str]:
        return self.file_fields if self.file_fields is not None else self.values


@dataclass
class _Fresh:
    id: int
    values: dict[str, str]
    numbers: list[tuple[int, StoredNumber]] = field(default_factory=list)

    def file_values(self) -> str:
        return json.dumps(
            {"fields": [self.values[f] for f in CONTACT_FIELDS],
             "numbers": [[n.raw, n.e164, n.extension, n.label] for _id, n in self.numbers]},
            ensure_ascii=False,
        )  # fmt: skip


@dataclass
class Folded:
    kept: int = 0  # people of the last version, kept in place
    updated: int = 0  # of those, the ones the new version changed (a field, a number)
    gone: list[int] = field(default_factory=list)  # ids of the people the file no longer has
    calls_kept: int = 0  # the rep's calls with people kept


@dataclass
class SetAside:
    """The last version's people, out of its batch while the new version is imported."""

    held: dict[int, _Held] = field(default_factory=dict)
    file_name: str = ""
    kept_before: frozenset[int] = frozenset()  # the rep's own now; not the file's to remove

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(self.held)

    @classmethod
    def take(cls, store: Store, batch_id: int, path: str) -> SetAside:
        conn = store.connection
        columns = ", ".join(f"c.{name}" for name in _CARRIED)
        # A person an earlier version of THIS file dropped whom the rep had worked on stayed
        # as the rep's own (following._OldContacts, which records the file in kept_by), with
        # what the file said kept: held too, so their row coming back updates them in place
        # instead of adding a second one. Another followed file's row meets them as any
        # contact of the rep's: it fills what is empty and takes that back when it goes, it
        # neither claims them nor writes over what the rep typed. One kept before kept_by was
        # recorded is nobody's to hold: the rep's, as the rule says.
        kept_before = {
            int(row[0]) for row in conn.execute(
                "SELECT c.id FROM contacts c JOIN followed_rows f ON f.contact_id = c.id "
                "WHERE c.import_batch_id IS NULL AND json_valid(f.file_values) AND "
                "json_extract(f.file_values, '$.kept_by') = ?",
                (path,),
            )
        }  # fmt: skip
        chosen = json.dumps(sorted(kept_before))
        held: dict[int, _Held] = {}
        for row in conn.execute(
            f"SELECT c.id, c.created_at, c.updated_at, f.file_values, coalesce(f.told, ''), "  # noqa: S608
            f"{columns} FROM contacts c LEFT JOIN followed_rows f ON f.contact_id = c.id "
            "WHERE c.import_batch_id = ? OR c.id IN (SELECT value FROM json_each(?))",
            (batch_id, chosen),
        ):
            contact_id, created, updated, kept, told = row[:5]
            file_fields, file_numbers = None, []
            if kept:
                data = json.loads(kept)
                file_fields = dict(zip(CONTACT_FIELDS, data["fields"], strict=True))
                file_numbers = [(str(r), e, str(x), str(lb)) for r, e, x, lb in data["numbers"]]
            held[contact_id] = _Held(
                contact_id, dict(zip(_CARRIED, row[5:], strict=True)), file_fields,
                file_numbers, int(updated) > int(created), told=str(told),
            )  # fmt: skip
        ids = json.dumps(sorted(held))
        for phone_id, contact_id, raw, e164, ext, label, by_hand, batch in conn.execute(
            "SELECT id, contact_id, raw, e164, extension, label, by_hand, import_batch_id "
            "FROM phone_numbers WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (ids,),
        ):
            one = held[contact_id]
            number = StoredNumber(raw, e164, ext, label)
            if contact_id in kept_before:  # its numbers left the batch with it
                was_files = {number_key(*n[:3]) for n in one.file_numbers}
                from_file = not by_hand and number_key(raw, e164, ext) in was_files
            else:
                from_file = batch == batch_id and not by_hand
            one.phones.append(_Phone(phone_id, number, bool(by_hand), from_file))
            if one.file_fields is None and from_file:
                one.file_numbers.append((raw, e164, ext, label))
        for contact_id, calls in conn.execute(
            "SELECT contact_id, count(*) FROM attempts WHERE contact_id IN "
            "(SELECT value FROM json_each(?)) AND import_batch_id IS NOT ? "
            "GROUP BY contact_id",
            (ids, batch_id),
        ):
            held[contact_id].calls = int(calls)
        # Out of the batch, so undoing it leaves them (and the numbers it brought them).
        conn.execute(
            "UPDATE phone_numbers SET import_batch_id = NULL WHERE import_batch_id = ? AND "
            "contact_id IN (SELECT id FROM contacts WHERE import_batch_id = ?)",
            (batch_id, batch_id),
        )
        conn.execute(
            "UPDATE contacts SET import_batch_id = NULL WHERE import_batch_id = ?", (batch_id,)
        )
        return cls(held, PurePath(path).name, frozenset(kept_before))

    def fold_into(self, store: Store, new_batch: int | None) -> Folded:
        """Match each held person to the new version's, update them in place with it and drop
        the new copy; the rest of the new version stays as imported. Every contact the file
        brought ends with what the file said for it kept."""
        conn = store.connection
        fresh = _fresh(store, new_batch)
        pairs = _pairs(self.held, fresh)
        done = Folded()
        removed: dict[int, set[tuple[str | None, str]]] = {}
        for contact_id, e164, ext in conn.execute(
            "SELECT contact_id, e164, extension FROM removed_numbers WHERE contact_id IN "
            "(SELECT value FROM json_each(?))",
            (json.dumps(list(pairs)),),
        ):
            removed.setdefault(contact_id, set()).add((str(e164) or None, str(ext)))
        updates: dict[tuple[str, ...], list[tuple[object, ...]]] = {}  # by the fields changed
        moves: list[tuple[int, int]] = []  # (contact, phone) of numbers new in the file
        drops: list[int] = []
        owned: list[int] = []
        snapshots: list[tuple[int, str, str]] = []
        when = datetime.now().astimezone()
        for old_id, fresh_id in pairs.items():
            held, new = self.held[old_id], fresh[fresh_id]
            changes, told = self._fields(held, new, when)
            if changes:
                updates.setdefault(tuple(changes), []).append((*changes.values(), old_id))
            file_keys = {number_key(*n[:3]) for n in held.file_numbers}
            have = {phone.key: phone for phone in held.phones}
            new_keys = set()
            off = removed.get(old_id, set())
            for phone_id, number in new.numbers:
                key = number_key(number.raw, number.e164, number.extension)
                new_keys.add(key)
                if key in have:
                    if have[key].from_file:
                        owned.append(have[key].id)
                elif (key not in file_keys and (number.e164, number.extension) not in off
                      and not _fixed_before(held, number)):  # fmt: skip
                    moves.append((old_id, phone_id))
            dropped = [p.id for p in held.phones if p.from_file and p.key not in new_keys]
            drops += dropped
            if changes or dropped or (moves and moves[-1][0] == old_id):
                done.updated += 1
            snapshots.append((old_id, new.file_values(), told or held.told))
            done.kept += 1
            done.calls_kept += held.calls
        for names, rows in updates.items():
            conn.executemany(
                f"UPDATE contacts SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",  # noqa: S608
                rows,
            )
        # Set by set, not row by row: a 6,000-row file folds 6,000 contacts (a DELETE each,
        # with its cascade, took 0.4 s of a 1.5 s re-import).
        conn.executemany("UPDATE phone_numbers SET contact_id = ? WHERE id = ?", moves)
        conn.execute(
            "UPDATE phone_numbers SET import_batch_id = ? WHERE id IN "
            "(SELECT value FROM json_each(?))",
            (new_batch, json.dumps(owned)),
        )
        conn.execute("DELETE FROM phone_numbers WHERE id IN (SELECT value FROM json_each(?))",
                     (json.dumps(drops),))  # fmt: skip
        copies = json.dumps(list(pairs.values()))
        # Calls the import gave the new copy (from a number unknown until now) are theirs too.
        back = {new: old for old, new in pairs.items()}
        for table in ("attempts", "import_changes"):
            given = [(back[new], new) for (new,) in conn.execute(
                f"SELECT DISTINCT contact_id FROM {table} WHERE contact_id IN "  # noqa: S608
                "(SELECT value FROM json_each(?))",
                (copies,),
            )]  # fmt: skip
            conn.executemany(f"UPDATE {table} SET contact_id = ? WHERE contact_id = ?",  # noqa: S608
                             given)  # fmt: skip
        conn.execute("DELETE FROM phone_numbers WHERE contact_id IN "
                     "(SELECT value FROM json_each(?))", (copies,))  # fmt: skip
        conn.execute("DELETE FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
                     (copies,))  # fmt: skip
        conn.execute(
            "UPDATE contacts SET import_batch_id = ? WHERE id IN (SELECT value FROM json_each(?))",
            (new_batch, json.dumps(list(pairs))),
        )
        conn.execute(
            "UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts a "
            "WHERE a.contact_id = contacts.id) WHERE id IN (SELECT value FROM json_each(?)) "
            "AND EXISTS (SELECT 1 FROM attempts a WHERE a.contact_id = contacts.id)",
            (json.dumps(list(pairs)),),
        )
        paired = set(pairs.values())
        snapshots += [(one.id, one.file_values(), "") for one in fresh.values()
                      if one.id not in paired]  # fmt: skip
        conn.executemany(
            "INSERT OR REPLACE INTO followed_rows(contact_id, file_values, told) VALUES (?, ?, ?)",
            snapshots,
        )
        done.gone = sorted(set(self.held) - set(pairs) - self.kept_before)
        return done

    def _fields(self, held: _Held, new: _Fresh, when: datetime) -> tuple[dict[str, str], str]:
        """The fields to write on the held contact, and what to tell the rep about them."""
        changes: dict[str, str] = {}
        told: list[str] = []
        for name in CONTACT_FIELDS:
            mine, theirs = held.values[name], new.values[name]
            if held.file_fields is None:
                # Not known what the file said (followed before schema 24), nor which field a
                # contact the rep changed was changed in: the file fills what is empty, Notes
                # keep the rep's lines and then the file's new ones, and any other field keeps
                # what the rep may have typed. Its news must not be lost for good: from now on
                # it is taken as what the file said.
                if theirs == mine or not theirs:
                    continue
                if not held.edited or not mine:
                    changes[name] = theirs
                elif name in _MULTILINE and (both := followed_notes("", mine, theirs)) != mine:
                    changes[name] = both
                    told.append(f"{_LABELS[name]}: {self.file_name} changed them on "
                                f"{_when(when)}; your lines were kept, its new lines follow "
                                "them.")  # fmt: skip
                continue
            base = held.file_fields[name]
            if theirs in (base, mine):
                continue
            if mine == base:
                changes[name] = theirs
            elif name in _MULTILINE:
                changes[name] = followed_notes(base, mine, theirs)
                told.append(f"{_LABELS[name]}: {self.file_name} changed them on {_when(when)}; "
                            "your lines were kept, its new lines follow them.")  # fmt: skip
            else:
                changes[name] = theirs
                told.append(f"{_LABELS[name]}: {self.file_name} changed it to {theirs!r} on "
                            f"{_when(when)}; you had {mine!r}.")  # fmt: skip
        return changes, " ".join(told)


def _fixed_before(held: _Held, number: StoredNumber) -> bool:
    """A number that never read as one (Excel's `4,93091E+11`), new to a contact followed
    before schema 24 who has a number typed by hand: most likely the cell the rep fixed by
    typing that number, which nothing recorded (a number never read as one is not kept in
    removed_numbers). It is not put back beside the fix; it could not be dialled anyway."""
    return (held.file_fields is None and not number.e164 and not number.extension
            and any(phone.by_hand for phone in held.phones))  # fmt: skip


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %H:%M}"


def _fresh(store: Store, batch: int | None) -> dict[int, _Fresh]:
    if batch is None:
        return {}
    conn = store.connection
    columns = ", ".join(CONTACT_FIELDS)
    fresh = {
        row[0]: _Fresh(row[0], dict(zip(CONTACT_FIELDS, row[1:], strict=True)))
        for row in conn.execute(
            f"SELECT id, {columns} FROM contacts WHERE import_batch_id = ?",  # noqa: S608
            (batch,),
        )
    }
    for phone_id, contact_id, raw, e164, ext, label in conn.execute(
        "SELECT id, contact_id, raw, e164, extension, label FROM phone_numbers "
        "WHERE import_batch_id = ? ORDER BY id",
        (batch,),
    ):
        if contact_id in fresh:
            fresh[contact_id].numbers.append((phone_id, StoredNumber(raw, e164, ext, label)))
    return fresh


def _pairs(held: dict[int, _Held], fresh: dict[int, _Fresh]) -> dict[int, int]:
    """Each held person's new copy: same e-mail, else a number they had in the file under an
    agreeing name, else the same name at the same company, as the file said them. Each new
    copy goes to one held person, the lowest id first."""
    index = ImportIndex(next_id=0)
    for one in fresh.values():
        values = one.values
        index.names[one.id] = values["name"]
        index.by_identity.setdefault(
            (values["name"].casefold(), values["company"].casefold()), set()).add(one.id)
        if values["email"]:
            index.by_email.setdefault(values["email"].lower(), set()).add(one.id)
        for _phone, number in one.numbers:
            if number.e164:
                index.by_number.setdefault((number.e164, number.extension), set()).add(one.id)
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for old_id in sorted(held):
        # Each tier is worked out only when the one before found nobody free.
        for candidates in _candidates(held[old_id], index):
            free = candidates - taken
            if free:
                pairs[old_id] = min(free)
                taken.add(pairs[old_id])
                break
    return pairs


def _candidates(one: _Held, index: ImportIndex) -> Iterator[set[int]]:
    values = one.as_in_file
    if values["email"]:
        yield set(index.by_email.get(values["email"].lower(), ()))
    numbers = [(e164, ext) for _raw, e164, ext, _label in one.file_numbers if e164]
    if numbers:
        words = name_words(values["name"])
        yield {cid for n in numbers for cid in index.by_number.get(n, ())
               if words_agree(words, name_words(index.names.get(cid, "")))}  # fmt: skip
    yield set(index.by_identity.get((values["name"].casefold(), values["company"].casefold()),
                                    ()))  # fmt: skip


def told_about(store: Store, contact_id: int) -> str:
    """What the last re-import of a followed file said about the rep's own values on this
    contact ('' when nothing), for the contact view."""
    row = store.connection.execute(
        "SELECT told FROM followed_rows WHERE contact_id = ?", (contact_id,)
    ).fetchone()
    return str(row[0]) if row else ""


__all__ = ["Folded", "SetAside", "number_key", "told_about"]
