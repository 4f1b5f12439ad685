"""Import throughput: 100,000-row CSV, 100,000-row XLSX and 20,000-card vCard files into a fresh
store, end to end (read, map rows, normalise numbers, merge check, insert, index, commit).
Prints rows per second and peak memory (RSS of this process, and the most the row workers held
together, sampled every 20 ms). Then the CSV again through the Import window, as a person runs
it, with a 10 ms timer on the GUI thread: the longest gap between its ticks is how long the
window could not repaint or take a click.

    /work/venv/bin/python benchmarks/import_throughput.py [--rows 100000] [--cards 20000]

Targets (issue 3): CSV 100,000 rows under 5 s, XLSX under 8 s, the UI responsive. Also times the
two XLSX readers (python-calamine, openpyxl read-only) on the same workbook, as
contact-import.md §4 did.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
import os
import random
import tempfile
import threading
import time
from pathlib import Path

import psutil

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

FIRST = ["Maya", "Tomás", "Jürgen", "Søren", "Priya", "Ann", "Bo", "Zoë", "Kenta", "Eleni"]
LAST = ["Okafor", "Herrera", "Schäfer", "Kjær", "Raman", "Lee", "Brennan", "Sato", "Pappa"]


def people(rows: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        area = rng.choice(["415", "212", "646", "312", "617", "303"])
        phone = rng.choice([f"({area}) 555-{i % 10000:04d}",
                            f"+1 {area} 55{i % 10} {i % 10000:04d}",
                            f"+44 20 7946 {i % 1000:04d}", f"+49 30 9018{i % 10000:04d}"])
        mobile = f"+1 {area} 2{i % 100:02d} {(i * 7) % 10000:04d}" if i % 2 else ""
        out.append([f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", f"Company {i % 997}", phone,
                    mobile, f"p{i}@example.com", "called once" if i % 5 == 0 else ""])
    return out


HEADER = ["Name", "Company", "Phone", "Mobile", "Email", "Notes"]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Prospects")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)


def write_vcf(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for name, company, phone, mobile, email, _notes in rows:
            fh.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nORG:{company}\r\n"
                     f"TEL;TYPE=WORK:{phone}\r\nEMAIL:{email}\r\n")
            if mobile:
                fh.write(f"TEL;TYPE=CELL:{mobile}\r\n")
            fh.write("END:VCARD\r\n")


class MemoryPeaks:
    """The most RSS this process, and its children together, held during the import, sampled.
    (ru_maxrss would count the benchmark's own file writing, and RUSAGE_CHILDREN each worker's
    moment between fork and exec as a copy of this whole process.)"""

    def __init__(self) -> None:
        self.mine = 0
        self.workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> MemoryPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.02):
            total = 0
            for child in me.children():
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.workers = max(self.workers, total)
            self.mine = max(self.mine, me.memory_info().rss)


def run(label: str, path: Path, rows: int, tmp: Path, unit: str = "rows") -> None:
    store = Store.open(tmp / f"{label}.sqlite3")
    before = psutil.Process().memory_info().rss / 1e6
    with MemoryPeaks() as peaks:
        started = time.perf_counter()
        report = import_file(store, path, ImportOptions(NumberPolicy("US")))
        elapsed = time.perf_counter() - started
    store.close()
    assert report.imported + report.merged + report.unchanged == rows, report.summary()
    print(f"{label:<5} {rows:>7} {unit:<5} {path.stat().st_size / 1e6:6.1f} MB  {elapsed:6.2f} s  "
          f"{rows / elapsed:>8,.0f} {unit}/s  peak RSS {peaks.mine / 1e6:4.0f} MB (before "
          f"{before:4.0f} MB; workers together {peaks.workers / 1e6:4.0f} MB)")


def readers(path: Path) -> None:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    with CalamineWorkbook.from_path(str(path)) as wb:
        n = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())
    calamine = time.perf_counter() - started
    started = time.perf_counter()
    wb2 = load_workbook(path, read_only=True, data_only=True)
    m = sum(1 for _ in wb2.worksheets[0].iter_rows(values_only=True))
    wb2.close()
    openpyxl = time.perf_counter() - started
    print(f"xlsx readers on {n:,}/{m:,} rows: python-calamine {calamine:.2f} s, "
          f"openpyxl read-only {openpyxl:.2f} s")


def through_the_window(path: Path, rows: int, tmp: Path) -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.qt.import_window import ImportWindow

    app = QApplication.instance() or QApplication([])
    window = ImportWindow(tmp / "window.sqlite3", lambda: NumberPolicy("US"))
    window.show()
    previewed: list[bool] = []
    window.previewed.connect(lambda: previewed.append(True))
    window.load(path)  # the preview is read off the GUI thread
    while not previewed:
        app.processEvents()
        time.sleep(0.001)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[object] = []
    window._signals.finished.connect(done.append)
    timer.start(10)
    started = time.perf_counter()
    window.import_button.click()
    while not done:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    timer.stop()
    gaps = sorted((b - a) * 1000 for a, b in itertools.pairwise(ticks))
    shots = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(shots / "import_window_done.png"))
    print(f"CSV through the Import window: {rows:,} rows in {elapsed:.2f} s; GUI timer gaps "
          f"median {gaps[len(gaps) // 2]:.1f} ms, p99 {gaps[int(len(gaps) * 0.99)]:.1f} ms, "
          f"longest {gaps[-1]:.1f} ms ({len(ticks)} ticks); summary: {window.summary.text()!r}")
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = people(args.rows)
        write_csv(tmp / "contacts.csv", rows)
        write_xlsx(tmp / "contacts.xlsx", rows)
        write_vcf(tmp / "contacts.vcf", rows[: args.cards])
        run("CSV", tmp / "contacts.csv", args.rows, tmp)
        run("XLSX", tmp / "contacts.xlsx", args.rows, tmp)
        run("vCard", tmp / "contacts.vcf", args.cards, tmp, "cards")
        readers(tmp / "contacts.xlsx")
        through_the_window(tmp / "contacts.csv", args.rows, tmp)


if __name__ == "__main__":
    main()
