"""The `callercard` command: the tray app by default, and verbs that run without Qt.

Imports stay inside the verbs: `callercard ring` runs from a softphone's incoming-call hook,
which waits for it, so it must not pay for Qt, SQLite or the number metadata it never uses.
"""

from __future__ import annotations

import os
import sys

# Not `typing.TYPE_CHECKING`: `callercard ring` imports this module on every incoming call, and
# typing, argparse and collections are imported only by the verbs that use them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.paths import AppPaths
    from desktop.adapters.settings import Settings
    from desktop.adapters.store import LoggedCall, Store


class CliError(Exception):
    """One line for the user; the command exits non-zero."""


def _add_common(
    parser: argparse.ArgumentParser, *, top: bool,
    region_help: str = "home region for numbers written without a country code (e.g. US, GB, DE)",
) -> None:
    import argparse

    # Accepted before and after the verb; the copy on each verb must not clobber the other.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--region", metavar="CC", default=default, help=region_help)
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default,
        help="where CallerCard keeps its data (default: CALLERCARD_HOME or the user data dir)",
    )  # fmt: skip


def _app_parser() -> argparse.ArgumentParser:
    """The options of the app itself, before any verb."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="callercard",
        description="Pops a prepared card the instant a prospect calls back.",
    )
    _add_common(parser, top=True, region_help=(
        "home region for numbers written without a country code (e.g. US, GB, DE); CallerCard "
        "started with it keeps it in Settings → General, so CallerCard started later by a "
        "softphone hook or at login reads it too"))
    parser.add_argument(
        "--region-once", metavar="CC",
        help="read numbers in this home region for this run only, not kept (a one-off test run)",
    )  # fmt: skip
    parser.add_argument(
        "--demo", action="store_true",
        help="run with the bundled demo book in a throwaway data directory",
    )  # fmt: skip
    parser.add_argument(
        "--background", action="store_true",
        help="start straight into the tray, without opening any window",
    )  # fmt: skip
    parser.add_argument(
        "--watch", action="append", default=[], metavar="FORMAT:PATH",
        help="watch a softphone call log, e.g. microsip:PATH (repeatable); kept in Settings → "
        "Softphones, so CallerCard started later by a softphone hook or at login reads it too",
    )  # fmt: skip
    parser.add_argument(
        "--watch-once", action="append", default=[], metavar="FORMAT:PATH",
        help="watch a call log for this run only, not kept (a one-off test run; repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--trace", metavar="FILE", help="append one JSON line per stage of each ring to FILE"
    )
    parser.add_argument(
        "--open", nargs="*", default=[], metavar="FILE",
        help="open contact files in the running app's Import window (starts the app); what "
        "the desktop entry runs when a .csv, .vcf or .xlsx is opened with CallerCard",
    )  # fmt: skip
    parser.add_argument("--deliver", metavar="JSON", help=argparse.SUPPRESS)
    return parser


def _parse_app_start(raw: list[str]) -> argparse.Namespace | None:
    """The app's own start (options, no verb) without building every verb's parser, which
    takes ~25 ms of the tray's start-up; None when `raw` needs the full parser."""
    if "-h" in raw or "--help" in raw:
        return None
    args, rest = _app_parser().parse_known_args(raw)
    if rest:
        return None  # a verb, or an option only the full parser knows (or reports)
    args.verb = None
    return args


def build_parser() -> argparse.ArgumentParser:
    from desktop.core.dialers import Dialer

    parser = _app_parser()
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    p = verbs.add_parser(
        "import", help="import contacts from CSV, TXT, XLSX or vCard files (one batch per file)"
    )
    _add_common(p, top=False, region_help=(
        "home region (e.g. US, GB, DE), as for every command: numbers without a country code "
        "are read in it when a file does not say where it is from"))
    # Not --region: that is the home region on every other command, and a rep copying
    # `--region US` from elsewhere read a German file's numbers as American.
    p.add_argument("--numbers-region", metavar="CC", dest="numbers_region",
                   help="read numbers without a country code in these files as numbers of this "
                   "region; overrides the region inferred from each file (its headers' "
                   "language, +49 numbers, .de addresses…)")  # fmt: skip
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--encoding", metavar="E", help="read text files in this encoding (cp1252…)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--undo", type=int, metavar="BATCH", help="take back an earlier import batch")
    p.add_argument("--list", action="store_true", help="list the import batches")
    p.add_argument("--remove-demo", action="store_true",
                   help="remove the demo contact book (the first import of a file does too)")
    p.add_argument("--rejected-csv", metavar="PATH",
                   help="save the rejected rows (with the reason) to PATH for fixing")
    p.add_argument("--window", action="store_true",
                   help="open the files in the running app's Import window (starts the app)")
    p.add_argument("--follow", action="store_true",
                   help="keep following the files (or folders of .vcf files): the running app "
                        "imports each again when it is saved, replacing its previous batch")
    p.add_argument("--unfollow", metavar="PATH", help="stop following PATH (its contacts stay)")
    p.add_argument("--list-followed", action="store_true", help="list the followed files")

    p = verbs.add_parser("lookup", help="show the card for a caller ID")
    _add_common(p, top=False)
    p.add_argument("caller_id", metavar="CALLER_ID")
    p.add_argument("--name", default="", help="the display name the phone showed")
    p.add_argument("--json", action="store_true", help="print the card as one JSON object")

    p = verbs.add_parser("search", help="find contacts by name, company, notes or digits")
    _add_common(p, top=False)
    p.add_argument("query", metavar="QUERY", nargs="?", default="",
                   help='words and number fragments, e.g. "mike 415" or 0142')  # fmt: skip
    p.add_argument("--days", type=int, metavar="N",
                   help="only people with a call in the last N days, and those calls: "
                        "either way, answered or not (0: today)")  # fmt: skip
    p.add_argument("--awaiting", action="store_true",
                   help="only people we left a message for who have not called back")  # fmt: skip
    p.add_argument("--referral", action="store_true", help="only people with a referral")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")

    p = verbs.add_parser("calls", help="list the call history, the newest first")
    _add_common(p, top=False)
    p.add_argument("--missed", action="store_true", help="only calls we missed")
    p.add_argument("--awaiting", action="store_true",
                   help="only voicemails we left that have had no callback yet")  # fmt: skip
    p.add_argument("--days", type=int, metavar="N",
                   help="only calls of the last N days (0: today, since midnight)")
    p.add_argument("--name", default="", metavar="TEXT",
                   help="only calls with someone whose name, company or caller ID name "
                        "holds each word of TEXT, or from a caller ID that is no number "
                        "holding it; as search, a given name finds its other forms ('mike' "
                        "finds Michael Brandt and BRANDT MICHAEL)")  # fmt: skip
    p.add_argument("--limit", type=int, default=200, metavar="N", help="at most N calls")
    p.add_argument("--json", action="store_true", help="print the calls as one JSON object")

    p = verbs.add_parser("callbacks", help="who is waiting for a call, and whom we wait for")
    _add_common(p, top=False)
    p.add_argument("--json", action="store_true", help="print the sections as one JSON object")

    p = verbs.add_parser("call", help="place a call with your softphone (Settings → Place "
                         "calls with, or --with)")  # fmt: skip
    _add_common(p, top=False)
    p.add_argument("number", help="the number, international or of the home region, or a "
                   "colleague's extension (x3103)")
    p.add_argument("--with", dest="dialer", choices=[d.value for d in Dialer],
                   help="which softphone places it (default: the one chosen in Settings)")
    p.add_argument("--baresip", metavar="HOST:PORT",
                   help="baresip's ctrl_tcp address (default: the watched one, else "
                        "$CALLERCARD_BARESIP_CTRL, else 127.0.0.1:4444)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the outcome as one JSON object")

    for verb, text in (("ring", "tell the running app a call is ringing (for softphone hooks)"),
                       ("end", "tell the running app a call has ended")):  # fmt: skip
        epilog = HOOK_EPILOG.format(
            verb=verb, when="as a call rings" if verb == "ring" else "when a call is over",
            starts=" and starts CallerCard when it is not running" if verb == "ring" else "")
        p = verbs.add_parser(verb, help=text, description=text[0].upper() + text[1:] + ".",
                             epilog=epilog)  # fmt: skip
        _add_common(p, top=False)
        p.add_argument("caller_id", metavar="CALLER_ID", nargs="?", default="",
                       help="the number as the phone shows it (empty, 'anonymous' or "
                            "'Restricted' for a withheld caller)")  # fmt: skip
        # Jitsi splits its command line at spaces, so a display name put last arrives in words.
        p.add_argument("name_words", nargs="*", metavar="NAME",
                       help="the caller's display name, as --name; digit groups right after "
                            "the number are read as part of it (+49 30 1234567)")  # fmt: skip
        p.add_argument("--name", default="", help="the caller's display name, if the phone has it")
        p.add_argument("--source", default="hook", help="which softphone sent it (for the trace)")
        if verb == "end":
            said = p.add_mutually_exclusive_group()
            said.add_argument("--missed", dest="outcome", action="store_const",
                              const="missed", default="",
                              help="nobody answered: log it as a missed call")  # fmt: skip
            said.add_argument("--answered", dest="outcome", action="store_const",
                              const="answered", help="the call was answered")  # fmt: skip
    p = verbs.add_parser("events", help="print the call events a softphone's file holds")
    _add_common(p, top=False)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", default="auto", metavar="NAME",
                   help="the file's format, or auto to tell it from the content (default)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p = verbs.add_parser("hook-url", help="the loopback URL for softphones that open URLs")
    _add_common(p, top=False)
    p.add_argument("--enable", action="store_true", help="turn it on (off by default)")
    p.add_argument("--disable", action="store_true", help="turn it off")
    p.add_argument("--port", type=int, metavar="N", help="listen on 127.0.0.1:N (47123)")
    p.add_argument("--new-token", action="store_true", help="replace the secret in the URLs")
    p = verbs.add_parser("quit", help="ask the running app to quit")
    _add_common(p, top=False)
    _add_log_call_parser(verbs)
    _add_directory_parser(verbs)
    _add_duplicate_parsers(verbs)
    p = verbs.add_parser("secrets", help="say where CallerCard would keep passwords and tokens")
    _add_common(p, top=False)
    p.add_argument("--json", action="store_true", help="print the status as one JSON object")
    p = verbs.add_parser("compact", help="give the disk back the space undone imports freed")
    _add_common(p, top=False)
    return parser


def _add_directory_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = verbs.add_parser(
        "directory", help="team address books (CardDAV) and company directories (LDAP) mirrored"
    )
    _add_common(p, top=False)
    actions = p.add_subparsers(dest="directory_action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="add a CardDAV address book or an LDAP directory")
    _add_common(a, top=False)
    a.add_argument("kind", choices=["carddav", "ldap"], help="the kind of directory")
    a.add_argument("url", metavar="URL",
                   help="the address book's URL or the server's; ldap[s]://host[:port]")
    a.add_argument("--name", help="what to call it (default: from the URL)")
    a.add_argument("--user", default="", help="the user name on the server (CardDAV)")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")  # fmt: skip
    a.add_argument("--base", default="", metavar="DN", help="LDAP: where to search")
    a.add_argument("--bind-dn", default="", metavar="DN",
                   help="LDAP: who to bind as (default: anonymous)")  # fmt: skip
    a.add_argument("--filter", default="", metavar="F",
                   help="LDAP: which entries (default: people and contacts)")  # fmt: skip
    a.add_argument("--start-tls", action="store_true", help="LDAP: StartTLS on ldap://")
    a.add_argument("--ca-file", default="", metavar="PATH",
                   help="trust the certificate authorities in this PEM file (a company CA, a "
                   "self-signed server) instead of the system's")  # fmt: skip
    a = actions.add_parser("list", help="list the directories and when each last synced")
    _add_common(a, top=False)
    a.add_argument("--json", action="store_true", help="print them as one JSON object")
    a = actions.add_parser("sync", help="bring the local mirror up to date now")
    _add_common(a, top=False)
    a.add_argument("name", nargs="?", metavar="NAME", help="only this directory")
    _add_directory_edit(actions)
    a = actions.add_parser("remove", help="remove a directory and the contacts mirrored from it")
    _add_common(a, top=False)
    a.add_argument("name", metavar="NAME")


def _add_directory_edit(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = actions.add_parser("edit", help="change a directory's address, user, password or name; "
                           "its contacts stay")  # fmt: skip
    _add_common(a, top=False)
    a.add_argument("name", metavar="NAME")
    a.add_argument("--name", dest="new_name", metavar="NEW", help="call it NEW from now on")
    a.add_argument("--url", metavar="URL", help="the address book's or server's new URL")
    a.add_argument("--user", metavar="USER", help="CardDAV: the user name ('' for none)")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the new password from the first line of standard input")  # fmt: skip
    a.add_argument("--base", metavar="DN", help="LDAP: where to search")
    a.add_argument("--bind-dn", metavar="DN", help="LDAP: who to bind as ('' for anonymous)")
    a.add_argument("--filter", metavar="F", help="LDAP: which entries ('' for the default)")
    a.add_argument("--start-tls", action="store_const", const=True, help="LDAP: StartTLS on ldap://")
    a.add_argument("--no-start-tls", action="store_const", const=False, dest="start_tls",
                   help="LDAP: no StartTLS")  # fmt: skip
    a.add_argument("--ca-file", metavar="PATH",
                   help="trust the authorities in this PEM file ('' for the system's)")


def _add_duplicate_parsers(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = verbs.add_parser("duplicates", help="list contacts that are probably one person")
    _add_common(p, top=False)
    p.add_argument("--json", action="store_true", help="print the pairs as one JSON object")
    p = verbs.add_parser("merge", help="merge two contacts into one (undo-merge takes it back)")
    _add_common(p, top=False)
    p.add_argument("keep", type=int, metavar="KEEP", help="the contact id that stays")
    p.add_argument("other", type=int, metavar="OTHER", help="the contact id merged into it")
    p.add_argument("--preview", action="store_true", help="show the result, change nothing")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p = verbs.add_parser("undo-merge", help="take a merge back (the newest unless named)")
    _add_common(p, top=False)
    p.add_argument("merge_id", type=int, nargs="?", metavar="MERGE",
                   help="the number `merge` printed")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def _add_log_call_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = verbs.add_parser("log-call", help="record a call you made (and share it on the team card)")
    _add_common(p, top=False)
    p.add_argument("number", metavar="NUMBER")
    # Outcome's values but "missed" and "" (not outcomes of a call one made); a literal, so
    # building the parser (on `ring`'s path) imports nothing.
    p.add_argument("--outcome", required=True,
                   choices=("voicemail", "no_answer", "gatekeeper", "talked"))  # fmt: skip
    p.add_argument("--message", default="", metavar="M", help="what was said or left")
    p.add_argument("--reason", default="", metavar="R", help="why you called")
    p.add_argument("--rep", default="", metavar="NAME",
                   help="who called (default: your name in Settings, else your login)")  # fmt: skip


# A frozen bundle has no `python -m`: its child processes re-run the executable with this
# verb first. Not in the parser, so it never shows in --help.
HOOK_EPILOG = (
    "A softphone runs this {when}: `callercard {verb} %number% %name%`, with its own "
    "placeholders. docs/softphone-hooks.md has the line for MicroSIP, Zoiper, Twinkle, Jitsi "
    "and others. It returns in a few tens of milliseconds{starts}."
)
FROZEN_PLACES_VERB = "_build-place-index"
FROZEN_IMPORT_WORKER_VERB = "_import-worker"
FROZEN_SHEET_READER_VERB = "_sheet-reader"
FROZEN_FOLLOW_VERB = "_follow-refresh"


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] in (["ring"], ["end"]) or (raw[:1] and raw[0].startswith("--")):
        code = _fast_hook(raw)
        if code is not None and argv is None:
            from desktop.hook_send import exit_now

            exit_now(code)  # this process is the hook
        if code is not None:
            return code
    if raw[:1] == [FROZEN_PLACES_VERB]:
        from desktop.adapters.places import main as places_main

        return places_main(["build", *raw[1:]])
    if raw[:1] == [FROZEN_IMPORT_WORKER_VERB]:
        from desktop.adapters.importing.row_workers import serve

        serve(sys.stdin.buffer, sys.stdout.buffer)
        return 0
    if raw[:1] == [FROZEN_SHEET_READER_VERB]:
        from desktop.adapters.importing.sheet_child import main as sheet_reader_main

        return sheet_reader_main(raw[1:])
    if raw[:1] == [FROZEN_FOLLOW_VERB]:
        from desktop.adapters.importing.follow_child import main as follow_main

        return follow_main(raw[1:])
    args = _parse_app_start(raw)
    if args is None:
        args = build_parser().parse_args(raw)
    try:
        code = _run_verb(args)
        sys.stdout.flush()  # a reader that went away shows here, not as a traceback at exit
    except BrokenPipeError:
        # `callercard lookup … | head -1`: the reader has what it wanted. Python's advice
        # (docs, "Note on SIGPIPE"): point stdout at devnull so the exit flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return _EXIT_BROKEN_PIPE
    return code


def _fast_hook(raw: list[str]) -> int | None:
    """`ring` / `end` without argparse (the softphone waits for them); None to parse in full."""
    from desktop.hook_argv import parse_hook_argv

    args = parse_hook_argv(raw)
    if args is None:
        return None
    from desktop.hook_send import send_line

    try:
        code = send_line(args)
        if not isinstance(code, int):  # nothing sent (no app, not the common case), or unanswered
            from desktop.cli_ring import send_ring

            code = send_ring(args, unanswered=code)
    except KeyboardInterrupt:
        return 130
    return code


_EXIT_BROKEN_PIPE = 141  # what a shell reports for a program that SIGPIPE ended


def _run_verb(args: argparse.Namespace) -> int:
    try:
        if getattr(args, "region_once", None):  # "XX" read every number as +1, unsaid
            args.region_once = _region_code("--region-once", args.region_once)
        if args.verb in ("ring", "end", "quit"):
            from desktop.cli_ring import send_ring

            return send_ring(args)
        if args.verb == "hook-url":
            from desktop.adapters.paths import resolve_paths
            from desktop.adapters.url_endpoint import run_command

            return run_command(args, resolve_paths(args.data_dir).data_dir)
        if args.verb == "secrets":
            return _secrets(args)
        if args.verb == "events":
            from desktop.cli_events import print_events

            return print_events(args)
        if args.verb == "import":
            return _import(args)
        if args.verb == "lookup":
            return _lookup(args)
        if args.verb == "search":
            return _search(args)
        if args.verb == "calls":
            return _calls(args)
        if args.verb == "callbacks":
            from desktop.cli_callbacks import print_callbacks

            return print_callbacks(args)
        if args.verb == "directory":
            return _directory(args)
        if args.verb == "call":
            from desktop.cli_call import place_call

            return place_call(args)
        if args.verb in ("duplicates", "merge", "undo-merge"):
            from desktop.cli_duplicates import run

            return run(args)
        if args.verb == "log-call":
            from desktop.cli_log_call import log_call

            return log_call(args)
        if args.verb == "compact":
            from desktop.cli_compact import compact

            return compact(args)
        if args.verb is None and args.open and args.demo:
            _open_in_demo(args)  # then the demo starts below, as without --open
        elif args.verb is None and args.open:
            # The desktop entry's `Exec=callercard --open %F`: from the menu %F is empty and
            # the app starts as ever; with files it is `import --window FILE...`, and an app
            # started for them runs with the other options given (--region, --watch...).
            from desktop.cli_ring import open_in_import_window

            args.files = args.open
            return open_in_import_window(args, app_options=app_options(args))
        import gc

        # What start-up allocates (modules, classes, Qt wrappers) lives for the session: the
        # ~80 collections it would trigger free nothing and cost 35-60 ms of the tray's
        # start-up. The app turns it back on once that is frozen (adapters/number_warm_up.py).
        gc.disable()
        from desktop.qt.start_up import run_app

        return run_app(args)
    except CliError as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def app_options(args: argparse.Namespace) -> list[str]:
    """The app's own options in `args` as a command line, for the app a launch starts: all
    but the files to open and what the launch says itself (--data-dir, --background,
    --deliver). Read from the parser, so an option added later is passed on too."""
    launch_sets = {"help", "open", "data_dir", "background", "deliver"}
    words: list[str] = []
    for action in _app_parser()._actions:
        value = getattr(args, action.dest, None)
        if action.dest in launch_sets or value in (None, False, [], action.default):
            continue
        flag = action.option_strings[-1]
        if value is True:
            words.append(flag)
        elif isinstance(value, list):
            words += [word for item in value for word in (flag, str(item))]
        else:
            words += [flag, str(value)]
    return words


def _open_in_demo(args: argparse.Namespace) -> None:
    """`--demo --open FILE`: the demo is an app of its own with a throwaway book, never the
    one running, so it opens the file itself."""
    from pathlib import Path

    from desktop.core.ipc import OpenImport, encode

    if len(args.open) > 1:
        print(f"callercard: a demo opens one file; not {', '.join(args.open[1:])}",
              file=sys.stderr)  # fmt: skip
    first = OpenImport(str(Path(args.open[0]).expanduser().absolute()))
    args.deliver = encode(first).decode("ascii").rstrip("\n")


def _secrets(args: argparse.Namespace) -> int:
    """Exit 0 with a secure store, 3 without one (so scripts and the smoke test can tell)."""
    import json
    from dataclasses import asdict

    from desktop.adapters.secrets import SecretStore

    status = SecretStore.open().status
    print(json.dumps(asdict(status)) if args.json else status.describe())
    return 0 if status.secure else 3


def open_context(args: argparse.Namespace) -> tuple[AppPaths, Settings, Store, str]:
    """Paths, settings, the store and the home region, as every verb sees them."""
    from desktop.adapters.paths import resolve_paths
    from desktop.adapters.settings import SettingsFile
    from desktop.adapters.store import Store, StoreError
    from desktop.adapters.system_locale import system_region

    paths = resolve_paths(args.data_dir)
    try:
        paths.ensure()
        settings_file = SettingsFile(paths.settings)
        settings = settings_file.load()
        if settings_file.problem:
            print(f"callercard: {settings_file.problem}", file=sys.stderr)
        store = Store.open(paths.database)
    except (OSError, StoreError) as exc:
        reason = paths.unwritable_reason() if paths.data_dir.is_dir() else ""
        if reason:
            # SQLite only says "unable to open database file", an EROFS chmod "[Errno 30]".
            raise CliError(
                f"{paths.data_dir} cannot be written ({reason}): CallerCard keeps its "
                "database there. Make the folder writable, or use --data-dir with one that is."
            ) from exc
        raise CliError(str(exc)) from exc
    if args.region:
        region = _region_code("--region", args.region)
    else:
        region = (settings.region or system_region()).upper()
    return paths, settings, store, region


def _region_code(flag: str, typed: str) -> str:
    from desktop.core.numbers import region_code

    code = region_code(typed)
    if code is None:
        # "XX" was taken and every number without a country code in it read as text.
        raise CliError(f"{flag} wants a region code such as US, GB or DE, not {typed!r}")
    return code


def make_lookup(paths: AppPaths, settings: Settings, store: Store, region: str) -> CallerLookup:
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.places import place_lookup_for
    from desktop.adapters.system_locale import system_hour_cycle
    from desktop.core.numbers import NumberPolicy

    templates = {**default_opener_templates(), **settings.opener_templates}
    return CallerLookup(
        store,
        NumberPolicy(region, settings.outside_line_prefixes),
        templates,
        my_name=settings.my_name,
        place_lookup=place_lookup_for(paths.cache_dir, region),
        hour_cycle=system_hour_cycle(),
    )


def _import(args: argparse.Namespace) -> int:
    if args.window:
        if not args.files or args.undo is not None or args.list:
            raise CliError("import --window: name one or more files (and nothing else)")
        from desktop.cli_ring import open_in_import_window

        return open_in_import_window(args)
    from desktop.adapters.importing.cli_run import run_import_command

    if (not args.files and args.undo is None and not args.list and not args.remove_demo
            and not args.unfollow and not args.list_followed):  # fmt: skip
        raise CliError(
            "import: name one or more files, or --undo BATCH, --list, --remove-demo, "
            "--unfollow PATH or --list-followed"
        )
    if args.follow and not args.files:
        raise CliError("import --follow: name the files or folders to follow")
    if args.numbers_region is not None:
        args.numbers_region = _region_code("--numbers-region", args.numbers_region)
    _paths, _settings, store, region = open_context(args)
    try:
        return run_import_command(args, store, region)
    finally:
        store.close()


def _directory(args: argparse.Namespace) -> int:
    from desktop.adapters.directories.cli_run import DirectoryCommandError, run_directory_command

    _paths, _settings, store, region = open_context(args)
    try:
        return run_directory_command(args, store, region)
    except DirectoryCommandError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()


def _lookup(args: argparse.Namespace) -> int:
    import json

    from desktop.adapters.directories.mirror import contact_sources
    from desktop.core.card import card_json
    from desktop.core.card_text import card_lines

    paths, settings, store, region = open_context(args)
    card = make_lookup(paths, settings, store, region).card_for(args.caller_id, args.name)
    shown = (*card.contacts, *(candidate.contact for candidate in card.candidates))
    sources = contact_sources(store, [contact.id for contact in shown])
    store.close()
    if args.json:
        payload = card_json(card)
        for entry in (*payload["contacts"], *payload["candidates"]):
            entry["source"] = sources.get(entry["id"], "local")
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        from desktop.adapters.system_locale import system_hour_cycle

        print("\n".join(card_lines(card, cycle=system_hour_cycle())))
    # A colleague's internal extension ("3103") is no phone number, but it found them.
    if card.number.e164 is None and not card.number.withheld and not card.contacts:
        print(f"callercard: {card.number.problem or 'not a phone number'}", file=sys.stderr)
        return 2
    return 0


def _search(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from desktop.adapters.people_search import at_home, search_calls, search_people
    from desktop.adapters.store.calls import CALL_SEARCH_LIMIT
    from desktop.adapters.system_locale import system_hour_cycle
    from desktop.core.call_summary import call_line
    from desktop.core.card import why_we_called
    from desktop.core.card_text import attempt_line
    from desktop.core.display_text import display_text, one_line
    from desktop.core.number_edit import shown_number
    from desktop.core.search_query import SearchFilters, hit_json, parse_query
    from desktop.core.search_reasons import how_found
    from desktop.core.sources import sources_text

    if args.days is not None and args.days < 0:
        raise CliError("search: --days wants a number of days, 0 or more")
    filters = SearchFilters(days=args.days, awaiting_callback=args.awaiting,
                            has_referral=args.referral)  # fmt: skip
    query = parse_query(args.query, filters)
    limit = max(1, args.limit)
    _paths, _settings, store, region = open_context(args)
    query = at_home(query, region)  # "0171" from a German rep: +49 171 … numbers
    now = datetime.now().astimezone()
    try:
        hits = search_people(store, query, limit=limit)
        # The Search window's Calls group: caller ID names and numbers, the people's calls.
        calls = search_calls(store, query, hits, now=now) if query.searchable else []
    finally:
        store.close()
    if args.json:
        results = [{**hit_json(h), "source": h.contact.sources[0]} for h in hits]
        print(json.dumps({"query": args.query, "results": results,
                          "calls": [_call_json(call) for call in calls]},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    if not query.searchable:
        hint = "nothing to search for"
        if query.short_fragments:
            hint = "type at least 3 digits of a number"
        print(f"callercard: {hint}", file=sys.stderr)
        return 0
    lines: list[str] = []
    for hit in hits:
        contact = hit.contact
        # A company alone is the line's name already: said once, as on the card.
        company = contact.company if contact.name.strip() else ""
        role = ", ".join(p for p in (contact.title, company) if p)
        lines.append(" — ".join(p for p in (contact.name or contact.company, role) if p))
        why = why_we_called(contact)
        # As the Search window's row says it: Michael for "mike" is no wrong result.
        found = how_found(hit, why)
        if found:
            lines.append(f"  {' · '.join(found)}")
        # With the extension: a switchboard and one desk behind it are two numbers here. With
        # the label: Zoë's fax, listed first as her Outlook export had it, read as her phone.
        numbers = ", ".join(
            f"{shown_number(n)} ({one_line(n.label)})" if n.label.strip() else shown_number(n)
            for n in contact.numbers
        )
        if numbers:
            lines.append(f"  {numbers}")
        found_in = sources_text(contact.sources)
        if found_in:
            lines.append(f"  From: {found_in}")
        if why:
            lines.append(f"  Why we called: {why}")
        if contact.attempts:
            lines.append(f"  Last: {attempt_line(contact.attempts[0], now, system_hour_cycle())}")
    if calls:
        within = f" in the last {args.days} days" if args.days is not None else ""
        if lines:
            lines.append("")  # the people above, then the calls
        newest = f"the newest {len(calls)}" if len(calls) >= CALL_SEARCH_LIMIT else "newest first"
        lines.append(f"Calls{within} · {newest}")
        cycle = system_hour_cycle()
        lines.extend(f"  {call_line(call.attempt, call.contact, now, cycle)}" for call in calls)
    # Names and notes are someone else's text: no bidi controls reach the terminal.
    print("\n".join(display_text(line) for line in lines))
    if len(hits) >= limit:
        print(f"the first {len(hits)} shown; more may match (--limit N shows more)",
              file=sys.stderr)  # fmt: skip
    else:
        print(f"{len(hits)} found", file=sys.stderr)
    if calls:
        print(f"{len(calls)} call{'' if len(calls) == 1 else 's'}", file=sys.stderr)
    return 0


def _call_json(call: LoggedCall) -> dict[str, object]:
    """One logged call as `calls --json` and `search --json` give it."""
    from desktop.core.card import attempt_json

    contact = call.contact
    # "caller_id": the caller ID as received when it was not a number we can read ("number"
    # is then null, as for a withheld caller, whose "caller_id" is null too).
    return {"id": call.id, **attempt_json(call.attempt), "number": call.attempt.number_e164,
            "caller_id": call.attempt.caller_id or None,
            "source": call.source, "caller_name": call.attempt.caller_name,
            "contact": None if contact is None else {
                "id": contact.id, "name": contact.name, "company": contact.company}}  # fmt: skip


def _calls(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from desktop.core.call_summary import unknown_who
    from desktop.core.candidates import readable
    from desktop.core.card_text import WITHHELD, lines_in_one, outcome_text
    from desktop.core.display_text import display_text
    from desktop.core.internal_extension import extension_call_text
    from desktop.core.models import Direction, Outcome
    from desktop.core.search_query import days_before
    from desktop.core.unread_caller_id import shown_caller_id

    if args.days is not None and args.days < 0:
        raise CliError("calls: --days wants a number of days, 0 or more")
    if args.missed and args.awaiting:
        raise CliError("calls: --missed and --awaiting exclude each other")
    since = days_before(datetime.now(UTC), args.days) if args.days is not None else None
    _paths, _settings, store, _region = open_context(args)
    try:
        if args.awaiting:
            calls = store.calls(since=since, outcome=Outcome.VOICEMAIL,
                                contact_ids=store.awaiting_callback(), named=args.name,
                                limit=max(1, args.limit))  # fmt: skip
        else:
            calls = store.calls(since=since, outcome=Outcome.MISSED if args.missed else None,
                                named=args.name, limit=max(1, args.limit))  # fmt: skip
    finally:
        store.close()
    if args.json:
        print(json.dumps({"calls": [_call_json(call) for call in calls]},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    if not calls:  # said where search says its count: stdout stays the calls alone
        filtered = args.missed or args.awaiting or args.name or args.days is not None
        print("No calls match." if filtered else "No calls logged yet.", file=sys.stderr)
    # The widest outcome sets the column, so every name starts under the one above.
    width = max((len(outcome_text(call.attempt)) for call in calls), default=0)
    for call in calls:
        attempt = call.attempt
        # A caller ID's name is marked as one, never passed off as a contact's (500 characters
        # of it cut as Callbacks cuts it).
        who = (call.contact.name or call.contact.company if call.contact
               else unknown_who(attempt.caller_name, attempt.caller_id))  # fmt: skip
        number = readable(attempt.number_e164) if attempt.number_e164 else WITHHELD
        if attempt.caller_id:  # not a number: a colleague's "x3103", else as it came, said so
            number = (extension_call_text(attempt.caller_id)
                      or f"{shown_caller_id(attempt.caller_id)} (caller ID as received)")
        when = attempt.at.astimezone()
        label = outcome_text(attempt)
        line = f"{when:%Y-%m-%d %H:%M}  {'out' if attempt.direction is Direction.OUT else 'in '}  "
        # An extension nobody has is named by it ("x3103"), said once.
        line += f"{label:<{width}}  {who}" + (f" · {number}" if number != who else "")
        print(display_text(line))
        if attempt.message:  # under the outcome, its lines kept apart as Recent calls does
            print(" " * 23 + lines_in_one(attempt.message)[0])
    return 0
