"""The composition root: builds the store, sources, lookup and windows, and wires them.

The order the app starts in (the tray first, this module after it) is desktop/qt/start_up.py.

Nothing below this module looks anything up globally; each piece gets what it needs here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.card_places import CardPlaces
from desktop.adapters.command_line_keeping import CommandLineKeeping
from desktop.adapters.demo_seeding import seed_demo_if_new
from desktop.adapters.directories.background import DirectorySyncLoop
from desktop.adapters.filewatch import FileWatcher
from desktop.adapters.follow_loop import FollowLoop, FollowResult
from desktop.adapters.history_writer import HistoryWriter
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.number_warm_up import warm_numbers_in_background
from desktop.adapters.paths import AppPaths
from desktop.adapters.settings import Settings, SettingsFile
from desktop.adapters.store import Store
from desktop.adapters.store.connection import RESIDENT_CACHE_MB
from desktop.adapters.system_locale import system_region
from desktop.adapters.trace import RingTrace
from desktop.adapters.url_endpoint import UrlEndpoint
from desktop.adapters.url_endpoint import start_if_enabled as start_url_endpoint
from desktop.core.first_read import rings_since
from desktop.core.ipc import Message
from desktop.core.numbers import NumberPolicy
from desktop.core.ring_input import demo_call, from_call_event

# Imported with the module (start-up's import step, desktop/qt/start_up.py), not in the build:
from desktop.qt.call_sources import CallSources
from desktop.qt.callbacks_due import CallbacksDue
from desktop.qt.card_watches import CardWatches
from desktop.qt.hook_messages import HookMessages
from desktop.qt.popup_pause import PopupPause
from desktop.qt.problem_report import ProblemReport
from desktop.qt.screen_share_tray import screen_share_in_tray
from desktop.qt.settings_opening import SettingsOpening
from desktop.qt.welcome_opening import WelcomeOpening
from desktop.qt.windows import Windows

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from desktop.adapters.demo_book import DemoRing
    from desktop.qt.candidate_picker import CandidatePicker
    from desktop.qt.click_to_call import ClickToCall
    from desktop.qt.ring_pipeline import RingPipeline
    from desktop.qt.tray import TrayMenu

log = logging.getLogger("callercard")

GUI_WRITE_WAIT_MS = 100
WELCOME_DELAY_MS = 300  # after the tray is up, so its step can say whether there is one


class CallerCardApp:
    def __init__(
        self, args: argparse.Namespace, paths: AppPaths, instance: object, *, demo: bool,
        read_only: str = "", tray: TrayMenu | None = None, trace: RingTrace | None = None,
    ) -> None:  # fmt: skip
        """`tray` and `trace` when start-up made them already (the tray is shown first)."""
        from PySide6.QtGui import QGuiApplication

        from desktop.adapters.autostart import LoginStart
        from desktop.qt.bridge import ThreadBridge
        from desktop.qt.notifier import Notifier, PopupObstacles
        from desktop.qt.popup_stack import PopupStack
        from desktop.qt.single_instance import SingleInstance
        from desktop.qt.tray import make_tray
        from desktop.qt.wrap_up_windows import WrapUpWindows

        assert isinstance(instance, SingleInstance)
        # The threads of whoever built the app (a test run's own): its quit waits for its own.
        self._threads_before = frozenset(threading.enumerate())
        self.args = args
        self.paths = paths
        self.demo = demo
        self.background = bool(args.background)
        self.settings_file = SettingsFile(paths.settings)
        self.settings = self.settings_file.load()
        self.command_line = CommandLineKeeping(args, self.settings_file, self.report_problem)
        self.store = Store.open(paths.database, cache_mb=RESIDENT_CACHE_MB)
        # This connection belongs to the GUI thread: its few writes (an edited field, a number
        # linked from a card) give up quickly while an import holds the lock, and their windows
        # keep the text and retry, instead of freezing every window for the 3 s default.
        self.store.set_busy_timeout(GUI_WRITE_WAIT_MS)
        if trace is None:
            trace = RingTrace(Path(args.trace) if args.trace else None)
        self.trace = trace
        self.templates = {**default_opener_templates(), **self.settings.opener_templates}
        self.places = CardPlaces(paths.cache_dir, self.policy().region)
        from desktop.qt.system_clock import hour_cycle

        self.lookup = CallerLookup(
            self.store, self.policy(), self.templates, my_name=self.settings.my_name,
            place_lookup=self.places.lookup, hour_cycle=hour_cycle(),
        )  # fmt: skip
        self.bridge = ThreadBridge()
        self.bridge.problem.connect(self.report_problem)
        # Every history write goes through it: the GUI thread never waits for the write lock.
        self.writes = HistoryWriter(
            paths.database, paths.write_journal, self.lookup,
            self.bridge.written_from_thread, self.bridge.problem_from_thread,
            on_note_queued=self._share_notes_now, inbox=paths.hook_inbox, start=False,
        )  # fmt: skip
        self.popups = PopupStack(picker_factory=self._make_picker)
        self.tray = tray if tray is not None else make_tray()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._restyle_tray)
        self.notifier = Notifier(self.tray.tray, on_main=self.bridge.call_from_thread)
        self.problems = ProblemReport(self.tray, self.notifier, self.bridge, self.trace)
        self.screen_share = screen_share_in_tray(
            self.popups, self.tray, self.trace, keep_out=self.settings.keep_out_of_screen_shares,
            set_keep_out=lambda keep_out: self.apply_settings(
                self.settings.with_changes(keep_out_of_screen_shares=keep_out)),
        )  # fmt: skip
        self.wrap_ups = WrapUpWindows(self.store, self.popups, self.writes, self.tray,
                                      self.screen_share, self.trace,
                                      lambda: self.settings.my_name)  # fmt: skip
        self.obstacles = PopupObstacles(QGuiApplication.platformName())
        self.pause = PopupPause(lambda: self.settings, self.apply_settings, self.tray,
                                lambda: self.missed_cards.resumed(self.pipeline.reopen_missed))
        self.pipeline = self._build_pipeline()
        self.card_watches = CardWatches(paths.database, self.store, self.popups, self.pipeline,
                                        lambda: self._shut_down)  # fmt: skip
        self.windows = Windows(
            paths.database, self.store, self.lookup, self.bridge, self.trace,
            pipeline=self.pipeline, wrap_ups=self.wrap_ups, placer=lambda: self.click_to_call,
            settings=lambda: self.settings, policy=self.policy,
            refresh_lookup=self._refresh_lookup,
            imported=lambda result: self.welcome.import_done(result),
        )  # fmt: skip
        # What the tray, the cards, hooks and the welcome open, by the names they ask for.
        self.open_search = self.windows.open_search
        self.show_contact = self.windows.show_contact
        self.who_is_it = self.windows.who_is_it
        self.open_calls = self.windows.open_calls
        self.open_import = self.windows.open_import
        self.open_duplicates = self.windows.open_duplicates
        self.open_import_history = self.windows.open_import_history
        self.welcome = WelcomeOpening(
            paths.data_dir, self.store, self.tray, self.bridge, self.popups, self.pipeline,
            self.trace, watched=lambda: list(self.call_sources.watched_specs),
            this_run_only=lambda: self.command_line.watches(self.settings, report=False),
            settings=lambda: self.settings, apply_settings=self.apply_settings,
            open_import=lambda path: self.windows.open_import(path, chosen_now=True),
            quitting=lambda: self._quitting,
        )  # fmt: skip
        self.open_welcome = self.welcome.open
        self.test_ring = self.welcome.test_ring
        self.popups.open_search_requested.connect(self.open_search)
        self.popups.open_contact_requested.connect(self.show_contact)
        self.popups.call_back_requested.connect(self.call_back)
        # Only now: the calls it writes as it starts (the journal's, the inbox's) are heard.
        self.writes.start()
        from desktop.adapters.missed_cards_file import MissedCardsFile
        from desktop.qt.missed_cards_kept import MissedCardsKept

        self.missed_cards = MissedCardsKept(MissedCardsFile(paths.missed_cards), self.popups,
                                            self.report_problem)  # fmt: skip
        from desktop.adapters.last_running import LastRunning
        from desktop.adapters.untold_missed import UntoldMissed
        from desktop.qt.missed_while_closed import MissedWhileClosed

        self._missed_while_closed = MissedWhileClosed(
            LastRunning(paths.last_running), UntoldMissed(paths.untold_missed), self.store,
            self.tray, self.trace, self.notifier.notify,
            missed_card=self.pipeline.missed_while_closed, shown=self.pipeline.showed_call,
            owed_wrap_ups=self.wrap_ups.owe,
        )  # fmt: skip
        self.read_only = read_only
        # No --watch: a log given to it is kept in the settings the login start reads, and
        # there a rep who removes it in Settings → Softphones has it gone at the next login too.
        login_args = ["--data-dir", str(paths.data_dir)] if args.data_dir else []
        self.login_start = LoginStart(login_args, self.bridge.problem_from_thread)
        self.settings_opening = SettingsOpening(
            paths.database, self.store, self.tray, self.bridge, self.trace, self.command_line,
            self.login_start, demo=demo, settings=lambda: self.settings,
            apply=self.apply_settings, policy=self.policy,
            directory_sync=lambda: self.directory_sync,
        )  # fmt: skip
        self.open_settings = self.settings_opening.open
        self.callbacks = CallbacksDue(
            paths.database, self.store, self.tray, self.trace, settings=lambda: self.settings,
            placer=lambda: self.click_to_call, wrap_ups=self.wrap_ups,
            show_contact=self.show_contact, who_is_it=self.who_is_it,
            seen=self._missed_while_closed.seen,
        )  # fmt: skip
        self.open_callbacks = self.callbacks.open
        self.count_callbacks = self.callbacks.count
        self.pipeline.callbacks_changed.connect(self.count_callbacks)
        self.tray.search_requested.connect(lambda: self.open_search(""))
        self.tray.calls_requested.connect(self.open_calls)
        self.tray.callbacks_requested.connect(self.open_callbacks)
        self.tray.menu.aboutToShow.connect(self.count_callbacks)
        self.tray.fallback.follow_commits(paths.database)  # no tray: its menu is always open
        self.tray.fallback.committed_elsewhere.connect(self.count_callbacks)
        self.tray.import_requested.connect(self.open_import)
        self.tray.import_history_requested.connect(self.open_import_history)
        self.tray.duplicates_requested.connect(self.open_duplicates)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.welcome_requested.connect(self.open_welcome)
        self.tray.pause_toggled.connect(self.set_paused)
        self.tray.pause_for_requested.connect(self.pause.pause_for)
        self.tray.quit_requested.connect(self.quit)
        self.hook_messages = HookMessages(
            self.pipeline, self.tray, self.trace, missed_seen=self._missed_while_closed.seen,
            open_settings=self.open_settings, open_search=self.open_search,
            open_import=self.open_import, quit_app=self.quit,
            placer=lambda: self.click_to_call,
        )  # fmt: skip
        self.on_message = self.hook_messages.handle
        self.instance = instance
        instance.message_received.connect(self.on_message)
        # A late ring is matched with an end read with it as the pipeline matches them: by
        # the number's E.164, however each hook spelled it.
        instance.read_numbers_with(lambda caller_id: self.lookup.parse(caller_id).e164)
        from desktop.qt.file_events import wait_in_gui_thread

        # Every watched call log, read in this thread (Linux) or watchdog's (elsewhere).
        self.watcher = FileWatcher(event_loop=wait_in_gui_thread,
                                   on_watched_again=self.problems.watched_again)  # fmt: skip
        # The process started under a second ago: first_read's margin of a minute covers that.
        self.call_sources = CallSources(
            self.watcher, self.tray, ringing_since=rings_since(time.time()),
            on_event=self.bridge.event_from_thread, on_problem=self.bridge.problem_from_thread,
            problem_over=self.problems.over_from_thread,
        )  # fmt: skip
        from desktop.qt.log_positions import LogPositions

        self.log_positions = LogPositions(self.store, self.writes.submit,
                                          lambda: self.call_sources.sources)  # fmt: skip
        self.url_endpoint: UrlEndpoint | None = None
        self.directory_sync: DirectorySyncLoop | None = None
        self.follow_loop: FollowLoop | None = None
        # Set on the way out: Qt closes every window on quit, and that close is not the rep's.
        self._quitting = False
        self._shut_down = False  # shutdown() has begun: nothing is read or written after
        self._click_to_call: ClickToCall | None = None  # built on first use, after start-up

    def _build_pipeline(self) -> RingPipeline:
        """Every call, however it arrives, goes through this one object: ring, lookup, card,
        after-paint work, history, end."""
        from desktop.qt.ring_pipeline import RingPipeline

        pipeline = RingPipeline(
            self.lookup, self.popups, self.writes, self.trace, notifier=self.notifier,
            obstacles=self.obstacles, paused=self.pause.paused,
            report_problem=self.report_problem,
        )  # fmt: skip
        self.bridge.receive_call_events(lambda event: pipeline.arrive(from_call_event(event)))
        self.bridge.written.connect(pipeline.call_written)
        pipeline.wrap_up_due.connect(self.wrap_ups.open)
        return pipeline

    def _make_picker(self, parent: QWidget) -> CandidatePicker:
        from desktop.qt.candidate_picker import CandidatePicker

        return CandidatePicker(self.lookup, parent)

    # -- life cycle -------------------------------------------------------------------------

    def policy(self) -> NumberPolicy:
        region = self.command_line.region_override or self.settings.region or system_region()
        return NumberPolicy(region, self.settings.outside_line_prefixes)

    def start(self, pending: Message | None) -> None:
        started = time.monotonic_ns()
        if self.settings_file.problem:
            self.report_problem(self.settings_file.problem)
        if self.read_only:
            self.report_problem(self.read_only)
        seed_demo_if_new(self.store, datetime.now(UTC))
        # Before the sources: their first read may pop a call ringing now, whose card the
        # warm-up would paint over with its own.
        self.popups.warm_up()
        # Seen before the quit or a crash, shown again now or when popups resume: their
        # calls were not missed while CallerCard was closed.
        for kept in self.missed_cards.remembered():
            self.pipeline.showed_before(kept)
        self.missed_cards.come_back(paused=self.pause.paused(),
                                    reopen=self.pipeline.reopen_missed)  # fmt: skip
        self._missed_while_closed.start(self._after_start)
        self.call_sources.watch_hook_inbox(self.paths.hook_inbox, self.writes.inbox_changed)
        self.settings = self.command_line.keep_watches(self.settings, self.read_only)
        self.settings = self.command_line.keep_region(self.settings, self.read_only)
        self.start_sources()
        # Off unless the user ran `callercard hook-url --enable`; see url_endpoint.py.
        self.url_endpoint = start_url_endpoint(
            self.paths.data_dir, self.bridge.event_from_thread, self.bridge.problem_from_thread
        )
        self.pause.show()
        self.directory_sync = DirectorySyncLoop(
            self.paths.database, lambda: self.policy().region, self.bridge.problem_from_thread,
            problem_over=self.problems.over_from_thread,
        )  # fmt: skip
        self.directory_sync.start()
        self.follow_loop = FollowLoop(
            self.paths.database, self.watcher, self.policy, self.bridge.problem_from_thread,
            self._followed_file_read,
        )  # fmt: skip
        self.follow_loop.start()
        self.tray.start(show_fallback=not self.background)
        self.trace.write("ready", "", t_ns=time.monotonic_ns(), started_ns=started,
                         switch_interval_ms=round(sys.getswitchinterval() * 1000, 3))  # fmt: skip
        if pending is not None:
            self._after_start(0, lambda: self.on_message(pending))
        if self.demo:
            from desktop.adapters.demo_book import demo_ring

            ring = demo_ring()
            self._after_start(int(ring.after_seconds * 1000), lambda: self._demo_ring(ring))
        # Idle-time warm-up, after the tray is up: number metadata for every region, so the
        # first unknown caller does not pay for lazy loading, and the place index if missing.
        self._after_start(50, self._warm_up)
        self._after_start(100, self.count_callbacks)
        if self.welcome.due(demo=self.demo, background=self.background):
            self._after_start(WELCOME_DELAY_MS, self.open_welcome)

    def _warm_up(self) -> None:
        warm_numbers_in_background()
        self.places.warm_up()
        self.screen_share.watch_do_not_disturb(os.environ, on_main=self.bridge.call_from_thread)
        if self.settings.start_at_login and not self.demo:
            # Rewritten at each start, so the entry follows the app when it moves or updates.
            self.login_start.apply(True)

    def _followed_file_read(self, result: FollowResult) -> None:
        # On the follow loop's thread: only the trace, which writes one line per call.
        self.trace.write("followed", "", path=str(result.path), changed=result.changed,
                         problem=result.problem, batch=result.batch, replaced=result.replaced,
                         calls_kept=result.calls_kept)  # fmt: skip

    def _restyle_tray(self, *_scheme: object) -> None:
        from desktop.qt.icons import current_tray_look, tray_icon

        look = current_tray_look()
        self.tray.set_icons(tray_icon(look), tray_icon(look, paused=True))

    def _demo_ring(self, ring: DemoRing) -> None:
        self.pipeline.arrive(
            demo_call(ring.caller_id, ring.name, datetime.now(UTC), time.monotonic_ns())
        )

    def start_sources(self) -> None:
        specs = [*self.settings.sources, *self.command_line.watches(self.settings, report=True)]
        self.call_sources.start(specs, self.log_positions)

    def _after_start(self, ms: int, work: Callable[[], object]) -> None:
        """Start-up's later work, dropped if the app has shut down by then: one quit within
        100 ms of its start counted the callbacks in a database already closed."""
        from PySide6.QtCore import QTimer

        QTimer.singleShot(ms, lambda: None if self._shut_down else work())

    def shutdown(self) -> None:
        self._shut_down = True
        self.missed_cards.close()  # a quit that did not come through quit()
        self._missed_while_closed.stop()
        self.pause.stop()
        self.call_sources.stop()
        self.watcher.stop()
        if self.url_endpoint is not None:
            self.url_endpoint.stop()
        if self.directory_sync is not None:
            self.directory_sync.stop(timeout=2.0)
        if self.follow_loop is not None:
            self.follow_loop.stop(timeout=2.0)
        self._record_waiting_calls()
        self.pipeline.record_pending()
        self.log_positions.stop()  # behind the calls above: the writer keeps their order
        self.writes.close()
        self.tray.hide()
        self.screen_share.close()
        self.obstacles.close()
        self.places.abandon_build()
        self._end_workers()
        self.places.close()
        self.trace.close()
        from PySide6.QtWidgets import QWidget

        # Each window that reads the store on a commit it sees must not read it closed below;
        # closed, a contact view also saves what was typed in it.
        for window in (*self.windows.reading_the_store(), self.callbacks.window,
                       self.settings_opening.window):  # fmt: skip
            if isinstance(window, QWidget):
                window.close()
        self.card_watches.stop()  # likewise
        self.store.close()
        self._let_go()

    def _let_go(self) -> None:
        """Every Qt object the app made is deleted at the event loop's next turn. Slots
        connected as lambdas hold the app, and Qt holds them while their sender lives: kept,
        the app and all its windows outlived its quit for good. That matters where the process
        goes on (each in-process app of the test suite left nine windows or more); the real
        app's process ends right after."""
        from PySide6.QtCore import QObject

        windows = (*self.windows.made(), self.callbacks.window, self.settings_opening.window,
                   self.welcome.window)  # fmt: skip
        for each in (*windows, *self.card_watches.made(), self._click_to_call,
                     self.pipeline,
                     self._missed_while_closed,
                     self.screen_share, self.bridge):  # fmt: skip
            if isinstance(each, QObject):
                each.deleteLater()
        self.wrap_ups.let_go()
        self.popups.let_go()
        self.tray.let_go()

    def _record_waiting_calls(self) -> None:
        from desktop.core.waiting_at_quit import recorded_at_quit
        from desktop.qt.single_instance import SingleInstance

        assert isinstance(self.instance, SingleInstance)
        waiting = self.instance.take_waiting()
        for call in recorded_at_quit(waiting, lambda: (datetime.now(UTC), time.monotonic_ns())):
            self.pipeline.record_later(self.pipeline.keyed(call).event)

    def _end_workers(self) -> None:
        """What no owner could stop (a preview, an import, a notification) gets a moment to
        end; then the bridge is closed, before any window goes (desktop/qt/bridge.py)."""
        from desktop.adapters.thread_roll_call import wait_for_threads

        still = wait_for_threads(before=self._threads_before)
        if still:
            log.info("quit: left running: %s", ", ".join(still))
        self.bridge.close()

    def quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._quitting = True
        self.missed_cards.close()  # the cards Qt closes now were open: they come back
        QApplication.quit()

    @property
    def click_to_call(self) -> ClickToCall:
        if self._click_to_call is None:
            self._click_to_call = self._make_click_to_call()
        return self._click_to_call

    def _make_click_to_call(self) -> ClickToCall:
        from desktop.qt.click_to_call import click_to_call_for

        sources = self.call_sources
        calls = click_to_call_for(lambda: self.settings, sources.baresip_channels,
                                  self.bridge.call_from_thread)  # fmt: skip
        calls.placed.connect(lambda placed: self.pipeline.placed(placed, sources.watched_formats))
        calls.not_placed.connect(self._remember_whom_for)
        return calls

    def _remember_whom_for(self, number: str, contact_id: object) -> None:
        """No softphone placed the call the rep chose to make for `contact_id`: the rep dials
        it by hand, and a log-call of it files it for them (dial_intents.py)."""
        from desktop.adapters.dial_intents import DialIntents

        if isinstance(contact_id, int):
            DialIntents(self.paths.dial_intents).remember(number, contact_id, datetime.now(UTC))

    def _share_notes_now(self) -> None:
        """From the history writer's thread: a wrap-up waits in a shared card's outbox."""
        # A replayed wrap-up can get here before start() has made the sync loop.
        sync = getattr(self, "directory_sync", None)
        if sync is not None:
            sync.share_now()

    def call_back(self, number: str, contact_id: object = None) -> None:
        """A missed call's Call back (`number`: an E.164, or a colleague's extension "3103"):
        the same ClickToCall as every Call button (their hours asked about, the call logged,
        its wrap-up at its end), for the contact its card named."""
        who = contact_id if isinstance(contact_id, int) else None
        self.click_to_call.call(number, None, contact_id=who)

    def apply_settings(self, settings: Settings) -> None:
        try:
            self.settings_file.save(settings)
        except OSError as exc:
            self.report_problem(f"Settings were not saved ({exc}); they apply until you quit.")
        if self.read_only:
            self.report_problem("Settings apply until you quit: " + self.read_only)
        if settings.start_at_login != self.settings.start_at_login and not self.demo:
            self.login_start.apply(settings.start_at_login)
        self.settings = settings
        self.screen_share.set_keep_out(settings.keep_out_of_screen_shares)
        self._refresh_lookup()
        self.start_sources()

    def set_paused(self, paused: bool, until: datetime | None = None) -> None:
        self.pause.set_paused(paused, until)

    def _refresh_lookup(self) -> None:
        self.templates = {**default_opener_templates(), **self.settings.opener_templates}
        self.lookup.policy = self.policy()
        self.lookup.templates = self.templates
        self.lookup.my_name = self.settings.my_name
        self.lookup.place_lookup = self.places.for_region(self.policy().region)

    def report_problem(self, message: str) -> None:
        self.problems.report(message)
