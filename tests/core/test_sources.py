"""One entry per person across the local book and team directories (desktop.core.sources)."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber
from desktop.core.sources import Origin, one_entry_per_person

NUMBER = StoredNumber("+1 415 555 0101", "+14155550101")
TEAM = Origin(1, "team")
CORP = Origin(2, "corp")


def at(day: int) -> datetime:
    return datetime(2026, 12, day, 15, 0, tzinfo=UTC)


def test_the_same_person_in_three_sources_is_one_entry_by_priority() -> None:
    mine = Contact(1, "Dana", company="", reason="Q3 bid", numbers=(NUMBER,),
                   last_contacted=at(2),
                   attempts=(Attempt(Direction.OUT, at(2), Outcome.NO_ANSWER),))  # fmt: skip
    team = Contact(2, "Dana Reyes", title="Buyer", company="Acme Freight",
                   numbers=(NUMBER, StoredNumber("+1 646 555 0100", "+16465550100")),
                   last_contacted=at(3),
                   attempts=(Attempt(Direction.OUT, at(3), Outcome.VOICEMAIL, rep="Bo"),))
    corp = Contact(3, "Dana Reyes", title="Account Executive, Sales", email="dana@acme.example",
                   numbers=(NUMBER,))  # fmt: skip
    [entry] = one_entry_per_person([corp, team, mine], {2: TEAM, 3: CORP})
    assert entry.id == 1 and entry.sources == ("local", "team", "corp")
    assert (entry.name, entry.title, entry.company, entry.email, entry.reason) == (
        "Dana Reyes", "Buyer", "Acme Freight", "dana@acme.example", "Q3 bid")  # fmt: skip
    assert [n.e164 for n in entry.numbers] == ["+14155550101", "+16465550100"]
    assert [(a.outcome, a.rep) for a in entry.attempts] == [
        (Outcome.VOICEMAIL, "Bo"), (Outcome.NO_ANSWER, "")]  # fmt: skip
    assert entry.last_contacted == at(3)


def test_different_people_and_one_sources_duplicates_stay_apart() -> None:
    # A switchboard: several people at one number; a directory listing one name twice.
    bo = Contact(1, "Bo Li", numbers=(NUMBER,), last_contacted=at(1))
    mia = Contact(2, "Mia Wong", numbers=(NUMBER,))
    mia_again = Contact(3, "Mia Wong", numbers=(NUMBER,))
    found = one_entry_per_person([bo, mia, mia_again], {2: TEAM, 3: TEAM})
    assert [(c.id, c.sources) for c in found] == [(1, ("local",)), (2, ("team",)),
                                                  (3, ("team",))]  # fmt: skip
    nameless = one_entry_per_person(
        [Contact(4, "", company="Acme"), Contact(5, "", company="ACME")], {5: CORP})
    assert [c.sources for c in nameless] == [("local", "corp")]


def test_search_results_are_one_row_per_person_only_when_something_links_them() -> None:
    from desktop.core.sources import people_across_sources

    mine = Contact(1, "Dana Reyes", company="Acme", numbers=(NUMBER,))
    other_dana = Contact(2, "Dana Kim", company="Globex",
                         numbers=(StoredNumber("+1 212 555 0177", "+12125550177"),))
    team = Contact(3, "Dana Reyes", title="Buyer", numbers=(NUMBER,))
    corp_by_mail = Contact(4, "Dana Reyes", email="DANA@acme.example")
    team_mail = Contact(5, "Dana", email="dana@acme.example")
    same_name_elsewhere = Contact(6, "Dana Reyes", company="Initech",
                                  numbers=(StoredNumber("+1 312 555 0100", "+13125550100"),))
    found = people_across_sources(
        [mine, other_dana, team, corp_by_mail, team_mail, same_name_elsewhere],
        {3: TEAM, 4: CORP, 5: TEAM, 6: CORP},
    )
    assert [(c.id, c.sources, positions) for c, positions in found] == [
        (1, ("local", "team"), (0, 2)),  # the same number, names that agree
        (2, ("local",), (1,)),  # another Dana: nothing links them
        (5, ("team", "corp"), (3, 4)),  # one e-mail address, whatever its case
        (6, ("corp",), (5,)),  # the same name at another number is not enough
    ]
    assert found[0][0].title == "Buyer"
