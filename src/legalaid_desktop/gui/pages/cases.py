"""The case list: status, legal area and lawyer filters, "my cases", open a new case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import CaseDetail
from legalaid_desktop.domain.cases import Page as ListPage
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.batch_dialog import BatchSummariesDialog, open_batch_dialog
from legalaid_desktop.gui.dialogs.case_dialogs import OpenCaseDialog
from legalaid_desktop.gui.models.columns import CASE_CENTER_COLUMN, case_columns
from legalaid_desktop.gui.models.paged_table import PagedTableModel
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets.center_filter import CenterFilter
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.lawyer_combo import LawyerCombo
from legalaid_desktop.gui.widgets.list_export import ExportButton, Job, export_work
from legalaid_desktop.gui.widgets.list_tools import FilterField
from legalaid_desktop.gui.widgets.table import ListTable
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.export_lists import ListFilters

OPENED_COLUMN = 5
"""The "Opened" column: the list starts sorted by it, newest first."""


class CasesPage(Page):
    """Cases, newest first, loaded page by page (fast at HQ scale).

    ``active_dialog`` is the "Open case" dialog while it is open.
    """

    shows = frozenset({Change.CASES, Change.CLIENTS})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.active_dialog: QDialog | None = None
        self._loaded = False
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.status_label = QLabel(self)
        self.status = CodeCombo(ctx, "case_statuses", empty_text=lambda: _("All"), parent=self)
        self.area_label = QLabel(self)
        self.area = CodeCombo(ctx, "legal_areas", empty_text=lambda: _("All areas"), parent=self)
        self.lawyer_label = QLabel(self)
        self.lawyer = LawyerCombo(
            ctx,
            assignable=False,
            empty_text=lambda: _("All lawyers"),
            network=True,
            parent=self,
        )
        self.mine = QCheckBox(self)
        self.status_label.setBuddy(self.status)
        self.area_label.setBuddy(self.area)
        self.lawyer_label.setBuddy(self.lawyer)
        self.count_label = QLabel(self)
        self.open_button = QPushButton(self)
        self.export_button = ExportButton(ctx, "cases", self._export_job, self)
        self.export_button.message.connect(self.status_message)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #5f6368; padding: 24px;")
        self.empty_label.hide()
        self.model = PagedTableModel(ctx.tasks, case_columns(ctx, self._lawyer_name), self)
        self.table = ListTable(self)
        self.table.setModel(self.model)
        self.table.set_widths([130, 280, 220, 100, 200, 95, 95], stretch=1)
        self.center = CenterFilter(ctx, self.table, CASE_CENTER_COLUMN, self)
        self.center.changed.connect(self._filters_changed)
        self.filter = FilterField(self)
        self.filter.focus_key(self)
        self.filter.changed.connect(lambda _t: self._filters_changed())
        self.filter.to_list.connect(self.table.setFocus)
        self.model.set_order("opened", True)  # newest first, as the service lists them
        self.model.order_changed.connect(self._filters_changed)
        self.table.sort_by_headers(OPENED_COLUMN, descending=True)
        self._lay_out()
        can_edit = ctx.actor.can(Permission.EDIT_CASES)
        self.open_button.setVisible(can_edit)
        self.mine.setVisible(can_edit)
        shortcut = QShortcut(QKeySequence.StandardKey.New, self, self.open_case_dialog)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.setEnabled(can_edit)
        self.open_button.clicked.connect(lambda: self.open_case_dialog())
        for combo in (self.status, self.area, self.lawyer):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.mine.toggled.connect(self._mine_toggled)
        self.lawyer.loaded.connect(self.model.retranslate)
        self.table.activated.connect(self._open_index)
        self.model.total_changed.connect(lambda _n: self._show_count())
        self.model.loading_changed.connect(lambda _b: self._show_count())
        self.setFocusProxy(self.table)
        self._add_batch_button()
        self.retranslate()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for label, widget, stretch in (
            (self.status_label, self.status, 1),
            (self.area_label, self.area, 2),
            (self.lawyer_label, self.lawyer, 2),
        ):
            # long names (legal areas, lawyers) must not push the count and the button off
            widget.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            widget.setMinimumContentsLength(10)
            bar.addWidget(label)
            bar.addWidget(widget, stretch)
            bar.addSpacing(10)
        bar.addWidget(self.mine)
        bar.addWidget(self.center)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        # the actions beside the heading: the filter row then fits a 1280-pixel window
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.export_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.filter)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

    def _lawyer_name(self, username: str) -> str:
        return self.lawyer.names().get(username, username)

    # -- Page -----------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Cases")

    def refresh(self) -> None:
        """Reload the list (first page) with the current filters."""
        self._loaded = True
        self.center.start()
        status, area, center = self.status.code(), self.area.code(), self.center.code()
        lawyer = self.ctx.actor.username if self.mine.isChecked() else self.lawyer.username()
        typed = self.filter.text()
        order, descending = self.model.order()
        cases = self.ctx.services.cases

        def fetch(offset: int, limit: int) -> ListPage[Any]:
            return cases.list(
                status=status,
                legal_area=area,
                lawyer=lawyer,
                text=typed,
                order=order,
                descending=descending,
                center=center,
                offset=offset,
                limit=limit,
                count=False,
            )

        def count() -> int:
            return cases.count(
                status=status, legal_area=area, lawyer=lawyer, text=typed, center=center
            )

        # the first rows are painted at once; the number of cases follows in the background
        self.model.reset_query(fetch, count)

    def _export_job(self) -> Job:
        """What "Export…" writes: the list as it is shown (filters, typed text, order)."""
        order, descending = self.model.order()
        filters = ListFilters(
            center=self.center.code(),
            status=self.status.code(),
            legal_area=self.area.code(),
            lawyer=self.ctx.actor.username if self.mine.isChecked() else self.lawyer.username(),
            text=self.filter.text(),
            order=order,
            descending=descending,
        )
        return export_work(self.ctx, "cases", filters)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()
        else:
            self.model.reload()

    def _filters_changed(self) -> None:
        if self._loaded:
            self.refresh()

    def _mine_toggled(self, on: bool) -> None:
        self.lawyer.setEnabled(not on)
        self._filters_changed()

    def retranslate(self) -> None:
        self.heading.setText(_("Cases"))
        self.status_label.setText(_("&Status:"))
        self.area_label.setText(_("Legal &area:"))
        self.lawyer_label.setText(_("La&wyer:"))
        self.mine.setText(_("&My cases"))
        self.mine.setToolTip(_("Only the cases assigned to me"))
        for combo in (self.status, self.area):
            combo.retranslate()
        self.lawyer.retranslate()
        self.center.retranslate()
        self.status.setAccessibleName(_("Filter by status"))
        self.area.setAccessibleName(_("Filter by legal area"))
        self.lawyer.setAccessibleName(_("Filter by lawyer"))
        self.open_button.setText(_("&Open case…"))
        self.open_button.setToolTip(_("Open a new case (Ctrl+N)"))
        self.export_button.retranslate()
        self.table.setAccessibleName(_("Cases"))
        self.filter.retranslate()
        self.model.retranslate()
        self._show_count()
        dialog = self.active_dialog
        if isinstance(dialog, OpenCaseDialog):
            dialog.retranslate()
        self._retranslate_batch()

    def _show_count(self) -> None:
        self.count_label.setText(
            self.model.count_text(
                lambda n: ngettext("{n} case", "{n} cases", n),
                lambda n: ngettext("at least {n} case", "at least {n} cases", n),
            )
        )
        total = self.model.total
        if total == 0:
            self.empty_label.setText(_("No case matches these filters."))
        self.empty_label.setVisible(total == 0)

    # -- actions --------------------------------------------------------------------------------

    def open_case_dialog(self, client: tuple[str, str] | None = None) -> None:
        """Open the "Open case" dialog, optionally for a known client ``(id, name)``."""
        if not self.ctx.actor.can(Permission.EDIT_CASES):
            return
        dialog = OpenCaseDialog(self.ctx, client, self)
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        open_dialog(dialog, self._case_opened)

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def _case_opened(self, detail: CaseDetail) -> None:
        self.status_message.emit(_("Case {number} opened.").format(number=detail.number))
        self.open_case.emit(detail.number)

    def selected_number(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()).number if index.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case.emit(self.model.row(index.row()).number)

    # -- batch of case summaries (PDF) ----------------------------------------------------------

    def _add_batch_button(self) -> None:
        """The "Batch summaries…" button beside "Open case…" (managers and above)."""
        self.batch_button = QPushButton(self)
        self.batch_button.clicked.connect(self.open_batch_dialog)
        self.batch_button.setVisible(self.ctx.actor.can(Permission.PRINT_BATCH))
        for row in self.findChildren(QHBoxLayout):
            if row.indexOf(self.open_button) >= 0:
                row.insertWidget(row.indexOf(self.open_button), self.batch_button)
                break

    def _retranslate_batch(self) -> None:
        self.batch_button.setText(_("&Batch summaries…"))
        self.batch_button.setToolTip(
            _("One PDF with the summaries of the cases closed in a period")
        )
        if isinstance(self.active_dialog, BatchSummariesDialog):
            self.active_dialog.retranslate()

    def open_batch_dialog(self) -> BatchSummariesDialog | None:
        """Choose a period and make one PDF of the summaries of the cases closed in it."""
        if not self.ctx.actor.can(Permission.PRINT_BATCH):
            return None
        dialog = open_batch_dialog(self.ctx, self)
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        return dialog
