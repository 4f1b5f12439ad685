"""The `callercard ring` / `end` command line, read without argparse.

A softphone runs its hook on every incoming call and waits for it, so the hook must cost little
beyond the interpreter's own start. Importing argparse (with gettext, shutil and locale) and
building the whole `callercard` parser costs more than everything else the hook does, so the
command lines the softphone recipes produce (docs/softphone-hooks.md) are read here by hand.

Anything this reader is not certain argparse would read the same way (help, an abbreviated or
unknown option, a value that looks like an option, a number that looks like one, positionals
split around an option) returns None, and `desktop.cli` hands the line to argparse, which then
answers as it always did. So this is a shortcut for the lines hooks send, never a second grammar.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs a millisecond on the hook's path
if TYPE_CHECKING:
    from collections.abc import Sequence

HOOK_VERBS = ("ring", "end")
# The options `ring` and `end` take (cli.build_parser), with the attribute each sets.
_VALUED = {"--region": "region", "--data-dir": "data_dir", "--name": "name", "--source": "source"}
_TOP_VALUED = {"--region": "region", "--data-dir": "data_dir"}  # allowed before the verb
_OUTCOMES = {"--missed": "missed", "--answered": "answered"}  # `end` only, at most one


class HookArgs:
    """What cli.build_parser().parse_args would give for a `ring` or `end` line."""

    __slots__ = ("caller_id", "data_dir", "name", "name_words", "outcome", "region", "source",
                 "verb")  # fmt: skip

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.caller_id = ""
        self.name_words: list[str] = []
        self.name = ""
        self.source = "hook"
        self.outcome = ""
        self.region: str | None = None
        self.data_dir: str | None = None


def parse_hook_argv(argv: Sequence[str]) -> HookArgs | None:
    """The arguments of a `ring` / `end` line, or None when argparse must read it."""
    i = 0
    top: dict[str, str] = {}
    while i < len(argv) and argv[i] not in HOOK_VERBS:
        got = _option(argv, i, _TOP_VALUED)
        if got is None:
            return None
        attr, value, i = got
        top[attr] = value
    if i >= len(argv):
        return None
    args = HookArgs(argv[i])
    valued = _VALUED
    positionals: list[str] = []
    run = 0  # 0: no positional yet, 1: in the run of positionals, 2: an option came after it
    i += 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            if run:
                return None
            positionals = list(argv[i + 1 :])
            if "--" in positionals:
                return None  # which "--" argparse drops differs between versions
            break
        if not arg.startswith("-"):
            if run == 2:
                return None  # argparse gives these to no argument and fails: let it say so
            run = 1
            positionals.append(arg)
            i += 1
            continue
        if run:
            run = 2
        if args.verb == "end" and arg in _OUTCOMES:
            if args.outcome:
                return None  # --missed with --answered: argparse's error
            args.outcome = _OUTCOMES[arg]
            i += 1
            continue
        got = _option(argv, i, valued)
        if got is None:
            return None
        attr, value, i = got
        setattr(args, attr, value)
    if positionals:
        args.caller_id = positionals[0]
        args.name_words = positionals[1:]
    # A verb's own --region/--data-dir wins over the one before the verb, as in argparse.
    for attr, value in top.items():
        if getattr(args, attr) is None:
            setattr(args, attr, value)
    return args


def _option(argv: Sequence[str], i: int, known: dict[str, str]) -> tuple[str, str, int] | None:
    """(attribute, value, next index) for a known option at argv[i] with its value."""
    arg = argv[i]
    option, equals, value = arg.partition("=")
    if option not in known:
        return None
    if equals:
        return known[option], value, i + 1
    if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
        return None
    return known[option], argv[i + 1], i + 2
