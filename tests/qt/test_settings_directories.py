"""Settings' Team directories page as a rep drives it, against a real Radicale and a real
OpenLDAP slapd on loopback: Test connection in words, Add with its first sync, Sync now, a
server that is down said once, Remove with its contacts; the keychain is keyring's in-memory
backend (the one thing tests stand in for)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.adapters import secrets as secrets_module
from desktop.adapters.directories import mirror
from desktop.adapters.secrets import MemoryKeyring, SecretStore
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.directory_dialog import AddDirectoryDialog, EditDirectoryDialog
from desktop.qt.directory_tasks import DirectoryTasks
from desktop.qt.settings_directories import DirectoriesPage
from tests.adapters import ldap_server
from tests.adapters.carddav_servers import Radicale, vcard
from tests.adapters.ldap_server import BASE, READER_DN, READER_PASSWORD, Slapd, person

DANA = vcard("dana", "Dana Reyes", "ORG:Acme Freight", "TEL;TYPE=CELL:+1 415 555 0101")
MIA = vcard("mia", "Mia Wong", "TEL:(212) 555-0199")
LEE = vcard("lee", "Lee Park", "TEL:+1 646 555 0123")
WAIT_MS = 30_000
NAMED_SALES = (b'<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>'
               b"<D:displayname>Sales</D:displayname></D:prop></D:set></D:propertyupdate>")


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(secrets_module, "_configured_backend", lambda: backend)
    return backend


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data" / "callercard.db")
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot: QtBot, store: Store) -> Iterator[DirectoriesPage]:
    tasks = DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())
    shown = DirectoriesPage(store, tasks)
    qtbot.addWidget(shown)
    yield shown
    tasks.wait()


def open_dialog(page: DirectoriesPage) -> AddDirectoryDialog:
    page.add_button.click()
    assert page.dialog is not None
    return page.dialog


def said_after(qtbot: QtBot, dialog: AddDirectoryDialog, button: str) -> str:
    """Click Test connection and wait for its answer."""
    assert button == "test"
    dialog.test_button.click()
    assert dialog.said.text() == "Connecting…"
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    return dialog.said.text()


def rows(page: DirectoriesPage) -> list[str]:
    return [page.list.item(i).text() for i in range(page.list.count())]


def test_a_carddav_book_is_tested_added_synced_reported_down_once_and_removed(
    qtbot: QtBot, tmp_path: Path, keychain: MemoryKeyring, page: DirectoriesPage, store: Store
) -> None:
    server = Radicale(tmp_path / "server", users={"alice": "correct horse"}).start()
    try:
        server.make_book("/alice/contacts/", [DANA, MIA], user="alice")
        status, _ = server.request("PROPPATCH", "/alice/contacts/", NAMED_SALES, user="alice")
        assert status == 207
        assert page.empty.isVisibleTo(page)
        synced: list[str] = []  # each takes back what the background loop said of it
        page.synced.connect(synced.append)
        dialog = open_dialog(page)
        dialog.name.setText("Sales")
        dialog.url.setText(server.base + "/")
        dialog.user.setText("alice")
        dialog.password.setText("wrong horse")
        assert said_after(qtbot, dialog, "test") == (
            f"⚠ Wrong user or password (http://127.0.0.1:{server.port}/ refused 'alice')"
        )
        dialog.password.setText("correct horse")
        # From the server's base URL: /.well-known/carddav, the principal, its home set.
        assert said_after(qtbot, dialog, "test") == "Found address book 'Sales' with 2 contacts"
        assert mirror.directories(store) == []  # testing stores nothing

        dialog.add_button.click()
        assert dialog.progress.isVisible()  # the first sync's progress, while it runs
        assert not dialog.add_button.isEnabled()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert page.status.text().startswith("Added Sales: 2 added, 0 changed, 0 removed in ")
        [row] = rows(page)
        assert row.splitlines() == ["Sales  ·  CardDAV  ·  2 contacts",
                                    f"{server.base}/alice/contacts/  ·  as alice",
                                    "Synced just now"]  # fmt: skip
        assert keychain.get_password("CallerCard", "directory:Sales") == "correct horse"

        server.put("/alice/contacts/lee.vcf", vcard("lee", "Lee Park", "TEL:+1 646 555 0123"),
                   user="alice")  # fmt: skip
        page.sync_button.click()
        assert page.progress.isVisibleTo(page)
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=WAIT_MS)
        assert page.status.text().startswith("Synced Sales: 1 added, 0 changed, 0 removed")
        assert synced == ["Sales", "Sales"]
        assert not page.progress.isVisibleTo(page)
        assert rows(page)[0].startswith("Sales  ·  CardDAV  ·  3 contacts")

        server.stop()  # down: said once, in words; the mirror keeps its contacts
        page.sync_button.click()
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=WAIT_MS)
        assert page.status.text() == (
            f"⚠ Sales: http://127.0.0.1:{server.port}/alice/contacts/ refused the connection: "
            "is the server running? The contacts copied so far stay as they were."
        )
        assert synced == ["Sales", "Sales"], "a failed sync takes nothing back"
        lines = rows(page)[0].splitlines()
        assert lines[0] == "Sales  ·  CardDAV  ·  3 contacts"
        assert lines[2] == (f"⚠ Synced just now; the last try failed: http://127.0.0.1:"
                            f"{server.port}/alice/contacts/: connection refused (is the server "
                            "running?)")  # fmt: skip

        asked: list[str] = []
        page.confirm = lambda title, question: asked.append(question) is None
        page.remove_button.click()
        qtbot.waitUntil(lambda: page.list.count() == 0, timeout=WAIT_MS)
        assert asked == ["Remove Sales and the 3 contacts copied from it? Your calls with them "
                         "stay in the history; the server is not changed."]  # fmt: skip
        assert page.status.text() == "Removed Sales and its 3 contacts."
        assert page.empty.isVisibleTo(page)
        assert keychain.get_password("CallerCard", "directory:Sales") is None
        assert store.count_contacts() == 0
    finally:
        server.stop()


def test_without_a_keychain_a_password_is_refused_in_words(
    qtbot: QtBot, page: DirectoriesPage, store: Store
) -> None:
    # The suite's keyring is keyring's null backend: nothing can be kept safely.
    dialog = open_dialog(page)
    dialog.name.setText("Sales")
    dialog.url.setText("http://127.0.0.1:9/book/")
    dialog.user.setText("alice")
    dialog.password.setText("correct horse")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled(), timeout=WAIT_MS)
    assert dialog.said.text() == ("⚠ Your keyring setting keeps no password safely: team "
                                  "directory passwords can't be saved.")  # fmt: skip
    assert dialog.isVisible()
    assert mirror.directories(store) == []


def test_the_form_says_what_is_missing_before_anything_is_sent(
    qtbot: QtBot, page: DirectoriesPage
) -> None:
    dialog = open_dialog(page)
    dialog.test_button.click()
    assert dialog.said.text() == "⚠ Give it a name, e.g. Sales team."
    dialog.name.setText("corp")
    dialog.kind.setCurrentIndex(dialog.kind.findData("ldap"))
    assert dialog.base.isVisibleTo(dialog)
    dialog.url.setText("https://dc1.corp.example")
    dialog.test_button.click()
    assert dialog.said.text() == "⚠ The server address starts with ldap:// or ldaps://"
    dialog.url.setText("ldap://dc1.corp.example")
    dialog.test_button.click()
    assert dialog.said.text() == "⚠ Give the search base, e.g. dc=example,dc=com."


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    if not ldap_server.available():
        pytest.fail("slapd and ldap-utils are missing; scripts/e2e_prereqs installs them")
    people = [person(f"p{i}", f"Person {i}", f"telephoneNumber: +1 415 555 01{i:02d}")
              for i in range(3)]  # fmt: skip
    yield from ldap_server.running_slapd(tmp_path / "slapd", people)


def test_an_ldap_directory_is_tested_in_words_and_added(
    qtbot: QtBot, keychain: MemoryKeyring, page: DirectoriesPage, slapd: Slapd, store: Store
) -> None:
    dialog = open_dialog(page)
    dialog.kind.setCurrentIndex(dialog.kind.findData("ldap"))
    dialog.name.setText("corp")
    dialog.base.setText(BASE)
    dialog.url.setText(slapd.ldaps_url)
    assert said_after(qtbot, dialog, "test").startswith(
        f"⚠ Certificate not trusted: self-signed certificate in certificate chain "
        f"(ldaps://127.0.0.1:{slapd.tls_port})"
    )
    dialog.ca_file.setText(str(slapd.ca_file))
    dialog.user.setText(READER_DN)
    dialog.password.setText("not it")
    assert said_after(qtbot, dialog, "test") == (
        f"⚠ Wrong bind DN or password (ldaps://127.0.0.1:{slapd.tls_port} refused "
        f"'{READER_DN}')"
    )
    dialog.password.setText(READER_PASSWORD)
    assert said_after(qtbot, dialog, "test") == f"Found 3 entries under {BASE}"
    dialog.add_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    [row] = rows(page)
    assert row.splitlines()[:2] == ["corp  ·  LDAP  ·  3 contacts",
                                    f"{slapd.ldaps_url}  ·  {BASE}  ·  as {READER_DN}"]  # fmt: skip
    assert keychain.get_password("CallerCard", "directory:corp") == READER_PASSWORD
    assert mirror.directories(store)[0].options["ca_file"] == str(slapd.ca_file)


def test_opening_the_page_loads_no_network_module() -> None:
    """Settings, and its Add and Edit dialogs, open without the CardDAV and LDAP clients,
    http.client or ssl: the worker loads them when a task runs."""
    import os
    import subprocess
    import sys

    from tests.test_layers import NETWORK_MODULES

    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from pathlib import Path\n"
        "from desktop.adapters.store import Store\n"
        "from desktop.core.numbers import NumberPolicy\n"
        "from desktop.qt.bridge import ThreadBridge\n"
        "from desktop.qt.directory_tasks import DirectoryTasks\n"
        "from desktop.qt.settings_directories import DirectoriesPage\n"
        "store = Store.open(Path(sys.argv[1]))\n"
        "page = DirectoriesPage(store, DirectoryTasks(store.path, lambda: NumberPolicy('US'),"
        " ThreadBridge()))\n"
        "page.open_add()\n"
        "page.dialog.reject()\n"
        "from desktop.adapters.directories import mirror\n"
        "if mirror.directory(store, 'Sales') is None:\n"
        "    mirror.add_directory(store, 'Sales', 'carddav', 'http://127.0.0.1:9/b/',"
        " 'http://127.0.0.1:9/b/', 'alice')\n"
        "page.refresh()\n"
        "page.open_edit()\n"
        "assert type(page.dialog).__name__ == 'EditDirectoryDialog'\n"
        f"print(sorted(m for m in sys.modules if m in {NETWORK_MODULES!r}))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code, str(Path(os.environ["HOME"]) / "c.db")],
                         capture_output=True, text=True, check=True, env=env)  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_a_directory_synced_elsewhere_shows_when_the_page_is_looked_at(
    qtbot: QtBot, page: DirectoriesPage, store: Store
) -> None:
    """The background loop and `callercard directory` change the store on their own."""
    assert rows(page) == []
    mirror.add_directory(store, "corp", "ldap", "ldap://127.0.0.1:9", BASE, "")
    page.show()
    qtbot.waitExposed(page)
    assert rows(page) == [f"corp  ·  LDAP  ·  0 contacts\nldap://127.0.0.1:9  ·  {BASE}\n"
                          "Never synced"]  # fmt: skip


def test_edit_opens_filled_in_tests_with_the_stored_password_and_follows_a_moved_book(
    qtbot: QtBot, tmp_path: Path, keychain: MemoryKeyring, page: DirectoriesPage, store: Store
) -> None:
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import add_directory
    from desktop.core.models import Attempt, Direction, Outcome

    old = Radicale(tmp_path / "old", users={"alice": "correct horse"}).start()
    # The book moved to another server, where the company password is a new one.
    new = Radicale(tmp_path / "new", users={"alice": "battery staple"}).start()
    try:
        for server, cards in ((old, [DANA, MIA]), (new, [DANA, MIA, LEE])):
            server.make_book("/alice/contacts/", [], user="alice")
            for card in cards:
                server.put(f"/alice/contacts/{card.split('UID:')[1].split()[0]}.vcf", card,
                           user="alice")  # fmt: skip
        form = DirectoryForm("carddav", "Sales", old.base + "/", "alice", "correct horse")
        add_directory(store, form, NumberPolicy("US"), SecretStore.open)
        dana = store.connection.execute(
            "SELECT contact_id FROM phone_numbers WHERE e164 = '+14155550101'").fetchone()[0]
        store.record_call(dana, Attempt(Direction.IN, datetime.now(UTC), Outcome.TALKED,
                                        number_e164="+14155550101"), "linphone", "k1")  # fmt: skip
        page.refresh()
        assert page.edit_button.isEnabled()
        page.edit_button.click()
        dialog = page.dialog
        assert isinstance(dialog, EditDirectoryDialog)
        assert dialog.windowTitle() == "Edit Sales"
        assert (dialog.kind.currentData(), dialog.kind.isEnabled()) == ("carddav", False)
        assert not dialog.base.isVisibleTo(dialog)
        assert (dialog.name.text(), dialog.url.text(), dialog.user.text()) == (
            "Sales", old.base + "/", "alice")  # fmt: skip
        assert (dialog.password.text(), dialog.password.placeholderText()) == ("", "Unchanged")
        assert dialog.add_button.text() == "Save and sync"
        # Test connection on what is typed, with the stored password while the field is empty.
        assert said_after(qtbot, dialog, "test") == (
            "Found address book 'alice/contacts' with 2 contacts")
        assert not dialog.kind.isEnabled()  # stays fixed after the test
        dialog.url.setText(new.base + "/")
        assert said_after(qtbot, dialog, "test") == (
            f"⚠ Wrong user or password (http://127.0.0.1:{new.port}/ refused 'alice')"
        )
        dialog.password.setText("battery staple")
        assert said_after(qtbot, dialog, "test") == (
            "Found address book 'alice/contacts' with 3 contacts")
        assert mirror.directory(store, "Sales").url == old.base + "/"  # type: ignore[union-attr]

        dialog.add_button.click()
        assert dialog.progress.isVisible()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert page.status.text().startswith(
            "Saved Sales and synced: 1 added, 0 changed, 0 removed in ")
        [row] = rows(page)
        assert row.splitlines()[:2] == ["Sales  ·  CardDAV  ·  3 contacts",
                                        f"{new.base}/alice/contacts/  ·  as alice"]  # fmt: skip
        assert keychain.get_password("CallerCard", "directory:Sales") == "battery staple"
        # The same contact, and the call with it keeps its person.
        assert store.connection.execute(
            "SELECT contact_id FROM attempts WHERE call_key = 'k1'").fetchone()[0] == dana

        # A new password while the server is down: kept, and the failed sync said.
        new.stop()
        page.edit_button.click()
        dialog = page.dialog
        assert isinstance(dialog, EditDirectoryDialog)
        dialog.name.setText("Sales team")
        dialog.password.setText("next season")
        dialog.add_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert page.status.text() == (
            f"⚠ Saved Sales team (was Sales), but the sync failed: http://127.0.0.1:{new.port}"
            "/alice/contacts/ refused the connection: is the server running? The contacts "
            "copied so far stay as they were; Sync now tries again.")  # fmt: skip
        assert page.selected() == "Sales team"
        assert keychain.get_password("CallerCard", "directory:Sales") is None
        assert keychain.get_password("CallerCard", "directory:Sales team") == "next season"
        assert store.count_contacts() == 3
        for path in store.path.parent.rglob("*"):
            if path.is_file():
                for secret in ("correct horse", "battery staple", "next season"):
                    assert secret.encode() not in path.read_bytes(), path
    finally:
        old.stop()
        new.stop()


def test_edit_shows_an_ldap_directory_as_it_was_added_and_refuses_a_taken_name(
    qtbot: QtBot, page: DirectoriesPage, store: Store
) -> None:
    mirror.add_directory(store, "corp", "ldap", "ldap://127.0.0.1:9", BASE, READER_DN,
                         {"filter": "(uid=d*)", "start_tls": "1", "ca_file": "/etc/corp.pem"})
    mirror.add_directory(store, "partners", "carddav", "http://127.0.0.1:9/b/",
                         "http://127.0.0.1:9/b/", "")  # fmt: skip
    page.refresh()
    page.list.setCurrentRow(0)
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EditDirectoryDialog)
    assert (dialog.kind.currentData(), dialog.kind.isEnabled()) == ("ldap", False)
    assert dialog.base.isVisibleTo(dialog) and dialog.base.text() == BASE
    assert (dialog.user.text(), dialog.search_filter.text()) == (READER_DN, "(uid=d*)")
    assert dialog.start_tls.isChecked() and dialog.ca_file.text() == "/etc/corp.pem"
    assert dialog.password.placeholderText() == "Unchanged"
    dialog.name.setText("partners")
    dialog.add_button.click()
    assert dialog.said.text() == ("⚠ There is a directory named 'partners' already; choose "
                                  "another name.")  # fmt: skip
    dialog.name.setText("corp")
    dialog.url.setText("")
    dialog.test_button.click()
    assert dialog.said.text() == "⚠ The server address starts with ldap:// or ldaps://"


def test_with_no_directory_yet_the_text_and_buttons_stay_together(
    qtbot: QtBot, page: DirectoriesPage
) -> None:
    # Seen at 1600×1000: with the list hidden its spare height went into blank bands between
    # the intro, the "No team directories yet" line and the Add… button.
    page.resize(600, 480)
    page.show()
    qtbot.waitExposed(page)

    assert page.empty.isVisible()
    assert page.add_button.geometry().top() - page.empty.geometry().bottom() <= 12
    assert page.add_button.geometry().bottom() < page.height() // 2


def test_the_page_left_open_follows_directories_changed_elsewhere(
    qtbot: QtBot, tmp_path: Path, page: DirectoriesPage, store: Store
) -> None:
    """Settings open on this page all day, while `callercard directory add` runs in a terminal
    and the app's loop syncs in the background: both commit through connections of their own."""
    page.show()
    qtbot.waitExposed(page)
    assert page.empty.isVisible()
    elsewhere = Store.open(store.path)
    try:
        mirror.add_directory(elsewhere, "corp", "ldap", "ldap://127.0.0.1:9", BASE, "")
        qtbot.waitUntil(lambda: page.list.count() == 1, timeout=WAIT_MS)
        assert rows(page)[0].splitlines()[2] == "Never synced"
        assert page.sync_button.isEnabled()
        assert not page.empty.isVisible()
    finally:
        elsewhere.close()


def test_synced_just_now_ages_while_the_page_is_left_open(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings left open on this page: an hour after a sync it still said "Synced just now"
    (the words were written once, when the list was read). Hidden, it holds no timer."""
    from desktop.qt import clock_tick

    monkeypatch.setattr(clock_tick, "TICK_MS", 20)
    target = mirror.add_directory(store, "sales", "carddav", "http://127.0.0.1:9/b/",
                                  "http://127.0.0.1:9/b/", "")  # fmt: skip
    mirror.apply_changes(store, target, "token-1", {}, [])  # a sync that brought nothing new
    tasks = DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())
    page = DirectoriesPage(store, tasks)
    qtbot.addWidget(page)
    synced = datetime.now(UTC)
    page.clock = lambda: synced
    page.show()
    qtbot.waitExposed(page)
    assert rows(page)[0].splitlines()[2] == "Synced just now"
    page.clock = lambda: synced + timedelta(minutes=7)
    qtbot.waitUntil(lambda: rows(page)[0].splitlines()[2] == "Synced 7 min ago", timeout=WAIT_MS)
    page.clock = lambda: synced + timedelta(minutes=65)
    qtbot.waitUntil(lambda: rows(page)[0].splitlines()[2] == "Synced 1 h ago", timeout=WAIT_MS)
    page.hide()
    assert not [t for t in page.findChildren(QTimer) if t.isActive()]


def test_a_directory_just_added_is_the_one_chosen(
    qtbot: QtBot, tmp_path: Path, page: DirectoriesPage, store: Store
) -> None:
    """Sync now and Edit… right after Add act on the book just added, not on the one that
    happened to be chosen before."""
    mirror.add_directory(store, "corp", "ldap", "ldap://127.0.0.1:9", BASE, "")
    page.refresh()
    assert page.selected() == "corp"
    server = Radicale(tmp_path / "server").start()
    try:
        server.make_book("/team/sales/", [DANA])
        dialog = open_dialog(page)
        dialog.name.setText("Sales")
        dialog.url.setText(server.base + "/team/sales/")
        dialog.add_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert page.status.text().startswith("Added Sales: 1 added")
        assert page.selected() == "Sales"
    finally:
        server.stop()


def test_a_long_failure_wraps_inside_the_list_with_no_sideways_scroll_bar(
    qtbot: QtBot, page: DirectoriesPage, store: Store
) -> None:
    """A last error whose wrapped line just fits the list made the row wider by its padding:
    a sideways scroll bar appeared under the directories, at widths a rep has (seen at 1600 px
    with the page as Settings opens)."""
    url = "http://127.0.0.1:59915/dana/big/"
    mirror.add_directory(store, "big", "carddav", url, url, "dana")
    page.show()
    qtbot.waitExposed(page)
    wide: list[tuple[int, int]] = []
    for width in range(420, 700, 10):
        page.resize(width, 400)
        for pad in range(0, 24, 2):  # where the line breaks moves with the text's length
            store.connection.execute(
                "UPDATE directories SET synced_at = 1, last_error = ?",
                (f"{url}: the server refused user '{'d' * pad}' and its password "
                 "(401 Unauthorized)",),
            )  # fmt: skip
            page.refresh()
            QApplication.processEvents()
            if page.list.horizontalScrollBar().maximum() > 0:
                wide.append((width, pad))
    assert wide == []


def test_a_team_contact_hidden_from_the_contact_view_stays_hidden_until_shown_again(
    qtbot: QtBot, tmp_path: Path, page: DirectoriesPage, store: Store
) -> None:
    """Deleting Dana (the team book's) lasted until someone edited her card on the server.
    Now the contact view offers to hide her from this rep's cards, says the team keeps her
    and where to bring her back; a later sync leaves her out; Show hidden brings her back."""
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.lookup import CallerLookup
    from desktop.qt.contact_view import ContactView

    server = Radicale(tmp_path / "server").start()
    try:
        url = server.make_book("/team/sales/", [DANA, MIA])
        target = mirror.add_directory(store, "sales", "carddav", url, url, "")
        mirror.apply_changes(store, target, "", {}, [])  # as added, before its first sync
        page.show()
        qtbot.waitExposed(page)
        page.sync_button.click()
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=WAIT_MS)
        [(dana, _)] = store.contacts_for_number("+14155550101")
        lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
        view = ContactView(lookup, dana.id)
        qtbot.addWidget(view)
        view.open()
        assert view.delete_button.text() == "Hide from my cards…"
        view.delete_button.click()
        assert view.delete_bar.text.text() == (
            "Hide Dana Reyes from your cards? They stay in sales, the team's directory, whose "
            "syncs leave them out until you choose Show hidden in Settings → Team directories.")
        assert view.delete_bar.confirm_button.text() == "Hide"
        view.delete_bar.confirm_button.click()
        assert view.status.text() == "Hid Dana Reyes from your cards."
        view.close()
        server.put("/team/sales/dana.vcf", vcard("dana", "Dana Reyes", "ORG:Acme Logistics",
                                                  "TEL;TYPE=CELL:+1 415 555 0101"))  # fmt: skip
        page.sync_button.click()
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=WAIT_MS)
        assert store.contacts_for_number("+14155550101") == []
        assert rows(page)[0].splitlines()[0] == (
            "sales  ·  CardDAV  ·  1 contact (1 hidden from your cards)")
        assert page.show_hidden_button.isVisible()
        page.show_hidden_button.click()
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=WAIT_MS)
        [(back, _)] = store.contacts_for_number("+14155550101")
        assert back.company == "Acme Logistics"
        assert rows(page)[0].splitlines()[0] == "sales  ·  CardDAV  ·  2 contacts"
        assert not page.show_hidden_button.isVisible()
    finally:
        server.stop()


def test_enter_after_a_passed_test_adds_the_directory_instead_of_cancelling(
    qtbot: QtBot, tmp_path: Path, keychain: MemoryKeyring, page: DirectoriesPage, store: Store
) -> None:
    """Test connection, 'Found address book…', Enter: the rep means Add. The test button is
    locked while it runs, and the focus it lost went to Cancel, so Enter closed the dialog and
    threw the typed password away."""
    from PySide6.QtCore import Qt

    server = Radicale(tmp_path / "server", users={"alice": "correct horse"}).start()
    try:
        server.make_book("/alice/contacts/", [DANA, MIA], user="alice")
        page.show()
        dialog = open_dialog(page)
        dialog.name.setText("Sales")
        dialog.url.setText(server.base + "/alice/contacts/")
        dialog.user.setText("alice")
        dialog.password.setText("correct horse")
        dialog.test_button.setFocus()
        assert said_after(qtbot, dialog, "test").startswith("Found address book ")
        focused = dialog.focusWidget()
        assert focused is dialog.add_button, focused
        qtbot.keyClick(focused, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert [d.name for d in mirror.directories(store)] == ["Sales"]
        assert keychain.get_password("CallerCard", "directory:Sales") == "correct horse"
    finally:
        server.stop()


def test_a_failed_test_gives_the_focus_back_where_the_rep_was(
    qtbot: QtBot, page: DirectoriesPage
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    page.show()
    dialog = open_dialog(page)
    dialog.name.setText("Sales")
    dialog.url.setText(f"http://127.0.0.1:{port}/")
    dialog.test_button.setFocus()
    assert said_after(qtbot, dialog, "test").startswith("⚠ http://127.0.0.1:")
    assert dialog.focusWidget() is dialog.test_button
