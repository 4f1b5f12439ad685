"""Where a ring's milliseconds go, step by step, inside the app (issue 13's stage split, finer).

ring_latency.py times four points of a ring (write, read, matched, painted). This runs the same
app the same way (MicroSIP's in-place rewrite, a 100,000-contact book, xcb on Xvfb) with
perf_counter_ns probes wrapped around each step of the ring path, from the inotify wake-up to
the Dismiss button's paint, and prints the median of each step. The probes cost a few µs each;
compare steps, not the total against ring_latency.py.

With `--against TREE`, a second app run from another source tree (a copy of the code before a
change) is rung in turn with the same callers in the same run, each on its own file, so that
the machine's drift, which moves every figure by 1.5× within minutes, falls on both alike; it
prints both tables and the ratio of the two apps' write → painted medians.

    .venv/bin/python benchmarks/ring_path_probe.py [--rings 60] [--against /tmp/before]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ring_latency as bench
from _book import build_book

# Run in the app's process before `python -m desktop`: each listed callable is wrapped so that
# its start and end, relative to the ring's inotify wake-up, are kept; a ring's marks are
# written once its card has painted.
PROBED_APP = r"""
import functools, importlib, json, os, runpy, sys, time

from PySide6.QtCore import QTimer

out = open(os.environ["RING_PROBE_OUT"], "w", buffering=1)
ring = None  # the marks of the ring being followed, from its wake-up (FileWatcher.drain)
STEPS = [
    "desktop.adapters.filewatch:FileWatcher.drain",
    "desktop.adapters.sources.microsip:MicroSipSource.poll_now",
    "desktop.qt.ring_pipeline:RingPipeline.arrive",
    "desktop.adapters.lookup:CallerLookup.card_for",
    "desktop.adapters.lookup:CallerLookup.parse",
    "desktop.adapters.lookup:CallerLookup.holders",
    "desktop.adapters.lookup:local_time_for",
    "desktop.qt.popup_stack:PopupStack.show",
    "desktop.qt.card_view:CardView._fill",
    "desktop.qt.card_view:CardView._fit_height",
    "desktop.qt.popup_stack:PopupStack._fit",
    "desktop.qt.popup:Popup.reveal",
    "desktop.qt.popup:Popup._probe_painted",
]


def probed(name, fn):
    @functools.wraps(fn)
    def step(*args, **kwargs):
        global ring
        t0 = time.perf_counter_ns()
        # A ring's card paints after the next drain has begun (MicroSIP's second rewrite, of
        # callsLastKey, wakes it): a ring being followed keeps its marks until then.
        if name == "FileWatcher.drain" and (
            ring is None or "CallerLookup.card_for" not in ring["marks"]
            or t0 - ring["t0"] > 1_000_000_000  # one that never painted
        ):
            ring = {"t0": t0, "marks": {}}
        followed = ring
        if name == "Popup._probe_painted" and followed is not None and (
            "CallerLookup.card_for" in followed["marks"]
        ):
            # Posted before the paint's own listeners can post anything: it runs first in
            # the next turn of the event loop, once the paint pass has returned and the
            # backing store has been flushed to the X server.
            QTimer.singleShot(0, lambda: flushed(followed))
        try:
            return fn(*args, **kwargs)
        finally:
            t1 = time.perf_counter_ns()
            if ring is not None:
                ring["marks"].setdefault(name, ((t0 - ring["t0"]) / 1e3, (t1 - ring["t0"]) / 1e3))
                if name == "Popup._probe_painted" and "CallerLookup.card_for" in ring["marks"]:
                    ring = None  # written once flushed
    return step


def flushed(followed):
    t = (time.perf_counter_ns() - followed["t0"]) / 1e3
    followed["marks"]["flushed"] = (t, t)
    out.write(json.dumps(followed["marks"]) + "\n")


for spec in STEPS:
    module_name, qualified = spec.split(":")
    module = importlib.import_module(module_name)
    owner, _, attr = qualified.rpartition(".")
    holder = getattr(module, owner) if owner else module
    setattr(holder, attr, probed(qualified, getattr(holder, attr)))
sys.argv = ["desktop", *sys.argv[1:]]
runpy.run_module("desktop", run_name="__main__", alter_sys=True)
"""


def start_xvfb(display: str) -> tuple[subprocess.Popen[bytes], str]:
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    bench.wait_for(Path(f"/tmp/.X11-unix/X{display[1:]}").exists, 10, "Xvfb")
    return xvfb, display


def step_table(rows: list[dict[str, tuple[float, float]]]) -> dict[str, list[float]]:
    """µs per step, per ring: the gaps between the probes, in the order a ring meets them."""
    steps: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        steps.setdefault(name, []).append(value)

    for m in rows:
        if not all(k in m for k in ("MicroSipSource.poll_now", "RingPipeline.arrive",
                                    "PopupStack.show", "Popup.reveal")):  # fmt: skip
            continue
        drain_end = m["FileWatcher.drain"][1]
        add("inotify wake → the source reads the file", m["MicroSipSource.poll_now"][0])
        add("read, diff [Calls], build the call event", m["RingPipeline.arrive"][0]
            - m["MicroSipSource.poll_now"][0])  # fmt: skip
        for name, label in (("CallerLookup.parse", "lookup: read the number"),
                            ("CallerLookup.holders", "lookup: SQLite (who holds it)"),
                            ("local_time_for", "lookup: caller's local time and place"),
                            ("CallerLookup.card_for", "lookup: the whole card")):  # fmt: skip
            if name in m:
                add(label, m[name][1] - m[name][0])
        add("matched → the stack shows it", m["PopupStack.show"][0] - m["CallerLookup.card_for"][1])
        for name, label in (("CardView._fill", "card: set the texts"),
                            ("CardView._fit_height", "card: lay the text out, fit the height"),
                            ("PopupStack._fit", "stack: place the cards"),
                            ("Popup.reveal", "show() (maps the window)")):  # fmt: skip
            if name in m:
                add(label, m[name][1] - m[name][0])
        add("after show() → back in the event loop", drain_end - m["Popup.reveal"][1])
        add("event loop → Dismiss painted (expose, paint)", m["Popup._probe_painted"][0]
            - drain_end)  # fmt: skip
        add("wake-up → painted", m["Popup._probe_painted"][0])
        if "flushed" in m:  # the paint pass returned: its pixels are on their way to the screen
            add("painted → back in the event loop (flushed)", m["flushed"][0]
                - m["Popup._probe_painted"][0])  # fmt: skip
            add("wake-up → flushed", m["flushed"][0])
    return steps


def print_table(title: str, steps: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    for name, values in steps.items():
        ordered = sorted(values)
        q1, q3 = ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4]
        # The mean too: work that only some rings do (a pattern compiled for a new country)
        # leaves the median alone.
        print(f"  {name:<46} median {statistics.median(values):7.0f} µs   "
              f"middle half {q1:6.0f}–{q3:<6.0f} mean {statistics.mean(values):7.0f}  "
              f"n={len(values)}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rings", type=int, default=60)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--display", help="run Xvfb on this display (e.g. :151)")
    parser.add_argument("--against", metavar="TREE",
                        help="another source tree, rung in turn in the same run")  # fmt: skip
    args = parser.parse_args()
    trees = {"this tree": Path(__file__).resolve().parents[1]}
    if args.against:
        trees["against"] = Path(args.against).resolve()
    work = Path(tempfile.mkdtemp(prefix="callercard-probe-"))
    xvfb, display = start_xvfb(args.display) if args.display else bench.start_xvfb()
    apps: dict[str, subprocess.Popen[bytes]] = {}
    try:
        numbers = build_book(work / "book" / "callercard.sqlite3", args.contacts)
        inis, traces, probes = {}, {}, {}
        for n, (who, tree) in enumerate(trees.items()):
            data = work / f"data-{n}"
            shutil.copytree(work / "book", data)
            env = bench.app_env(display, work)
            env["PYTHONPATH"] = str(tree)
            env["PYTHONPYCACHEPREFIX"] = str(work / f"pycache-{n}")
            probes[who] = env["RING_PROBE_OUT"] = str(work / f"probe-{n}.jsonl")
            inis[who] = work / f"phone-{n}" / "microsip.ini"
            inis[who].parent.mkdir()
            inis[who].write_bytes(bench.initial_ini())
            traces[who] = work / f"trace-{n}.jsonl"
            apps[who] = subprocess.Popen(
                [sys.executable, "-c", PROBED_APP, "--data-dir", str(data), "--region", "US",
                 "--background", "--watch", f"microsip:{inis[who]}", "--trace", str(traces[who])],
                env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        for who in apps:
            bench.wait_for(lambda w=who: any(r["stage"] == "ready"  # type: ignore[misc]
                                             for r in bench.read_trace(traces[w])),
                           60, who)  # fmt: skip
        time.sleep(2.0)  # idle-time warm-up done, as it is long before a real call
        plan = work / "plan.json"
        plan.write_text(json.dumps(bench.ring_plan(args.rings, numbers)))
        writes = work / "writes.jsonl"
        whos = list(trees)
        # The paired writer rings its two files in turn ("app" first on even rings); one app
        # is rung alone through the same writer with a file nobody watches.
        second = inis[whos[1]] if len(whos) > 1 else work / "nobody" / "microsip.ini"
        second.parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-c", bench.microsip_writes() + bench.PAIRED_WRITER,
                        str(inis[whos[0]]), str(second), str(plan), str(writes), "0.15",
                        "0.25"], check=True)  # fmt: skip
        time.sleep(0.5)
    finally:
        for app in apps.values():
            bench.stop_app(app)
        if xvfb is not None:
            xvfb.terminate()
    medians = {}
    for n, who in enumerate(whos):
        rows = [json.loads(line) for line in Path(probes[who]).read_text().splitlines()]
        print_table(f"{who} ({trees[who]}): steps of a ring, {len(rows)} rings",
                    step_table(rows))  # fmt: skip
        shown = bench.shown_by_caller(bench.read_trace(traces[who]))
        tag = "app" if n == 0 else "lean"  # the paired writer's names for its two files
        e2e = [
            (shown[number] - t) / 1e6
            for line in writes.read_text().splitlines()
            for w, _key, number, t in [json.loads(line)]
            if w == tag and number in shown
        ]
        medians[who] = bench.summary(f"  write → painted ({who})", e2e)["median"]
    if len(whos) > 1:
        a, b = medians[whos[0]], medians[whos[1]]
        print(f"\nthis tree / against, write → painted medians: {a:.2f} / {b:.2f} ms = "
              f"{a / b:.3f}")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
