"""Where a number is from, with the geocoder's answers but not its 100 MB.

`phonenumbers.geocoder` loads 40 MB of prefix data on import: about 300 ms and +100-135 MB RSS,
and 21 ms full GC pauses for as long as the process lives. The tray app never imports it.
Instead a child process (`python -m desktop.adapters.places build OUT_PATH`) copies the English
descriptions and country names into a small SQLite file once per phonenumbers version, and the
app answers from that file with one indexed query.

`PlaceIndex.describe` follows `geocoder.description_for_number(number, "en", region=home)`:

- unknown or invalid number: "";
- non-geographic types (toll-free, VoIP, and mobiles outside the few regions the geocoder
  places): the country name, "" when the country code is shared and the number fits several;
- geographic numbers: the area ("London", "San Francisco, CA"), else the country name.

One deliberate difference: for a number from another region than home, the geocoder drops the
area and says only the country. A card has room for both and the area is what a salesperson
wants, so this says "Area, Country" ("London, United Kingdom", "Munich, Germany"), or the
country alone when there is no finer answer ("Germany" for a German mobile).

The index file's name carries the phonenumbers version, and its meta table repeats it, so an
upgrade builds a new file instead of trusting the old one. Until the file exists every answer
is "" and nothing fails.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from desktop.adapters.regular_file import require_regular_by_name
from desktop.core.number_digits import number_type_of, parse_e164, region_and_validity

SCHEMA_VERSION = 1
LANG = "en"
FILE_PREFIX = "places-"
FILE_SUFFIX = ".sqlite3"
PAGE_CACHE_KB = 256  # the reading side's page cache
BUILD_LOG = "places-build.log"

_UNKNOWN_REGION = "ZZ"
_E164_MAX_DIGITS = 15
# One primary-key probe per prefix of the number, the longest first, stopping at the first
# found. "code IN (...15 values) ORDER BY code DESC LIMIT 1" answered the same, but SQLite
# built a temporary index of the 15 values for it on every ring.
_LONGEST_PREFIX_SQL = " UNION ALL ".join(  # noqa: S608 (a constant, "?" only)
    "SELECT name.text FROM prefix JOIN name ON name.id = prefix.name_id WHERE prefix.code = ?"
    for _ in range(_E164_MAX_DIGITS)
) + " LIMIT 1"
# Leftovers of a build that died before its rename; anything this old is not a build in progress.
_STALE_TMP_SECONDS = 3600


def index_file_name() -> str:
    return f"{FILE_PREFIX}{phonenumbers.__version__}-s{SCHEMA_VERSION}{FILE_SUFFIX}"


def index_path(cache_dir: Path) -> Path:
    return cache_dir / index_file_name()


# --- reading: the app's side, which must never import phonenumbers.geocoder ---------------------


class PlaceIndex:
    """Read-only view of a built index. A missing or broken file answers "" to everything."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection | None,
        regions: dict[str, str],
        problem: str,
    ) -> None:
        self.path = path
        self.problem = problem  # why nothing can be answered, "" when the index is usable
        self._conn = conn
        self._regions = regions
        # Rings and the search window may ask from different threads; one query at a time.
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> PlaceIndex:
        """Open `path` read-only; never raises. Check `available`/`problem` for the outcome."""
        if not path.is_file():
            return cls(path, None, {}, f"no place index at {path}")
        conn: sqlite3.Connection | None = None
        try:
            # immutable: the file is only ever replaced by rename, never changed in place, so
            # SQLite can skip locking and never creates -wal/-shm files next to it.
            require_regular_by_name(path)  # SQLite's own open would wait on a FIFO for good
            uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            # Open for the app's whole life: a ring reads a few pages of a 4.5 MB file, which
            # the OS's file cache holds anyway; SQLite's default 2 MB cache would only keep a
            # second copy resident.
            conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            expected = _meta_values()
            for key in ("schema", "phonenumbers", "lang"):
                if meta.get(key) != expected[key]:
                    raise _Stale(f"{key} is {meta.get(key)!r}, this app needs {expected[key]!r}")
            regions = dict(conn.execute("SELECT code, name FROM region").fetchall())
        except (sqlite3.Error, OSError, _Stale) as exc:
            if conn is not None:
                conn.close()
            return cls(path, None, {}, f"place index {path} is unusable: {exc}")
        return cls(path, conn, regions, "")

    @property
    def available(self) -> bool:
        return self._conn is not None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> PlaceIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def describe(self, e164: str, home_region: str) -> str:
        """Where the number is from, e.g. "London, United Kingdom"; see the module docstring."""
        if self._conn is None:
            return ""
        number = parse_e164(e164)  # the zones of a ring's card read it too: parsed once
        if number is None:
            return ""
        try:
            return self._describe(number, number_type_of(e164), home_region.upper())
        except sqlite3.Error:
            # The file went bad under us (disk error, truncated by hand): no place, no crash.
            return ""

    def _describe(self, number: PhoneNumber, ntype: int, home_region: str) -> str:
        if ntype == PhoneNumberType.UNKNOWN:
            return ""
        if not phonenumbers.is_number_type_geographical(ntype, number.country_code or 0):
            return self._country_name(number)
        area = self._area(number) or self._country_name(number)
        number_region = region_and_validity(number)[0] or _UNKNOWN_REGION
        if not home_region or home_region == number_region:
            return area
        country = self._regions.get(number_region, "")
        if not country or not area or area == country or area.endswith(", " + country):
            return country or area
        return f"{area}, {country}"

    def _area(self, number: PhoneNumber) -> str:
        # As the geocoder does: a mobile token (Argentina's 9, Mexico's 1) sits between the
        # country code and the area code, and the prefix data is keyed without it.
        country_code = number.country_code or 0
        token = phonenumbers.country_mobile_token(country_code)
        national = phonenumbers.national_significant_number(number)
        if token and national.startswith(token):
            region = phonenumbers.region_code_for_country_code(country_code)
            with contextlib.suppress(NumberParseException):
                number = phonenumbers.parse(national[len(token) :], region)
        digits = phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
        return self._longest_prefix_name(digits)

    def _longest_prefix_name(self, digits: str) -> str:
        if not digits.isdigit() or digits.startswith("0") or len(digits) > _E164_MAX_DIGITS:
            return ""
        # Prefixes are stored as integers (country codes never start with 0). Every prefix of
        # the number is a candidate, the longest first; 0, which no prefix is, pads the list.
        candidates = [int(digits[:n]) for n in range(len(digits), 0, -1)]
        candidates += [0] * (_E164_MAX_DIGITS - len(candidates))
        with self._lock:
            if self._conn is None:
                return ""
            row = self._conn.execute(_LONGEST_PREFIX_SQL, candidates).fetchone()
        return str(row[0]) if row else ""

    def _country_name(self, number: PhoneNumber) -> str:
        # geocoder.country_name_for_number: a shared country code (+1, +7, +44) names a country
        # only when the number is valid in exactly one of its regions.
        regions = phonenumbers.region_codes_for_country_code(number.country_code or 0)
        if len(regions) == 1:
            return self._regions.get(regions[0], "")
        found = _UNKNOWN_REGION
        for region in regions:
            if phonenumbers.is_valid_number_for_region(number, region):
                if found != _UNKNOWN_REGION:
                    return ""
                found = region
        return self._regions.get(found, "")


class _Stale(Exception):
    pass


class LazyPlaceLookup:
    """A `PlaceLookup` for the app: "" until the background build has written the index.

    Costs one stat() per call while there is no usable index, and retries a broken file only
    after it changes, so a bad file is not reopened on every ring.
    """

    def __init__(self, path: Path, home_region: str) -> None:
        self.path = path
        self.home_region = home_region
        self._index: PlaceIndex | None = None
        self._failed_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def __call__(self, e164: str) -> str:
        index = self._index or self._try_open()
        return index.describe(e164, self.home_region) if index else ""

    def warm(self) -> bool:
        """Open the index now, in idle time, so the first ring does not pay ~1 ms for it."""
        return (self._index or self._try_open()) is not None

    def _try_open(self) -> PlaceIndex | None:
        with self._lock:
            if self._index is not None:
                return self._index
            try:
                st = self.path.stat()
            except OSError:
                return None
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp == self._failed_stamp:
                return None
            index = PlaceIndex.open(self.path)
            if not index.available:
                self._failed_stamp = stamp
                return None
            self._index = index
            return index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


def place_lookup_for(cache_dir: Path, home_region: str) -> LazyPlaceLookup:
    """The app's place lookup; cheap to create, opens the index on first use."""
    return LazyPlaceLookup(index_path(cache_dir), home_region)


def ensure_place_index(cache_dir: Path) -> Path | None:
    """The current index's path when it exists and opens; None when it must be built."""
    path = index_path(cache_dir)
    with PlaceIndex.open(path) as index:
        return path if index.available else None


@dataclass
class PlaceIndexBuild:
    """A build running in a child process; poll `finished()`, then read `problem()`."""

    process: subprocess.Popen[bytes]
    path: Path
    log: Path

    def finished(self) -> bool:
        return self.process.poll() is not None

    def problem(self) -> str:
        """Empty while running or after success, else the child's last words and its log."""
        code = self.process.poll()
        if code is None or code == 0:
            return ""
        try:
            tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            tail = []
        last = tail[-1] if tail else "no output"
        return f"building {self.path} failed (exit {code}): {last} (full log: {self.log})"


def build_command(out_path: Path) -> list[str]:
    """The child's command line: this interpreter, or the frozen bundle's own executable."""
    if getattr(sys, "frozen", False):
        # desktop.cli.FROZEN_PLACES_VERB; importing the CLI here would be a cycle for nothing.
        return [sys.executable, "_build-place-index", str(out_path)]
    return [sys.executable, "-m", "desktop.adapters.places", "build", str(out_path)]


def start_place_index_build(cache_dir: Path) -> PlaceIndexBuild:
    """Start building the index for this phonenumbers version; returns at once.

    Call it in idle time after start-up when `ensure_place_index` says None. The child runs at
    low priority without a console window; its output goes to `places-build.log`.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = index_path(cache_dir)
    log = cache_dir / BUILD_LOG
    flags = 0
    if sys.platform == "win32":
        flags = subprocess.CREATE_NO_WINDOW | subprocess.BELOW_NORMAL_PRIORITY_CLASS
    with os.fdopen(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        process = subprocess.Popen(
            build_command(path),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            creationflags=flags,
            close_fds=True,
        )
    return PlaceIndexBuild(process, path, log)


# --- building: only ever in the child process ----------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    path: Path
    prefixes: int
    names: int
    regions: int
    size_bytes: int
    seconds: float


def _meta_values() -> dict[str, str]:
    return {"schema": str(SCHEMA_VERSION), "phonenumbers": phonenumbers.__version__, "lang": LANG}


def _english_prefixes(geocode_data: dict[str, dict[str, str]]) -> Iterator[tuple[int, str]]:
    # The geocoder asks for "en" (or "en_<region>", which the data never has) and falls back
    # to a shorter prefix when a prefix has no English name, so those prefixes are dropped.
    for prefix, names in geocode_data.items():
        name = names.get(LANG)
        if name is not None and prefix.isdigit() and not prefix.startswith("0"):
            yield int(prefix), name


def _english_region_names(locale_data: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    for code, names in locale_data.items():
        name = names.get(LANG, "")
        if name.startswith("*"):  # "*xx": same as language xx
            name = names.get(name[1:], "")
        if name:
            yield code, name


def build_place_index(out_path: Path) -> BuildResult:
    """Write the index to `out_path` atomically. Imports the geocoder data: child process only."""
    started = time.perf_counter()
    # An unwritable destination fails here, before the 300 ms data import.
    out_path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # build time only: it pulls in shutil, random and the compressors

    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        from phonenumbers.geodata import GEOCODE_DATA
        from phonenumbers.geodata.locale import LOCALE_DATA

        prefixes = sorted(_english_prefixes(GEOCODE_DATA))
        name_ids: dict[str, int] = {}
        rows = [(code, name_ids.setdefault(name, len(name_ids) + 1)) for code, name in prefixes]
        regions = sorted(_english_region_names(LOCALE_DATA))
        conn = sqlite3.connect(tmp)
        try:
            # A throwaway file until the rename: no journal, no syncs until the end.
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(
                """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE name (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
                CREATE TABLE prefix (code INTEGER PRIMARY KEY, name_id INTEGER NOT NULL);
                CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
                """
            )
            with conn:
                conn.executemany("INSERT INTO meta VALUES (?, ?)", _meta_values().items())
                conn.executemany(
                    "INSERT INTO name VALUES (?, ?)", [(i, n) for n, i in name_ids.items()]
                )
                conn.executemany("INSERT INTO prefix VALUES (?, ?)", rows)
                conn.executemany("INSERT INTO region VALUES (?, ?)", regions)
            conn.execute("VACUUM")
        finally:
            conn.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        # Public data, but which regions a user looks up is theirs (like every file we make).
        tmp.chmod(0o600)
        os.replace(tmp, out_path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return BuildResult(
        path=out_path,
        prefixes=len(rows),
        names=len(name_ids),
        regions=len(regions),
        size_bytes=out_path.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def remove_stale_indexes(keep: Path) -> list[Path]:
    """Delete other versions' indexes and dead builds' temp files next to `keep`."""
    removed: list[Path] = []
    now = time.time()
    for other in keep.parent.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"):
        if other.name != keep.name:
            with contextlib.suppress(OSError):  # still open in an older app on Windows
                other.unlink()
                removed.append(other)
    for tmp in keep.parent.glob(f".{FILE_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                tmp.unlink()
                removed.append(tmp)
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "build":
        print("usage: python -m desktop.adapters.places build OUT_PATH", file=sys.stderr)
        return 2
    out = Path(args[1])
    if hasattr(os, "nice"):
        # A start-up chore: the app and the user's other work come first.
        with contextlib.suppress(OSError):
            os.nice(10)
    try:
        result = build_place_index(out)
    except (OSError, sqlite3.Error, ImportError) as exc:
        # ImportError: phonenumberslite, or a bundle that left the geocoder data out.
        print(f"places: cannot build {out}: {exc}", file=sys.stderr)
        return 1
    if out.name.startswith(FILE_PREFIX):
        remove_stale_indexes(out)
    print(
        f"places: built {result.path} in {result.seconds:.2f} s: {result.prefixes} prefixes, "
        f"{result.names} names, {result.regions} regions, {result.size_bytes} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
