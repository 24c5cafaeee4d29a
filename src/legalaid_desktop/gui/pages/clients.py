"""The client list: filters, registration (Ctrl+N) and the client record (Enter)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from legalaid_desktop.domain.cases import CaseDetail, ClientInfo
from legalaid_desktop.domain.cases import Page as ListPage
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import OpenCaseDialog
from legalaid_desktop.gui.dialogs.client_dialog import ClientDialog
from legalaid_desktop.gui.dialogs.next_steps import (
    OPEN_CASE,
    PRINT_CONSENT,
    RECORD_CONSENT,
    NextStepsDialog,
)
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog, open_preview
from legalaid_desktop.gui.models.columns import CLIENT_CENTER_COLUMN, client_columns
from legalaid_desktop.gui.models.paged_table import PagedTableModel
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.center_filter import CenterFilter
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.import_button import ImportButton
from legalaid_desktop.gui.widgets.list_export import ExportButton, Job, export_work
from legalaid_desktop.gui.widgets.list_tools import FilterField
from legalaid_desktop.gui.widgets.table import ListTable
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.export_lists import ListFilters
from legalaid_desktop.services.reports import ReportDocument


class ClientsPage(Page):
    """Clients in alphabetical order, filtered by region and gender.

    ``active_dialog`` is the client dialog currently open (``None`` when none is);
    ``next_steps`` the "Saved. Next:" dialog after a registration, ``case_dialog`` the last
    "Open case" dialog opened from here.
    """

    shows = frozenset({Change.CLIENTS})

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.active_dialog: ClientDialog | None = None
        self.next_steps: NextStepsDialog | None = None
        self.case_dialog: OpenCaseDialog | None = None
        self._registered: ClientInfo | None = None
        self._merged_from = ""  # the number of the merged-away client asked for, if it was
        self.preview: PdfPreviewDialog | None = None
        self._loaded = False
        self.model = PagedTableModel(ctx.tasks, client_columns(ctx), self)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.region_label = QLabel(self)
        self.region = CodeCombo(ctx, "regions", empty_text=lambda: _("All regions"), parent=self)
        self.gender_label = QLabel(self)
        self.gender = CodeCombo(ctx, "genders", empty_text=lambda: _("All"), parent=self)
        self.region_label.setBuddy(self.region)
        self.gender_label.setBuddy(self.gender)
        self.count_label = QLabel(self)
        self.register_button = QPushButton(self)
        self.register_button.setDefault(False)
        self.export_button = ExportButton(ctx, "clients", self._export_job, self)
        self.export_button.message.connect(self.status_message)
        self.import_button = ImportButton(ctx, self)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #5f6368; padding: 24px;")
        self.empty_label.hide()
        self.table = ListTable(self)
        self.table.setModel(self.model)
        self.table.set_widths([360, 120, 100, 280, 110], stretch=0)
        self.center = CenterFilter(ctx, self.table, CLIENT_CENTER_COLUMN, self)
        self.center.changed.connect(self.refresh)
        self.filter = FilterField(self)
        self.filter.focus_key(self)
        self.filter.changed.connect(lambda _t: self.refresh())
        self.filter.to_list.connect(self.table.setFocus)
        self.model.order_changed.connect(self.refresh)
        self.table.sort_by_headers(0)  # by name, as the service lists them
        self._lay_out()
        can_edit = ctx.actor.can(Permission.EDIT_CASES)
        self.register_button.setVisible(can_edit)
        shortcut = QShortcut(QKeySequence.StandardKey.New, self, self.register_client)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.setEnabled(can_edit)
        self.register_button.clicked.connect(self.register_client)
        self.region.currentIndexChanged.connect(lambda _i: self.refresh())
        self.gender.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.activated.connect(self._open_index)
        self.model.total_changed.connect(lambda _n: self._show_count())
        self.model.loading_changed.connect(lambda _b: self._show_count())
        self.setTabOrder(self.filter, self.region)
        self.setTabOrder(self.region, self.gender)
        self.setTabOrder(self.gender, self.center.combo)
        self.setTabOrder(self.center.combo, self.register_button)
        self.setTabOrder(self.register_button, self.import_button)
        self.setTabOrder(self.import_button, self.export_button)
        self.setTabOrder(self.export_button, self.table)
        self.setFocusProxy(self.table)
        self.retranslate()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.region_label)
        bar.addWidget(self.region, 2)
        bar.addSpacing(12)
        bar.addWidget(self.gender_label)
        bar.addWidget(self.gender, 1)
        bar.addSpacing(12)
        bar.addWidget(self.center)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.export_button)
        bar.addWidget(self.import_button)
        bar.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(bar)
        layout.addWidget(self.filter)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

    # -- Page -----------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Clients")

    def refresh(self) -> None:
        """Reload the list (first page) with the current filters."""
        self._loaded = True
        self.center.start()
        region, gender, center = self.region.code(), self.gender.code(), self.center.code()
        typed = self.filter.text()
        order, descending = self.model.order()
        clients = self.ctx.services.clients

        def fetch(offset: int, limit: int) -> ListPage[Any]:
            return clients.list(
                region=region,
                gender=gender,
                text=typed,
                order=order,
                descending=descending,
                center=center,
                offset=offset,
                limit=limit,
                count=False,
            )

        def count() -> int:
            return clients.count(region=region, gender=gender, text=typed, center=center)

        # the first rows are painted at once; the number of clients follows in the background
        self.model.reset_query(fetch, count)

    def _export_job(self) -> Job:
        """What "Export…" writes: the list as it is shown (filters, typed text, order)."""
        order, descending = self.model.order()
        filters = ListFilters(
            center=self.center.code(),
            region=self.region.code(),
            gender=self.gender.code(),
            text=self.filter.text(),
            order=order,
            descending=descending,
        )
        return export_work(self.ctx, "clients", filters)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()
        else:
            self.model.reload()

    def retranslate(self) -> None:
        self.heading.setText(_("Clients"))
        self.region_label.setText(_("Re&gion:"))
        self.gender_label.setText(_("Ge&nder:"))
        self.region.retranslate()
        self.gender.retranslate()
        self.center.retranslate()
        self.region.setAccessibleName(_("Filter by region"))
        self.gender.setAccessibleName(_("Filter by gender"))
        self.register_button.setText(_("&Register client…"))
        self.register_button.setToolTip(_("Register a new client (Ctrl+N)"))
        self.export_button.retranslate()
        self.import_button.retranslate()
        self.table.setAccessibleName(_("Clients"))
        self.filter.retranslate()
        self.model.retranslate()
        self._show_count()
        if self.active_dialog is not None:
            self.active_dialog.retranslate()

    def _show_count(self) -> None:
        self.count_label.setText(
            self.model.count_text(
                lambda n: ngettext("{n} client", "{n} clients", n),
                lambda n: ngettext("at least {n} client", "at least {n} clients", n),
            )
        )
        total = self.model.total
        filtered = bool(
            self.region.code()
            or self.gender.code()
            or self.center.code()
            or self.filter.text().strip()
        )
        if total == 0:
            self.empty_label.setText(
                _("No client matches these filters.")
                if filtered
                else _("No clients yet. Press Ctrl+N to register the first one.")
            )
        self.empty_label.setVisible(total == 0)

    # -- actions --------------------------------------------------------------------------------

    def register_client(self) -> None:
        """Open the registration dialog."""
        self._open_dialog(ClientDialog(self.ctx, None, self))

    def show_client(self, client_id: str) -> None:
        """Open the record of ``client_id`` (loaded in the background; viewing is audited); a
        client merged into another opens the one kept, saying so."""
        clients, merges = self.ctx.services.clients, self.ctx.services.merges

        def load() -> tuple[ClientInfo, str]:
            kept, merged_from = merges.resolve(client_id)
            return clients.get(kept), merged_from

        WriteOp(
            self.ctx.tasks, load, success=lambda got: self._edit_client(*got), parent=self
        ).latest("client").run()

    def selected_client_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()).id if index.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_client(self.model.row(index.row()).id)

    def _edit_client(self, info: ClientInfo, merged_from: str = "") -> None:
        self._open_dialog(ClientDialog(self.ctx, info, self))  # closes the one open before
        self._merged_from = merged_from
        self._show_merged_note()

    def _show_merged_note(self) -> None:
        if self.active_dialog is not None:
            self.active_dialog.merge_button.set_merged_from(self._merged_from)

    def _merged(self, kept_id: str) -> None:
        """Two records were merged from the record shown: show the one kept."""
        if self.active_dialog is not None:
            self.active_dialog.reject()
        self.status_message.emit(_("The clients were merged."))
        self.show_client(kept_id)

    def _record_consent(self, info: ClientInfo) -> None:
        """The client's record, at "Record a new consent" (Space starts one; the signed scan's
        button is beside the consents above it)."""
        self._edit_client(info)
        if self.active_dialog is not None:
            self.active_dialog.consent_box.setFocus()

    def _open_dialog(self, dialog: ClientDialog) -> None:
        if self.active_dialog is not None:
            self.active_dialog.reject()
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open_case.connect(self._dialog_case)
        dialog.merge_button.merged.connect(self._merged)
        dialog.new_case.connect(lambda cid, name, d=dialog: self.open_case_for(cid, name, d))
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        dialog.open()

    def _dialog_closed(self, dialog: ClientDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
            self._merged_from = ""
        registered, self._registered = self._registered, None
        if registered is not None:
            self.show_next_steps(registered)
        else:
            self.table.setFocus()

    def _saved(self, info: ClientInfo) -> None:
        self.status_message.emit(_("Client {name} saved.").format(name=info.display_name))
        # the list reloads itself: the save announced that clients changed (``shows``)
        dialog = self.active_dialog
        if dialog is not None and dialog.is_registration():
            self._registered = info  # "Saved. Next:" once the dialog has closed

    # -- after a registration: "Saved. Next:" ---------------------------------------------------

    def show_next_steps(self, info: ClientInfo) -> NextStepsDialog:
        """Offer what usually follows a registration: a case, the consent form, a consent."""
        dialog = NextStepsDialog(self.ctx, info, self)
        self.next_steps = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self._next_step(d))
        dialog.open()
        return dialog

    def _next_step(self, dialog: NextStepsDialog) -> None:
        if self.next_steps is dialog:
            self.next_steps = None
        info = dialog.client
        if dialog.step == OPEN_CASE:
            self.open_case_for(info.id, info.display_name)
        elif dialog.step == PRINT_CONSENT:
            self.print_consent_form(info)
        elif dialog.step == RECORD_CONSENT:
            clients = self.ctx.services.clients
            WriteOp(
                self.ctx.tasks,
                lambda: clients.get(info.id),
                success=self._record_consent,
                parent=self,
            ).latest("client").run()
        else:
            self.table.setFocus()

    def open_case_for(
        self, client_id: str, name: str, parent: QWidget | None = None
    ) -> OpenCaseDialog | None:
        """The "Open case" dialog for this client, at its first empty field (the legal area).

        Once the case is opened, the client's record (if open) closes and the case is shown.
        """
        if not self.ctx.actor.can(Permission.EDIT_CASES):
            return None
        dialog = OpenCaseDialog(self.ctx, (client_id, name), parent or self)
        self.case_dialog = dialog
        open_dialog(dialog, self._case_opened)
        dialog.area.setFocus()
        return dialog

    def _case_opened(self, detail: CaseDetail) -> None:
        self.status_message.emit(_("Case {number} opened.").format(number=detail.number))
        self._dialog_case(detail.number)

    def print_consent_form(self, info: ClientInfo) -> None:
        """The preview of the client's consent form, pre-filled, to print or save."""
        if not self.ctx.actor.can(Permission.PRINT):
            return
        client_id, name = info.id, info.display_name
        reports = self.ctx.services.reports

        def produce(lang: str, _contact: bool) -> ReportDocument:
            return reports.consent_form_document(client_id, lang=lang)

        self.preview = open_preview(
            self.ctx, self, lambda: _("Consent form: {name}").format(name=name), produce
        )

    def _dialog_case(self, number: str) -> None:
        if self.active_dialog is not None:
            self.active_dialog.reject()
        self.open_case.emit(number)
