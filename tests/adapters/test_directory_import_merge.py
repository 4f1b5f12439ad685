"""A row of the rep's own sheet that is a team directory's person is merged into that contact;
what it brought (numbers, a field the card leaves empty) stays when the team's card changes."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard

US = NumberPolicy("US")
LEE = vcard("lee", "Lee Park", "ORG:Initech", "TEL:+1 646 555 0123", "EMAIL:lee@initech.example")
LEE_PROMOTED = vcard("lee", "Lee Park", "ORG:Initech", "TITLE:CTO", "TEL:+1 646 555 0123",
                     "EMAIL:lee@initech.example")  # fmt: skip


def test_a_number_an_import_merged_into_a_team_contact_outlives_the_next_sync(
    tmp_path: Path,
) -> None:
    """Seen using the app: the rep's sheet had Lee's mobile; the import merged it into the
    team's Lee. When someone gave Lee a title on the server, the sync replaced Lee's numbers
    with the card's and the mobile was gone: a call from it popped no card."""
    server = Radicale(tmp_path / "server").start()
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        url = server.make_book("/team/sales/", [LEE])
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        sync_directory(store, target, "", US)
        sheet = tmp_path / "mine.csv"
        sheet.write_text("Name,Company,Email,Mobile,Notes\n"
                         "Lee Park,Initech,lee@initech.example,+1 646 555 0177,Met at SaaStr\n",
                         encoding="utf-8")  # fmt: skip
        batch = import_file(store, sheet, ImportOptions(US))
        assert (batch.imported, batch.merged) == (0, 1)
        server.put("/team/sales/lee.vcf", LEE_PROMOTED)
        synced = mirror.directory(store, "sales")
        assert synced is not None
        assert sync_directory(store, synced, "", US).counts.changed == 1
        [(lee, _)] = store.contacts_for_number("+16465550177")
        assert (lee.name, lee.title, lee.notes) == ("Lee Park", "CTO", "Met at SaaStr")
        assert [c.name for c, _ in store.contacts_for_number("+16465550123")] == ["Lee Park"]
        # Undoing the import still takes its number away.
        store.undo_import(batch.batch_id)
        assert store.contacts_for_number("+16465550177") == []
        [(lee, _)] = store.contacts_for_number("+16465550123")
        assert lee.notes == ""
        assert [c.name for c, _ in store.contacts_for_number("+16465550123")] == ["Lee Park"]
    finally:
        store.close()
        server.stop()
