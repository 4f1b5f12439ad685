"""The place on a card ("San Francisco, CA"): the lookup for the home region Settings say now,
its index built once per phonenumbers version in a child process (the geocoder's 100 MB never
enter the app) in idle time after start-up, and a build still running at exit abandoned.
Until the index lands, cards show the time without the place. The index is
desktop/adapters/places.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.adapters.child_process import end_child
from desktop.adapters.places import (
    LazyPlaceLookup,
    PlaceIndexBuild,
    ensure_place_index,
    place_lookup_for,
    start_place_index_build,
)

if TYPE_CHECKING:
    from pathlib import Path


class CardPlaces:
    def __init__(self, cache_dir: Path, home_region: str) -> None:
        self._cache_dir = cache_dir
        self.lookup: LazyPlaceLookup = place_lookup_for(cache_dir, home_region)
        self.build: PlaceIndexBuild | None = None  # while one runs or has run this session

    def warm_up(self) -> None:
        """In idle time: the index built if it is missing, and opened if it is there."""
        if ensure_place_index(self._cache_dir) is None:
            self.build = start_place_index_build(self._cache_dir)
        self.lookup.warm()

    def for_region(self, home_region: str) -> LazyPlaceLookup:
        """The lookup for another home region (Settings changed), the old one closed."""
        self.lookup.close()
        self.lookup = place_lookup_for(self._cache_dir, home_region)
        return self.lookup

    def abandon_build(self) -> None:
        """A build still running at exit is abandoned (the next start builds again): it must
        not keep writing into a data folder that is about to be removed."""
        build = self.build
        if build is None or build.finished():
            return
        end_child(build.process, 5)

    def close(self) -> None:
        self.lookup.close()
