"""Adding, testing, syncing and removing a team directory: the steps `callercard directory` and
Settings' Team directories page share, so both say and do the same.

Each step may wait on the network; callers run it where waiting is harmless (the verb's own
process, a worker thread of the app) and never import this module on the ring path or at the
app's start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from desktop.adapters.directories import mirror
from desktop.adapters.directories.carddav import (
    Progress,
    book_name,
    count_cards,
    discover,
    fetch_changes,
)
from desktop.adapters.directories.dav_http import DavClient, DavError
from desktop.adapters.directories.directory_form import DirectoryForm, form_of
from desktop.adapters.directories.mirror import Directory
from desktop.adapters.directories.syncing import (
    SyncReport,
    find_collection,
    is_group_card,
    password_for,
    sync_directory,
)
from desktop.adapters.secrets import SecretStore, SecretStoreError
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy

log = logging.getLogger(__name__)

SecretsFactory = Callable[[], SecretStore]
__all__ = ["Added", "DirectoryForm", "Edited", "Removed", "add_directory", "check_connection",
           "form_of", "remove_directory", "sync_named", "update_directory", "with_stored_password"]


@dataclass(frozen=True)
class Added:
    directory: Directory
    report: SyncReport | None  # None: the first sync failed (a CardDAV book stays added)
    sync_error: DavError | StoreError | None = None


@dataclass(frozen=True)
class Edited:
    directory: Directory  # as it is now, under its new name when it was renamed
    report: SyncReport | None  # None: the sync after the edit failed (the edit stays)
    sync_error: DavError | StoreError | None = None
    was: str = ""  # its name before the edit


@dataclass(frozen=True)
class Removed:
    name: str
    contacts: int  # mirrored contacts that went with it
    password_kept: str = ""  # why its password could not be removed from the secret store


def check_connection(form: DirectoryForm) -> str:
    """What the server holds, in words ("Found address book 'Sales' with 1,204 contacts");
    raises DavError (LdapError included) with the reason. Nothing is stored."""
    if form.kind == "ldap":
        from desktop.adapters.directories.ldap_client import (
            DEFAULT_FILTER,
            LdapTarget,
            check_url,
            search_entries,
        )

        check_url(form.url)
        found = search_entries(LdapTarget(
            form.url.strip(), form.base.strip(), form.user.strip(), form.password,
            form.search_filter.strip() or DEFAULT_FILTER, form.start_tls, form.ca_file,
        ))  # fmt: skip
        plural = "y" if len(found) == 1 else "ies"
        return f"Found {len(found):,} entr{plural} under {form.base.strip()}"
    with DavClient(username=form.user, password=form.password, ca_file=form.ca_file) as client:
        collection = discover(client, form.url)
        name = book_name(client, collection)
        # Counted without downloading the book, which the first sync does: a book of cards
        # with photos was fetched twice, once for a number. Its groups are cards too, and
        # the first sync adds no contact for them ("49 contacts", then "47 added").
        counted = count_cards(client, collection)
        if counted is None:  # no group query here: the cards' own text says which
            cards = fetch_changes(client, collection, "", {}).cards
            groups = sum(1 for _etag, text in cards.values() if is_group_card(text))
            counted = len(cards), groups
    everything, groups = counted
    return _found_words(name, everything - groups, groups)


def _found_words(name: str, people: int, groups: int) -> str:
    """"Found address book 'Sales' with 47 contacts (2 groups left out)"."""
    plural = "" if people == 1 else "s"
    text = f"Found address book {name!r} with {people:,} contact{plural}"
    if groups:
        text += f" ({groups:,} group{'' if groups == 1 else 's'} left out)"
    return text


def add_directory(
    store: Store,
    form: DirectoryForm,
    policy: NumberPolicy,
    secrets: SecretsFactory,
    progress: Progress | None = None,
) -> Added:
    """Add `form`'s directory and sync it once. A CardDAV book is added once its address book
    is found (a failed first sync is retried later); an LDAP directory only if its first
    sync succeeds, so a wrong address, base, password or certificate leaves nothing behind.
    The password goes to the secret store, which must be a secure one; never to a file."""
    kept = _secure(secrets) if form.password else None
    if form.kind == "ldap":
        target = mirror.add_directory(store, form.name, "ldap", form.url.strip(),
                                      form.base.strip(), form.user.strip(),
                                      form.options())  # fmt: skip
        try:
            report = sync_directory(store, target, form.password, policy)
            if kept is not None:
                kept.set(target.secret_name, form.password)
        except (DavError, StoreError, SecretStoreError):
            mirror.remove_directory(store, form.name)
            raise
        return Added(_reread(store, target), report)
    collection = find_collection(form.url, form.user, form.password, ca_file=form.ca_file)
    target = mirror.add_directory(store, form.name, "carddav", form.url, collection, form.user,
                                  form.options())  # fmt: skip
    if kept is not None:
        try:
            kept.set(target.secret_name, form.password)
        except SecretStoreError:
            mirror.remove_directory(store, form.name)
            raise
    try:
        report = sync_directory(store, target, form.password, policy, progress=progress)
    except (DavError, StoreError) as exc:
        return Added(_reread(store, target), None, exc)
    return Added(_reread(store, target), report)


def with_stored_password(form: DirectoryForm, name: str, secrets: SecretsFactory) -> DirectoryForm:
    """`form` with directory `name`'s stored password when its own is empty: "Unchanged" in
    Edit means the password in the secret store. No user, no password."""
    if form.password or not form.user:
        return form
    return replace(form, password=secrets().get(mirror.secret_name(name)) or "")


def update_directory(
    store: Store,
    name: str,
    form: DirectoryForm,
    policy: NumberPolicy,
    secrets: SecretsFactory,
    progress: Progress | None = None,
) -> Edited:
    """Change directory `name` to `form` (its kind stays; an empty password keeps the stored
    one) and sync it. Its mirrored contacts stay and a sync replaces what changed, so calls
    linked to them keep their person. A new CardDAV address or user is looked up first: if
    no address book is found there, nothing changes. A failed sync keeps the new settings
    and says why, as adding does. A rename takes the password along in the secret store."""
    target = mirror.directory(store, name)
    if target is None:
        raise StoreError(f"there is no directory named {name!r}")
    if form.kind != target.kind:
        raise StoreError(f"{name}: a directory's kind cannot change; remove it and add the "
                         f"{form.kind} directory instead")  # fmt: skip
    new_name = form.name.strip()
    if not new_name:
        raise StoreError(f"{name}: a directory needs a name")
    if new_name != name and mirror.directory(store, new_name) is not None:
        raise StoreError(f"there is a directory named {new_name!r} already")
    user = form.user.strip()
    if form.password and not user:
        raise StoreError(f"{name}: a password goes with a "
                         + ("bind DN" if form.kind == "ldap" else "user name"))
    opened = secrets() if user or target.username else None
    stored = password_for(target, opened) if target.username else ""
    password = form.password or (stored if user else "")
    # The secret is written only when it changes or moves: an unchanged one needs no keychain.
    moves = bool(user and password) and (bool(form.password) or new_name != name)
    keeper = _secure(secrets) if moves else None
    form = replace(form, name=new_name, user=user, password=password)
    if form.kind == "ldap":
        from desktop.adapters.directories.ldap_client import check_url

        collection = form.base.strip()
        url = form.url.strip()
        check_url(url)
    else:
        url = form.url
        collection = target.collection_url
        if (url, user) != (target.url, target.username):
            collection = find_collection(url, user, password, ca_file=form.ca_file)
    if keeper is not None:
        keeper.set(mirror.secret_name(new_name), password)
    try:
        edited = mirror.update_directory(store, target, new_name, url, collection, user,
                                         form.options())  # fmt: skip
    except StoreError:
        if keeper is not None and new_name == name and stored:
            keeper.set(target.secret_name, stored)
        elif keeper is not None:
            _forget(keeper, mirror.secret_name(new_name))
        raise
    if target.username and (new_name != name or not user):
        _forget(opened, target.secret_name)
    try:
        report = sync_directory(store, edited, password, policy, progress=progress)
    except (DavError, StoreError) as exc:
        return Edited(_reread(store, edited), None, exc, name)
    return Edited(_reread(store, edited), report, None, name)


def sync_named(
    store: Store, name: str, policy: NumberPolicy, secrets: SecretsFactory,
    progress: Progress | None = None,
) -> SyncReport:  # fmt: skip
    """Sync the directory called `name` now, with its password from the secret store."""
    target = mirror.directory(store, name)
    if target is None:
        raise StoreError(f"there is no directory named {name!r}")
    opened = secrets() if target.username else None
    return sync_directory(store, target, password_for(target, opened), policy, progress=progress)


def remove_directory(store: Store, name: str, secrets: SecretsFactory) -> Removed:
    """The directory, the contacts mirrored from it and its password (their calls stay in
    the history, as calls from numbers nobody has)."""
    target = mirror.directory(store, name)
    if target is None:
        raise StoreError(f"there is no directory named {name!r}")
    removed = mirror.remove_directory(store, name)
    if target.username:
        try:
            secrets().delete(target.secret_name)
        except SecretStoreError as exc:
            return Removed(name, removed, str(exc))
    return Removed(name, removed)


def _secure(secrets: SecretsFactory) -> SecretStore:
    opened = secrets()
    if not opened.status.secure:
        raise SecretStoreError(opened.status.describe(), opened.status.in_words())
    return opened


def _forget(opened: SecretStore | None, secret: str) -> None:
    """Best effort: a password left under a name no directory has is never read again."""
    if opened is None:
        return
    try:
        opened.delete(secret)
    except SecretStoreError as exc:
        log.warning("directories: %s", exc)


def _reread(store: Store, target: Directory) -> Directory:
    return mirror.directory(store, target.name) or target
