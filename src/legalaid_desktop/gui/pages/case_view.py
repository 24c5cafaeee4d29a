"""One case: header, consultation timeline, parties, deadlines, documents and case actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import (
    AttachmentInfo,
    CaseDetail,
    CaseStatus,
    ConsultationInfo,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.domain.referrals import ReferralInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.roster import person_key
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import (
    AssignLawyerDialog,
    CloseCaseDialog,
    ConsultationDialog,
)
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog, open_preview
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.campaign_link import CampaignLink
from legalaid_desktop.gui.widgets.case_corrections import CaseCorrections
from legalaid_desktop.gui.widgets.case_tabs import DeadlinesTab, PartiesTab
from legalaid_desktop.gui.widgets.case_transfer import CaseTransfer
from legalaid_desktop.gui.widgets.dialogs import confirm, open_dialog
from legalaid_desktop.gui.widgets.documents_tab import DocumentsTab
from legalaid_desktop.gui.widgets.feedback import MUTED, text_label
from legalaid_desktop.gui.widgets.referrals_tab import ReferralsTab
from legalaid_desktop.gui.widgets.status_badge import StatusBadge
from legalaid_desktop.gui.widgets.timeline import ConsultationTimeline
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.services.reports import ReportDocument


class CaseView(Page):
    """Everything about one case; :meth:`show_case` loads it in the background.

    ``preview`` is the PDF preview of the case summary while it is open.

    Signals:
        print_summary_requested(str): the user asked for the PDF summary of this case number
            (the view opens the preview itself; the signal only tells).
    """

    print_summary_requested = Signal(str)
    # The case, its client's name, consultations and deadlines, documents: a write anywhere
    # (another screen, a bundle import, conflict resolution) reloads the case shown.
    shows = frozenset({Change.CASES, Change.CLIENTS, Change.AGENDA, Change.DOCUMENTS})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.detail: CaseDetail | None = None
        self.number = ""
        self.active_dialog: QDialog | None = None
        self.preview: PdfPreviewDialog | None = None
        self._lawyers: dict[str, str] = {}
        self._error = ""
        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet(MUTED + " font-size: 14px;")
        self.content = QWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._build_header()
        self._build_actions()
        self._build_tabs()
        body = QVBoxLayout(self.content)
        body.addWidget(self.header)
        body.addLayout(self.action_row)
        body.addWidget(self.tabs, 1)
        self._shortcut(QKeySequence.StandardKey.New, self.add_consultation)
        self._shortcut(QKeySequence.StandardKey.Print, self.request_print)
        users = ctx.services.users
        QueryOp(
            self.ctx.tasks,
            users.list,
            success=self._users_arrived,
            failure=lambda _e: None,
            parent=self,
        ).latest("users").run()
        self.retranslate()

    # -- building -------------------------------------------------------------------------------

    def _shortcut(self, key: QKeySequence.StandardKey, slot: Callable[[], None]) -> None:
        shortcut = QShortcut(QKeySequence(key), self, slot)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_header(self) -> None:
        self.header = QFrame(self)
        self.header.setObjectName("caseHeader")
        self.header.setStyleSheet(
            "QFrame#caseHeader { border-bottom: 1px solid #d0d4da; padding-bottom: 6px; }"
        )
        self.number_label = text_label(self.header, "font-size: 20px; font-weight: 700;")
        self.number_label.setWordWrap(False)
        self.badge = StatusBadge(self.header)
        self.print_button = QPushButton(self.header)
        self.print_button.clicked.connect(self.request_print)
        self.client_button = QPushButton(self.header)
        self.client_button.setFlat(True)
        self.client_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.client_button.setStyleSheet(
            "QPushButton { color: #1a56a8; text-decoration: underline; font-size: 14px;"
            " text-align: left; padding: 0 2px; }"
        )
        self.client_button.clicked.connect(self._client_clicked)
        self.facts = text_label(self.header, MUTED)
        self.summary = text_label(self.header)
        self.corruption = text_label(self.header)
        self.notice = text_label(self.header, "color: #6b4e00;")
        self.campaign_link = CampaignLink(self.ctx, self.header)
        self.campaign_link.linked.connect(self._campaign_linked)
        self.campaign_link.failed.connect(self.status_message)
        # "Edit case…", "Edit…" on a consultation and "History…" (issue 19)
        self.corrections = CaseCorrections(self.ctx, self)
        self.corrections.corrected.connect(self.status_message)
        # "Ask HQ to transfer…", "Transfer…" (HQ) and what a transfer means here (issue 19)
        self.transfer = CaseTransfer(self.ctx, self)
        self.transfer.changed.connect(self.status_message)
        self.transfer.ready.connect(self._transfer_ready)
        top = QHBoxLayout()
        top.addWidget(self.number_label)
        top.addWidget(self.badge)
        top.addStretch(1)
        top.addWidget(self.corrections.history_button)
        top.addWidget(self.print_button)
        client_row = QHBoxLayout()
        self.client_caption = QLabel(self.header)
        client_row.addWidget(self.client_caption)
        client_row.addWidget(self.client_button)
        client_row.addStretch(1)
        column = QVBoxLayout(self.header)
        column.setContentsMargins(0, 0, 0, 6)
        column.addLayout(top)
        column.addLayout(client_row)
        column.addWidget(self.facts)
        column.addWidget(self.campaign_link)
        column.addWidget(self.summary)
        column.addWidget(self.corruption)
        column.addWidget(self.notice)
        column.addWidget(self.transfer.banner)

    def _build_actions(self) -> None:
        self.action_row = QHBoxLayout()
        self.consult_button = QPushButton(self)
        self.pending_button = QPushButton(self)
        self.close_button = QPushButton(self)
        self.reopen_button = QPushButton(self)
        self.assign_button = QPushButton(self)
        self.consult_button.clicked.connect(self.add_consultation)
        self.pending_button.clicked.connect(self.set_pending)
        self.close_button.clicked.connect(self.close_case)
        self.reopen_button.clicked.connect(self.reopen)
        self.assign_button.clicked.connect(self.assign_lawyer)
        self.consult_button.setStyleSheet("font-weight: 600;")
        edit = self.corrections.edit_button
        for button in (self.consult_button, edit, self.assign_button, self.pending_button):
            self.action_row.addWidget(button)
        self.action_row.addStretch(1)
        self.action_row.addWidget(self.transfer.request_button)
        self.action_row.addWidget(self.transfer.transfer_button)
        self.action_row.addWidget(self.reopen_button)
        self.action_row.addWidget(self.close_button)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.timeline = ConsultationTimeline(self.ctx, self)
        self.timeline.edit_requested.connect(self.corrections.edit_consultation)
        self.parties_tab = PartiesTab(self.ctx, self)
        self.deadlines_tab = DeadlinesTab(self.ctx, self)
        self.documents_tab = DocumentsTab(self.ctx, self)
        self.referrals_tab = ReferralsTab(self.ctx, self)  # issue 19
        for widget in (
            self.timeline,
            self.parties_tab,
            self.deadlines_tab,
            self.documents_tab,
            self.referrals_tab,
        ):
            self.tabs.addTab(widget, "")
        self.parties_tab.party_added.connect(self._party_added)
        self.parties_tab.party_removed.connect(self._party_removed)
        self.parties_tab.party_declined.connect(self.refresh)
        self.deadlines_tab.deadline_changed.connect(self._deadline_changed)
        self.documents_tab.attachment_added.connect(self._attachment_added)
        self.referrals_tab.referral_saved.connect(self._referral_saved)
        for tab in (self.parties_tab, self.deadlines_tab, self.documents_tab, self.referrals_tab):
            tab.status_message.connect(self.status_message)

    # -- loading --------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Case")

    def show_case(self, number: str) -> None:
        """Load and show case ``number`` (viewing a case is an audit event)."""
        self.number = number.strip().upper()
        self._error = ""
        if self.detail is None or self.detail.number != self.number:
            self.detail = None
            self._show_placeholder(_("Loading case {number}…").format(number=self.number))
        cases, wanted = self.ctx.services.cases, self.number
        WriteOp(
            self.ctx.tasks,
            lambda: cases.get(wanted),
            success=self.set_detail,
            failure=self._load_failed,
            parent=self,
        ).latest("load").run()

    def refresh(self) -> None:
        if self.number:
            self.show_case(self.number)

    def set_detail(self, detail: CaseDetail) -> None:
        """Show ``detail`` (as loaded, or as returned by a case action)."""
        self.detail = detail
        self.number = detail.number
        self._render()

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, LegalAidError):
            self._error = str(exc)
            self.detail = None
            self._show_placeholder(self._error)
            self.status_message.emit(self._error)
        else:
            self.ctx.tasks.error_handler(exc)

    def _users_arrived(self, users: list[UserInfo]) -> None:
        self._lawyers = {u.username: u.full_name for u in users}
        if self.detail is not None:
            self._render()

    def lawyer_name(self, username: str, node: str = "") -> str:
        """What people read for ``username`` of ``node`` (``""``: this center): from the case
        itself (its service resolved the people it names, another center's by the user roster,
        "Məmmədova Leyla (GNJ)"), else this center's list of users, else the user name."""
        detail = self.detail
        known = detail.user_names.get(person_key(username, node)) if detail is not None else None
        if known:
            return known
        if node and node != self.ctx.actor.node_code:
            return username  # never a namesake of this center
        return self._lawyers.get(username, username)

    def editable(self) -> bool:
        """Whether this user may change the case shown (own center, permission to edit)."""
        actor = self.ctx.actor
        return (
            self.detail is not None
            and actor.can(Permission.EDIT_CASES)
            and self.detail.owner_node == actor.node_code
        )

    # -- showing --------------------------------------------------------------------------------

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def _render(self) -> None:
        detail = self.detail
        if detail is None:
            self._show_placeholder(
                self._error or _("Choose a case in the list, or find one with Ctrl+K.")
            )
            return
        ctx = self.ctx
        self.number_label.setText(detail.number)
        self.badge.set_status(detail.status, ctx.label("case_statuses", detail.status))
        self.client_button.setText(detail.client.display_name)
        facts = [
            ctx.label("legal_areas", detail.legal_area),
            _("Lawyer: {name}").format(
                name=self.lawyer_name(detail.assigned_lawyer, detail.assigned_lawyer_node)
            ),
            _("Opened {date}").format(date=format_date(detail.opened_on)),
        ]
        if detail.closed_on is not None:
            facts.append(_("Closed {date}").format(date=format_date(detail.closed_on)))
        if detail.outcome:
            facts.append(
                _("Outcome: {outcome}").format(outcome=ctx.label("outcomes", detail.outcome))
            )
        if detail.status == CaseStatus.CLOSED and detail.satisfaction:
            satisfaction = ctx.label("satisfaction", detail.satisfaction)
            facts.append(_("Citizen satisfaction: {mark}").format(mark=satisfaction))
        self.facts.setText(" · ".join(facts))
        self.summary.setText(detail.summary)
        self._render_corruption(detail)
        self._render_notice(detail)
        self._render_buttons(detail)
        self.campaign_link.set_case(detail)
        editable = self.editable()
        lawyer_name = self.lawyer_name
        may_edit = self.corrections.may_edit_consultation
        self.timeline.set_consultations(detail.consultations, lawyer_name, may_edit)
        may_change = self.corrections.may_edit_case()  # the role rule of corrections
        self.parties_tab.set_case(detail.number, detail.parties, editable, may_change)
        self.parties_tab.set_decisions(detail.conflict_decisions)
        self.deadlines_tab.set_case(detail.number, detail.deadlines, editable, may_change)
        self.documents_tab.set_case(detail.number, detail.attachments, editable, lawyer_name)
        may_refer = may_change and detail.status in (CaseStatus.OPEN, CaseStatus.PENDING)
        self.referrals_tab.set_case(
            detail.number, detail.opened_on, detail.referrals, may_refer, may_change
        )
        self._tab_titles()
        self.stack.setCurrentWidget(self.content)
        self.take_focus()

    def take_focus(self) -> None:
        """Put the keyboard focus in the case shown (its current tab), unless it is already
        inside this view: the view's shortcuts (Ctrl+N "record a consultation", Ctrl+P) work
        only while the focus is here, and a case opened from a list left it on that list."""
        focused = self.window().focusWidget()
        if focused is not None and (focused is self or self.isAncestorOf(focused)):
            return
        target = self.tabs.currentWidget() if self.stack.currentWidget() is self.content else None
        (target or self).setFocus(Qt.FocusReason.OtherFocusReason)

    def _transfer_ready(self) -> None:
        if self.detail is not None:
            self._render_notice(self.detail)

    def _render_corruption(self, detail: CaseDetail) -> None:
        info = detail.corruption
        if info is None:
            self.corruption.hide()
            return
        parts = [
            self.ctx.label("corruption_sectors", info.sector),
            self.ctx.label("corruption_conduct", info.conduct),
        ]
        if info.institution:
            parts.append(info.institution)
        if info.amount_requested is not None:
            parts.append(_("{amount} AZN requested").format(amount=info.amount_requested))
        if info.reported_to:
            parts.append(_("reported to {body}").format(body=info.reported_to))
        self.corruption.setText(
            _("Corruption complaint: {details}").format(details=" · ".join(parts))
        )
        self.corruption.show()

    def _render_notice(self, detail: CaseDetail) -> None:
        notes = []
        # at a center, another center's case is one transferred away: the transfer banner
        # says so (at HQ, every center's case is another center's)
        if detail.owner_node != self.ctx.actor.node_code and self.transfer.at_hq:
            notes.append(
                _("This case belongs to the {node} center; it can only be changed there.").format(
                    node=detail.owner_node
                )
            )
        if detail.needs_review:
            notes.append(_("Changed in two places at once: please review this case."))
        self.notice.setText(" ".join(notes))
        self.notice.setVisible(bool(notes))

    def _render_buttons(self, detail: CaseDetail) -> None:
        editable, status = self.editable(), detail.status
        self.consult_button.setVisible(editable)
        self.pending_button.setVisible(editable and status == CaseStatus.OPEN)
        self.close_button.setVisible(editable and status in (CaseStatus.OPEN, CaseStatus.PENDING))
        self.reopen_button.setVisible(editable and status == CaseStatus.CLOSED)
        self.assign_button.setVisible(editable and status != CaseStatus.CLOSED)
        # a case that arrived by transfer waits for a lawyer of this center: assigning it is
        # the one thing to do, and it goes first
        arrived = editable and status == CaseStatus.TRANSFERRED
        self.assign_button.setStyleSheet("font-weight: 600;" if arrived else "")
        self.consult_button.setStyleSheet("" if arrived else "font-weight: 600;")
        first = self.assign_button if arrived else self.consult_button
        if self.action_row.indexOf(first) != 0:
            self.action_row.removeWidget(first)
            self.action_row.insertWidget(0, first)
        self.print_button.setVisible(self.may_print(detail))
        self.corrections.set_case(detail, editable)
        self.transfer.set_case(detail)

    def _tab_titles(self) -> None:
        detail = self.detail
        counts = (
            (_("&Consultations"), len(detail.consultations) if detail else 0),
            (_("Par&ties"), len(detail.parties) if detail else 0),
            (_("Dead&lines"), len(detail.deadlines) if detail else 0),
            (_("Doc&uments"), len(detail.attachments) if detail else 0),
            (_("&Referrals"), len(detail.referrals) if detail else 0),
        )
        for index, (text, count) in enumerate(counts):
            self.tabs.setTabText(index, f"{text} ({count})")

    # -- records changed in the tabs -----------------------------------------------------------

    def _merge(self, **changes: object) -> None:
        if self.detail is not None:
            self.set_detail(replace(self.detail, **changes))  # type: ignore[arg-type]

    def _consultation_added(self, info: ConsultationInfo) -> None:
        if self.detail is not None:
            self._merge(consultations=(*self.detail.consultations, info))
            self.status_message.emit(_("Consultation saved."))

    def _party_added(self, info: PartyInfo) -> None:
        if self.detail is not None:
            self._merge(parties=(*self.detail.parties, info))
            self.refresh()  # a conflict decision may have been recorded with it

    def _party_removed(self, party_id: str) -> None:
        if self.detail is not None:
            self._merge(parties=tuple(p for p in self.detail.parties if p.id != party_id))

    def _deadline_changed(self, info: DeadlineInfo) -> None:
        if self.detail is None:
            return
        others = tuple(d for d in self.detail.deadlines if d.id != info.id)
        self._merge(deadlines=tuple(sorted((*others, info), key=lambda d: d.due_on)))

    def _attachment_added(self, info: AttachmentInfo) -> None:
        if self.detail is not None:
            self._merge(attachments=(*self.detail.attachments, info))

    def _referral_saved(self, info: ReferralInfo) -> None:
        if self.detail is None:
            return
        others = tuple(r for r in self.detail.referrals if r.id != info.id)
        ordered = sorted((*others, info), key=lambda r: (r.referred_on, r.id))
        self._merge(referrals=tuple(ordered))
        self.status_message.emit(
            _("Case {number}: referral saved.").format(number=self.detail.number)
        )

    # -- actions --------------------------------------------------------------------------------

    def _open(self, dialog: QDialog, on_saved: object) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        open_dialog(dialog, on_saved)  # type: ignore[arg-type]

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def add_consultation(self) -> None:
        """Open the quick "Add consultation" dialog (Ctrl+N)."""
        if self.detail is not None and self.editable():
            dialog = ConsultationDialog(self.ctx, self.number, self.detail.opened_on, self)
            self._open(dialog, self._consultation_added)

    def close_case(self) -> None:
        if self.detail is not None and self.close_button.isVisible():
            dialog = CloseCaseDialog(self.ctx, self.number, self.detail.opened_on, self)
            self._open(dialog, self._status_changed)

    def assign_lawyer(self) -> None:
        if self.detail is not None and self.assign_button.isVisible():
            dialog = AssignLawyerDialog(self.ctx, self.number, self.detail.assigned_lawyer, self)
            self._open(dialog, self._status_changed)

    def set_pending(self) -> None:
        question = _("Set case {number} to pending?").format(number=self.number)
        if self.detail is not None and confirm(self, _("Set pending"), question):
            self._case_action(self.ctx.services.cases.set_pending)

    def reopen(self) -> None:
        question = _("Reopen case {number}?").format(number=self.number)
        if self.detail is not None and confirm(self, _("Reopen case"), question):
            self._case_action(self.ctx.services.cases.reopen)

    def _case_action(self, action: Callable[[str], CaseDetail]) -> None:
        number = self.number
        WriteOp(
            self.ctx.tasks,
            lambda: action(number),
            changes={Change.CASES, Change.AGENDA},
            success=self._status_changed,
            parent=self,
        ).latest("action").run()

    def _status_changed(self, detail: CaseDetail) -> None:
        self.set_detail(detail)
        self.status_message.emit(
            _("Case {number}: {status}").format(
                number=detail.number, status=self.ctx.label("case_statuses", detail.status)
            )
        )

    def _campaign_linked(self, detail: CaseDetail) -> None:
        self.set_detail(detail)
        self.status_message.emit(_("Case {number}: campaign saved.").format(number=detail.number))

    def may_print(self, detail: CaseDetail) -> bool:
        """Whether the user may print this case's summary: a lawyer only the cases assigned to
        them (the report service checks the same and refuses the rest)."""
        actor = self.ctx.actor
        return actor.can(Permission.PRINT_ANY_CASE) or (
            actor.can(Permission.PRINT) and detail.assigned_lawyer == actor.username
        )

    def request_print(self) -> None:
        """Open the preview of the case summary (Ctrl+P), from where it is printed or saved."""
        if self.detail is not None and self.may_print(self.detail):
            self.print_summary_requested.emit(self.number)
            self.open_summary_preview(self.number)

    def open_summary_preview(self, number: str) -> PdfPreviewDialog:
        """The preview of case ``number``'s summary (rendered in the background)."""
        reports = self.ctx.services.reports
        if self.preview is not None:
            self.preview.close()

        def produce(lang: str, contact: bool) -> ReportDocument:
            return reports.case_summary_document(number, lang=lang, include_contact=contact)

        dialog = open_preview(
            self.ctx,
            self,
            lambda: _("Case summary {number}").format(number=number),
            produce,
            contact_option=True,
        )
        self.preview = dialog
        dialog.finished.connect(lambda _r: self._preview_closed(dialog))
        return dialog

    def _preview_closed(self, dialog: PdfPreviewDialog) -> None:
        if self.preview is dialog:
            self.preview = None

    def _client_clicked(self) -> None:
        if self.detail is not None:
            self.open_client.emit(self.detail.client.id)

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.print_button.setText(_("&Print summary…"))
        self.print_button.setToolTip(_("PDF summary of the case (Ctrl+P)"))
        self.client_caption.setText(_("Client:"))
        self.client_button.setToolTip(_("Open the client's record"))
        self.client_button.setAccessibleName(_("Client"))
        self.consult_button.setText(_("&Add consultation"))
        self.consult_button.setToolTip(_("Log a consultation (Ctrl+N)"))
        self.pending_button.setText(_("Set pe&nding"))
        self.close_button.setText(_("Cl&ose case…"))
        self.reopen_button.setText(_("Re&open"))  # Alt+R: the Referrals tab
        self.assign_button.setText(_("Assi&gn lawyer…"))
        self.tabs.setAccessibleName(_("Case records"))
        self.campaign_link.retranslate()
        self.corrections.retranslate()
        self.transfer.retranslate()
        self.timeline.retranslate()
        if self.preview is not None:
            self.preview.retranslate()
        for tab in (self.parties_tab, self.deadlines_tab, self.documents_tab, self.referrals_tab):
            tab.retranslate()
        self._tab_titles()
        self._render()
