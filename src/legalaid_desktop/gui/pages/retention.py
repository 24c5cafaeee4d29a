"""The retention screen (managers and administrators): who is due for anonymization and why.

The manager ticks clients and anonymizes them in one run (progress, and a Cancel that stops
between two clients), or erases one client entirely; administrators also set the center's
retention period. The rules are the service's (:mod:`legalaid_desktop.services.retention`,
docs/personal-data.md); this screen shows them and asks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.retention import (
    MAX_RETENTION_YEARS,
    MIN_RETENTION_YEARS,
    BatchResult,
    ErasureResult,
    RetentionDue,
    RetentionRule,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.retention_dialogs import EraseDialog, ReasonDialog
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, Progress, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import record_table
from legalaid_desktop.gui.widgets.feedback import show_message
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.i18n.formatting import format_date, format_integer

COLUMNS = (N_("Client"), N_("Why"), N_("Cases"), N_("Open cases"), N_("Due since"))
ID_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
BATCH_CHANGES = frozenset({Change.CLIENTS, Change.CASES})


class RetentionPage(Page):
    """The clients due for anonymization, with check boxes, and what can be done to them.

    ``batch_op`` is the anonymization run in progress (``None`` when none is); ``dialog`` and
    ``question`` the reason or erase dialog and the confirmation box while they are open.
    """

    shows = frozenset({Change.CLIENTS, Change.CASES})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.due: list[RetentionDue] = []
        self.rule: RetentionRule | None = None
        self.batch_op: WriteOp | None = None
        self.dialog: ReasonDialog | EraseDialog | None = None
        self.question: QMessageBox | None = None
        self._names: dict[str, str] = {}
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")  # as the other lists
        self.rule_label = QLabel(self)
        self.rule_label.setWordWrap(True)
        set_role(self.rule_label, "muted")
        self.years_label = QLabel(self)
        self.years = QSpinBox(self)
        self.years.setRange(MIN_RETENTION_YEARS, MAX_RETENTION_YEARS)
        self.years_label.setBuddy(self.years)
        self.years_button = QPushButton(self)
        self.years_button.clicked.connect(self.save_years)
        can_set = ctx.actor.can(Permission.SET_RETENTION)
        for widget in (self.years_label, self.years, self.years_button):
            widget.setVisible(can_set)
        self.table = record_table(self, len(COLUMNS))
        self.table.horizontalHeader().setStretchLastSection(False)
        # the reason takes the room left; the other columns fit their contents
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.count = QLabel(self)
        self.select_all = QPushButton(self)
        self.select_all.clicked.connect(self.toggle_all)
        self.anonymize_button = QPushButton(self)
        self.anonymize_button.clicked.connect(self.anonymize_selected)
        self.erase_button = QPushButton(self)
        self.erase_button.clicked.connect(self.erase_selected)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.cancel)
        self.outcome = QLabel(self)
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self._lay_out()
        self._show_running(False)
        self.table.itemChanged.connect(lambda _item: self._update_buttons())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.setFocusProxy(self.table)
        self.retranslate()

    def _lay_out(self) -> None:
        rule = QHBoxLayout()
        rule.addWidget(self.rule_label, 1)
        rule.addWidget(self.years_label)
        rule.addWidget(self.years)
        rule.addWidget(self.years_button)
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        actions.addWidget(self.select_all)
        actions.addWidget(self.erase_button)
        actions.addWidget(self.anonymize_button)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(rule)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(running)
        layout.addWidget(self.outcome)
        layout.addLayout(actions)

    # -- Page -----------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Retention")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # who is due depends on the day, too

    def refresh(self) -> None:
        """Load the rule and the clients due today."""
        retention = self.ctx.services.retention

        def load() -> tuple[RetentionRule, list[RetentionDue]]:
            return retention.rule(), retention.due()

        QueryOp(
            self.ctx.tasks,
            load,
            success=self._loaded,
            failure=self._failed,
            action="retention",
            parent=self,
        ).latest("due").run()

    def retranslate(self) -> None:
        self.heading.setText(_("Retention"))
        self.years_label.setText(_("&Years:"))
        self.years_button.setText(_("Set &period"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setAccessibleName(_("Clients due for anonymization"))
        self.select_all.setText(_("Tick &all"))
        self.anonymize_button.setText(_("A&nonymize selected…"))
        self.erase_button.setText(_("&Erase…"))
        self.erase_button.setToolTip(_("Erase the highlighted client and everything under them"))
        self.cancel_button.setText(_("Cancel"))
        self._show_rule()
        self._update_buttons()
        if self.due:
            self.refresh()  # the reasons are sentences in the language of the service call

    # -- the list -------------------------------------------------------------------------------

    def _loaded(self, result: tuple[RetentionRule, list[RetentionDue]]) -> None:
        self.rule, due = result
        self.message.hide()
        ticked = set(self.checked_ids())
        self.due = due
        self._names.update({d.client_id: d.full_name for d in due})
        self.table.blockSignals(True)
        self.table.setRowCount(len(due))
        for row, item in enumerate(due):
            name = QTableWidgetItem(item.full_name)
            name.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            name.setCheckState(
                Qt.CheckState.Checked if item.client_id in ticked else Qt.CheckState.Unchecked
            )
            name.setData(ID_ROLE, item.client_id)
            cells = [
                name,
                QTableWidgetItem(item.why),
                QTableWidgetItem(", ".join(item.case_numbers)),
                QTableWidgetItem(format_integer(item.open_cases)),
                QTableWidgetItem(format_date(item.due_on)),
            ]
            cells[1].setToolTip(item.why)
            cells[3].setTextAlignment(RIGHT)
            for column, cell in enumerate(cells):
                if column:
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, cell)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._show_rule()
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "retention")
        show_message(self.message, user_message(exc))

    def _show_rule(self) -> None:
        rule = self.rule
        if rule is None:
            self.rule_label.setText("")
            return
        text = ngettext(
            "Clients are due for anonymization {years} year after their last case closed (or "
            "after registration, without a case), and at once when they withdraw their consent "
            "to store and process the data.",
            "Clients are due for anonymization {years} years after their last case closed (or "
            "after registration, without a case), and at once when they withdraw their consent "
            "to store and process the data.",
            rule.years,
        ).format(years=rule.years)
        self.rule_label.setText(text)
        if not self.years.hasFocus():
            self.years.setValue(rule.years)

    def checked_ids(self) -> list[str]:
        """The ticked clients, in the list's order."""
        ids = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(ID_ROLE)))
        return ids

    def set_checked(self, client_id: str, on: bool = True) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == client_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def toggle_all(self) -> None:
        """Tick every client, or untick all when all are ticked."""
        on = len(self.checked_ids()) < self.table.rowCount()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def current(self) -> RetentionDue | None:
        """The highlighted client."""
        row = self.table.currentRow()
        return self.due[row] if 0 <= row < len(self.due) else None

    def _update_buttons(self) -> None:
        idle = self.batch_op is None
        ticked = len(self.checked_ids())
        self.anonymize_button.setEnabled(idle and ticked > 0)
        self.erase_button.setEnabled(idle and self.current() is not None)
        self.select_all.setEnabled(idle and bool(self.due))
        self.count.setText(
            ngettext(
                "{n} client due, {ticked} ticked.",
                "{n} clients due, {ticked} ticked.",
                len(self.due),
            ).format(n=format_integer(len(self.due)), ticked=format_integer(ticked))
            if self.due
            else _("No client is due for anonymization.")
        )

    # -- anonymizing ----------------------------------------------------------------------------

    def anonymize_selected(self) -> ReasonDialog | None:
        """Ask why, then confirm, then anonymize the ticked clients."""
        ids = self.checked_ids()
        if not ids or self.batch_op is not None:
            return None
        dialog = ReasonDialog(len(ids), self)
        dialog.chosen.connect(lambda reason: self._confirm(ids, reason))
        self._open(dialog)
        return dialog

    def _confirm(self, ids: list[str], reason: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Anonymize clients"),
            ngettext(
                "Anonymize {n} client now? This cannot be undone.",
                "Anonymize {n} clients now? This cannot be undone.",
                len(ids),
            ).format(n=len(ids)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("&Anonymize"))
        box.button(QMessageBox.StandardButton.No).setText(_("Cancel"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda answer: self._answered(box, answer, ids, reason))
        self.question = box
        box.open()

    def _answered(self, box: QMessageBox, answer: int, ids: list[str], reason: str) -> None:
        if self.question is box:
            self.question = None
        if answer == QMessageBox.StandardButton.Yes:
            self.run_anonymize(ids, reason)

    def run_anonymize(self, ids: list[str], reason: str) -> WriteOp:
        """Anonymize ``ids`` in the background, one transaction each, with progress."""
        retention = self.ctx.services.retention

        def work(progress: Progress) -> BatchResult:
            return retention.anonymize_many(
                ids, reason, progress.report, lambda: progress.cancelled
            )

        op = WriteOp(
            self.ctx.tasks,
            work,
            changes=BATCH_CHANGES,
            success=self._batch_done,
            failure=self._batch_failed,
            action="client_anonymize_many",
            parent=self,
        ).with_progress(self._progressed)
        self.batch_op = op
        self.progress.setRange(0, len(ids))
        self.progress.setValue(0)
        self.progress.setFormat(self._progress_text(0, len(ids)))
        self.outcome.hide()
        self._show_running(True)
        return op.run()

    @staticmethod
    def _progress_text(done: int, total: int) -> str:
        return _("Anonymized {done} of {total}").format(
            done=format_integer(done), total=format_integer(total)
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(self._progress_text(done, total))

    def cancel(self) -> None:
        """Stop the run after the client being anonymized (those done stay anonymized)."""
        if self.batch_op is not None:
            self.batch_op.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(_("Stopping…"))

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setText(_("Cancel"))
        self._update_buttons()

    def _batch_done(self, result: BatchResult) -> None:
        self.batch_op = None
        self._show_running(False)
        lines = [
            ngettext("{n} client anonymized.", "{n} clients anonymized.", len(result.done)).format(
                n=format_integer(len(result.done))
            )
        ]
        if result.cancelled:
            lines.append(
                _("Stopped at your request: the clients not reached yet were left as they are.")
            )
        if result.failed:
            lines.append(_("Refused:"))
            lines += [
                f"• {self._names.get(client_id, client_id)}: {message}"
                for client_id, message in result.failed
            ]
        show_message(self.outcome, "\n".join(lines), "warning" if result.failed else "ok")
        self.status_message.emit(lines[0])
        # the list reloads itself: the run announced that clients changed (``shows``)

    def _batch_failed(self, exc: BaseException) -> None:
        self.batch_op = None
        self._show_running(False)
        show_message(self.outcome, user_message(exc))
        self.refresh()  # the clients done before the failure stay anonymized

    # -- erasing --------------------------------------------------------------------------------

    def erase_selected(self) -> EraseDialog | None:
        """Ask for a reason and the typed word, then erase the highlighted client."""
        client = self.current()
        if client is None or self.batch_op is not None:
            return None
        dialog = EraseDialog(self.ctx, client, self)
        dialog.erased.connect(self._erased)
        self._open(dialog)
        return dialog

    def _erased(self, _result: ErasureResult) -> None:
        text = _("The client's records were erased.")
        show_message(self.outcome, text, "ok")
        self.status_message.emit(text)

    def _open(self, dialog: ReasonDialog | EraseDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: ReasonDialog | EraseDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # -- the rule -------------------------------------------------------------------------------

    def save_years(self) -> None:
        """Set the center's retention period (administrators; audited)."""
        years = self.years.value()
        retention = self.ctx.services.retention
        self.years_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: retention.set_years(years),
            success=self._years_saved,
            failure=self._years_failed,
            action="retention_rule_set",
            parent=self,
        ).latest("years").run()

    def _years_saved(self, rule: RetentionRule) -> None:
        self.years_button.setEnabled(True)
        self.rule = rule
        self._show_rule()
        self.status_message.emit(
            ngettext(
                "Retention period set to {years} year.",
                "Retention period set to {years} years.",
                rule.years,
            ).format(years=rule.years)
        )
        self.refresh()

    def _years_failed(self, exc: BaseException) -> None:
        self.years_button.setEnabled(True)
        show_message(self.message, user_message(exc))
