"""The dashboard: my open cases, what is due this week, what is overdue, this month's figures.

For the people who send sync bundles (managers, administrators, HQ analysts), a warning when no
bundle went out for :data:`EXPORT_WARNING_DAYS` days or never, with a button to the Sync screen.
For managers and administrators, a reminder when the last backup outside the data folder (a USB
stick) is older than the store's limit (7 days unless set: ``legalaid db backup-reminder``,
or Settings) or when there never was one, with a button to File › Back up….
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import AgendaItem
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import error_color, set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.i18n.formatting import format_date, format_integer
from legalaid_desktop.services.backups import BackupReminder
from legalaid_desktop.services.sync import EXPORT_WARNING_DAYS

CASE_ROLE = Qt.ItemDataRole.UserRole + 1
REF_ROLE = Qt.ItemDataRole.UserRole + 2
"""``"<kind> <id>"`` of the deadline or follow-up a row shows."""

#: (attribute of the service's Dashboard, label) for the figure cards, in display order.
FIGURES: tuple[tuple[str, str], ...] = (
    ("my_open_cases", N_("My open cases")),
    ("open_cases", N_("Open cases (all)")),
    ("month_new_clients", N_("New clients this month")),
    ("month_new_cases", N_("New cases this month")),
    ("month_consultations", N_("Consultations this month")),
    ("month_closed_cases", N_("Cases closed this month")),
    ("expired_consents", N_("Clients whose consent expired")),
)
KIND_LABELS = {"deadline": N_("Deadline"), "follow_up": N_("Follow-up")}
AGENDA_ROWS_SHOWN = 100
"""At most this many items per agenda list: at HQ a user may have thousands, and word-wrapped
rows cost layout time; the rest is one line pointing to the Calendar, which pages them."""


class FigureCard(QFrame):
    """A number with a caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        set_role(self, "card")
        self.caption_text = caption
        self.value = QLabel("…")
        set_role(self.value, "figure")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        set_role(self.caption, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.retranslate()

    def retranslate(self) -> None:
        self.caption.setText(_(self.caption_text))
        self.setAccessibleName(_(self.caption_text))

    def set_value(self, text: str, tooltip: str = "") -> None:
        self.value.setText(text)
        self.setToolTip(tooltip)


class SyncWarning(QFrame):
    """ "No bundle went out for N days" (or never), with a button that opens the Sync screen."""

    def __init__(self) -> None:
        super().__init__()
        set_role(self, "card")
        self.days: int | None = None
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32)
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        set_role(self.text, "warning")
        font = self.text.font()
        font.setBold(True)
        self.text.setFont(font)
        self.button = QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def set_days(self, days: int | None) -> None:
        self.days = days
        self.retranslate()

    def retranslate(self) -> None:
        if self.days is None:
            text = _(
                "No sync bundle was ever sent from this computer. HQ and the centers only see "
                "each other's work through bundles."
            )
        else:
            text = ngettext(
                "No sync bundle was sent for {n} day. Export one and take it to the other side.",
                "No sync bundle was sent for {n} days. Export one and take it to the other side.",
                self.days,
            ).format(n=self.days)
        self.text.setText(text)
        self.setAccessibleName(text)
        self.button.setText(_("&Open Sync"))
        self.button.setToolTip(_("Go to the Sync screen"))


class BackupWarning(SyncWarning):
    """ "No backup outside this computer for N days" (or never), with a Back up… button."""

    def retranslate(self) -> None:
        if self.days is None:
            text = _(
                "No backup was ever made outside this computer: a stolen or broken laptop takes "
                "every record with it. Back up to a USB stick and keep it somewhere else."
            )
        else:
            text = ngettext(
                "The last backup outside this computer was made {n} day ago. Back up to a USB "
                "stick and keep it somewhere else.",
                "The last backup outside this computer was made {n} days ago. Back up to a USB "
                "stick and keep it somewhere else.",
                self.days,
            ).format(n=self.days)
        self.text.setText(text)
        self.setAccessibleName(text)
        self.button.setText(_("&Back up…"))
        self.button.setToolTip(_("Write an encrypted backup file to a USB stick"))


class DashboardPage(Page):
    """What needs attention today. Every deadline or follow-up opens its case.

    Signals:
        open_page(str): the user wants another screen (``sync``).
        backup_requested(): the reminder's "Back up…" (the main window's File › Back up…).
    """

    shows = frozenset({Change.CLIENTS, Change.CASES, Change.AGENDA, Change.SYNC, Change.BACKUPS})

    open_page = Signal(str)
    backup_requested = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: object | None = None
        self._loading = False
        self._sync_loading = False
        self.can_sync = ctx.actor.can(Permission.SYNC)
        self.sync_days: int | None = None
        self.sync_known = False
        self.sync_warning = SyncWarning()
        self.sync_warning.button.clicked.connect(lambda: self.open_page.emit("sync"))
        self._backup_loading = False
        self.can_backup = ctx.actor.can(Permission.BACKUP_OUTSIDE)
        self.backup_reminder: BackupReminder | None = None
        self.backup_warning = BackupWarning()
        self.backup_warning.setObjectName("backupReminder")
        self.backup_warning.button.clicked.connect(self.backup_requested.emit)
        self.heading = QLabel()
        set_role(self.heading, "heading")
        self.greeting = QLabel()
        set_role(self.greeting, "muted")
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.message = QLabel()
        set_role(self.message, "error")
        self.message.hide()

        self.cards = {name: FigureCard(label) for name, label in FIGURES}
        self.sync_card = FigureCard(N_("Days since the last sync bundle"))
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, card in enumerate([*self.cards.values(), self.sync_card]):
            grid.addWidget(card, i // 4, i % 4)
        self.sync_card.setVisible(self.can_sync)

        self.overdue_label = QLabel()
        set_role(self.overdue_label, "subheading")
        self.overdue = self._agenda_list(overdue=True)
        self.week_label = QLabel()
        set_role(self.week_label, "subheading")
        self.week = self._agenda_list(overdue=False)
        self._chosen: QListWidget | None = None
        self.done_button = QPushButton()
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.mark_done)

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.greeting)
        top.addLayout(titles, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        lists = QHBoxLayout()
        lists.setSpacing(16)
        for label, view in ((self.overdue_label, self.overdue), (self.week_label, self.week)):
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(view, 1)
            lists.addLayout(column, 1)
        done_row = QHBoxLayout()
        done_row.addStretch(1)
        done_row.addWidget(self.done_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.sync_warning)
        layout.addWidget(self.backup_warning)
        layout.addLayout(grid)
        layout.addLayout(lists, 1)
        layout.addLayout(done_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.retranslate()
        self.refresh()  # start reading now, while the window is still being built and painted

    def _agenda_list(self, *, overdue: bool) -> QListWidget:
        view = QListWidget()
        view.setMinimumHeight(160)
        view.setAlternatingRowColors(True)
        view.setWordWrap(True)
        view.setObjectName("overdueList" if overdue else "weekList")
        # Not the "overdue" style role: it painted every row red, "Nothing is overdue" too;
        # each overdue item is red on its own (see _fill_list).
        # Enter or a double click opens the case; a single click only chooses the row (for
        # "Mark done")
        view.itemActivated.connect(self._activated)
        view.currentItemChanged.connect(lambda current, _previous: self._choose(view, current))
        return view

    def _choose(self, view: QListWidget, current: QListWidgetItem | None) -> None:
        """The row chosen last (in either list) is the one "Mark done" acts on."""
        if current is None and view is not self._chosen:
            return
        self._chosen = view
        self.done_button.setEnabled(current is not None and current.data(REF_ROLE) is not None)

    def mark_done(self) -> None:
        """Mark the chosen deadline or follow-up done, in the background; the page reloads."""
        view = self._chosen
        item = view.currentItem() if view is not None else None
        ref = item.data(REF_ROLE) if item is not None else None
        if not isinstance(ref, str) or " " not in ref:
            return
        kind, ref_id = ref.split(" ", 1)
        records = self.ctx.services.records
        call = records.set_follow_up_done if kind == "follow_up" else records.set_deadline_done
        self.done_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: call(ref_id, True),
            changes={Change.AGENDA, Change.CASES},
            action="agenda_done",
            parent=self,
        ).run()

    def title(self) -> str:
        return _("Dashboard")

    def retranslate(self) -> None:
        self.heading.setText(_("Dashboard"))
        actor = self.ctx.actor
        self.greeting.setText(_("Logged in as {name}.").format(name=actor.full_name))
        self.refresh_button.setText(_("&Refresh"))
        self.refresh_button.setToolTip(_("Read the figures again"))
        for card in (*self.cards.values(), self.sync_card):
            card.retranslate()
        self.sync_warning.retranslate()
        self.backup_warning.retranslate()
        self._fill_sync()
        self.overdue.setAccessibleName(_("Overdue deadlines and follow-ups"))
        self.week.setAccessibleName(_("Due this week"))
        self.done_button.setText(_("&Mark done"))
        self.done_button.setToolTip(_("Mark the chosen deadline or follow-up done"))
        if self.data is None:
            self.overdue_label.setText(_("Overdue"))
            self.week_label.setText(_("Due this week"))
        self._fill()

    # -- data ---------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Read fresh figures each time the dashboard comes into view."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self._refresh_sync()
        self._refresh_backup()
        if self._loading:
            return
        self._loading = True
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.agenda.dashboard,
            success=self._loaded,
            failure=self._failed,
            action="dashboard",
        ).run()

    def _loaded(self, data: object) -> None:
        self._loading = False
        self.data = data
        self.message.hide()
        self._fill()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        log_error(exc, "dashboard")
        self.message.setText(user_message(exc))
        self.message.show()

    def _refresh_sync(self) -> None:
        if not self.can_sync or self._sync_loading:
            return
        self._sync_loading = True
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.sync.days_since_last_export,
            success=self._sync_loaded,
            failure=self._sync_failed,
            action="dashboard_sync",
        ).run()

    def _sync_loaded(self, days: int | None) -> None:
        self._sync_loading = False
        self.sync_days, self.sync_known = days, True
        self._fill_sync()

    def _sync_failed(self, exc: BaseException) -> None:
        self._sync_loading = False
        log_error(exc, "dashboard_sync")

    def _refresh_backup(self) -> None:
        if not self.can_backup or self._backup_loading:
            return
        self._backup_loading = True
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.maintenance.backups.reminder,
            success=self._backup_loaded,
            failure=self._backup_failed,
            action="dashboard_backup",
        ).run()

    def _backup_loaded(self, reminder: BackupReminder) -> None:
        self._backup_loading = False
        self.backup_reminder = reminder
        self.backup_warning.set_days(reminder.days)
        self.backup_warning.setVisible(self.can_backup and reminder.due)

    def _backup_failed(self, exc: BaseException) -> None:
        self._backup_loading = False
        log_error(exc, "dashboard_backup")

    def _fill_sync(self) -> None:
        """The days card, and the warning when it is time to send a bundle."""
        days = self.sync_days
        if days is None:
            self.sync_card.set_value("—", _("No sync yet"))
        else:
            self.sync_card.set_value(str(days))
        if not self.sync_known:
            return
        late = days is None or days >= EXPORT_WARNING_DAYS
        self.sync_warning.set_days(days)
        self.sync_warning.setVisible(self.can_sync and late)

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        for name, card in self.cards.items():
            value = getattr(data, name, None)
            card.set_value(format_integer(value) if isinstance(value, int) else "—")
        overdue: Sequence[AgendaItem] = getattr(data, "overdue", ())
        week: Sequence[AgendaItem] = getattr(data, "due_this_week", ())
        self.overdue_label.setText(_("Overdue ({n})").format(n=format_integer(len(overdue))))
        self.week_label.setText(_("Due this week ({n})").format(n=format_integer(len(week))))
        self._fill_list(self.overdue, overdue, _("Nothing is overdue."), red=True)
        self._fill_list(self.week, week, _("Nothing is due this week."), red=False)

    def _fill_list(
        self, view: QListWidget, items: Sequence[AgendaItem], empty: str, *, red: bool
    ) -> None:
        view.clear()
        if view is self._chosen:
            self.done_button.setEnabled(False)
        if not items:
            placeholder = QListWidgetItem(empty)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            placeholder.setForeground(view.palette().brush(QPalette.ColorRole.PlaceholderText))
            view.addItem(placeholder)
            return
        red_brush = QBrush(error_color())
        for item in items[:AGENDA_ROWS_SHOWN]:
            kind = _(KIND_LABELS.get(item.kind, item.kind))
            head = [format_date(item.due_on), item.case_number, item.client, kind]
            text = " · ".join(part for part in head if part) + f"\n{item.description}"
            row = QListWidgetItem(text)
            row.setData(CASE_ROLE, item.case_number)
            row.setData(REF_ROLE, f"{item.kind} {item.ref_id}")
            row.setToolTip(_("Open case {number}").format(number=item.case_number))
            if red:
                row.setForeground(red_brush)
            view.addItem(row)
        hidden = len(items) - AGENDA_ROWS_SHOWN
        if hidden > 0:
            more = QListWidgetItem(
                ngettext(
                    "{n} more item: see the Calendar.", "{n} more items: see the Calendar.", hidden
                ).format(n=format_integer(hidden))
            )
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            view.addItem(more)

    def _activated(self, item: QListWidgetItem) -> None:
        number = item.data(CASE_ROLE)
        if isinstance(number, str) and number:
            self.open_case.emit(number)

    # -- for tests ----------------------------------------------------------------------------

    def figure(self, name: str) -> str:
        """The text shown on a figure card (``my_open_cases``, ``month_new_clients``...)."""
        return self.cards[name].value.text()
