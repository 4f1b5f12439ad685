"""A caller ID's name made into a new contact's Name or Company, as people write them."""

from __future__ import annotations

import pytest

from desktop.core.caller_name_parts import NameParts, contact_from_caller_name


@pytest.mark.parametrize(
    ("caller_id", "expected"),
    [
        ("MIKE ROSS", NameParts("Mike Ross")),
        ("ANN MCDONALD", NameParts("Ann McDonald")),
        ("SEAN O'BRIEN", NameParts("Sean O'Brien")),
        ("PIETER VAN DER BERG", NameParts("Pieter van der Berg")),
        ("VAN DER BERG", NameParts("Van der Berg")),  # the surname alone leads capitalised
        ("MARY-JANE SMITH-JONES", NameParts("Mary-Jane Smith-Jones")),
        ("JOHN SMITH JR", NameParts("John Smith Jr")),
        ("J ROSS", NameParts("J Ross")),
        ("CHARLOTTE CHURCH", NameParts("Charlotte Church")),  # a surname, not a parish
        ("PDX WIRELESS", NameParts("", "PDX Wireless")),
        ("ACME CORP", NameParts("", "Acme Corp")),
        ("HARBOR FREIGHT LLC", NameParts("", "Harbor Freight LLC")),
        ("WIDGETS, INC.", NameParts("", "Widgets, Inc.")),
        ("BERLIN TECH GMBH", NameParts("", "Berlin Tech GmbH")),
        ("SMITH & SONS", NameParts("", "Smith & Sons")),
        ("THE HOME DEPOT INC", NameParts("", "The Home Depot Inc")),
        ("BANK OF AMERICA", NameParts("", "Bank of America")),
        # Typed in mixed case: the rep's spelling stands; a business still goes in Company.
        ("Mike ross", NameParts("Mike ross")),
        ("deVries Consulting", NameParts("", "deVries Consulting")),
        ("   ", NameParts("")),
    ],
)
def test_a_caller_id_name_becomes_a_name_or_a_company(
    caller_id: str, expected: NameParts
) -> None:
    assert contact_from_caller_name(caller_id) == expected
