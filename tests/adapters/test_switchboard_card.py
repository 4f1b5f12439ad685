"""A ring from a company's main number, looked up in a real contact book: the card greets the
company, lists first the person the caller-ID name names, and carries everyone's extension."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card import MatchTier
from desktop.core.card_text import card_lines
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    with store.transaction():
        for name, extension, reason in (("Dana Whitfield", "204", "the pilot budget"),
                                        ("Raj Patel", "317", "")):  # fmt: skip
            store.add_contact(NewContact(
                name, company="Contoso Ltd", reason=reason, next_step="Send the contract",
                numbers=(StoredNumber(f"(415) 555-0100 x{extension}", "+14155550100",
                                      extension),),
            ))  # fmt: skip
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
    store.close()


def test_a_switchboard_ring_greets_the_company_and_ranks_by_the_caller_id_name(
    lookup: CallerLookup,
) -> None:
    card = lookup.card_for("4155550100", "PATEL RAJ")
    assert card.match is MatchTier.SWITCHBOARD
    assert [c.name for c in card.contacts] == ["Raj Patel", "Dana Whitfield"]
    assert card.opener == "Hello, thanks for calling back from Contoso Ltd! Who am I speaking with?"
    assert "Also at this number: Dana Whitfield (ext. 204)" in card_lines(card)
    assert "Next step: Send the contract" in card_lines(card)

    # The person's own extension is an exact match: their own opener, by name.
    direct = lookup.card_for("4155550100;ext=204")
    assert direct.match is MatchTier.EXACT
    assert direct.opener.startswith("Hi Dana")
