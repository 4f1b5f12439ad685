"""The app's start-up order: the tray icon first, then the rest from the event loop.

1. Before Qt: the data folder, the log, and the hand-over to an instance already running (a
   second launch needs no display of its own).
2. The single-instance claim, still first among the Qt steps: whoever loses it forwards its
   message and exits.
3. The tray icon and its menu, traced as "tray". Only Qt, the tray and its icons are imported
   by then; the store, the lookup, the cards and the sources are not.
4. From the event loop, one step per turn so the tray stays responsive: the app's modules are
   imported, then the app is built and started (store, lookup, cards and their warm-up,
   sources, URL endpoint, follow loop), traced as "ready": from then on a ring pops a card.

What arrives before "ready" waits for it and is then handed on in the order it came: a hook's
ring or a second launch's message (held by SingleInstance, acked at once so the hook is not
kept waiting), and a menu item clicked (held here). Quit (the menu's, a logout, `callercard
quit`) acts at once; a quit sent before the app listens waits for it (desktop.adapters.
starting_mark).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.crash_log import record_crashes
from desktop.adapters.early_quit import EarlyQuitSignals
from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import AppPaths, resolve_paths
from desktop.adapters.starting_mark import StartingMark
from desktop.adapters.thread_turns import give_the_gui_thread_quick_turns
from desktop.adapters.trace import RingTrace
from desktop.core.ipc import IpcError, Message, Ping, Show, ShowTarget, decode

if TYPE_CHECKING:
    import argparse

    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QMessageBox

    from desktop.adapters.store import StoreError
    from desktop.qt.app import CallerCardApp
    from desktop.qt.single_instance import SingleInstance
    from desktop.qt.tray import TrayMenu


def run_app(args: argparse.Namespace) -> int:
    early_quit = EarlyQuitSignals()  # before anything: a logout now is obeyed once Qt is up
    starting = StartingMark()
    try:
        return _run_app(args, early_quit, starting)
    finally:
        starting.withdraw()  # a start that ended before it listened


def _run_app(args: argparse.Namespace, early_quit: EarlyQuitSignals,
             starting: StartingMark) -> int:  # fmt: skip
    # Everything the app and its helpers create (log, lock, caches, database journals) is
    # this user's alone; the few files meant for others say so with an explicit mode.
    os.umask(0o077)
    demo_dir: Path | None = None
    if args.demo:
        import tempfile

        demo_dir = Path(tempfile.mkdtemp(prefix="callercard-demo-"))
        paths = resolve_paths(demo_dir)
    else:
        paths = resolve_paths(args.data_dir)
    instance_dir = paths.data_dir  # hooks find us by the real folder, even from a copy
    starting.announce(instance_dir)  # `callercard quit` now waits for us to listen
    read_only = ""
    try:
        paths.ensure()
        _check_writable(paths.data_dir)
    except OSError as exc:
        try:
            paths, read_only = _temporary_copy(paths, exc)
        except OSError as again:
            print(f"callercard: {paths.data_dir}: cannot create the data directory ({exc}), "
                  f"nor a temporary one ({again})", file=sys.stderr)  # fmt: skip
            return 1
        print(f"callercard: {read_only}", file=sys.stderr)
        demo_dir = demo_dir or paths.data_dir  # removed at exit like a demo's
    record_crashes(paths.data_dir)  # a crash, at quit or not, leaves its stacks there
    give_the_gui_thread_quick_turns()  # a worker's Python must not hold a ring up
    early_log = EarlyLog.install()
    pending: Message | None = None
    if args.deliver:
        try:
            pending = decode(args.deliver.encode("utf-8"))
        except IpcError as exc:
            print(f"callercard: --deliver: {exc}", file=sys.stderr)
            return 2

    handover = pending or _second_launch_message(args, paths)
    if not args.demo and _handed_to_running(instance_dir, handover):
        print("callercard: already running; handed over to it", file=sys.stderr)
        return _start_only_options_ignored(args, paths)

    # Qt is imported only now: every path above must stay cheap for the hook's sake.
    from PySide6.QtWidgets import QApplication

    from desktop.qt.import_source_check import read_sources_without_linecache

    read_sources_without_linecache()  # before the app's modules: ~8 MB less resident
    from desktop.qt.single_instance import InstanceLockError, SingleInstance

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("CallerCard")
    # Wayland and the taskbars match windows to io.callercard.CallerCard.desktop by this.
    qapp.setDesktopFileName("io.callercard.CallerCard")
    qapp.setQuitOnLastWindowClosed(False)
    try:
        instance = SingleInstance(instance_address(instance_dir))
        instance.hold_messages()  # until the app can act on them
        primary = instance.acquire()
    except (InstanceLockError, OSError, ValueError) as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        return 1
    starting.withdraw()  # listening, or another instance is: a quit reaches it by the socket
    if not primary:
        from desktop.adapters.instance_client import SendStatus, forward_to_running

        result = forward_to_running(instance.address, handover)
        if result.status is SendStatus.DELIVERED:
            print("callercard: already running; handed over to it", file=sys.stderr)
            return _start_only_options_ignored(args, paths)
        print(f"callercard: another instance holds the lock but {result.detail}",
              file=sys.stderr)  # fmt: skip
        return 1
    from desktop.qt.signals import QuitOnSignals

    start_up = StartUp(args, paths, instance, pending, read_only=read_only, early_log=early_log)
    signals = QuitOnSignals(start_up.quit, early=early_quit)
    start_up.show_tray()
    code = qapp.exec()
    signals.close()
    start_up.shutdown()
    instance.release()
    del start_up, signals
    # Qt objects left in reference cycles (start-up runs without the collector, see
    # desktop.cli) must go while QApplication still exists: collected at interpreter exit,
    # after it, a QIcon's destructor crashed the app on its way out of a logout.
    gc.collect()
    if demo_dir is not None:
        import shutil

        shutil.rmtree(demo_dir, ignore_errors=True)
    return code


class StartUp:
    """Shows the tray, then builds and starts the app one event-loop turn at a time."""

    def __init__(
        self, args: argparse.Namespace, paths: AppPaths, instance: SingleInstance,
        pending: Message | None, *, read_only: str = "", early_log: EarlyLog | None = None,
    ) -> None:  # fmt: skip
        self.args = args
        self.early_log = early_log
        self.paths = paths
        self.instance = instance
        self.pending = pending
        self.read_only = read_only
        self.trace = RingTrace(Path(args.trace) if args.trace else None)
        self.app: CallerCardApp | None = None
        self.tray: TrayMenu | None = None
        self._clicked: list[tuple[SignalInstance, tuple[object, ...]]] = []
        self._holders: list[tuple[SignalInstance, object]] = []
        self._started_ns = time.monotonic_ns()
        self._failure: QMessageBox | None = None  # why the app cannot start, on show
        self._quitting = False  # asked to quit before the app was built

    def show_tray(self) -> None:
        from PySide6.QtCore import QTimer

        from desktop.qt.tray import make_tray

        tray = make_tray()
        self.tray = tray
        for signal in tray.menu_signals():
            holder = self.quit if signal is tray.quit_requested else self._holder(signal)
            signal.connect(holder)
            self._holders.append((signal, holder))
        # `callercard quit` while the app is built quits at once, as the menu's Quit does.
        self.instance.quit_held.connect(self._quit_asked)
        self._holders.append((self.instance.quit_held, self._quit_asked))
        tray.start(show_fallback=not self.args.background)
        # Traced on the event loop's first turn, as a bare Qt app's tray would first be seen.
        QTimer.singleShot(0, self._tray_shown)

    def _holder(self, signal: SignalInstance) -> object:
        # Not a closure over self: a cycle through Qt objects would be left to the collector
        # at exit, after QApplication is gone (a segfault).
        clicked = self._clicked
        return lambda *values: clicked.append((signal, values))

    def _stop_holding(self) -> None:
        for signal, holder in self._holders:
            signal.disconnect(holder)
        self._holders = []  # self.quit is a bound method: no cycle left behind

    def _tray_shown(self) -> None:
        from PySide6.QtCore import QTimer

        self.trace.write("tray", "", t_ns=time.monotonic_ns(), started_ns=self._started_ns)
        self._open_log()
        QTimer.singleShot(0, self._import_app)

    def _open_log(self) -> None:
        if self.early_log is not None:
            self.early_log.open_file(self.paths)
            self.early_log = None

    def _import_app(self) -> None:
        from PySide6.QtCore import QTimer

        # Before the app starts its threads (history writer, syncs, imports), each of which
        # would otherwise get a malloc arena of its own; after the tray, as ctypes costs ms.
        from desktop.adapters.native_heap import limit_arenas

        limit_arenas()
        with _exit_on_error():
            import desktop.qt.app  # noqa: F401  the bulk of start-up's imports
        self.trace.write("start_step", "", step="imported")
        QTimer.singleShot(0, self._build_and_start)

    def _build_and_start(self) -> None:
        """One turn: nothing can reach the app between its build and its start, so every
        message and click before this is held, every one after goes straight to it."""
        from PySide6.QtCore import QTimer

        from desktop.adapters.store import StoreError
        from desktop.qt.app import CallerCardApp

        assert self.tray is not None
        _ack_waiting_hooks()
        if self._quitting:  # a quit read just now: QApplication.quit() returns to this step
            return
        self._stop_holding()
        with _exit_on_error():
            try:
                app = CallerCardApp(
                    self.args, self.paths, self.instance, demo=bool(self.args.demo),
                    read_only=self.read_only, tray=self.tray, trace=self.trace,
                )  # fmt: skip
            except StoreError as exc:
                self._cannot_start(exc)
                return
        self.app = app
        self.trace.write("start_step", "", step="built")
        with _exit_on_error():
            app.start(None)
        self.instance.hand_on_messages(first=self.pending)
        for signal, values in self._clicked:
            QTimer.singleShot(0, lambda s=signal, v=values: s.emit(*v))
        self._clicked.clear()

    def _cannot_start(self, exc: StoreError) -> None:
        from desktop.qt.start_failure import database_problem, report

        print(f"callercard: {exc}", file=sys.stderr)
        assert self.tray is not None
        self.tray.hide()  # its menu would do nothing: the app it belongs to does not exist
        self._failure = report(database_problem(self.paths.database, exc),
                               background=bool(self.args.background))  # fmt: skip

    def _quit_asked(self) -> None:
        logging.getLogger(__name__).info("quit: asked by `callercard quit` while starting")
        self.quit()

    def quit(self) -> None:
        if self.app is not None:
            self.app.quit()
            return
        from PySide6.QtWidgets import QApplication

        self._quitting = True
        QApplication.quit()

    def shutdown(self) -> None:
        self._open_log()  # a quit before the tray's first turn
        self.instance.answer_at_quit()  # hooks that rang meanwhile: recorded below
        if self._holders:  # quit before the app was built
            self._stop_holding()
        if self.app is not None:
            self.app.shutdown()
            return
        self._record_held_calls()
        if self.tray is not None:
            self.tray.hide()
        self.trace.close()

    def _record_held_calls(self) -> None:
        """A quit before the app was built: the rings and ends held for it (each hook was
        acked, so it records nothing itself) are recorded as a hook records with no app."""
        from desktop.core.ipc import End, Ring

        held = [self.pending, *self.instance.take_waiting()]
        calls = [message for message in held if isinstance(message, Ring | End)]
        if not calls:
            return
        from desktop.hook_record import record_without_app

        for message in calls:
            # launching=True: quietly, as this is the app's stderr, not the softphone's log
            record_without_app(str(self.paths.data_dir), self.args.region, message,
                               launching=True)  # fmt: skip


def _ack_waiting_hooks() -> None:
    """What came in during the last step is read now, before the next one: a hook fired
    while the app's modules were imported has its ack (its ring is held) at once, instead of
    after the build and start (the zero-timer of the next step goes first)."""
    from PySide6.QtCore import QCoreApplication

    for _turn in range(3):  # accepted, read (and acked), handed to the held inbox
        QCoreApplication.processEvents()


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """A start step that fails ends the app (exit status 1), as before the tray came first:
    an exception in a Qt callback is only printed, and the tray would stay up doing nothing."""
    try:
        yield
    except BaseException:
        from PySide6.QtWidgets import QApplication

        QApplication.exit(1)
        raise


def _handed_to_running(instance_dir: Path, message: Message) -> bool:
    """A second launch with the app already running hands over before Qt starts: it needs no
    display of its own (a launch from a terminal without one aborted in QApplication), and is
    quicker. No socket: nothing runs, and the client is not even imported (start-up time)."""
    try:
        address = instance_address(instance_dir)
    except (OSError, ValueError):
        return False  # the lock below says why, with Qt up
    if sys.platform != "win32" and not os.path.exists(address):
        return False
    from desktop.adapters.instance_client import SendStatus, deliver

    return deliver(address, message).status is SendStatus.DELIVERED


def _second_launch_message(args: argparse.Namespace, paths: AppPaths) -> Message:
    """What a launch with nothing to deliver hands the running app: its Search window, as a
    plain `callercard` asks; only a ping when the launch is refused (`--watch-once` typed
    while CallerCard runs opened Search under the refusal, as if it had been taken) or asked
    for no window (--background). The region is read only when one was typed."""
    if args.background or _refused_options(args, paths):
        return Ping()
    return Show(ShowTarget.SEARCH)


def _refused_options(args: argparse.Namespace, paths: AppPaths) -> list[str]:
    """Why a running app cannot take this launch's options, with what to do instead: only
    a starting app reads --watch, --watch-once and --region; the region it runs in already
    is no news."""
    refusals: list[str] = []
    for flag, specs in (("--watch", args.watch), ("--watch-once", args.watch_once)):
        if specs:
            again = " ".join(f"{flag} {spec}" for spec in specs)
            refusals.append(
                f"{' '.join(specs)} not watched: {flag} applies only when CallerCard starts. "
                "Add it in Settings → Softphones, or run `callercard quit` and start "
                f"CallerCard again with {again}")  # fmt: skip
    once = getattr(args, "region_once", None)
    region = (once or args.region or "").upper()
    if region and (once or region != _kept_region(paths)):
        flag = "--region-once" if once else "--region"
        refusals.append(
            f"{flag} {region} not applied: it applies only when CallerCard starts. Choose "
            "the home region in Settings → General, or run `callercard quit` and start "
            f"CallerCard again with {flag} {region}")  # fmt: skip
    return refusals


def _start_only_options_ignored(args: argparse.Namespace, paths: AppPaths) -> int:
    """1, with what to do instead, when the launch asked for what only a starting app does:
    the README's `callercard --watch …` typed while CallerCard already runs (it starts at
    login) used to be dropped without a word; a `--region` other than the one kept too."""
    refusals = _refused_options(args, paths)
    for refusal in refusals:
        print(f"callercard: {refusal}", file=sys.stderr)
    return 1 if refusals else 0


def _kept_region(paths: AppPaths) -> str:
    """The home region a running app started without --region-once reads numbers in."""
    from desktop.adapters.settings import SettingsFile
    from desktop.adapters.system_locale import system_region

    return (SettingsFile(paths.settings).load().region or system_region()).upper()


def _check_writable(folder: Path) -> None:
    probe = folder / f".write-test-{os.getpid()}"
    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    probe.unlink()


def _temporary_copy(paths: AppPaths, problem: OSError) -> tuple[AppPaths, str]:
    """A data folder we cannot write: run from a copy of it, and say plainly what that means."""
    import shutil
    import tempfile

    copy = resolve_paths(tempfile.mkdtemp(prefix="callercard-readonly-")).ensure()
    for original in (paths.settings, *paths.data_dir.glob(f"{paths.database.name}*")):
        try:
            shutil.copy2(original, copy.data_dir / original.name)
        except OSError:
            continue  # unreadable or missing too: that part starts empty
    reason = problem.strerror or str(problem)
    return copy, (
        f"{paths.data_dir} cannot be written ({reason}), so CallerCard runs from a temporary "
        f"copy in {copy.data_dir}. Changes made until you quit (settings, imports, call "
        "history) will not be kept there. Make the folder writable, or start CallerCard with "
        "--data-dir pointing to one that is."
    )


class EarlyLog(logging.Handler):
    """Keeps what is logged until the tray is shown: the log file's rotating handler costs
    ~10 ms of imports, which the icon does not wait for. The file gets these records first."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    @classmethod
    def install(cls) -> EarlyLog | None:
        """None when the root logger is set up already (a test, an embedding program)."""
        root = logging.getLogger()
        if root.handlers:
            return None
        early = cls()
        root.addHandler(early)
        root.setLevel(logging.INFO)
        return early

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def open_file(self, paths: AppPaths) -> None:
        from desktop.adapters.app_log import setup_file_log

        root = logging.getLogger()
        root.removeHandler(self)
        try:
            handler = setup_file_log(paths.log_file)
        except OSError as exc:  # a full disk or a log file left unwritable: the app runs on
            print(f"callercard: cannot write the log {paths.log_file} "
                  f"({exc.strerror or exc}); the app runs without it", file=sys.stderr)  # fmt: skip
            root.addHandler(logging.NullHandler())  # else logging's last resort prints them
            self.records = []
            return
        for record in self.records:
            if record.levelno >= handler.level:
                handler.handle(record)
        self.records = []
