"""`callercard directory add|list|sync|edit|remove`: team address books mirrored into the store.

Every failure is one line on stderr naming the directory; a failed sync leaves the mirror as it
was and says so. Passwords are read from stdin (never from the command line, where `ps` shows
them) and kept in the system's secret store, never in a file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from desktop.adapters.directories import mirror
from desktop.adapters.directories.carddav import Progress
from desktop.adapters.directories.dav_http import DavError
from desktop.adapters.directories.managing import (
    DirectoryForm,
    SecretsFactory,
    add_directory,
    form_of,
    remove_directory,
    update_directory,
)
from desktop.adapters.directories.mirror import Directory
from desktop.adapters.directories.syncing import SyncReport, password_for, sync_directory
from desktop.adapters.importing.cli_run import ProgressLine
from desktop.adapters.secrets import SecretStore, SecretStoreError
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy

T = TypeVar("T")


class DirectoryCommandError(Exception):
    """One line for the user; the command exits non-zero."""


def run_directory_command(
    args: argparse.Namespace,
    store: Store,
    region: str,
    secrets: SecretsFactory = SecretStore.open,
) -> int:
    try:
        action = args.directory_action
        if action == "add":
            return _add(args, store, NumberPolicy(region), secrets)
        if action == "list":
            return _list(store, args.json)
        if action == "sync":
            return _sync(store, args.name, NumberPolicy(region), secrets)
        if action == "edit":
            return _edit(args, store, NumberPolicy(region), secrets)
        return _remove(store, args.name, secrets)
    except (DavError, StoreError, SecretStoreError) as exc:
        raise DirectoryCommandError(str(exc)) from exc


def _add(args: argparse.Namespace, store: Store, policy: NumberPolicy,
         secrets: SecretsFactory) -> int:  # fmt: skip
    name = (args.name or _name_from(args.url)).strip()
    if not name:
        raise DirectoryCommandError("directory add: give it a name with --name")
    if mirror.directory(store, name) is not None:
        raise DirectoryCommandError(f"there is a directory named {name!r} already; "
                                    "choose another with --name")  # fmt: skip
    if args.kind == "ldap":
        return _add_ldap(args, name, store, policy, secrets)
    if args.password_stdin and not args.user:
        raise DirectoryCommandError("directory add: --password-stdin goes with --user")
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else ""
    form = DirectoryForm("carddav", name, args.url, args.user or "", password,
                         ca_file=_ca_file(args.ca_file) if args.ca_file else "")  # fmt: skip
    added = _with_progress(name, lambda progress: add_directory(store, form, policy, secrets,
                                                                progress))  # fmt: skip
    print(f"added {name}: {added.directory.collection_url}")
    if added.report is None:
        print(f"callercard: {name}: the first sync failed: {added.sync_error}; "
              f"`callercard directory sync {name}` tries again", file=sys.stderr)  # fmt: skip
        return 1
    _print_report(added.report)
    return 0


def _add_ldap(args: argparse.Namespace, name: str, store: Store, policy: NumberPolicy,
              secrets: SecretsFactory) -> int:  # fmt: skip
    """Added only if its first sync succeeds: a wrong address, base, password or certificate
    leaves nothing behind."""
    from desktop.adapters.directories.ldap_client import check_url

    check_url(args.url)
    if not args.base.strip():
        raise DirectoryCommandError("directory add ldap: give the search base with --base DN, "
                                    "e.g. --base dc=example,dc=com")  # fmt: skip
    if args.password_stdin and not args.bind_dn:
        raise DirectoryCommandError("directory add ldap: --password-stdin goes with --bind-dn")
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else ""
    form = DirectoryForm("ldap", name, args.url, args.bind_dn, password, args.base,
                         args.filter, args.start_tls,
                         _ca_file(args.ca_file) if args.ca_file else "")  # fmt: skip
    added = add_directory(store, form, policy, secrets)
    print(f"added {name}: {added.directory.url} {added.directory.collection_url}")
    assert added.report is not None  # an LDAP directory is only added by a first sync
    _print_report(added.report)
    return 0


def _ca_file(given: str) -> str:
    """The trusted authorities' file, as an absolute path (the app runs from elsewhere)."""
    ca_file = Path(given).expanduser().resolve()
    if not ca_file.is_file():
        raise DirectoryCommandError(f"--ca-file {given}: no such file")
    return str(ca_file)


def _list(store: Store, as_json: bool) -> int:
    found = mirror.directories(store)
    if as_json:
        print(json.dumps({"directories": [_json(d) for d in found]}, ensure_ascii=False,
                         indent=2))  # fmt: skip
        return 0
    for d in found:
        synced = d.synced_at.strftime("%Y-%m-%d %H:%M UTC") if d.synced_at else "never"
        user = f" as {d.username}" if d.username else ""
        where = f"{d.url} {d.collection_url}" if d.kind == "ldap" else d.collection_url
        print(f"{d.name}  {d.kind}  {where}{user}  {d.cards} contacts  "
              f"synced {synced}")  # fmt: skip
        if d.last_error:
            print(f"  last sync failed: {d.last_error}")
        if d.waiting:
            print(f"  {d.waiting} call notes waiting to be shared")
        if d.hidden:
            print(f"  {d.hidden} hidden from your cards (Settings → Team directories → "
                  "Show hidden)")  # fmt: skip
    if not found:
        print("no directories; add one with `callercard directory add carddav URL` or "
              "`callercard directory add ldap URL --base DN`",
              file=sys.stderr)  # fmt: skip
    return 0


def _sync(store: Store, name: str | None, policy: NumberPolicy,
          secrets: SecretsFactory) -> int:  # fmt: skip
    targets = mirror.directories(store)
    if name is not None:
        targets = [d for d in targets if d.name == name]
        if not targets:
            raise DirectoryCommandError(f"there is no directory named {name!r}")
    opened: SecretStore | None = None
    failed = 0
    for target in targets:
        try:
            if target.username and opened is None:
                opened = secrets()
            _print_report(_sync_one(store, target, password_for(target, opened), policy))
        except (DavError, StoreError, SecretStoreError) as exc:
            failed += 1
            print(f"callercard: {target.name}: {exc}; the mirror is unchanged", file=sys.stderr)
    return 1 if failed else 0


def _edit(args: argparse.Namespace, store: Store, policy: NumberPolicy,
          secrets: SecretsFactory) -> int:  # fmt: skip
    """What Settings' Edit does: the options given change, the rest stay; the password only
    with --password-stdin. Synced at once; a failed sync keeps the new settings."""
    target = mirror.directory(store, args.name)
    if target is None:
        raise DirectoryCommandError(f"there is no directory named {args.name!r}")
    ldap = target.kind == "ldap"
    given = {"--user": args.user, "--bind-dn": args.bind_dn, "--base": args.base,
             "--filter": args.filter, "--start-tls": args.start_tls}  # fmt: skip
    foreign = ("--user",) if ldap else ("--bind-dn", "--base", "--filter", "--start-tls")
    for option in foreign:
        if given[option] is not None:
            raise DirectoryCommandError(f"directory edit: {option} is not for a "
                                        f"{target.kind} directory")  # fmt: skip
    form = form_of(target)
    user = args.bind_dn if ldap else args.user
    form = replace(
        form,
        name=form.name if args.new_name is None else args.new_name,
        url=form.url if args.url is None else args.url,
        user=form.user if user is None else user,
        base=form.base if args.base is None else args.base,
        search_filter=form.search_filter if args.filter is None else args.filter,
        start_tls=form.start_tls if args.start_tls is None else args.start_tls,
        ca_file=form.ca_file if args.ca_file is None else (
            _ca_file(args.ca_file) if args.ca_file else ""),
    )  # fmt: skip
    if args.password_stdin:
        if not form.user.strip():
            who = "--bind-dn" if ldap else "--user"
            raise DirectoryCommandError(f"directory edit: --password-stdin goes with {who}")
        form = replace(form, password=sys.stdin.readline().rstrip("\r\n"))
    edited = _with_progress(form.name, lambda progress: update_directory(
        store, target.name, form, policy, secrets, progress))  # fmt: skip
    d = edited.directory
    renamed = f" (was {target.name})" if d.name != target.name else ""
    where = f"{d.url} {d.collection_url}" if ldap else d.collection_url
    print(f"edited {d.name}{renamed}: {where}")
    if edited.report is None:
        print(f"callercard: {d.name}: the sync after the edit failed: {edited.sync_error}; "
              f"the new settings are kept; `callercard directory sync {d.name}` tries again",
              file=sys.stderr)  # fmt: skip
        return 1
    _print_report(edited.report)
    return 0


def _remove(store: Store, name: str, secrets: SecretsFactory) -> int:
    if mirror.directory(store, name) is None:
        raise DirectoryCommandError(f"there is no directory named {name!r}")
    removed = remove_directory(store, name, secrets)
    if removed.password_kept:
        print(f"callercard: {name}: its password stays in the secret store "
              f"({removed.password_kept})", file=sys.stderr)  # fmt: skip
    print(f"removed {name} and the {removed.contacts} contacts mirrored from it")
    return 0


def _sync_one(store: Store, target: Directory, password: str, policy: NumberPolicy) -> SyncReport:
    return _with_progress(target.name, lambda progress: sync_directory(
        store, target, password, policy, progress=progress))  # fmt: skip


def _with_progress(name: str, work: Callable[[Progress | None], T]) -> T:
    """`work` with a progress line on stderr when it is a terminal."""
    terminal = sys.stderr.isatty()
    progress = ProgressLine(name, sys.stderr, verb="syncing") if terminal else None
    try:
        return work(progress)
    finally:
        if progress is not None:
            progress.clear()


def _print_report(report: SyncReport) -> None:
    print(report.summary())
    for problem in report.problems[:20]:
        print(f"  {problem}")
    if report.counts.demo_removed:
        print(report.demo_words().strip())


def _json(d: Directory) -> dict[str, object]:
    return {
        "name": d.name, "kind": d.kind, "url": d.url, "collection_url": d.collection_url,
        "user": d.username, "contacts": d.cards, **d.options,
        "synced_at": d.synced_at.isoformat() if d.synced_at else None,
        "last_error": d.last_error or None, "notes_waiting": d.waiting, "hidden": d.hidden,
    }  # fmt: skip


def _name_from(url: str) -> str:
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return segments[-1] if segments else parts.hostname or ""
