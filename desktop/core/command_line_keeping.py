"""What of `--watch` and `--region` outlives the run: the decisions, with no file touched.

A log given to `--watch` and a region given to `--region` join the settings, so the app a
hook or the login starts later (with neither) reads the same logs in the same country.
`--watch-once` and `--region-once` are this run's only; a spec or code nobody knows is not kept.
The saving (and what a failed save means) is desktop/adapters/command_line_keeping.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from typing import TypeVar

Spec = TypeVar("Spec", bound=Hashable)


def not_in_settings(given: Iterable[Spec], saved: Collection[Spec]) -> list[Spec]:
    """The given logs the settings do not list yet, each once, in the order given."""
    return [spec for spec in dict.fromkeys(given) if spec not in saved]


def this_run_only(this_run: Iterable[str], kept: Collection[str],
                  parses: Callable[[str], bool]) -> list[str]:  # fmt: skip
    """What is still watched this run only once `kept` (the `--watch` specs) are the
    settings': a spec that cannot be read stays, so it is said when the sources start."""
    return [spec for spec in this_run if spec not in kept or not parses(spec)]


def region_to_keep(given: str, *, once: bool, known: Collection[str]) -> str:
    """The home region `--region` keeps ("" for none): not `--region-once`'s, and not a code
    no phone book knows (that one is this run's override all the same)."""
    region = given.upper()
    if once or region not in known:
        return ""
    return region


def region_override_note(override: str, *, once: bool, why_not_kept: str) -> str:
    """What Settings → General says of a region this run uses over the settings' ("" when
    none does)."""
    if not override:
        return ""
    if once:
        return f"CallerCard was started with --region-once {override}"
    why = why_not_kept or "it names no home region CallerCard knows"
    return f"CallerCard was started with --region {override}, not kept as {why}"
