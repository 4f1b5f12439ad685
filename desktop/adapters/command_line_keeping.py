"""`--watch` and `--region` kept in the settings file, or this run's only when they cannot be.

`--watch` connects a softphone for good: its log joins Settings → Softphones, so the app a
softphone hook or the login starts later (with no --watch) reads it too. Kept only in this
run, it was lost when a hook restarted the app, and a rep's calls went unseen all day.
`--region` sets the home region for good likewise: kept only in this run, the app started
later read numbers in the saved or the system's region, and calls parsed in the wrong
country. Read-only, or when the settings cannot be written, each lasts this run (and
Settings says why). The decisions are desktop/core/command_line_keeping.py.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.adapters.settings import Settings, SettingsFile, WatchedSource
from desktop.core.command_line_keeping import (
    not_in_settings,
    region_override_note,
    region_to_keep,
    this_run_only,
)

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger("callercard")


class CommandLineKeeping:
    def __init__(self, args: argparse.Namespace, settings_file: SettingsFile,
                 report_problem: Callable[[str], None]) -> None:  # fmt: skip
        self._settings_file = settings_file
        self._report_problem = report_problem
        self._watch: list[str] = list(args.watch or [])
        self._region = (args.region or "").upper()
        self._region_once = bool(getattr(args, "region_once", None))
        # Until keep_region keeps --region in the settings; --region-once, for the whole run.
        self.region_override = (getattr(args, "region_once", None) or self._region).upper()
        self._region_not_kept = ""  # why --region is this run's only, when it could not be kept
        self._watch_not_kept = ""  # why a --watch log is watched this run only, when it is
        # --watch-once, and --watch until keep_watches keeps it in the settings
        self._this_run = [*self._watch, *(getattr(args, "watch_once", None) or [])]

    def keep_watches(self, settings: Settings, read_only: str) -> Settings:
        """The settings with `--watch`'s logs among their sources, saved (the same settings
        when there is nothing to keep, or it could not be kept)."""
        new = not_in_settings(self._parsed(self._watch, report=False), settings.sources)
        if read_only and new:
            self._watch_not_kept = "the data folder is read-only, so --watch could not keep it"
            return settings
        if new:
            kept = replace(settings, sources=(*settings.sources, *new))
            try:
                self._settings_file.save(kept)
            except OSError as exc:  # watched all the same, this run
                self._report_problem(f"{', '.join(s.path for s in new)}: not kept for the "
                                     f"next start ({exc}); watched until you quit.")  # fmt: skip
                self._watch_not_kept = f"--watch could not save it: {exc}"
                return settings
            settings = kept
            for spec in new:
                log.info("kept in Settings → Softphones (--watch): %s: %s", spec.format,
                         spec.path)  # fmt: skip
        # Kept, it is the settings' from now: removed there, it is no longer watched.
        self._this_run = this_run_only(self._this_run, self._watch, _parses)
        return settings

    def keep_region(self, settings: Settings, read_only: str) -> Settings:
        """The settings with `--region`'s home region, saved; `--region-once` is the one-off."""
        from desktop.core.numbers import home_regions

        region = region_to_keep(self._region, once=self._region_once, known=home_regions())
        if not region:
            return settings  # this run's region is the override
        if region != settings.region:
            if read_only:
                self._region_not_kept = "the data folder is read-only"
                return settings
            kept = replace(settings, region=region)
            try:
                self._settings_file.save(kept)
            except OSError as exc:
                self._report_problem(f"--region {region}: not kept for the next start ({exc}); "
                                     "used until you quit.")  # fmt: skip
                self._region_not_kept = f"it could not be saved: {exc}"
                return settings
            settings = kept
            log.info("kept in Settings → General (--region): %s", region)
        # Kept, it is the settings' from now: another region chosen there applies at once.
        self.region_override = ""
        return settings

    def region_override_why(self) -> str:
        return region_override_note(self.region_override, once=self._region_once,
                                    why_not_kept=self._region_not_kept)  # fmt: skip

    def watches(self, settings: Settings, *, report: bool) -> list[WatchedSource]:
        """The logs watched this run only (`--watch-once`, a `--watch` not kept), that
        Settings → Softphones does not list. One that cannot be read is said once (`report`,
        when the sources start) and watched by nobody."""
        return not_in_settings(self._parsed(self._this_run, report=report), settings.sources)

    def watches_not_kept_why(self, settings: Settings) -> dict[WatchedSource, str]:
        """Each `--watch` log watched this run only, with why it was not kept."""
        given = self._parsed(self._watch, report=False)
        return {spec: self._watch_not_kept for spec in self.watches(settings, report=False)
                if spec in given and self._watch_not_kept}  # fmt: skip

    def _parsed(self, given: list[str], *, report: bool) -> list[WatchedSource]:
        specs = []
        for spec in given:
            try:
                specs.append(WatchedSource.parse(spec))
            except ValueError as exc:
                if report:
                    self._report_problem(str(exc))
        return specs


def _parses(spec: str) -> bool:
    try:
        WatchedSource.parse(spec)
    except ValueError:
        return False
    return True
