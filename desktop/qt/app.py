"""The composition root: builds the store, sources, lookup and windows, and wires them.

Nothing below this module looks anything up globally; each piece gets what it needs here.
"""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.demo_book import DemoRing, demo_ring, seed_demo_book
from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, forward_to_running
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.paths import AppPaths, resolve_paths
from desktop.adapters.places import (
    PlaceIndexBuild,
    ensure_place_index,
    place_lookup_for,
    start_place_index_build,
)
from desktop.adapters.settings import Settings, SettingsFile, WatchedSource
from desktop.adapters.sources.microsip import MicroSipSource
from desktop.adapters.store import Store, StoreError
from desktop.adapters.system_locale import system_region
from desktop.adapters.trace import RingTrace
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc import End, IpcError, Message, Quit, Ring, Show, ShowTarget, decode
from desktop.core.models import Direction
from desktop.core.numbers import NumberPolicy, warm_up

log = logging.getLogger("callercard")


def run_app(args: argparse.Namespace) -> int:
    demo_dir: Path | None = None
    if args.demo:
        demo_dir = Path(tempfile.mkdtemp(prefix="callercard-demo-"))
        paths = resolve_paths(demo_dir)
    else:
        paths = resolve_paths(args.data_dir)
    try:
        paths.ensure()
    except OSError as exc:
        print(f"callercard: {paths.data_dir}: cannot create the data directory ({exc})",
              file=sys.stderr)  # fmt: skip
        return 1
    _setup_logging(paths)
    pending: Message | None = None
    if args.deliver:
        try:
            pending = decode(args.deliver.encode("utf-8"))
        except IpcError as exc:
            print(f"callercard: --deliver: {exc}", file=sys.stderr)
            return 2

    # Qt is imported only now: every path above must stay cheap for the hook's sake.
    from PySide6.QtWidgets import QApplication

    from desktop.qt.single_instance import InstanceLockError, SingleInstance

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("CallerCard")
    qapp.setQuitOnLastWindowClosed(False)
    instance = SingleInstance(instance_address(paths.data_dir))
    try:
        primary = instance.acquire()
    except InstanceLockError as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        return 1
    if not primary:
        message = pending or Show(ShowTarget.SEARCH)
        result = forward_to_running(instance.address, message)
        if result.status is SendStatus.DELIVERED:
            print("callercard: already running; handed over to it", file=sys.stderr)
            return 0
        print(f"callercard: another instance holds the lock but {result.detail}",
              file=sys.stderr)  # fmt: skip
        return 1
    try:
        app = CallerCardApp(args, paths, instance, demo=demo_dir is not None)
    except StoreError as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        instance.release()
        return 1
    app.start(pending)
    code = qapp.exec()
    app.shutdown()
    instance.release()
    if demo_dir is not None:
        shutil.rmtree(demo_dir, ignore_errors=True)
    return code


def _warm_numbers() -> None:
    warm_up()
    # What is loaded by now lives for the whole session; keep the collector off it so a
    # full collection never lands in the middle of a ring.
    gc.collect()
    gc.freeze()


def _setup_logging(paths: AppPaths) -> None:
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.FileHandler(paths.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class CallerCardApp:
    def __init__(
        self, args: argparse.Namespace, paths: AppPaths, instance: object, *, demo: bool
    ) -> None:
        from desktop.qt.bridge import ThreadBridge
        from desktop.qt.icons import app_icon
        from desktop.qt.import_action import ImportAction
        from desktop.qt.popup_stack import PopupStack
        from desktop.qt.single_instance import SingleInstance
        from desktop.qt.tray import TrayMenu

        assert isinstance(instance, SingleInstance)
        self.args = args
        self.paths = paths
        self.demo = demo
        self.background = bool(args.background)
        self.settings_file = SettingsFile(paths.settings)
        self.settings = self.settings_file.load()
        self.region_override = (args.region or "").upper()
        self.store = Store.open(paths.database)
        self.trace = RingTrace(Path(args.trace) if args.trace else None)
        self.templates = {**default_opener_templates(), **self.settings.opener_templates}
        self.places = place_lookup_for(paths.cache_dir, self.policy().region)
        self._place_build: PlaceIndexBuild | None = None
        self.lookup = CallerLookup(
            self.store, self.policy(), self.templates, my_name=self.settings.my_name,
            place_lookup=self.places,
        )  # fmt: skip
        self.bridge = ThreadBridge()
        self.bridge.call_event.connect(self.on_call_event)
        self.bridge.problem.connect(self.report_problem)
        self.popups = PopupStack()
        self.popups.painted.connect(self._painted)
        self.popups.open_search_requested.connect(self.open_search)
        self.popups.open_contact_requested.connect(self.show_contact)
        self.tray = TrayMenu(app_icon(), self.settings.popups_paused)
        self.tray.search_requested.connect(lambda: self.open_search(""))
        self.tray.import_requested.connect(self.open_import)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.pause_toggled.connect(self.set_paused)
        self.tray.quit_requested.connect(self.quit)
        self.importer = ImportAction(paths.database)
        self.importer.finished.connect(lambda _result: self._refresh_lookup())
        self.instance = instance
        instance.message_received.connect(self.on_message)
        self.sources: list[MicroSipSource] = []
        self._search_window: object | None = None
        self._settings_window: object | None = None
        self._ring_ids: dict[str, tuple[str, str]] = {}  # call key -> (caller ID, match)

    # -- life cycle -------------------------------------------------------------------------

    def policy(self) -> NumberPolicy:
        region = self.region_override or self.settings.region or system_region()
        return NumberPolicy(region, self.settings.outside_line_prefixes)

    def start(self, pending: Message | None) -> None:
        from PySide6.QtCore import QTimer

        started = time.monotonic_ns()
        if self.settings_file.problem:
            self.report_problem(self.settings_file.problem)
        self._seed_demo_if_new()
        self.start_sources()
        self.popups.warm_up()
        self.tray.start(show_fallback=not self.background)
        self.trace.write("ready", "", t_ns=time.monotonic_ns(), started_ns=started)
        if pending is not None:
            QTimer.singleShot(0, lambda: self.on_message(pending))
        if self.demo:
            ring = demo_ring()
            QTimer.singleShot(int(ring.after_seconds * 1000), lambda: self._demo_ring(ring))
        # Idle-time warm-up, after the tray is up: number metadata for every region, so the
        # first unknown caller does not pay for lazy loading, and the place index if missing.
        QTimer.singleShot(50, self._warm_up)

    def _warm_up(self) -> None:
        # ~200 ms of metadata loading, kept off the GUI thread so the tray stays responsive.
        threading.Thread(target=_warm_numbers, name="callercard-warm-up", daemon=True).start()
        if ensure_place_index(self.paths.cache_dir) is None:
            # Built once per phonenumbers version, in a child process: the geocoder's 100 MB
            # never enter this one. Until it lands, cards show the time without the place.
            self._place_build = start_place_index_build(self.paths.cache_dir)
        self.places.warm()

    def _seed_demo_if_new(self) -> None:
        if self.store.count_contacts() == 0 and not self.store.batches():
            seed_demo_book(self.store, datetime.now(UTC))
            log.info("no contacts yet: loaded the demo contact book (undo its batch to remove)")

    def _demo_ring(self, ring: DemoRing) -> None:
        self.ring(ring.caller_id, ring.name, call_key="demo", read_ns=time.monotonic_ns())

    def start_sources(self) -> None:
        for source in self.sources:
            source.stop()
        self.sources = []
        specs = list(self.settings.sources)
        for spec in self.args.watch or []:
            try:
                specs.append(WatchedSource.parse(spec))
            except ValueError as exc:
                self.report_problem(str(exc))
        for spec in dict.fromkeys(specs):
            source = MicroSipSource(
                Path(spec.path).expanduser(),
                self.bridge.event_from_thread,
                self.bridge.problem_from_thread,
            )
            source.start()
            self.sources.append(source)
            log.info("watching %s: %s", spec.format, spec.path)

    def shutdown(self) -> None:
        for source in self.sources:
            source.stop()
        self.tray.hide()
        self.places.close()
        self.trace.close()
        self.store.close()

    def quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.quit()

    # -- rings ------------------------------------------------------------------------------

    def on_call_event(self, event: CallEvent) -> None:
        if event.direction is not Direction.IN:
            return
        if event.state is CallState.RINGING:
            self.ring(event.number, event.name, event.call_key, event.read_ns, event.source)
        elif event.state in (CallState.ENDED, CallState.MISSED):
            self.popups.close_for_call(event.call_key)

    def on_message(self, message: Message) -> None:
        if isinstance(message, Ring):
            key = message.call_key or f"hook:{message.caller_id}"
            self.ring(message.caller_id, message.name, key, message.t_ns or time.monotonic_ns(),
                      message.source)  # fmt: skip
        elif isinstance(message, End):
            self.popups.close_for_call(message.call_key or f"hook:{message.caller_id}")
        elif isinstance(message, Show):
            if message.window is ShowTarget.SETTINGS:
                self.open_settings()
            else:
                self.open_search("")
        elif isinstance(message, Quit):
            self.quit()

    def ring(self, caller_id: str, name: str, call_key: str, read_ns: int,
             source: str = "") -> None:  # fmt: skip
        self.trace.write("read", caller_id, t_ns=read_ns, source=source, call_key=call_key)
        try:
            card = self.lookup.card_for(caller_id, name)
        except StoreError as exc:
            self.report_problem(f"Could not look up {caller_id!r}: {exc}")
            return
        self.trace.write("matched", caller_id, match=card.match.value, call_key=call_key,
                         contacts=[c.id for c in card.contacts])  # fmt: skip
        if self.settings.popups_paused:
            log.info("popups paused: not showing %s", caller_id)
            return
        self._ring_ids[call_key] = (caller_id, card.match.value)
        self.popups.show(card, call_key)

    def _painted(self, call_key: str, t_ns: int) -> None:
        caller_id, match = self._ring_ids.pop(call_key, ("", ""))
        self.trace.write("shown", caller_id, t_ns=t_ns, call_key=call_key)
        log.info("card shown for %s (%s)", call_key, match or "looked up by hand")

    # -- windows ----------------------------------------------------------------------------

    def open_search(self, text: str) -> None:
        from desktop.qt.search_window import SearchWindow

        if self._search_window is None:
            window = SearchWindow(self.store.search_simple)
            window.contact_chosen.connect(self.show_contact)
            self._search_window = window
        assert isinstance(self._search_window, SearchWindow)
        self._search_window.open(text)

    def show_contact(self, contact_id: int) -> None:
        card = self.lookup.card_for_contact(contact_id)
        if card is not None:
            self.popups.show(card, f"contact:{contact_id}")

    def open_import(self) -> None:
        # Contact files never carry PBX outside-line digits; stripping them there would
        # misread numbers (with "0" in Germany, Paris "0033 1…" would become Potsdam).
        self.importer.choose_and_import(NumberPolicy(self.policy().region))

    def open_settings(self) -> None:
        from desktop.qt.settings_window import SettingsWindow

        if self._settings_window is None:
            window = SettingsWindow(self.settings, default_opener_templates(), system_region())
            window.saved.connect(self.apply_settings)
            self._settings_window = window
        assert isinstance(self._settings_window, SettingsWindow)
        self._settings_window.load(self.settings)
        self._settings_window.show()
        self._settings_window.raise_()
        self._settings_window.activateWindow()

    def apply_settings(self, settings: Settings) -> None:
        try:
            self.settings_file.save(settings)
        except OSError as exc:
            self.report_problem(f"Settings were not saved ({exc}); they apply until you quit.")
        self.settings = settings
        self._refresh_lookup()
        self.start_sources()

    def set_paused(self, paused: bool) -> None:
        self.apply_settings(self.settings.with_changes(popups_paused=paused))
        self.tray.set_paused(paused)

    def _refresh_lookup(self) -> None:
        self.templates = {**default_opener_templates(), **self.settings.opener_templates}
        self.lookup.policy = self.policy()
        self.lookup.templates = self.templates
        self.lookup.my_name = self.settings.my_name
        self.places.close()
        self.places = place_lookup_for(self.paths.cache_dir, self.policy().region)
        self.lookup.place_lookup = self.places

    def report_problem(self, message: str) -> None:
        log.warning("%s", message)
        self.tray.notify("CallerCard", message)

