"""The history of the Sync screen: bundles sent and received, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.sync_common import RIGHT, TABLE_LABELS, counts_text, local_time
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.case_tabs import record_table
from legalaid_desktop.gui.widgets.feedback import message_label, show_message
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.services.sync import BundleHistoryRow

HISTORY_COLUMNS = (
    N_("Direction"),
    N_("Other side"),
    N_("No."),
    N_("Created"),
    N_("Processed"),
    N_("Records"),
    N_("Status"),
)
STATUS_LABELS = {
    "exported": N_("Sent"),
    "acknowledged": N_("Sent, received by the other side"),
    "imported": N_("Imported"),
}


def history_records(row: BundleHistoryRow) -> tuple[int, str]:
    """(records, details) of a history row."""
    counts = row.counts
    if row.direction == "in":
        tables = counts.get("tables") or {}
        total = sum(int(v) for v in tables.values()) if isinstance(tables, dict) else 0
        detail = _("{inserted} new, {updated} updated, {conflicts} conflicts").format(
            inserted=counts.get("inserted", 0),
            updated=counts.get("updated", 0),
            conflicts=counts.get("conflicts", 0),
        )
        return total, detail
    tables = {k: int(v) for k, v in counts.items() if k in TABLE_LABELS and k != "attachments"}
    detail = counts_text(tables)
    if counts.get("full"):
        detail = _("Full export") + "; " + detail
    return sum(tables.values()), detail


class HistoryView(QWidget):
    """Bundles in and out, newest first."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[BundleHistoryRow] = []
        self.table = record_table(self, len(HISTORY_COLUMNS))
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.message = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in HISTORY_COLUMNS])
        self.table.setAccessibleName(_("Bundle history"))
        self.empty.setText(_("No bundle was sent or received yet."))
        self._fill()

    def refresh(self) -> None:
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.sync.history,
            success=self._loaded,
            failure=self._failed,
            action="sync_history",
        ).run()

    def _loaded(self, rows: list[BundleHistoryRow]) -> None:
        self.rows = list(rows)
        show_message(self.message, "")
        self._fill()

    def _fill(self) -> None:
        self.empty.setVisible(not self.rows)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            records, detail = history_records(row)
            direction = _("Received") if row.direction == "in" else _("Sent")
            status = _(STATUS_LABELS[row.status]) if row.status in STATUS_LABELS else row.status
            alert = row.direction == "in" and row.status == "imported" and bool(row.detail)
            if alert:  # the sender's audit anchor raised a security alert at this import
                status = _("Imported, with a security alert")
            values = (
                ("↓ " if row.direction == "in" else "↑ ") + direction,
                row.peer,
                str(row.seq),
                local_time(row.created),
                local_time(row.processed_at),
                str(records),
                status,
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col in (2, 5):
                    item.setTextAlignment(RIGHT)
                if col == 5:
                    item.setToolTip(detail)
                if col == 6 and alert:
                    item.setToolTip(row.detail)
                self.table.setItem(i, col, item)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "sync_history")
        show_message(self.message, user_message(exc))
