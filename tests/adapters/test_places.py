"""Where a caller is from, answered from a small index instead of the 100 MB geocoder."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.places import (
    BUILD_LOG,
    PlaceIndex,
    ensure_place_index,
    index_file_name,
    index_path,
    place_lookup_for,
    remove_stale_indexes,
    start_place_index_build,
)
from tests.conftest import PYTHON, python_env

# (number, user's home region, what the card shows). Rows cover fixed lines and mobiles, at home
# and abroad, shared country codes (+1, +7, +44, +61), Argentina's mobile token, unicode names.
PLACES = [
    ("+14155552671", "US", "San Francisco, CA"),
    ("+12125550123", "US", "New York, NY"),
    ("+12015550123", "US", "New Jersey"),
    ("+13125550123", "GB", "Chicago, IL, United States"),
    ("+16175550100", "DE", "Massachusetts, United States"),
    ("+14165550123", "US", "Ontario, Canada"),
    ("+16045550123", "CA", "British Columbia"),
    ("+17875550123", "US", "Puerto Rico"),
    ("+18765550123", "US", "Jamaica"),
    ("+18005550100", "US", ""),  # toll-free, valid in several NANP countries
    ("+442079460958", "GB", "London"),
    ("+441612345678", "GB", "Manchester"),
    ("+442079460958", "US", "London, United Kingdom"),
    ("+447400123456", "GB", "United Kingdom"),  # mobiles: the country, at home too
    ("+447400123456", "US", "United Kingdom"),
    ("+441481256789", "US", "Guernsey"),
    ("+493012345678", "DE", "Berlin"),
    ("+498912345678", "US", "Munich, Germany"),
    ("+4915112345678", "DE", "Germany"),
    ("+4915112345678", "GB", "Germany"),
    ("+33142685300", "FR", "Paris"),
    ("+33142685300", "GB", "Paris, France"),
    ("+33612345678", "US", "France"),
    ("+61212345678", "AU", "New South Wales"),
    ("+61212345678", "US", "New South Wales, Australia"),
    ("+61412345678", "AU", ""),  # +61 mobiles are valid on Christmas and Cocos Islands too
    ("+5491123456789", "AR", "Buenos Aires"),  # mobile token 9 before the area code
    ("+5491123456789", "US", "Buenos Aires, Argentina"),
    ("+525512345678", "MX", "Mexico City, FD"),
    ("+551123456789", "BR", "São Paulo"),
    ("+5511961234567", "BR", "São Paulo"),  # Brazilian mobiles are placed
    ("+8613800138000", "US", "Beijing, China"),
    ("+911123456789", "IN", "New Delhi"),
    ("+81312345678", "JP", "Tokyo"),
    ("+34911234567", "GB", "Madrid, Spain"),
    ("+390645678901", "IT", "Rome"),
    ("+41431234567", "DE", "Zurich, Switzerland"),
    ("+31201234567", "NL", "Amsterdam"),
    ("+74951234567", "RU", "Moscow"),
    ("+77172123456", "RU", "Astana, Kazakhstan"),
    ("+79123456789", "US", "Russia"),
    ("+80012345678", "US", ""),  # international freephone: no country
    ("+12345", "US", ""),  # not a valid number
]


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real background build per session, the way the app starts it."""
    cache = tmp_path_factory.mktemp("cache")
    build = start_place_index_build(cache)
    assert build.process.wait(timeout=90) == 0, build.log.read_text()
    assert build.finished()
    assert build.problem() == ""
    assert build.path == index_path(cache)
    return build.path


@pytest.fixture
def index(built_index: Path) -> Iterator[PlaceIndex]:
    with PlaceIndex.open(built_index) as opened:
        assert opened.available, opened.problem
        yield opened


@pytest.fixture(scope="module")
def geocoder_answers() -> dict[str, dict[str, str]]:
    """What phonenumbers.geocoder says, asked in a child so this process never loads it."""
    script = textwrap.dedent(
        """
        import json, sys
        import phonenumbers
        from phonenumbers import geocoder
        out = {}
        for e164, home in json.load(sys.stdin):
            n = phonenumbers.parse(e164, None)
            own = phonenumbers.region_code_for_number(n)
            out[e164 + " " + home] = {
                "home": geocoder.description_for_number(n, "en", region=home),
                "own": geocoder.description_for_number(n, "en", region=own),
                "own_region": own or "",
            }
        print(json.dumps(out))
        """
    )
    done = subprocess.run(
        [PYTHON, "-c", script],
        input=json.dumps([(e164, home) for e164, home, _ in PLACES]),
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
        check=True,
    )
    answers: dict[str, dict[str, str]] = json.loads(done.stdout)
    return answers


@pytest.mark.parametrize(("e164", "home", "expected"), PLACES)
def test_the_card_names_the_place_the_geocoder_would(
    index: PlaceIndex,
    geocoder_answers: dict[str, dict[str, str]],
    e164: str,
    home: str,
    expected: str,
) -> None:
    got = index.describe(e164, home)
    geo = geocoder_answers[f"{e164} {home}"]

    assert got == expected
    if geo["own_region"] in ("", home):
        assert got == geo["home"]
    else:
        # Abroad the geocoder says only the country; the card puts the area in front of it.
        assert got in (geo["home"], f"{geo['own']}, {geo['home']}")


def test_home_region_is_case_insensitive_and_garbage_is_no_place(index: PlaceIndex) -> None:
    assert index.describe("+442079460958", "us") == "London, United Kingdom"
    assert index.describe("not a number", "US") == ""
    assert index.describe("", "US") == ""


def test_a_missing_index_answers_nothing_and_says_where_it_looked(tmp_path: Path) -> None:
    missing = tmp_path / index_file_name()
    with PlaceIndex.open(missing) as index:
        assert not index.available
        assert str(missing) in index.problem
        assert index.describe("+442079460958", "GB") == ""
    assert ensure_place_index(tmp_path) is None


def test_a_file_that_is_not_a_database_answers_nothing(tmp_path: Path) -> None:
    path = index_path(tmp_path)
    path.write_bytes(b"this is not SQLite\n" * 100)

    with PlaceIndex.open(path) as index:
        assert index.describe("+442079460958", "GB") == ""
        assert str(path) in index.problem
    assert ensure_place_index(tmp_path) is None


def test_a_truncated_index_answers_nothing_instead_of_raising(
    built_index: Path, tmp_path: Path
) -> None:
    path = index_path(tmp_path)
    path.write_bytes(built_index.read_bytes()[: 256 * 1024])

    with PlaceIndex.open(path) as index:
        answers = {index.describe(e164, home) for e164, home, _ in PLACES}
    assert answers <= {""} | {expected for _, _, expected in PLACES}
    assert index.describe("+442079460958", "GB") == ""  # closed


def test_an_index_from_another_phonenumbers_version_is_rebuilt_not_trusted(
    built_index: Path, tmp_path: Path
) -> None:
    path = index_path(tmp_path)
    shutil.copy(built_index, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '8.0.0' WHERE key = 'phonenumbers'")
    conn.close()

    with PlaceIndex.open(path) as index:
        assert index.describe("+442079460958", "GB") == ""
        assert "phonenumbers" in index.problem
    assert ensure_place_index(tmp_path) is None


def test_the_built_file_is_small_and_private(built_index: Path) -> None:
    assert stat.S_IMODE(built_index.stat().st_mode) == 0o600
    assert built_index.stat().st_size < 8 * 1024 * 1024
    assert ensure_place_index(built_index.parent) == built_index
    # No temp files left from the atomic write, and the child's log was kept.
    assert sorted(p.name for p in built_index.parent.iterdir()) == sorted(
        [built_index.name, BUILD_LOG]
    )


def test_the_app_lookup_starts_answering_once_the_build_lands(
    built_index: Path, tmp_path: Path
) -> None:
    lookup = place_lookup_for(tmp_path, "US")
    assert not lookup.warm()
    assert lookup("+442079460958") == ""  # nothing built yet: no place, no error

    # The build's rename, as the background child does it.
    staged = tmp_path / "staged"
    shutil.copy(built_index, staged)
    os.replace(staged, index_path(tmp_path))

    assert lookup.warm()
    assert lookup("+442079460958") == "London, United Kingdom"
    lookup.close()


def test_the_app_lookup_retries_a_broken_index_only_when_it_is_replaced(
    built_index: Path, tmp_path: Path
) -> None:
    path = index_path(tmp_path)
    path.write_bytes(b"garbage")
    lookup = place_lookup_for(tmp_path, "GB")
    assert lookup("+442079460958") == ""
    assert lookup("+442079460958") == ""

    staged = tmp_path / "staged"
    shutil.copy(built_index, staged)
    os.replace(staged, path)

    assert lookup("+442079460958") == "London"
    lookup.close()


def test_an_upgrade_clears_other_versions_and_dead_temp_files(tmp_path: Path) -> None:
    keep = index_path(tmp_path)
    keep.write_bytes(b"")
    old = tmp_path / "places-8.13.0-s1.sqlite3"
    old.write_bytes(b"")
    dead_tmp = tmp_path / f".{keep.name}.abc.tmp"
    dead_tmp.write_bytes(b"")
    os.utime(dead_tmp, (0, 0))
    live_tmp = tmp_path / f".{keep.name}.def.tmp"  # another build may be writing it right now
    live_tmp.write_bytes(b"")
    unrelated = tmp_path / "callercard.sqlite3"
    unrelated.write_bytes(b"")

    removed = remove_stale_indexes(keep)

    assert sorted(removed) == sorted([old, dead_tmp])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [keep.name, live_tmp.name, unrelated.name]
    )


def test_the_build_command_reports_a_path_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    done = subprocess.run(
        [PYTHON, "-m", "desktop.adapters.places", "build", str(blocker / "places.sqlite3")],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )

    assert done.returncode == 1
    assert f"cannot build {blocker / 'places.sqlite3'}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_build_command_explains_its_usage() -> None:
    done = subprocess.run(
        [PYTHON, "-m", "desktop.adapters.places"],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert "usage: python -m desktop.adapters.places build OUT_PATH" in done.stderr


def test_the_app_side_never_loads_the_geocoder_and_stays_small(built_index: Path) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from datetime import UTC, datetime
        from pathlib import Path
        import psutil
        from desktop.adapters.places import PlaceIndex, ensure_place_index, place_lookup_for
        from desktop.core.localtime import local_time_for

        before = psutil.Process().memory_info().rss
        cache = Path(sys.argv[1])
        assert ensure_place_index(cache) is not None
        lookup = place_lookup_for(cache, "US")
        now = datetime(2026, 1, 13, 15, 5, tzinfo=UTC)
        numbers = ["+442079460958", "+14155552671", "+4915112345678", "+61212345678"]
        card = local_time_for(numbers[0], now, "US", lookup)
        for i in range(1000):
            lookup(numbers[i % len(numbers)])
        grown = psutil.Process().memory_info().rss - before
        heavy = sorted(
            m for m in sys.modules
            if m.startswith(("phonenumbers.geocoder", "phonenumbers.geodata",
                             "phonenumbers.carrier", "phonenumbers.carrierdata"))
        )
        print(json.dumps({"place": card.place, "heavy": heavy, "grown": grown}))
        """
    )
    done = subprocess.run(
        [PYTHON, "-c", script, str(built_index.parent)],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
        check=True,
    )
    result = json.loads(done.stdout)

    assert result["place"] == "London, United Kingdom"  # the lookup path really ran
    assert result["heavy"] == []
    # The geocoder costs +100 MB; the index and 1000 lookups must stay far below that.
    assert result["grown"] < 30 * 1024 * 1024
