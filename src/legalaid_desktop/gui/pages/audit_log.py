"""The audit log viewer (a tab of the administration screen): newest first, filtered, paged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import Page as ListPage
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.audit_details import details_text, person, record_text
from legalaid_desktop.gui.pages.audit_export import audit_job
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.case_tabs import record_table
from legalaid_desktop.gui.widgets.list_export import ExportButton, Job
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.i18n.dates import BAKU, today
from legalaid_desktop.i18n.formatting import format_datetime, format_integer
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
USER_COLUMN, ACTION_COLUMN, RECORD_COLUMN, DETAILS_COLUMN = 2, 3, 4, 5

#: What the audit codes mean, for people (a code not listed here is shown as it is).
ACTION_LABELS: dict[str, str] = {
    "attachment_added": N_("Document added"),
    "attachment_exported": N_("Document exported"),
    "attachment_opened": N_("Document opened"),
    "backup_created": N_("Backup copy made"),
    "backup_forgotten": N_("Backup no longer listed"),
    "backup_reminder_set": N_("Backup reminder set"),
    "bundle_already_imported": N_("Bundle already imported"),
    "bundle_exported": N_("Sync bundle written"),
    "bundle_imported": N_("Sync bundle imported"),
    "bundle_recovery_key_created": N_("Bundle recovery key created"),
    "bundle_recovery_key_rotated": N_("Bundle recovery key replaced"),
    "campaign_created": N_("Campaign created"),
    "campaign_updated": N_("Campaign changed"),
    "campaign_viewed": N_("Campaign viewed"),
    "case_assigned": N_("Case assigned"),
    "case_campaign": N_("Case linked to a campaign"),
    "case_closed": N_("Case closed"),
    "case_corrected": N_("Case corrected"),
    "case_history_viewed": N_("Case history viewed"),
    "case_opened": N_("Case opened"),
    "case_pending": N_("Case set to pending"),
    "case_reopened": N_("Case reopened"),
    "case_transferred": N_("Case transferred"),
    "case_updated": N_("Case changed"),
    "case_viewed": N_("Case viewed"),
    "client_access_report": N_("Personal data report made"),
    "client_registered": N_("Client registered"),
    "client_updated": N_("Client changed"),
    "client_history_viewed": N_("Client history viewed"),
    "client_viewed": N_("Client viewed"),
    "clients_merged": N_("Duplicate clients merged"),
    "conflict_check": N_("Conflict of interest check"),
    "conflict_decided": N_("Conflict decision recorded"),
    "conflict_declined": N_("Declined after a conflict check"),
    "conflict_resolved": N_("Sync conflict resolved"),
    "consent_given": N_("Consent given"),
    "consent_recorded": N_("Consent recorded"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "consultation_added": N_("Consultation added"),
    "consultation_corrected": N_("Consultation corrected"),
    "deadline_corrected": N_("Deadline corrected"),
    "db_migrated": N_("Data store upgraded"),
    "db_verified": N_("Data store verified"),
    "figures_rebuilt": N_("Statistics table rebuilt from the records"),
    "deadline_added": N_("Deadline added"),
    "deadline_done": N_("Deadline done"),
    "deadline_reopened": N_("Deadline reopened"),
    "follow_up_done": N_("Follow-up done"),
    "follow_up_reopened": N_("Follow-up reopened"),
    "import_clients": N_("Clients imported from a spreadsheet"),
    "demo_generated": N_("Demo data generated"),
    "donor_report_exported": N_("Donor report saved as XLSX"),
    "enrollment_completed": N_("Center enrollment completed"),
    "enrollment_requested": N_("Center enrollment requested"),
    "key_rotated": N_("Keys replaced"),
    "login": N_("Logged in"),
    "login_attempts_ignored": N_("Unreadable entries of the login attempts file ignored"),
    "login_failed": N_("Failed login"),
    "login_failed_unverified": N_("Failed login (unverified report)"),
    "login_refused": N_("Login refused"),
    "node_enrolled": N_("Center registered"),
    "node_revoked": N_("Center revoked"),
    "party_added": N_("Party added"),
    "party_corrected": N_("Party corrected"),
    "party_removed": N_("Party removed"),
    "password_changed": N_("Password changed"),
    "password_reset": N_("Password reset"),
    "permission_denied": N_("Refused: not allowed for the role"),
    "pdf_batch_preview": N_("Batch of summaries previewed"),
    "pdf_batch_print": N_("Batch of summaries printed"),
    "pdf_batch_save": N_("Batch of summaries saved as PDF"),
    "pdf_case_preview": N_("Case summary previewed"),
    "pdf_case_print": N_("Case summary printed"),
    "pdf_case_save": N_("Case summary saved as PDF"),
    "pdf_donor_preview": N_("Donor report previewed"),
    "pdf_donor_print": N_("Donor report printed"),
    "pdf_donor_save": N_("Donor report saved as PDF"),
    "pdf_consent_preview": N_("Consent form previewed"),
    "pdf_consent_print": N_("Consent form printed"),
    "pdf_consent_save": N_("Consent form saved as PDF"),
    "print": N_("Printed"),
    "records_exported": N_("Records exported to a file"),
    "recovery_key_rotated": N_("Recovery key replaced"),
    "save": N_("Saved as PDF"),
    "security_alert": N_("Security alert"),
    "store_created": N_("Data store created"),
    "store_restored": N_("Data store restored from a backup"),
    "sync_sequence_adopted": N_("Sync sequence taken up after a restore"),
    "user_added": N_("User added"),
    "user_revoked": N_("User revoked"),
    "user_role_changed": N_("User's role changed"),
    "user_renamed": N_("User's full name corrected"),
}


def action_label(code: str) -> str:
    """An audit action code in the interface language (unknown codes as they are)."""
    label = ACTION_LABELS.get(code)
    return _(label) if label is not None else code


def audit_service(ctx: GuiContext) -> AuditService:
    """The session's audit service."""
    return ctx.services.audit


def local_time(at: str) -> str:
    """An audit time (UTC ISO) as ``dd.MM.yyyy HH:mm:ss`` in Baku time."""
    try:
        moment = datetime.fromisoformat(at).astimezone(BAKU)
    except ValueError:
        return at
    return format_datetime(moment, seconds=True)


class AuditLogView(QWidget):
    """Filters (user, action, period), the events table and "Load more"."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[AuditRow] = []
        self.total = 0
        self._generation = 0
        # the combos grow with their longest choice ("Bütün istifadəçilər", Russian labels)
        self.actor = QComboBox()
        self.actor.setMinimumWidth(140)
        self.action = QComboBox()
        self.action.setMinimumWidth(180)
        self.period = QComboBox()
        for combo in (self.actor, self.action, self.period):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for days, _label in PERIODS:
            self.period.addItem("", days)
        self.actor_label, self.action_label, self.period_label = QLabel(), QLabel(), QLabel()
        self.actor_label.setBuddy(self.actor)
        self.action_label.setBuddy(self.action)
        self.period_label.setBuddy(self.period)
        self.table = record_table(self, len(COLUMNS))
        self.count = QLabel()
        set_role(self.count, "muted")
        self.more = QPushButton()
        self.more.clicked.connect(self.load_more)
        self.message = QLabel()
        set_role(self.message, "error")
        self.message.hide()
        self.export_button = ExportButton(ctx, "audit-log", self._export_job, self)
        self.export_status = QLabel()
        self.export_status.setWordWrap(True)
        self.export_status.hide()
        self.export_button.message.connect(self._exported)

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
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.export_status)
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
        for i in range(1, self.action.count()):
            self.action.setItemText(i, action_label(str(self.action.itemData(i))))
        for i, row in enumerate(self.rows):
            self._translate_row(i, row)
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Audit log"))
        self.more.setText(_("Load &more"))
        self.export_button.retranslate()
        self._update_count()

    # -- loading ------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the filter choices (users, actions), then the newest events."""
        service = audit_service(self.ctx)
        users = self.ctx.services.users

        def choices() -> tuple[list[tuple[str, str]], list[str]]:
            people = [(u.username, u.full_name or u.username) for u in users.list()]
            return people, service.actions()

        QueryOp(
            self.ctx.tasks,
            choices,
            success=self._set_choices,
            failure=self._failed,
            action="audit_filters",
        ).run()

    def _set_choices(self, result: tuple[list[tuple[str, str]], list[str]]) -> None:
        people, actions = result
        for combo, values, everything in (
            (self.actor, people, _("All users")),
            (self.action, [(a, action_label(a)) for a in actions], _("All actions")),
        ):
            combo.blockSignals(True)
            current = combo.currentData()
            combo.clear()
            combo.addItem(everything, None)
            for value, text in values:
                combo.addItem(text, value)
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
        QueryOp(
            self.ctx.tasks,
            partial(
                service.events,
                actor=self.actor.currentData(),
                action=self.action.currentData(),
                since=since,
                offset=offset,
                limit=PAGE_SIZE,
            ),
            success=partial(self._loaded, self._generation),
            failure=self._failed,
            action="audit_events",
        ).run()

    def _loaded(self, generation: int, page: ListPage[AuditRow]) -> None:
        if generation != self._generation:
            return
        self.message.hide()
        self.total = page.total
        start = len(self.rows)
        self.rows.extend(page.rows)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(page.rows, start):
            for col, text in enumerate((str(row.seq), local_time(row.at), "", "", "", "")):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setTextAlignment(RIGHT)
                elif text:
                    item.setToolTip(text)  # the whole text where the column cuts it off
                self.table.setItem(i, col, item)
            self._translate_row(i, row)
        self._update_count()

    def _translate_row(self, i: int, row: AuditRow) -> None:
        action = self.table.item(i, ACTION_COLUMN)
        record = self.table.item(i, RECORD_COLUMN)
        actor = self.table.item(i, USER_COLUMN)
        details = self.table.item(i, DETAILS_COLUMN)
        if action is None or record is None or actor is None or details is None:
            return
        actor.setText(person(row, row.actor))
        actor.setToolTip(row.actor)  # the user name, as the filter knows it
        action.setText(action_label(row.action))
        action.setToolTip(row.action)  # the code, as filters and support know it
        record.setText(record_text(row))
        record.setToolTip(record.text())
        details.setText(details_text(row))
        details.setToolTip(details.text())  # the whole text where the column cuts it off

    def _since(self) -> date | None:
        days = self.period.currentData()
        return None if days is None else today() - timedelta(days=int(days))

    def _export_job(self) -> Job:
        """What "Export…" writes: every event the filters keep (not only the pages loaded)."""
        return audit_job(
            self.ctx, self.actor.currentData(), self.action.currentData(), self._since()
        )

    def _exported(self, text: str) -> None:
        self.export_status.setText(text)
        self.export_status.show()

    def _update_count(self) -> None:
        self.count.setText(
            ngettext(
                "{shown} of {total} event shown.", "{shown} of {total} events shown.", self.total
            ).format(shown=format_integer(len(self.rows)), total=format_integer(self.total))
        )
        self.more.setEnabled(len(self.rows) < self.total)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "audit")
        self.message.setText(user_message(exc))
        self.message.show()
