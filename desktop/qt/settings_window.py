"""Settings: a page each for the general choices (name, home region, prefixes, hours, login
start), watched softphones and opener templates; more pages plug in with `add_page`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.dialing import DialPlacer
from desktop.adapters.settings import Settings, WatchedSource
from desktop.adapters.sources.detect import FoundLog, detect_softphones
from desktop.adapters.sources.registry import SOURCE_KINDS
from desktop.adapters.system_locale import region_named as system_names_region
from desktop.core.dialers import Dialer
from desktop.core.numbers import home_regions
from desktop.core.openers import KINDS, PLACEHOLDERS, UNKNOWN_KIND
from desktop.core.softphones import popped_by_hook, watched_at_ring
from desktop.qt.hour_box import HourBox
from desktop.qt.list_placeholder import ListWithPlaceholder
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.system_clock import hour_cycle
from desktop.qt.text_box_height import grow_with_text

if TYPE_CHECKING:  # the module itself imports keyring, which the window never needs
    from desktop.adapters.secrets import SecretStoreStatus
    from desktop.qt.settings_directories import DirectoriesPage

_KIND_TITLES = {
    "referral_reason": "Referral and a reason",
    "referral": "Referral",
    "reason": "A reason we called",
    "voicemail": "We left a voicemail",
    "fallback": "Known contact, nothing else known",
    UNKNOWN_KIND: "Unknown number",
}
_CHECKING = "Checking where passwords can be kept…"
# An opener template's box: the defaults' three lines, and room for a longer one's.
TEMPLATE_LINES = (3, 6)


def region_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    name = QLocale.territoryToString(territory) if territory else ""
    return f"{name} ({code})" if name else code


NO_SOURCES = ("No call logs saved here yet: Detect softphones finds yours, or choose your "
              "softphone below and Add… its call log.")
# A log this run watches is said under the list: the empty list says only what is kept.
NO_SOURCES_BUT_RUN_ONLY = ("None kept for every start yet: Keep watching adds the one below; "
                           "Detect softphones finds others.")
WATCH_ONCE_WHY = "CallerCard was started with --watch-once"


def sources_intro() -> str:
    """The Softphones page's first words, from the one table of softphones: which pop a card
    at ring through what is watched here, which through a hook of their own."""
    hooked = popped_by_hook()
    by_hook = ", ".join(hooked[:-1]) + f" and {hooked[-1]}" if len(hooked) > 1 else "".join(hooked)
    return (
        f"CallerCard watches these call logs. Those that report a call while it rings "
        f"({', '.join(watched_at_ring())}) pop a card; those written when it ends fill the "
        "history with missed and outbound calls."
        + (f" {by_hook} pop a card through a hook of their own: Getting started… in the tray "
           "menu shows it." if by_hook else "")
    )  # fmt: skip


class SettingsWindow(QWidget):
    """A sidebar of pages (General, Softphones, Openers…), each in its own scroll area, above
    a Save/Cancel box that never scrolls away: at 2× on a small screen every page still fits.

    A page is a widget built by its own method or module and added with `add_page`; a new
    setting goes into the page it belongs to (its row in that page's form, its value in
    `load` and `current`)."""

    saved = Signal(object)  # Settings

    def __init__(self, settings: Settings, default_templates: dict[str, str],
                 system_region: str, *, region_named: bool | None = None,
                 region_override: str = "", region_override_why: str = "",
                 watch_override: tuple[WatchedSource, ...] = (),
                 watch_override_why: Mapping[WatchedSource, str] | None = None,
                 ) -> None:  # fmt: skip
        """``watch_override``: the call logs this run watches without keeping them
        (--watch-once, or a --watch the settings could not take), which the list of saved ones
        does not hold; ``watch_override_why``, why a log was not kept, when not --watch-once."""
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard Settings")
        self._settings = settings
        self._defaults = default_templates
        self._watch_override = watch_override
        self._watch_override_why = dict(watch_override_why or {})
        self._also_watched: list[WatchedSource] = []  # said under the list, not in it
        self.directories: DirectoriesPage | None = None
        self.page_list = QListWidget()
        self.page_list.setObjectName("settingsPages")
        self.page_list.setStyleSheet("QListWidget#settingsPages::item { padding: 5px 8px; }")
        self.pages = QStackedWidget()
        self.page_list.currentRowChanged.connect(self.pages.setCurrentIndex)
        named = system_names_region() if region_named is None else region_named
        self.add_page("General", self._general_tab(
            system_region, named, region_override,
            region_override_why or f"CallerCard was started with --region-once {region_override}",
        ))  # fmt: skip
        self.add_page("Softphones", self._sources_tab())
        self.add_page("Openers", self._openers_tab())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.close)
        self.problem = QLabel("")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.page_list.setCurrentRow(0)
        self.load(settings)
        fit_to_screen(self, QSize(760, 560))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape cancels, as in a dialog and every other CallerCard window; as a plain window
        # Settings let it fall through from whichever list or field had the focus.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        else:
            super().keyPressEvent(event)

    def add_page(self, title: str, page: QWidget) -> QScrollArea:
        """`page` under `title` in the sidebar, scrolled when the window is smaller than it."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.pages.addWidget(scroll)
        self.page_list.addItem(title)
        width = self.page_list.sizeHintForColumn(0) + 2 * self.page_list.frameWidth() + 24
        self.page_list.setFixedWidth(max(width, 120))
        return scroll

    def add_directories_page(self, page: DirectoriesPage) -> None:
        """Team directories act at once (add, sync, remove), apart from Save."""
        self.directories = page
        self.add_page("Team directories", page)

    def show_page(self, title: str) -> None:
        found = self.page_list.findItems(title, Qt.MatchFlag.MatchExactly)
        if found:
            self.page_list.setCurrentItem(found[0])

    def _general_tab(self, system_region: str, named: bool, override: str,
                     override_why: str) -> QWidget:  # fmt: skip
        page = QWidget()
        form = QFormLayout(page)
        # On a narrow screen (2× on 1024×600) a label goes above its field rather than the
        # page scrolling sideways.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.my_name = QLineEdit()
        self.my_name.setPlaceholderText("Used by openers as {my_name}")
        form.addRow("Your name", self.my_name)
        self.region = QComboBox()
        if named:
            self.region.addItem(f"From the system: {region_name(system_region)}", "")
        else:  # a C or POSIX locale names no country: what is used is a fallback
            self.region.addItem(f"From the system: none set, so {region_name(system_region)}",
                                "")  # fmt: skip
            self.region.setItemData(0, "This system's locale (C or POSIX) names no country: "
                                    "choose your home region.",
                                    Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        for code in sorted(home_regions(), key=region_name):
            self.region.addItem(region_name(code), code)
        _narrowable(self.region)
        # Started with --region-once (or a --region that could not be kept), the app reads
        # numbers in that region whatever is chosen here: as a rep, Settings said "From the
        # system: none set" and a choice changed nothing. A kept --region is the choice above.
        self.region_override = QLabel(
            f"This run reads numbers as {region_name(override)}: {override_why}. The choice "
            "above applies from the next start." if override else ""
        )
        self.region_override.setTextFormat(Qt.TextFormat.PlainText)
        self.region_override.setWordWrap(True)
        self.region_override.setVisible(bool(override))
        region = QVBoxLayout()
        region.addWidget(self.region)
        region.addWidget(self.region_override)
        form.addRow("Home region", region)
        self.prefixes = QLineEdit()
        self.prefixes.setPlaceholderText("e.g. 9 — digits your PBX puts before outside numbers")
        form.addRow("Outside-line prefixes", self.prefixes)
        note = QLabel(
            "Numbers written without a country code are read as numbers of the home region. "
            "Outside-line prefixes are removed before a number is matched."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form.addRow(note)
        hours = QHBoxLayout()
        # On the desktop's clock, as the warnings these hours give are written.
        self.business_start = HourBox(hour_cycle(), midnight=0)
        self.business_end = HourBox(hour_cycle(), midnight=24)
        self.business_weekends = QCheckBox("weekends too")
        for part in (self.business_start, QLabel("to"), self.business_end,
                     self.business_weekends):  # fmt: skip
            hours.addWidget(part)
        hours.addStretch(1)
        form.addRow("Their business hours", hours)
        self.start_at_login = QCheckBox("Start CallerCard when I log in")
        self.start_at_login.setToolTip("It starts in the tray, without opening a window.")
        form.addRow(self.start_at_login)
        self._screen_share_section(form)
        self.secrets_line = QLabel(_CHECKING)
        self.secrets_advice = QLabel("")
        for label in (self.secrets_line, self.secrets_advice):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.secrets_advice.hide()
        passwords = QVBoxLayout()
        passwords.setSpacing(4)
        passwords.addWidget(self.secrets_line)
        passwords.addWidget(self.secrets_advice)
        form.addRow("Passwords", passwords)
        self._general_form, self._passwords_row = form, passwords
        return page

    def _screen_share_section(self, form: QFormLayout) -> None:
        self.keep_out_of_screen_shares = QCheckBox("Keep cards out of screen shares")
        self.keep_out_of_screen_shares.setToolTip(
            "Windows and macOS leave the cards out of shares and screenshots where the system "
            "allows. On Linux, which cannot, cards show only the company and “Callback”; they "
            "also do while Do Not Disturb is on."
        )
        form.addRow(self.keep_out_of_screen_shares)

    def set_platform_status(
        self, secrets: SecretStoreStatus | None, autostart_unavailable: str = ""
    ) -> None:
        """Where secrets go (with a warning when nowhere safe), and whether login start works."""
        self.start_at_login.setEnabled(not autostart_unavailable)
        if autostart_unavailable:
            self.start_at_login.setToolTip(f"Not available: {autostart_unavailable}.")
        if self.directories is not None:
            self.directories.set_secrets_status(secrets)
        if secrets is None:
            self.secrets_line.setText(_CHECKING)
            return
        font = self.secrets_line.font()
        font.setBold(not secrets.secure)
        self.secrets_line.setFont(font)
        text = secrets.in_words()
        self.secrets_line.setText(text if secrets.secure else f"⚠ {text}")
        # keyring's own reason is for bug reports, not for the page.
        self.secrets_line.setToolTip(secrets.detail or secrets.backend)
        # Only team directories keep passwords: with their page here, a keychain that is
        # missing is said there, beside Add…, once. Said on General too, it greeted every rep
        # with a bold warning about a feature most never use, and said it twice. (Showing the
        # row shows each of its labels: the advice's own visibility is set after it.)
        here = secrets.secure or self.directories is None
        self._general_form.setRowVisible(self._passwords_row, here)
        self.secrets_advice.setText(secrets.advice())
        self.secrets_advice.setVisible(here and not secrets.secure)

    def _sources_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(sources_intro())
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.sources = ListWithPlaceholder(NO_SOURCES)
        # A long path loses its middle, not its file name at the end (the tooltip has it all).
        self.sources.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.sources.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.sources)
        # Started with --watch-once, the app read a call log this list did not show: as a rep
        # the page said "CallerCard watches these call logs" over an empty list, while it did.
        # Keep watching puts it in the list, so the next start (a hook's, the login's) reads it.
        self.sources_override = QLabel("")
        self.sources_override.setTextFormat(Qt.TextFormat.PlainText)
        self.sources_override.setWordWrap(True)
        self.keep_override = QPushButton("Keep watching")
        self.keep_override.setToolTip("Add it to the list above; Save keeps it for every start")
        self.keep_override.clicked.connect(self._keep_override)
        override = QHBoxLayout()
        override.addWidget(self.sources_override, 1)
        override.addWidget(self.keep_override, 0, Qt.AlignmentFlag.AlignTop)
        self.sources_override.hide()
        self.keep_override.hide()
        layout.addLayout(override)
        row = QHBoxLayout()
        self.source_kind = QComboBox()
        for kind in SOURCE_KINDS.values():
            self.source_kind.addItem(kind.title, kind.name)
        _whole_when_room(self.source_kind)
        add = QPushButton("Add…")
        add.clicked.connect(self._add_source)
        row.addWidget(self.source_kind, 1)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_source)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()  # only what the choice leaves: it comes first
        layout.addLayout(row)
        self._detected_section(layout)
        self._dialer_section(layout)
        return page

    def _dialer_section(self, layout: QVBoxLayout) -> None:
        """Place calls with: which softphone the Call buttons use (click_to_call.py)."""
        self.dialer_found: Callable[[Dialer], bool] = DialPlacer().installed
        row = QHBoxLayout()
        title = QLabel("Place calls with")
        self.dialer = QComboBox()
        for dialer in Dialer:
            found = dialer is Dialer.AUTOMATIC or self.dialer_found(dialer)
            self.dialer.addItem(dialer.label + ("" if found else " (not found)"), dialer.value)
        _whole_when_room(self.dialer)
        title.setBuddy(self.dialer)
        row.addWidget(title)
        row.addWidget(self.dialer, 1)
        row.addStretch()
        layout.addLayout(row)
        note = QLabel(
            "Automatic uses a softphone that is running (baresip with ctrl_tcp, Twinkle, "
            "linphonec; yours first, those set up in your home folder), then MicroSIP, then "
            "the application your desktop opens tel: links with. When none can call, "
            "CallerCard says so and copies the number."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        layout.addWidget(note)

    def _detected_section(self, layout: QVBoxLayout) -> None:
        """Softphones found at their default places, each offered with a checkbox."""
        self.detect: Callable[[], list[FoundLog]] = detect_softphones
        row = QHBoxLayout()
        self.detect_button = QPushButton("Detect softphones")
        self.detect_button.clicked.connect(self.detect_softphones)
        self.detect_note = QLabel("")
        self.detect_note.setTextFormat(Qt.TextFormat.PlainText)
        self.detect_note.setWordWrap(True)
        row.addWidget(self.detect_button)
        row.addWidget(self.detect_note, 1)
        layout.addLayout(row)
        self.detected = QListWidget()
        self.detected.setMaximumHeight(120)
        self.detected.hide()
        layout.addWidget(self.detected)
        self.watch_detected = QPushButton("Watch checked")
        self.watch_detected.clicked.connect(self._watch_detected)
        self.watch_detected.hide()
        layout.addWidget(self.watch_detected, 0, Qt.AlignmentFlag.AlignLeft)

    def detect_softphones(self) -> None:
        watched = {
            self.sources.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sources.count())
        } | set(self._watch_override)
        self.detected.clear()
        for found in self.detect():
            if WatchedSource(found.kind, str(found.path)) in watched:
                continue
            item = QListWidgetItem(found.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, WatchedSource(found.kind, str(found.path)))
            self.detected.addItem(item)
        count = self.detected.count()
        self.detect_note.setText(
            f"Found {count} not watched yet; uncheck any you do not use."
            if count
            else "No other softphone call logs at their usual places."
        )
        self.detected.setVisible(count > 0)
        self.watch_detected.setVisible(count > 0)

    def _watch_detected(self) -> None:
        for i in reversed(range(self.detected.count())):
            item = self.detected.item(i)
            if item.checkState() is Qt.CheckState.Checked:
                self._add_source_item(item.data(Qt.ItemDataRole.UserRole))
                self.detected.takeItem(i)
        self.detected.setVisible(self.detected.count() > 0)
        self.watch_detected.setVisible(self.detected.count() > 0)
        self.detect_note.setText("Added; Save to start watching.")

    def _openers_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        column.addLayout(form)
        # The page's spare height goes under the last template, not into blank bands between
        # the rows and above the hint.
        column.addStretch(1)
        names = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        hint = QLabel(f"Placeholders: {names}. Nothing else in a template is interpreted.")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        form.addRow(hint)
        self.templates: dict[str, QPlainTextEdit] = {}
        for kind in [k for k, _ in KINDS] + [UNKNOWN_KIND]:
            edit = QPlainTextEdit()
            # A fixed 54 px held three lines in Fusion's font, not in GTK's (Adwaita:dark):
            # two defaults scrolled inside their boxes with room to spare below.
            grow_with_text(edit, TEMPLATE_LINES)
            edit.setPlaceholderText(self._defaults.get(kind, ""))
            self.templates[kind] = edit
            form.addRow(_KIND_TITLES[kind], edit)
        return page

    def load(self, settings: Settings) -> None:
        self._settings = settings
        self.my_name.setText(settings.my_name)
        self.start_at_login.setChecked(settings.start_at_login)
        self.business_start.setValue(settings.business_start_hour)
        self.business_end.setValue(settings.business_end_hour)
        self.business_weekends.setChecked(settings.business_weekends)
        self.dialer.setCurrentIndex(max(self.dialer.findData(settings.dialer), 0))
        self.keep_out_of_screen_shares.setChecked(settings.keep_out_of_screen_shares)
        index = self.region.findData(settings.region)
        self.region.setCurrentIndex(max(index, 0))
        self.prefixes.setText(", ".join(settings.outside_line_prefixes))
        self.sources.clear()
        for source in settings.sources:
            self._add_source_item(source)
        self._show_override(
            [s for s in dict.fromkeys(self._watch_override) if s not in settings.sources])
        for kind, edit in self.templates.items():
            edit.setPlainText(settings.opener_templates.get(kind, self._defaults.get(kind, "")))

    def _show_override(self, also: list[WatchedSource]) -> None:
        """Said under the list, each log with why it is not kept: "Also watched" under "No
        call logs saved" read as a contradiction, and a --watch a read-only data folder could
        not keep was put down to a --watch-once nobody typed."""
        self._also_watched = also
        by_why: dict[str, list[WatchedSource]] = {}
        for source in also:
            by_why.setdefault(self._watch_override_why.get(source, WATCH_ONCE_WHY), []).append(
                source)  # fmt: skip
        self.sources_override.setText("\n".join(
            f"Watched this run only, not kept for the next start ({why}): "
            + "; ".join(f"{_source_title(s)} — {s.path}" for s in sources)
            for why, sources in by_why.items()))  # fmt: skip
        self.sources_override.setVisible(bool(also))
        self.keep_override.setVisible(bool(also))
        self.sources.set_placeholder(NO_SOURCES_BUT_RUN_ONLY if also else NO_SOURCES)

    def _keep_override(self) -> None:
        for source in self._also_watched:
            self._add_source_item(source)
        self._show_override([])

    def _add_source_item(self, source: WatchedSource) -> None:
        item = QListWidgetItem(f"{_source_title(source)} — {source.path}")
        item.setToolTip(source.path)
        item.setData(Qt.ItemDataRole.UserRole, source)
        self.sources.addItem(item)

    def _add_source(self) -> None:
        kind = SOURCE_KINDS[str(self.source_kind.currentData())]
        if kind.address:  # an event stream (baresip ctrl_tcp), not a file
            path, ok = QInputDialog.getText(
                self, kind.title, "Address (host:port) of the event stream:",
                text="127.0.0.1:4444",
            )  # fmt: skip
            path = path.strip() if ok else ""
        else:
            from desktop.adapters.sources.detect import default_folder

            start = default_folder(kind.name)  # where that softphone keeps its log
            path, _ = QFileDialog.getOpenFileName(
                self, kind.title, str(start), f"{kind.file_filter};;All files (*)"
            )
        if path:
            self._add_source_item(WatchedSource(kind.name, path))

    def _remove_source(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))

    def current(self) -> Settings:
        prefixes = tuple(p for p in self.prefixes.text().replace(",", " ").split() if p)
        templates = {
            kind: edit.toPlainText().strip()
            for kind, edit in self.templates.items()
            if edit.toPlainText().strip() and edit.toPlainText().strip() != self._defaults.get(kind)
        }
        sources = tuple(
            self.sources.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sources.count())
        )
        return self._settings.with_changes(
            my_name=self.my_name.text().strip(),
            start_at_login=self.start_at_login.isChecked(),
            business_start_hour=self.business_start.value(),
            business_end_hour=max(self.business_start.value(), self.business_end.value()),
            business_weekends=self.business_weekends.isChecked(),
            dialer=str(self.dialer.currentData()),
            keep_out_of_screen_shares=self.keep_out_of_screen_shares.isChecked(),
            region=str(self.region.currentData() or ""),
            outside_line_prefixes=prefixes,
            sources=sources,
            opener_templates=templates,
        )

    def _save(self) -> None:
        settings = self.current()
        bad = [p for p in settings.outside_line_prefixes if not p.isdigit()]
        if bad:
            self.problem.setText(f"Outside-line prefixes must be digits: {', '.join(bad)}")
            self.problem.show()
            self.show_page("General")
            return
        self.problem.setText("")
        self.problem.hide()
        self.saved.emit(settings)
        self.close()


def _narrowable(combo: QComboBox) -> None:
    """A choice of long names (countries, softphones) may be narrower than its longest one:
    the open list still shows them whole."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)


def _whole_when_room(combo: QComboBox) -> None:
    """A narrowable choice in a row with room to spare takes the room, up to its longest name:
    "MicroSIP (microsi" beside empty space was its narrow size, kept though the row had room.
    Its row gives it a stretch, so it narrows only as far as the window does."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    whole = combo.sizeHint().width()
    _narrowable(combo)
    combo.setMaximumWidth(whole)
    policy = combo.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
    combo.setSizePolicy(policy)


def _source_title(source: WatchedSource) -> str:
    # In words, as Detect softphones offers it: "linphone-legacy: …" meant nothing to a rep.
    kind = SOURCE_KINDS.get(source.format)
    return kind.title if kind else source.format
