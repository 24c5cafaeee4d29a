"""The audit log viewer (a tab of the administration screen): newest first, filtered, paged."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import Page as ListPage
from legalaid_desktop.domain.dates import BAKU, today
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.audit_view import AuditRow, AuditService

PAGE_SIZE = 500
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PERIODS: tuple[tuple[int | None, str], ...] = (
    (None, N_("All time")),
    (0, N_("Today")),
    (7, N_("Last 7 days")),
    (30, N_("Last 30 days")),
)
COLUMNS = (N_("No."), N_("Time"), N_("User"), N_("Action"), N_("Record"), N_("Details"))


def audit_service(ctx: GuiContext) -> AuditService:
    """The session's audit service (``AppSession.audit`` once the lead adds it)."""
    service = getattr(ctx.services, "audit", None)
    return service if isinstance(service, AuditService) else AuditService(ctx.services.ws)


def local_time(at: str) -> str:
    """An audit time (UTC ISO) as ``dd.MM.yyyy HH:mm:ss`` in Baku time."""
    try:
        moment = datetime.fromisoformat(at).astimezone(BAKU)
    except ValueError:
        return at
    return moment.strftime("%d.%m.%Y %H:%M:%S")


class AuditLogView(QWidget):
    """Filters (user, action, period), the events table and "Load more"."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[AuditRow] = []
        self.total = 0
        self._generation = 0
        self.actor = QComboBox()
        self.actor.setMinimumWidth(140)
        self.action = QComboBox()
        self.action.setMinimumWidth(180)
        self.period = QComboBox()
        for days, _label in PERIODS:
            self.period.addItem("", days)
        self.actor_label, self.action_label, self.period_label = QLabel(), QLabel(), QLabel()
        self.actor_label.setBuddy(self.actor)
        self.action_label.setBuddy(self.action)
        self.period_label.setBuddy(self.period)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count = QLabel()
        set_role(self.count, "muted")
        self.more = QPushButton()
        self.more.clicked.connect(self.load_more)
        self.message = QLabel()
        set_role(self.message, "error")
        self.message.hide()

        filters = QHBoxLayout()
        for label, field in (
            (self.actor_label, self.actor),
            (self.action_label, self.action),
            (self.period_label, self.period),
        ):
            filters.addWidget(label)
            filters.addWidget(field)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.retranslate()
        for combo in (self.actor, self.action, self.period):
            combo.currentIndexChanged.connect(self.reload)

    def retranslate(self) -> None:
        self.actor_label.setText(_("&User:"))
        self.action_label.setText(_("&Action:"))
        self.period_label.setText(_("&Period:"))
        for i, (_days, label) in enumerate(PERIODS):
            self.period.setItemText(i, _(label))
        if self.actor.count():
            self.actor.setItemText(0, _("All users"))
        if self.action.count():
            self.action.setItemText(0, _("All actions"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Audit log"))
        self.more.setText(_("Load &more"))
        self._update_count()

    # -- loading ------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the filter choices (users, actions), then the newest events."""
        service = audit_service(self.ctx)
        users = self.ctx.services.users

        def choices() -> tuple[list[str], list[str]]:
            return [u.username for u in users.list()], service.actions()

        self.ctx.tasks.run(
            choices, on_done=self._set_choices, on_error=self._failed, action="audit_filters"
        )

    def _set_choices(self, result: tuple[list[str], list[str]]) -> None:
        names, actions = result
        for combo, values, everything in (
            (self.actor, names, _("All users")),
            (self.action, actions, _("All actions")),
        ):
            combo.blockSignals(True)
            current = combo.currentData()
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self.rows = []
        self.total = 0
        self.table.setRowCount(0)
        self._fetch(0)

    def load_more(self) -> None:
        if len(self.rows) < self.total:
            self._fetch(len(self.rows))

    def _fetch(self, offset: int) -> None:
        self._generation += 1
        days = self.period.currentData()
        since = None if days is None else today() - timedelta(days=int(days))
        service = audit_service(self.ctx)
        self.more.setEnabled(False)
        self.ctx.tasks.run(
            partial(
                service.events,
                actor=self.actor.currentData(),
                action=self.action.currentData(),
                since=since,
                offset=offset,
                limit=PAGE_SIZE,
            ),
            on_done=partial(self._loaded, self._generation),
            on_error=self._failed,
            action="audit_events",
        )

    def _loaded(self, generation: int, page: ListPage[AuditRow]) -> None:
        if generation != self._generation:
            return
        self.message.hide()
        self.total = page.total
        start = len(self.rows)
        self.rows.extend(page.rows)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(page.rows, start):
            record = f"{row.entity_type} {row.entity_id}".strip()
            details = ", ".join(f"{k}={v}" for k, v in row.details)
            for col, text in enumerate(
                (str(row.seq), local_time(row.at), row.actor, row.action, record, details)
            ):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(i, col, item)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(
            _("{shown} of {total} events shown.").format(shown=len(self.rows), total=self.total)
        )
        self.more.setEnabled(len(self.rows) < self.total)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "audit")
        self.message.setText(user_message(exc))
        self.message.show()
