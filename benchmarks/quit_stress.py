"""Quit the real app at random moments, many times, and count the runs that did not end cleanly.

Each run starts the app (offscreen, its own HOME and data folder, a MicroSIP ini watched),
does one thing, waits a random moment and quits it one of three ways: SIGTERM (a logout),
`callercard quit`, or SIGINT (Ctrl+C). The things done:

- startup: nothing; the quit comes 0-2.5 s after the spawn, during start-up or just after;
- ring: a burst of 1-6 calls written to the ini (cards painting at the quit);
- hook: 1-4 `callercard ring` hooks at once; each of their calls must be in the history
  afterwards, whether the app took it before the quit or the hook found no app and recorded it;
- import: `callercard --open` a 20,000-row CSV (its preview is read by a worker thread);
- fifo: the ini replaced by a FIFO (a problem reported through the bridge).

A clean run exits 0 with nothing on stderr but the offscreen plugin's notes. A signal that
came before the app took the quit signals over (the interpreter's own start, the command line:
desktop/adapters/early_quit.py) ends it by the default action (130, -2, -15): counted apart, as
"before the handler", not as a failure. Each run's exit
code, stderr tail, quit time and the log's "left running" line go to OUT/results.jsonl;
a failed run's folder is kept (with a core file when the OS writes one). One app at a time,
at nice 10: the machine is shared.

    .venv/bin/python benchmarks/quit_stress.py --runs 300 --out /tmp/quit-stress

`--launch SCRIPT` starts the app through SCRIPT instead of `-m desktop` (a private patch that
widens a race, say); `--code DIR` runs the desktop package found in DIR (an older checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
INI_HEAD = ("[Settings]\r\naccountId=1\r\ncallsLastKey=1\r\n[Account1]\r\nusername=1001\r\n"
            "domain=pbx.example.com\r\n[Calls]\r\n")  # fmt: skip
MOMENTS = ("startup", "ring", "hook", "import", "fifo")
TRIGGERS = ("SIGTERM", "quit", "SIGINT")
NOISE = ("This plugin does not support",)  # the offscreen platform's, not the app's


def write_ini(path: Path, text: str) -> None:
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def traced(trace: Path, stage: str) -> bool:
    try:
        lines = trace.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    return any(json.loads(line).get("stage") == stage for line in lines if line.strip())


def wait_for(proc: subprocess.Popen[bytes], trace: Path, stage: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None and not traced(trace, stage):
        time.sleep(0.02)


def child_setup() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    os.nice(10)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a shell's background job ignores it


def isolated_env(home: Path, code: Path) -> dict[str, str]:
    for sub in ("run", ".config", ".cache", ".local/share", ".local/state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "run").chmod(0o700)
    return dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"),
                XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                XDG_DATA_HOME=str(home / ".local/share"),
                XDG_STATE_HOME=str(home / ".local/state"), QT_QPA_PLATFORM="offscreen",
                PYTHONFAULTHANDLER="1", PYTHONPATH=str(code),
                PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")  # fmt: skip


def quit_relaunched(cli: list[str], env: dict[str, str], data: Path) -> bool:
    """A hook or `--open` that came after the quit found no app and started one (as they
    should): it is asked to quit too, and waited for, before the history is read."""
    def running() -> bool:
        found = subprocess.run(["pgrep", "-f", f"desktop.* --data-dir {data} "],
                               capture_output=True, check=False)  # fmt: skip
        return found.returncode == 0

    if not running():
        return False
    deadline = time.monotonic() + 30
    while running() and time.monotonic() < deadline:
        subprocess.run([*cli, "quit"], env=env, capture_output=True, timeout=30, check=False)
        time.sleep(0.5)
    return True


def one_run(n: int, rng: random.Random, opts: argparse.Namespace) -> dict[str, Any]:
    run = Path(opts.out) / f"run-{n}"
    shutil.rmtree(run, ignore_errors=True)
    env = isolated_env(run / "home", Path(opts.code))
    data, ini, trace = run / "data", run / "phone" / "microsip.ini", run / "trace.jsonl"
    ini.parent.mkdir()
    write_ini(ini, INI_HEAD)
    moment, trigger = rng.choice(opts.moments), rng.choice(TRIGGERS)
    py = sys.executable
    cli = [py, "-m", "desktop", "--data-dir", str(data)]
    launch = [opts.launch] if opts.launch else ["-m", "desktop"]
    helpers: list[subprocess.Popen[bytes]] = []
    with open(run / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            [py, *launch, "--data-dir", str(data), "--region", "US", "--background",
             "--watch", f"microsip:{ini}", "--trace", str(trace)],
            cwd=run, env=env, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=child_setup,
        )  # fmt: skip
        if moment == "startup":
            time.sleep(rng.uniform(0, 2.5))
        else:
            wait_for(proc, trace, "ready")
            if moment == "ring":
                now = int(time.time())
                write_ini(ini, INI_HEAD + "".join(f"{k}=+1415555{k:04d};Caller {k};1;{now};0;\r\n"
                                                  for k in range(rng.randint(1, 6))))  # fmt: skip
            elif moment == "hook":
                for k in range(rng.randint(1, 4)):  # what each hook said is kept with the run
                    said = open(run / f"hook-{k}.txt", "wb")  # noqa: SIM115  the child's
                    helpers.append(subprocess.Popen([*cli, "ring", f"+1415666{k:04d}"], env=env,
                                                    stdout=said, stderr=said))  # fmt: skip
                    said.close()
            elif moment == "import":
                book = run / "big.csv"
                book.write_text("Name,Phone,Company\n" + "".join(
                    f"Person {k},+1415{k:07d},Co {k % 97}\n" for k in range(20_000)))  # fmt: skip
                helpers.append(subprocess.Popen([*cli, "--open", str(book)], env=env,
                                                stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))  # fmt: skip
            elif moment == "fifo":
                ini.unlink()
                os.mkfifo(ini, 0o600)
            time.sleep(rng.uniform(0, 0.6))
        if trigger == "quit":
            # Before the app listens, `callercard quit` finds no app and does nothing (exit 0).
            wait_for(proc, trace, "tray")
        asked = time.monotonic()
        if trigger == "quit":
            subprocess.run([*cli, "quit"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, check=False)  # fmt: skip
        else:
            proc.send_signal(signal.SIGTERM if trigger == "SIGTERM" else signal.SIGINT)
        try:
            rc: int | str = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            rc = f"hung ({proc.wait()})"
        quit_s = round(time.monotonic() - asked, 3)
        for helper in helpers:
            try:
                helper.wait(20)
            except subprocess.TimeoutExpired:
                helper.kill()
                helper.wait()
        relaunched = quit_relaunched(cli, env, data)
        for k, helper in enumerate(helpers):
            if moment == "hook":
                with open(run / f"hook-{k}.txt", "a", encoding="utf-8") as said:
                    said.write(f"exit {helper.returncode}\n")
    lost = []
    if moment == "hook":
        history = subprocess.run([*cli, "calls", "--json"], env=env, capture_output=True,
                                 text=True, timeout=60, check=False).stdout  # fmt: skip
        lost = [f"+1415666{k:04d}" for k in range(len(helpers))
                if f"+1415666{k:04d}" not in history]  # fmt: skip
    stderr = (run / "stderr.txt").read_text(errors="replace")
    noise = [line for line in stderr.splitlines() if line.strip() and not line.startswith(NOISE)]
    log = data / "callercard.log"
    left = [line for line in log.read_text(errors="replace").splitlines()
            if "left running" in line] if log.exists() else []  # fmt: skip
    ok = rc == 0 and not noise and not lost
    early = (trigger != "quit" and rc in (130, -signal.SIGINT, -signal.SIGTERM) and not noise
             and not traced(trace, "tray"))  # fmt: skip
    if ok:
        shutil.rmtree(run, ignore_errors=True)
    return {"n": n, "moment": moment, "trigger": trigger, "rc": rc, "ok": ok, "early": early,
            "quit_s": quit_s, "left": left, "lost": lost, "relaunched": relaunched,
            "stderr": "" if ok else stderr[-3000:]}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--out", default="/tmp/quit-stress")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--moments", type=lambda s: s.split(","), default=list(MOMENTS))
    parser.add_argument("--launch", default="", help="a script to start the app through")
    parser.add_argument("--code", default=str(REPO), help="where the desktop package is")
    opts = parser.parse_args()
    Path(opts.out).mkdir(parents=True, exist_ok=True)
    rng = random.Random(opts.seed)
    results = []
    with open(Path(opts.out) / "results.jsonl", "a", encoding="utf-8") as out:
        for n in range(opts.runs):
            result = one_run(n, rng, opts)
            results.append(result)
            out.write(json.dumps(result) + "\n")
            out.flush()
            if not result["ok"]:
                print(f"run {n} ({result['moment']}, {result['trigger']}): exit {result['rc']}"
                      + (" before the handler" if result["early"] else "")
                      + (f", calls lost: {result['lost']}" if result["lost"] else ""),
                      flush=True)  # fmt: skip
    if not results:
        return 0
    failed = Counter((r["moment"], r["trigger"], str(r["rc"])) for r in results
                     if not r["ok"] and not r["early"])  # fmt: skip
    early = sum(r["early"] for r in results)
    quits = sorted(r["quit_s"] for r in results)
    print(f"{len(results)} runs, {sum(failed.values())} not clean, {early} ended by a signal "
          f"before the handler; quit took {quits[len(quits) // 2]:.2f} s (median), "
          f"{quits[-1]:.2f} s (slowest)")
    for (moment, trigger, rc), count in sorted(failed.items()):
        print(f"  {count} × {moment} / {trigger}: exit {rc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
