"""Team directory sync against a real Radicale on loopback: first sync of N cards, compared with
one bare sync-collection REPORT that returns every card (issue 14: at most 3x that), an
incremental sync with three changes, peak Python memory of the first sync, and what loading
the CardDAV client costs.

    .venv/bin/python benchmarks/directory_sync.py [--cards 1000 10000]

Radicale builds a cache the first time it serves a collection; the bare REPORT is timed twice
(cold, then warm) and our first sync runs after it, so it meets a warm server like the REPORT's
second run.
"""

from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.adapters.directories import mirror
from desktop.adapters.directories.syncing import sync_directory
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import Radicale, vcard

FULL_REPORT = (
    b'<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:" '
    b'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:sync-token/><d:sync-level>1</d:sync-level>'
    b"<d:prop><d:getetag/><c:address-data/></d:prop></d:sync-collection>"
)


def card(i: int) -> str:
    work = f"TEL;TYPE=WORK:+1 415 {i // 10000 + 200} {i % 10000:04d}"
    return vcard(f"c{i}", f"Prospect {i}", f"ORG:Company {i % 997}", "TITLE:Buyer",
                 f"EMAIL:p{i}@example.com", work,
                 f"item1.TEL:+1 (646) 55{i % 10} {i % 10000:04d}", "item1.X-ABLabel:Assistant",
                 "NOTE:met at the trade fair")  # fmt: skip


def bare_report(server: Radicale, path: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    conn.request("REPORT", path, FULL_REPORT, {"Depth": "1", "Content-Type": "application/xml"})
    body = conn.getresponse().read()
    conn.close()
    assert body.count(b"BEGIN:VCARD") > 0
    return time.perf_counter() - started


def run(count: int, root: Path) -> None:
    server = Radicale(root / f"server-{count}").start()
    try:
        path = "/team/book/"
        started = time.perf_counter()
        url = server.make_book(path, [card(i) for i in range(count)])
        upload = time.perf_counter() - started
        cold = bare_report(server, path)
        warm = bare_report(server, path)
        # Peak memory in a store of its own: tracemalloc slows Python down several times, so
        # the timed first sync below runs without it.
        store = Store.open(root / f"memory-{count}" / "callercard.sqlite3")
        target = mirror.add_directory(store, "team", "carddav", url, url, "")
        tracemalloc.start()
        sync_directory(store, target, "", NumberPolicy("US"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
        store = Store.open(root / f"data-{count}" / "callercard.sqlite3")
        target = mirror.add_directory(store, "team", "carddav", url, url, "")
        report = sync_directory(store, target, "", NumberPolicy("US"))
        assert report.counts.added == count, report
        server.put(path + "c1.vcf", vcard("c1", "Prospect One", "TEL:+1 415 200 0001"))
        server.delete(path + "c2.vcf")
        server.put(path + "new.vcf", vcard("new", "New Prospect", "TEL:+1 415 299 9999"))
        target = mirror.directory(store, "team")
        assert target is not None
        again = sync_directory(store, target, "", NumberPolicy("US"))
        assert (again.counts.added, again.counts.changed, again.counts.removed) == (1, 1, 1)
        store.close()
        print(f"{count:>6} cards: upload (one PUT) {upload:6.2f} s | bare sync-collection REPORT "
              f"cold {cold:6.2f} s, warm {warm:6.2f} s | first sync {report.seconds:6.2f} s "
              f"= {report.seconds / warm:4.2f}x warm REPORT | peak Python memory "
              f"{peak / 1e6:6.1f} MB | incremental (3 changes) {again.seconds * 1000:5.0f} ms")
    finally:
        server.stop()


def import_cost() -> None:
    code = ("import time, sys; t = time.perf_counter(); "
            "import desktop.adapters.directories.syncing; "
            "print((time.perf_counter() - t) * 1000)")  # fmt: skip
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]  # fmt: skip
    print(f"loading the CardDAV client and vCard reader (syncing.py): median "
          f"{sorted(runs)[2]:.0f} ms (done by the sync thread or the directory verb only)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    import_cost()
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.cards:
            run(count, Path(tmp))


if __name__ == "__main__":
    main()
