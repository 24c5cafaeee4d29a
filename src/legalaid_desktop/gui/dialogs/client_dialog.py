"""Register a client or edit one: details, written consent, live duplicate / conflict warning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.cases import (
    ClientInfo,
    ClientInput,
    ConsentInfo,
    ConsentInput,
    ConsentPurpose,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.client_consent_texts import consent_state_text, consent_texts
from legalaid_desktop.gui.dialogs.client_export import ExportButton
from legalaid_desktop.gui.dialogs.client_kind_fields import ClientKindMixin
from legalaid_desktop.gui.dialogs.conflict_decision import DecisionMixin
from legalaid_desktop.gui.dialogs.consent_scan import ID_ROLE, ConsentScanMixin
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog, new_form, plain
from legalaid_desktop.gui.dialogs.history_dialog import CLIENT, HistoryButton
from legalaid_desktop.gui.dialogs.merge_dialog import MergeButton
from legalaid_desktop.gui.dialogs.pdf_preview import PdfPreviewDialog, open_preview
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.conflict_banner import ConflictBanner
from legalaid_desktop.gui.widgets.dates import DateEdit, OptionalDateEdit
from legalaid_desktop.gui.widgets.dialogs import confirm
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.reports import ReportDocument

CONSENT_YEARS = 5
_ID_ROLE = ID_ROLE


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ClientDialog(DecisionMixin, ConsentScanMixin, ClientKindMixin, FormDialog):
    """Register a new client (with consent) or edit an existing one: a person, or an
    organization or initiative group (:class:`ClientKindMixin`).

    Args:
        ctx: The screen's context.
        client: The client to edit (with consents and case numbers); ``None`` to register.

    Signals:
        open_case(str): a case number of this client was clicked.
        new_case(str, str): "New case" was pressed (Ctrl+N): the client's id and name.
        declined(): a new client matching strongly was declined (nothing saved).
    """

    changes = frozenset({Change.CLIENTS, Change.CASES})

    open_case = Signal(str)
    new_case = Signal(str, str)
    declined = Signal()

    def __init__(
        self, ctx: GuiContext, client: ClientInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._init_decision()
        self._client = client
        self.preview: PdfPreviewDialog | None = None
        self.setMinimumWidth(1040)
        self.name = QLineEdit(self)
        self.banner = ConflictBanner(ctx, self)
        self.banner.hits_changed.connect(self.fit_later)
        self.banner.needs_room.connect(self.fit_later)
        self.gender = CodeCombo(ctx, "genders", empty_text=lambda: _("Choose…"), parent=self)
        self.birth_year = QLineEdit(self)
        self.birth_year.setValidator(QRegularExpressionValidator(r"\d{0,4}", self.birth_year))
        self.birth_year.setMaximumWidth(120)
        self.region = CodeCombo(ctx, "regions", empty_text=lambda: _("Choose…"), parent=self)
        self.displacement = CodeCombo(ctx, "displacement", parent=self)
        self.disability = CodeCombo(ctx, "disability", parent=self)
        self.phone = QLineEdit(self)
        self.address = QLineEdit(self)
        self.referral = QLineEdit(self)
        self._build_kind(self)  # above the name; the dialog still opens on the name
        self.add_field("full_name", self.name_label, self.name)
        self.form.addRow(self.banner)
        self.add_field("gender", lambda: _("&Gender"), self.gender)
        self.add_field("birth_year", lambda: _("&Birth year"), self.birth_year)
        self._build_group_fields(self)
        self.add_field("region", lambda: _("&Region"), self.region)
        self.add_field("displacement", lambda: _("&Displacement status"), self.displacement)
        self.add_field("disability", lambda: _("D&isability"), self.disability)
        self.add_field("phone", lambda: _("&Phone"), self.phone)
        self.add_field("address", lambda: _("&Address"), self.address)
        self.add_field("referral_source", lambda: _("How they &heard of us"), self.referral)
        self.consent_box = self._build_consent()
        self.history_box = self._build_history() if client is not None else None
        self._lay_out()
        for widget in (self.name, self.birth_year, self.phone):
            widget.textEdited.connect(self._check_conflicts)
            widget.textEdited.connect(self.forget_decision)
        self.displacement.set_code("resident")
        self.disability.set_code("none")
        if client is not None:
            self._fill(client)
        self._show_kind_rows()
        self._set_tab_order()
        self._build_personal_data()
        self.retranslate()
        self.name.setFocus()  # most clients are people: the kind is changed by going back to it

    # -- building -------------------------------------------------------------------------------

    def _build_consent(self) -> QGroupBox:
        box = QGroupBox(self)
        form = new_form()
        # A purpose's check box is wider than the column in ru and az: put it under its label.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        box.setLayout(form)
        self.consent_date = DateEdit(today(), box)
        self.consent_date.set_latest(today())
        self.purposes: dict[str, QCheckBox] = {}
        purposes = QWidget(box)
        column = QVBoxLayout(purposes)
        column.setContentsMargins(0, 0, 0, 0)
        for code in self.ctx.catalog["consent_purposes"].codes():
            check = QCheckBox(purposes)  # unticked, as on the paper form: the client ticks
            check.toggled.connect(lambda _on: self.field_changed("purposes"))
            column.addWidget(check)
            self.purposes[code] = check
        self.valid_until = OptionalDateEdit(_years_later(today(), CONSENT_YEARS), box)
        self.add_field("given_on", lambda: _("&Consent date"), self.consent_date, form)
        self.add_field("purposes", lambda: _("Purposes"), purposes, form)
        self.add_field("valid_until", lambda: _("&Valid until"), self.valid_until, form)
        self.consent_date.dateChanged.connect(lambda _d: self.field_changed("valid_until"))
        if self._client is not None:
            box.setCheckable(True)
            box.setChecked(False)
            box.toggled.connect(lambda _on: self.revalidate())
        return box

    def _build_history(self) -> QGroupBox:
        box = QGroupBox(self)
        layout = QVBoxLayout(box)
        self.consents = QTreeWidget(box)
        self.consents.setRootIsDecorated(False)
        self.consents.setUniformRowHeights(False)
        self.consents.setWordWrap(True)  # the purposes are long, above all in ru and az
        self.consents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.consents.setColumnCount(4)
        self.consents.header().setStretchLastSection(False)
        self.consents.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # Row heights are measured at the column's width: measure again when it changes.
        self.consents.header().sectionResized.connect(lambda *_a: self._fit_consent_rows())
        self.consents.setMinimumHeight(110)
        self.withdraw_button = QPushButton(box)
        self.withdraw_button.clicked.connect(self._withdraw)
        self.withdraw_button.setEnabled(False)
        self.consents.currentItemChanged.connect(lambda *_a: self._update_withdraw())
        self.consent_state = QLabel(box)  # withdrawn or expired: what it means for the record
        self.consent_state.setWordWrap(True)
        set_role(self.consent_state, "warning")
        self.consent_state.hide()
        self.consent_form_button = QPushButton(box)
        self.consent_form_button.clicked.connect(self.print_consent_form)
        self.consent_form_button.setVisible(self.ctx.actor.can(Permission.PRINT))
        self.cases_title = QLabel(box)
        self.cases_label = QLabel(box)
        self.cases_label.setWordWrap(True)
        self.cases_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.cases_label.linkActivated.connect(self._case_link)
        self.cases_title.setBuddy(self.cases_label)
        self.new_case_button = QPushButton(box)
        self.new_case_button.clicked.connect(self.request_new_case)
        self.new_case_button.setVisible(self.ctx.actor.can(Permission.EDIT_CASES))
        new_case_key = QShortcut(QKeySequence.StandardKey.New, self, self.request_new_case)
        new_case_key.setEnabled(self.ctx.actor.can(Permission.EDIT_CASES))
        layout.addWidget(self.consent_state)
        layout.addWidget(self.consents)
        row = QHBoxLayout()
        row.addWidget(self.consent_form_button)
        self._build_scan_button(box, row)
        row.addStretch(1)
        row.addWidget(self.withdraw_button)
        layout.addLayout(row)
        cases_row = QHBoxLayout()
        cases_row.addWidget(self.cases_title)
        cases_row.addStretch(1)
        cases_row.addWidget(self.new_case_button)
        layout.addLayout(cases_row)
        layout.addWidget(self.cases_label)
        return box

    def _lay_out(self) -> None:
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        right = QVBoxLayout()
        if self.history_box is not None:
            right.addWidget(self.history_box)
        right.addWidget(self.consent_box)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)  # the consents table needs room for the long purposes
        self.outer.addLayout(columns, 1)
        self.outer.addWidget(self.general_error)
        self.outer.addWidget(self.hint)
        self.outer.addWidget(self.buttons)

    def _set_tab_order(self) -> None:
        """Details first, then the client's consents and cases, then the new consent."""
        chain: list[QWidget] = [
            self.kind,
            self.name,
            self.gender,
            self.birth_year,
            *self.group_widgets(),
            self.region,
            self.displacement,
            self.disability,
            self.phone,
            self.address,
            self.referral,
        ]
        if self.history_box is not None:
            chain += [self.consents, self.consent_form_button, self.withdraw_button]
            chain += [self.cases_label, self.new_case_button]
        if self.consent_box.isCheckable():
            chain.append(self.consent_box)
        chain += [self.consent_date, *self.purposes.values(), self.valid_until.check]
        chain += [self.valid_until.edit, *self.buttons.buttons()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _fill(self, client: ClientInfo) -> None:
        self.name.setText(client.full_name)
        self.gender.set_code(client.gender)
        self.birth_year.setText(str(client.birth_year) if client.birth_year else "")
        self.region.set_code(client.region)
        self.displacement.set_code(client.displacement)
        self.disability.set_code(client.disability)
        self.phone.setText(client.phone)
        self.address.setText(client.address)
        self.referral.setText(client.referral_source)
        for line in (self.name, self.phone, self.address, self.referral):
            line.setCursorPosition(0)  # show the start of a long address, not its end
        self._fill_kind(client)
        self.touch_all()

    # -- behaviour ------------------------------------------------------------------------------

    def _check_conflicts(self, *_args: object) -> None:
        phone = self.phone.text().strip()
        self.banner.check(
            self.name.text(),
            birth_year=checks.parse_year(self.birth_year.text())
            if self.is_person() and checks.birth_year(self.birth_year.text()) is None
            else None,
            phone=phone if phone and checks.phone(phone) is None else None,
            exclude_client_id=self._client.id if self._client else None,
            kind=self.kind.code() or "person",
        )

    def _consent_wanted(self) -> bool:
        return not self.consent_box.isCheckable() or self.consent_box.isChecked()

    def _chosen_purposes(self) -> tuple[str, ...]:
        return tuple(code for code, check in self.purposes.items() if check.isChecked())

    def validate(self) -> dict[str, str]:
        person = self.is_person()  # an organization has no gender nor birth year
        found = {
            "full_name": checks.person_name(self.name.text(), plain(self.name_label())),
            "gender": checks.chosen(self.gender.code(), _("Choose the gender."))
            if person
            else None,
            "birth_year": checks.birth_year(self.birth_year.text()) if person else None,
            "region": checks.chosen(self.region.code(), _("Choose the region.")),
            "phone": checks.phone(self.phone.text()),
            **self.validate_group(),
        }
        if self._consent_wanted():
            if ConsentPurpose.STORE_PROCESS.value not in self._chosen_purposes():
                found["purposes"] = _(
                    "Without consent to store and process the data, the client cannot be recorded."
                )
            until = self.valid_until.value()
            if until is not None and until < self.consent_date.value():
                found["valid_until"] = _("The consent ends before it was given.")
        return {name: message for name, message in found.items() if message}

    def client_input(self) -> ClientInput:
        """The form's values as the service takes them."""
        person = self.is_person()
        return ClientInput(
            full_name=self.name.text(),
            gender=(self.gender.code() or "") if person else "",
            region=self.region.code() or "",
            birth_year=checks.parse_year(self.birth_year.text()) if person else None,
            phone=self.phone.text().strip(),
            address=self.address.text(),
            displacement=self.displacement.code() or "resident",
            disability=self.disability.code() or "none",
            referral_source=self.referral.text(),
            **self.group_values(),  # type: ignore[arg-type]
        )

    def consent_input(self) -> ConsentInput | None:
        if not self._consent_wanted():
            return None
        return ConsentInput(
            given_on=self.consent_date.value(),
            purposes=self._chosen_purposes(),
            valid_until=self.valid_until.value(),
        )

    def save_call(self) -> Callable[[], Any]:
        data, consent = self.client_input(), self.consent_input()
        clients = self.ctx.services.clients
        if self._client is None:
            decision = self.conflict_decision
            return lambda: clients.register(data, consent, decision)
        client_id = self._client.id

        def update() -> ClientInfo:
            info = clients.update(client_id, data)
            if consent is not None:
                info = clients.add_consent(client_id, consent)
            return info

        return update

    def decline_call(self) -> Callable[[], Any]:
        data, conflicts = self.client_input(), self.ctx.services.conflicts
        return lambda: conflicts.decline_client(
            data.full_name, birth_year=data.birth_year, phone=data.phone or None, kind=data.kind
        )

    # -- consents and cases of an existing client -----------------------------------------------

    def _fit_consent_rows(self) -> None:
        """Make each row as tall as its purposes need, wrapped at the column's current width."""
        width = self.consents.columnWidth(3) - 8
        if width <= 0:
            return
        metrics = self.consents.fontMetrics()
        for index in range(self.consents.topLevelItemCount()):
            item = self.consents.topLevelItem(index)
            if item is None:
                continue
            box = metrics.boundingRect(
                QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), item.text(3)
            )
            item.setSizeHint(3, QSize(width, box.height() + 6))
        self.consents.scheduleDelayedItemsLayout()

    def _show_history(self) -> None:
        if self._client is None:
            return
        self.consents.clear()
        for consent in reversed(self._client.consents):
            texts = consent_texts(self.ctx, consent)
            item = QTreeWidgetItem(texts)
            item.setData(0, _ID_ROLE, consent.id)
            item.setToolTip(3, texts[3])
            self.consents.addTopLevelItem(item)
        for column in range(3):
            self.consents.resizeColumnToContents(column)
        self._fit_consent_rows()
        self._show_consent_state(self._client)
        numbers = self._client.case_numbers
        if numbers:
            links = ", ".join(f'<a href="{n}">{n}</a>' for n in numbers)
            self.cases_label.setText(links)
        else:
            self.cases_label.setText(_("No cases yet."))
        self._update_withdraw()

    def _show_consent_state(self, client: ClientInfo) -> None:
        """A line above the consents when processing was withdrawn or a consent expired."""
        text = consent_state_text(self.ctx, client)
        self.consent_state.setText(text)
        self.consent_state.setVisible(bool(text))

    def _update_withdraw(self) -> None:
        item = self.consents.currentItem()
        consent = self._consent_of(item.data(0, _ID_ROLE)) if item else None
        self.withdraw_button.setEnabled(consent is not None and consent.withdrawn_on is None)

    def _consent_of(self, consent_id: str) -> ConsentInfo | None:
        consents = self._client.consents if self._client else ()
        return next((c for c in consents if c.id == consent_id), None)

    def _withdraw(self) -> None:
        item = self.consents.currentItem()
        if item is None or self._client is None:
            return
        question = _("Record that the client withdrew this consent today?")
        if not confirm(self, _("Withdraw consent"), question):
            return
        client_id, consent_id = self._client.id, item.data(0, _ID_ROLE)
        clients = self.ctx.services.clients
        self.withdraw_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: clients.withdraw_consent(client_id, consent_id),
            changes={Change.CLIENTS},
            success=self._withdrawn,
            failure=self._withdraw_failed,
            parent=self,
        ).latest("withdraw").run()

    def _withdraw_failed(self, exc: BaseException) -> None:
        self.general_error.show_message(str(exc))
        self._update_withdraw()

    def _withdrawn(self, info: ClientInfo) -> None:
        self._client = info
        self._show_history()

    def print_consent_form(self) -> PdfPreviewDialog | None:
        """Open the preview of the client's consent form, pre-filled, to print or save."""
        if self._client is None or not self.ctx.actor.can(Permission.PRINT):
            return None
        client_id, name = self._client.id, self._client.display_name
        reports = self.ctx.services.reports
        if self.preview is not None:
            self.preview.close()

        def produce(lang: str, _contact: bool) -> ReportDocument:
            return reports.consent_form_document(client_id, lang=lang)

        dialog = open_preview(
            self.ctx, self, lambda: _("Consent form: {name}").format(name=name), produce
        )
        self.preview = dialog
        dialog.finished.connect(lambda _r: self._preview_closed(dialog))
        return dialog

    def _preview_closed(self, dialog: PdfPreviewDialog) -> None:
        if self.preview is dialog:
            self.preview = None

    def _case_link(self, number: str) -> None:
        self.open_case.emit(number)

    def is_registration(self) -> bool:
        """Whether this dialog registers a new client (not the record of one)."""
        return self._client is None

    def request_new_case(self) -> None:
        """Ask for a new case of this client (the page opens the "Open case" dialog)."""
        client = self._client
        if client is None or not self.new_case_button.isVisibleTo(self):
            return
        self.new_case.emit(client.id, client.display_name)

    # -- texts ----------------------------------------------------------------------------------

    def window_title(self) -> str:
        if self._client is None:
            return _("Register client")
        if not self._client.number:
            return _("Client: {name}").format(name=self._client.display_name)
        return _("Client {number}: {name}").format(
            number=self._client.number, name=self._client.display_name
        )

    def retranslate_extra(self) -> None:
        self._retranslate_kind()
        self.birth_year.setPlaceholderText(_("e.g. 1985"))
        self.phone.setPlaceholderText("+994 50 123 45 67")
        for combo in (self.gender, self.region, self.displacement, self.disability):
            combo.retranslate()
        for code, check in self.purposes.items():
            check.setText(self.ctx.label("consent_purposes", code))
        self.purposes[ConsentPurpose.STORE_PROCESS.value].setToolTip(_("Required"))
        self.valid_until.set_texts(_("Until"), _("Valid until"))
        if self._client is None:
            self.consent_box.setTitle(_("Written consent (Law on Personal Data)"))
        else:
            self.consent_box.setTitle(_("Record a new consent"))
        if self.history_box is not None:
            number = self._client.number if self._client is not None else ""
            title = _("Consents and cases")
            self.history_box.setTitle(f"{number} · {title}" if number else title)
            self.consents.setHeaderLabels([_("Given"), _("Valid until"), _("State"), _("Purposes")])
            self.consents.setAccessibleName(_("Consents"))
            self.withdraw_button.setText(_("&Withdraw consent…"))
            self.consent_form_button.setText(_("Print c&onsent form…"))
            self.consent_form_button.setToolTip(
                _("The consent form pre-filled for this client, to print and sign")
            )
            if self.preview is not None:
                self.preview.retranslate()
            self._retranslate_scan()
            self.cases_title.setText(_("Ca&ses:"))
            self.cases_label.setAccessibleName(_("Cases of this client"))
            self.new_case_button.setText(_("&New case…"))
            self.new_case_button.setToolTip(_("Open a new case for this client (Ctrl+N)"))
            self._show_history()
        self.banner.retranslate()

    # -- personal data: an anonymized client, the access report ---------------------------------

    def _build_personal_data(self) -> None:
        """The "Export everything held…" button (managers) and, for an anonymized client, a
        record that can be read but not changed."""
        client = self._client
        self.read_only = client is not None and client.anonymized
        self.export_button = ExportButton(
            self.ctx, client.id if client else None, self, client.number if client else ""
        )
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setVisible(self.export_button.allowed)  # adding it showed it
        self.export_button.failed.connect(self.general_error.show_message)
        self.history_button = HistoryButton(self.ctx, self, lambda: _("His&tory…"))
        if client is not None:  # the corrections of the client's record and cases (issue 19)
            subject = " · ".join(t for t in (client.number, client.display_name) if t)
            self.history_button.set_record(CLIENT, client.id, subject)
        self.buttons.addButton(self.history_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.history_button.setVisible(self.history_button.allowed)  # adding it showed it
        self.merge_button = MergeButton(self.ctx, client, self)  # a duplicate (issue 19)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.setVisible(self.merge_button.allowed)
        self.outer.insertWidget(self.outer.indexOf(self.buttons), self.merge_button.note)
        self.outer.insertWidget(self.outer.indexOf(self.buttons), self.export_button.status)
        if not self.read_only:
            return
        for line in (self.name, self.birth_year, self.phone, self.address, self.referral):
            line.setReadOnly(True)
        for combo in (self.gender, self.region, self.displacement, self.disability):
            combo.setEnabled(False)
        self._kind_read_only()
        self.consent_box.hide()
        self.save_button.hide()
        self.revalidate()
        if self.history_box is not None:
            self.withdraw_button.hide()
            self.consent_form_button.hide()
            self.new_case_button.hide()

    def retranslate(self) -> None:
        super().retranslate()
        self.export_button.retranslate()
        self.history_button.retranslate()
        self.merge_button.retranslate()
        if self.read_only and self._client is not None:
            self.name.setText(self._client.display_name)
            for line in (self.birth_year, self.phone, self.address, self.referral):
                line.setPlaceholderText("")  # an example number would pass for theirs
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
            self.hint.setText(
                _(
                    "This client was anonymized: what statistics need is kept, and nothing can "
                    "be changed."
                )
            )
            self.hint.show()

    def revalidate(self) -> bool:
        if getattr(self, "read_only", False):  # nothing to check: nothing can be saved
            for name in self._fields:
                self._fields[name].error.show_message(None)
            self.save_button.setEnabled(False)
            return False
        return super().revalidate()

    def submit(self) -> None:
        if not getattr(self, "read_only", False):
            super().submit()
