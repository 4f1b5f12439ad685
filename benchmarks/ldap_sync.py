"""LDAP directory mirror against a real OpenLDAP slapd on loopback: the first sync of N entries
(paged search, reading, one transaction), compared with `ldapsearch` paging through the same
entries; a sync with three changes; peak Python memory of the first sync; what loading the
LDAP client costs.

    .venv/bin/python benchmarks/ldap_sync.py [--entries 1000 10000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.adapters.directories import mirror
from desktop.adapters.directories.ldap_sync import sync_ldap
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.ldap_server import BASE, Slapd, person


def entry(i: int) -> str:
    return person(f"u{i}", f"Person {i}", f"telephoneNumber: +1 415 {i // 10000 + 200} "
                  f"{i % 10000:04d}", f"mobile: +1 646 55{i % 10} {i % 10000:04d}",
                  f"mail: u{i}@example.com", "title: Buyer", f"company: Company {i % 997}",
                  "department: Purchasing", ad=True)  # fmt: skip


def ldapsearch_seconds(server: Slapd) -> float:
    started = time.perf_counter()
    subprocess.run(["ldapsearch", "-x", "-LLL", "-H", server.url, "-E", "pr=500/noprompt",
                    "-b", BASE, "(objectClass=person)"], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def load_cost() -> float:
    code = ("import time; t = time.perf_counter(); "
            "import desktop.adapters.directories.ldap_sync; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])  # fmt: skip
    return float(out.stdout)


def run(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="callercard-ldap-bench-") as tmp:
        server = Slapd(Path(tmp) / "slapd")
        server.load(entry(i) for i in range(count))
        server.start()
        try:
            bare = ldapsearch_seconds(server)
            store = Store.open(Path(tmp) / "callercard.db")
            # Peak memory on a throwaway mirror first: tracing slows everything down.
            target = mirror.add_directory(store, "traced", "ldap", server.url, BASE, "", {})
            tracemalloc.start()
            sync_ldap(store, target, "", NumberPolicy("US"))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            mirror.remove_directory(store, "traced")
            target = mirror.add_directory(store, "corp", "ldap", server.url, BASE, "", {})
            started = time.perf_counter()
            report = sync_ldap(store, target, "", NumberPolicy("US"))
            first = time.perf_counter() - started
            assert report.counts.added == count, report.summary()
            server.modify(f"dn: uid=u1,ou=People,{BASE}\nchangetype: modify\n"
                          "replace: title\ntitle: Head buyer\n\n"
                          f"dn: uid=u2,ou=People,{BASE}\nchangetype: delete\n\n"
                          f"dn: uid=u3,ou=People,{BASE}\nchangetype: modify\n"
                          "replace: mobile\nmobile: +1 917 555 0000\n")  # fmt: skip
            target = mirror.directory(store, "corp")
            assert target is not None
            started = time.perf_counter()
            again = sync_ldap(store, target, "", NumberPolicy("US"))
            incremental = time.perf_counter() - started
            assert (again.counts.changed, again.counts.removed) == (2, 1), again.summary()
            store.close()
        finally:
            server.stop()
    print(f"{count:>6} entries: ldapsearch paged {bare:6.2f} s | first sync {first:6.2f} s "
          f"({first / bare:.1f}x) | 3 changes {incremental:6.2f} s | "
          f"peak {peak / 1e6:5.1f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    print(f"loading the LDAP client and sync: {load_cost() * 1000:.0f} ms")
    for count in args.entries:
        run(count)


if __name__ == "__main__":
    main()
