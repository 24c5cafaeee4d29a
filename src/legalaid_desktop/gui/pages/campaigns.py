"""The Campaigns screen: the campaigns, and one campaign with its details, cases and figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.campaigns import CampaignDetail
from legalaid_desktop.domain.cases import CampaignInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.campaign_dialog import CampaignDialog, period_text
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import cell, record_table
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.feedback import MUTED, message_label, show_message, text_label
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.i18n.formatting import format_date

LIST_COLUMNS = (N_("Title"), N_("Issue area"), N_("Period"), N_("Cases"))
CASE_COLUMNS = (N_("Number"), N_("Client"), N_("Status"), N_("Legal area"), N_("Lawyer"))
ID_ROLE = Qt.ItemDataRole.UserRole


class CampaignsPage(Page):
    """The campaigns by title; the one chosen is shown beside the list.

    ``active_dialog`` is the "New campaign" (or "Edit campaign") dialog while it is open.
    Viewing a campaign is an audit event (its page names the clients of its cases), so it is
    loaded by a :class:`WriteOp`.
    """

    shows = frozenset({Change.CAMPAIGNS, Change.CASES})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.campaigns: list[CampaignInfo] = []
        self.detail: CampaignDetail | None = None
        self.chosen_id: str | None = None
        self.active_dialog: QDialog | None = None
        self._loaded = False
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.new_button = QPushButton(self)
        self.new_button.setVisible(ctx.actor.can(Permission.EDIT_CASES))
        self.new_button.clicked.connect(self.new_campaign)
        self.message = message_label()
        self.list = record_table(self, len(LIST_COLUMNS))
        self.list.itemSelectionChanged.connect(self._selection_changed)
        # a long title is cut short rather than pushing the period and the count out of sight
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.list.setColumnWidth(1, 150)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(MUTED + " padding: 12px;")
        self._build_detail()
        left = QWidget(self)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.list, 1)
        left_box.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.detail_stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.list)
        self.retranslate()

    def _build_detail(self) -> None:
        self.detail_stack = QStackedWidget(self)
        self.placeholder = text_label(self, MUTED + " font-size: 14px;")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_box = QWidget(self)
        self.detail_stack.addWidget(self.placeholder)
        self.detail_stack.addWidget(self.detail_box)
        self.title_label = text_label(self.detail_box, "font-size: 18px; font-weight: 700;")
        self.edit_button = QPushButton(self.detail_box)
        self.edit_button.clicked.connect(self.edit_campaign)
        self.facts = text_label(self.detail_box, MUTED)
        self.partners = text_label(self.detail_box)
        self.notes = text_label(self.detail_box)
        self.read_only = text_label(self.detail_box, "color: #6b4e00;")
        self.figures_frame = QFrame(self.detail_box)
        self.figures_frame.setObjectName("campaignFigures")
        self.figures_frame.setStyleSheet(
            "QFrame#campaignFigures { border: 1px solid #d0d4da; border-radius: 4px; }"
        )
        grid = QGridLayout(self.figures_frame)
        self.figure_values = [QLabel(self.figures_frame) for _i in range(3)]
        self.figure_captions = [QLabel(self.figures_frame) for _i in range(3)]
        for column, (value, caption) in enumerate(
            zip(self.figure_values, self.figure_captions, strict=True)
        ):
            value.setStyleSheet("font-size: 22px; font-weight: 700;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            caption.setStyleSheet(MUTED)
            grid.addWidget(value, 0, column)
            grid.addWidget(caption, 1, column)
        self.figures_note = text_label(self.figures_frame, MUTED)
        grid.addWidget(self.figures_note, 2, 0, 1, 3)
        self.cases_caption = QLabel(self.detail_box)
        self.cases_caption.setStyleSheet("font-weight: 600;")
        self.cases = record_table(self.detail_box, len(CASE_COLUMNS))
        # the client's name gives way (cut short) so that the lawyer stays in sight
        cases_header = self.cases.horizontalHeader()
        cases_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        cases_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        cases_header.setStretchLastSection(False)
        for column, width in ((0, 115), (2, 80), (3, 130), (4, 150)):
            self.cases.setColumnWidth(column, width)
        self.cases.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.cases.itemActivated.connect(self._case_activated)
        self.cases.cellDoubleClicked.connect(lambda row, _c: self._open_row(row))
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self.detail_box)
        box.setContentsMargins(8, 0, 0, 0)
        box.addLayout(head)
        for widget in (self.facts, self.partners, self.notes, self.read_only):
            box.addWidget(widget)
        box.addWidget(self.figures_frame)
        box.addWidget(self.cases_caption)
        box.addWidget(self.cases, 1)

    # -- loading --------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Campaigns")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.campaigns.list,
            success=self._listed,
            failure=self._failed,
            action="campaigns",
            parent=self,
        ).latest("list").run()

    def _listed(self, campaigns: list[CampaignInfo]) -> None:
        self.campaigns = list(campaigns)
        show_message(self.message, "")
        self._fill_list()
        ids = [c.id for c in self.campaigns]
        if self.chosen_id in ids:
            self.show_campaign(self.chosen_id or "")
        elif ids:
            self.list.selectRow(0)
        else:
            self.detail = None
            self.chosen_id = None
            self._render()

    def show_campaign(self, campaign_id: str) -> None:
        """Load and show the campaign ``campaign_id`` beside the list."""
        self.chosen_id = campaign_id
        campaigns = self.ctx.services.campaigns
        WriteOp(
            self.ctx.tasks,
            lambda: campaigns.get(campaign_id),
            success=self._shown,
            failure=self._failed,
            action="campaign",
            parent=self,
        ).latest("detail").run()

    def _shown(self, detail: CampaignDetail) -> None:
        self.detail = detail
        self._render()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "campaigns")
        show_message(self.message, user_message(exc))

    def _selection_changed(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if not rows:
            return
        item = self.list.item(rows[0].row(), 0)
        campaign_id = item.data(ID_ROLE) if item is not None else None
        if isinstance(campaign_id, str) and (
            campaign_id != self.chosen_id or self.detail is None or self.detail.id != campaign_id
        ):
            self.show_campaign(campaign_id)

    # -- showing --------------------------------------------------------------------------------

    def _fill_list(self) -> None:
        ctx = self.ctx
        self.empty.setVisible(not self.campaigns)
        self.list.setVisible(bool(self.campaigns))
        blocked = self.list.blockSignals(True)
        self.list.setRowCount(len(self.campaigns))
        chosen_row = -1
        for row, c in enumerate(self.campaigns):
            values = (
                c.title,
                ctx.label("legal_areas", c.issue_area) or "—",
                period_text(c.starts_on, c.ends_on),
                str(len(c.case_numbers)),
            )
            for column, text in enumerate(values):
                item = cell(text)
                item.setToolTip(text)
                if column == 0:
                    item.setData(ID_ROLE, c.id)
                if column == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.list.setItem(row, column, item)
            if c.id == self.chosen_id:
                chosen_row = row
        if chosen_row >= 0:
            self.list.selectRow(chosen_row)
        self.list.blockSignals(blocked)

    def _render(self) -> None:
        detail = self.detail
        if detail is None:
            self.placeholder.setText(
                _("No campaign yet. Create one with “New campaign…”.")
                if not self.campaigns
                else _("Choose a campaign in the list.")
            )
            self.detail_stack.setCurrentWidget(self.placeholder)
            return
        ctx = self.ctx
        self.title_label.setText(detail.title)
        facts = [
            _("Issue area: {area}").format(area=ctx.label("legal_areas", detail.issue_area) or "—"),
            _("Period: {period}").format(period=period_text(detail.starts_on, detail.ends_on)),
            _("Center: {code}").format(code=detail.node_code),
        ]
        self.facts.setText(" · ".join(facts))
        self.partners.setText(
            _("Partner organizations: {names}").format(names="; ".join(detail.partners) or "—")
        )
        self.notes.setText(detail.notes)
        self.notes.setVisible(bool(detail.notes))
        self.read_only.setText(
            _("This campaign belongs to the {node} center: it is read-only here.").format(
                node=detail.node_code
            )
        )
        self.read_only.setVisible(detail.node_code != ctx.actor.node_code)
        self.edit_button.setVisible(detail.editable)
        self._render_figures(detail)
        self.cases_caption.setText(
            ngettext("{n} linked case", "{n} linked cases", detail.case_total).format(
                n=detail.case_total
            )
        )
        self.cases.setRowCount(len(detail.cases))
        for row, c in enumerate(detail.cases):
            values = (
                c.number,
                c.client_display_name,
                ctx.label("case_statuses", c.status),
                ctx.label("legal_areas", c.legal_area),
                detail.person(c.assigned_lawyer, c.lawyer_node),
            )
            for column, text in enumerate(values):
                self.cases.setItem(row, column, cell(text, c.number if column == 0 else None))
        self.detail_stack.setCurrentWidget(self.detail_box)

    def _render_figures(self, detail: CampaignDetail) -> None:
        figures = detail.figures
        self.figures_frame.setVisible(figures is not None)
        if figures is None:
            return
        values = (figures.cases_opened, figures.consultations, figures.clients_served)
        for label, value in zip(self.figure_values, values, strict=True):
            label.setText(str(value))
        note = _("Counted from {start} to {end}.").format(
            start=format_date(figures.start), end=format_date(figures.end)
        )
        if figures.own_only:
            note += " " + _("Only your own figures.")
        self.figures_note.setText(note)

    # -- actions --------------------------------------------------------------------------------

    def _case_activated(self, item: QTableWidgetItem) -> None:
        self._open_row(item.row())

    def _open_row(self, row: int) -> None:
        item = self.cases.item(row, 0)
        if item is not None and item.text():
            self.open_case.emit(item.text())

    def new_campaign(self) -> CampaignDialog | None:
        if not self.ctx.actor.can(Permission.EDIT_CASES):
            return None
        dialog = CampaignDialog(self.ctx, None, self)
        self._open(dialog)
        return dialog

    def edit_campaign(self) -> CampaignDialog | None:
        if self.detail is None or not self.detail.editable:
            return None
        dialog = CampaignDialog(self.ctx, self.detail, self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: CampaignDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        open_dialog(dialog, self._saved)

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def _saved(self, info: CampaignInfo) -> None:
        self.chosen_id = info.id
        self.status_message.emit(_("Campaign saved."))

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(_("Campaigns"))
        self.new_button.setText(_("&New campaign…"))
        self.edit_button.setText(_("&Edit…"))
        self.empty.setText(_("No campaign yet. Create one with “New campaign…”."))
        self.list.setHorizontalHeaderLabels([_(c) for c in LIST_COLUMNS])
        self.list.setAccessibleName(_("Campaigns"))
        self.cases.setHorizontalHeaderLabels([_(c) for c in CASE_COLUMNS])
        self.cases.setAccessibleName(_("Linked cases"))
        captions = (_("Cases opened"), _("Consultations"), _("Clients served"))
        for label, text in zip(self.figure_captions, captions, strict=True):
            label.setText(text)
        self._fill_list()
        self._render()
