"""The place on a card: its index built once in a child process in idle time (then a second
start finds it), the lookup following the home region Settings say, and a build still running
at quit abandoned so nothing writes into a data folder about to go."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.card_places import CardPlaces
from desktop.adapters.places import index_path

LONDON = "+442079460958"


def test_the_index_is_built_once_and_follows_the_home_region(tmp_path: Path) -> None:
    places = CardPlaces(tmp_path, "US")
    assert places.lookup(LONDON) == ""  # nothing built yet: no place, no error

    places.warm_up()
    assert places.build is not None
    assert places.build.process.wait(timeout=90) == 0, places.build.log.read_text()

    places.lookup.warm()
    assert places.lookup(LONDON) == "London, United Kingdom"
    old = places.lookup
    at_home = places.for_region("GB")
    assert at_home is places.lookup and at_home is not old
    assert at_home(LONDON) == "London"  # at home, the country goes without saying
    places.close()

    again = CardPlaces(tmp_path, "US")
    again.warm_up()
    assert again.build is None  # found, not built twice
    assert again.lookup(LONDON) == "London, United Kingdom"
    again.abandon_build()  # nothing running: nothing to do
    again.close()


def test_a_build_running_at_quit_is_abandoned_before_it_writes(tmp_path: Path) -> None:
    places = CardPlaces(tmp_path, "US")
    places.warm_up()
    assert places.build is not None

    places.abandon_build()

    assert places.build.finished()
    assert places.build.process.returncode != 0  # stopped, not done
    assert not index_path(tmp_path).exists()
    places.close()
