"""A person renamed in the company directory, against a real slapd: Active Directory names an
entry by its CN, so a name change (a marriage) gives the entry a new DN as well as a new name.
The rep's notes and next step on that person, and their calls, must stay with them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.directories import mirror
from desktop.adapters.directories.ldap_sync import sync_ldap
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.ldap_server import BASE, Slapd, available, person, running_slapd

pytestmark = pytest.mark.skipif(
    not available(), reason="needs slapd and ldap-utils (scripts/e2e_prereqs installs them)"
)

JANE = person("jane.smith", "Jane Smith", "telephoneNumber: +1 212 555 0101",
              "mobile: +1 917 555 0101")  # fmt: skip
OTHERS = [person(f"p{i}", f"Pat Number{i}", f"telephoneNumber: +1 212 555 02{i:02d}")
          for i in range(3)]  # fmt: skip


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    yield from running_slapd(tmp_path / "slapd", [JANE, *OTHERS])


def test_a_person_renamed_with_a_new_dn_keeps_what_the_rep_wrote(
    slapd: Slapd, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    policy = NumberPolicy("US")
    try:
        mirror.add_directory(store, "corp", "ldap", slapd.url, BASE, "")
        sync_ldap(store, mirror.directories(store)[0], "", policy)
        # As a mirror made before entries' UUIDs were read: the next sync learns them.
        store.connection.execute("UPDATE directory_cards SET uid = ''")
        report = sync_ldap(store, mirror.directories(store)[0], "", policy)
        assert (report.counts.added, report.counts.changed, report.counts.removed) == (0, 0, 0)
        (jane, _), = store.contacts_for_number("+12125550101")
        contact_edits.save_field(store, jane.id, "notes", "", "Decides on freight by May.",
                                 multiline=True)  # fmt: skip
        contact_edits.save_field(store, jane.id, "next_step", "", "Send the rate card",
                                 multiline=False)  # fmt: skip

        # Her married name: the entry moves to a new RDN and its cn changes with it.
        slapd.modify(f"dn: uid=jane.smith,ou=People,{BASE}\nchangetype: modrdn\n"
                     "newrdn: uid=jane.doe\ndeleteoldrdn: 1\n\n"
                     f"dn: uid=jane.doe,ou=People,{BASE}\nchangetype: modify\nreplace: cn\n"
                     "cn: Jane Doe\n-\nreplace: sn\nsn: Doe\n")  # fmt: skip
        report = sync_ldap(store, mirror.directories(store)[0], "", policy)

        (after, _), = store.contacts_for_number("+12125550101")
        assert after.name == "Jane Doe"
        assert (after.id, after.notes, after.next_step) == (
            jane.id, "Decides on freight by May.", "Send the rate card")
        assert (report.counts.added, report.counts.changed, report.counts.removed) == (0, 1, 0)
        assert store.count_contacts() == 4
    finally:
        store.close()
