"""The app's windows for finding and fixing contacts: Search, a contact's view, Who is it?,
Recent calls, Import, Import history and Possible duplicates. Each is built the first time it
is asked for (its module then, not at start-up) and brought forward after; an edit, a merge or
an undo in one is followed by the others and by the cards on screen.

The Callbacks window and the menu's count are desktop/qt/callbacks_due.py; the welcome,
desktop/qt/welcome_opening.py; Settings, desktop/qt/settings_opening.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.settings import Settings
    from desktop.adapters.store import Store
    from desktop.adapters.trace import RingTrace
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.call_list import CallList
    from desktop.qt.click_to_call import ClickToCall
    from desktop.qt.contact_view import ContactView
    from desktop.qt.duplicates_window import DuplicatesWindow
    from desktop.qt.import_action import ImportAction
    from desktop.qt.import_history_window import ImportHistoryWindow
    from desktop.qt.ring_pipeline import RingPipeline
    from desktop.qt.search_window import SearchWindow
    from desktop.qt.who_is_it import WhoIsItWindow
    from desktop.qt.wrap_up_windows import WrapUpWindows


class Windows:
    def __init__(
        self, database: Path, store: Store, lookup: CallerLookup, bridge: ThreadBridge,
        trace: RingTrace, *,
        pipeline: RingPipeline, wrap_ups: WrapUpWindows, placer: Callable[[], ClickToCall],
        settings: Callable[[], Settings], policy: Callable[[], NumberPolicy],
        refresh_lookup: Callable[[], None], imported: Callable[[object], None],
    ) -> None:  # fmt: skip
        """`placer`: the Call buttons' ClickToCall, made on first use; `refresh_lookup`: the
        lookup reads the book afresh (after an import or its undo); `imported`: an import's
        report, for whoever else tells the rep (the welcome)."""
        self._database = database
        self._store = store
        self._lookup = lookup
        self._bridge = bridge
        self._trace = trace
        self._pipeline = pipeline
        self._wrap_ups = wrap_ups
        self._placer = placer
        self._settings = settings
        self._policy = policy
        self._refresh_lookup = refresh_lookup
        self._imported = imported
        self.search_window: SearchWindow | None = None
        self.contact_views: dict[int, ContactView] = {}  # open contact views by contact id
        self.who_is_it_window: WhoIsItWindow | None = None  # for a number nobody has, while open
        self.call_list: CallList | None = None
        self.duplicates: DuplicatesWindow | None = None
        self.import_history: ImportHistoryWindow | None = None
        self.importer: ImportAction | None = None  # built on first use: the readers are heavy

    def open_search(self, text: str = "") -> None:
        from desktop.adapters.people_search import at_home, search_calls, search_people
        from desktop.core.search_query import SearchQuery
        from desktop.qt.search_window import SearchWindow

        if self.search_window is None:
            store = self._store

            def home(query: SearchQuery) -> SearchQuery:  # the region as Settings say it now
                return at_home(query, self._lookup.policy.region)

            window = SearchWindow(lambda query: search_people(store, query),
                                  calls=lambda query, hits: search_calls(store, query, hits),
                                  database=store.path, home=home)  # fmt: skip
            window.contact_chosen.connect(self.show_contact)
            window.placer = self._placer()
            self.search_window = window
        self.search_window.open(text)

    def show_contact(self, contact_id: int) -> None:
        """The contact view: the card plus full history and the fields the rep edits."""
        from PySide6.QtCore import Qt

        from desktop.adapters.callbacks import business_hours
        from desktop.qt.contact_view import ContactView
        from desktop.qt.search_window import install_search_shortcut

        view = self.contact_views.get(contact_id)
        if view is None:
            view = ContactView(self._lookup, contact_id, hours=business_hours(self._settings()),
                               placer=self._placer())  # fmt: skip
            view.search_requested.connect(lambda: self.open_search(""))
            view.saved.connect(lambda _field: self.contacts_changed())
            view.destroyed.connect(lambda *_: self.contact_views.pop(contact_id, None))
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            install_search_shortcut(view, lambda: self.open_search(""))
            self.contact_views[contact_id] = view
        view.open()

    def who_is_it(self, number: str) -> None:
        """A number nobody has, from Callbacks or Recent calls: whose it is, or a new contact."""
        from PySide6.QtCore import Qt

        from desktop.qt.who_is_it import WhoIsItWindow

        if self.who_is_it_window is not None:
            self.who_is_it_window.close()  # one at a time: the newest number asked about
        window = WhoIsItWindow(self._lookup, number)
        # A lambda, not the bound method: see WrapUpWindows.open (a weakref a window, for good).
        window.settled.connect(lambda contact_id: self.show_contact(contact_id))
        window.settled.connect(lambda _id: self._pipeline.refresh_cards())
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_, gone=window: self._forget_who_is_it(gone))
        self.who_is_it_window = window
        window.open()

    def _forget_who_is_it(self, gone: object) -> None:
        if self.who_is_it_window is gone:  # not a newer one opened meanwhile
            self.who_is_it_window = None

    def open_calls(self) -> None:
        """Recent calls both ways, missed ones, and call-back actions."""
        from desktop.qt.call_list import CallList
        from desktop.qt.search_window import install_search_shortcut

        if self.call_list is None:
            window = CallList(self._store.calls)
            window.follow_commits(self._database)  # calls come in while it is open
            window.committed_elsewhere.connect(window.reload)
            window.placer = self._placer()
            window.contact_chosen.connect(self.show_contact)
            window.wrap_up_requested.connect(self._wrap_ups.asked)
            window.search_requested.connect(self.who_is_it)
            install_search_shortcut(window, lambda: self.open_search(""))
            self.call_list = window
        self.call_list.open()

    def open_import(self, path: Path | None = None, *, chosen_now: bool = False) -> None:
        """The Import window, with `path` loaded when one was handed over (`chosen_now`: by
        the rep this moment, in the welcome)."""
        # Contact files never carry PBX outside-line digits; stripping them there would
        # misread numbers (with "0" in Germany, Paris "0033 1…" would become Potsdam).
        from desktop.core.numbers import NumberPolicy
        from desktop.qt.import_action import ImportAction

        if self.importer is None:
            importer = ImportAction(self._database, self._bridge)
            importer.finished.connect(lambda _result: self._refresh_lookup())
            importer.finished.connect(lambda _result: self._pipeline.refresh_cards())
            importer.history_requested.connect(self.open_import_history)
            importer.finished.connect(lambda _result: self._reload_import_history())
            importer.finished.connect(self._imported)
            # Traced, so a test (or a script) driving the window from outside can follow it.
            trace = self._trace
            importer.state_changed.connect(
                lambda state: trace.write("import_window", "", state=state)
            )
            self.importer = importer
        policy = NumberPolicy(self._policy().region)
        if path is None:
            self.importer.choose_and_import(policy)
        else:
            self.importer.open_file(path, policy, chosen_now=chosen_now)

    def open_duplicates(self) -> None:
        """Possible duplicates: pairs, a merge preview, Merge and Undo."""
        from desktop.qt.duplicates_window import DuplicatesWindow

        if self.duplicates is None:
            window = DuplicatesWindow(self._store, self._bridge)
            window.changed.connect(lambda _id: self._reload_contact_views())
            window.contact_chosen.connect(self.show_contact)
            self.duplicates = window
        self.duplicates.open()

    def open_import_history(self) -> None:
        """Every import with its file, date and counts, each with Undo."""
        from desktop.qt.import_history_window import ImportHistoryWindow

        if self.import_history is None:
            window = ImportHistoryWindow(self._store, bridge=self._bridge)
            window.changed.connect(lambda _result: self._refresh_lookup())
            window.changed.connect(lambda _result: self._reload_contact_views())
            # Undo that merge brings a contact back: views and cards show the two again now.
            window.merges_taken_back.connect(lambda _ids: self._refresh_lookup())
            window.merges_taken_back.connect(lambda _ids: self._reload_contact_views())
            self.import_history = window
        self.import_history.open()

    def _reload_import_history(self) -> None:
        """An import or its undo in the Import window: an open history shows it at once."""
        window = self.import_history
        if window is not None and window.isVisible() and not window.busy:
            window.reload()

    def _reload_contact_views(self) -> None:
        """A merge, an undo or a deletion elsewhere: open contact views read afresh."""
        for view in list(self.contact_views.values()):
            if not view.has_unsaved():
                view.load()
        self.contacts_changed()

    def contacts_changed(self) -> None:
        """An edit, a merge or an undo made here: the searches and the cards on screen follow."""
        if self.search_window is not None:
            self.search_window.refresh()
        self._pipeline.refresh_cards()

    def reading_the_store(self) -> Iterator[QWidget]:
        """The windows that read the store on a commit they see: closed before it is (a
        contact view also saves what was typed in it)."""
        yield from self.contact_views.values()
        for window in (self.search_window, self.call_list, self.who_is_it_window,
                       self.duplicates, self.import_history):  # fmt: skip
            if window is not None:
                yield window

    def made(self) -> Iterator[QObject]:
        """Every window (and the importer) made so far, for the app to let go at its quit."""
        yield from self.reading_the_store()
        if self.importer is not None:
            if self.importer.window is not None:
                yield self.importer.window
            yield self.importer
