"""Dialogs of case work: open a case, add a consultation, party or deadline, close, assign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGroupBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from legalaid_desktop.domain.cases import (
    MAX_MINUTES,
    CaseInput,
    ConsultationInput,
    ConsultationMode,
    CorruptionInput,
    PartyRole,
)
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.conflict_decision import DecisionMixin
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog, new_form
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.client_picker import ClientPicker
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.conflict_banner import ConflictBanner
from legalaid_desktop.gui.widgets.dates import DateEdit, OptionalDateEdit, to_qdate
from legalaid_desktop.gui.widgets.lawyer_combo import LawyerCombo
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today

CORRUPTION = "corruption"


def text_box(parent: QWidget, height: int = 70) -> QPlainTextEdit:
    """A multi-line field where Tab moves on (keyboard users) instead of typing a tab."""
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


def _choose() -> str:
    return _("Choose…")


class OpenCaseDialog(FormDialog):
    """Open a case for a client found by typing, with ALAC details for corruption complaints.

    Args:
        ctx: The screen's context.
        client: ``(id, name)`` of a client to preselect, if any.
    """

    changes = frozenset({Change.CASES, Change.CLIENTS})

    def __init__(
        self,
        ctx: GuiContext,
        client: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.setMinimumWidth(640)
        self.client = ClientPicker(ctx, self)
        self.area = CodeCombo(ctx, "legal_areas", empty_text=_choose, parent=self)
        self.summary = text_box(self, 90)
        self.lawyer = LawyerCombo(ctx, assignable=True, parent=self)
        self.opened_on = DateEdit(today(), self)
        self.opened_on.set_latest(today())
        self.add_field("client_id", lambda: _("C&lient"), self.client)
        self.add_field("legal_area", lambda: _("Legal &area"), self.area)
        self.add_field("summary", lambda: _("&Summary"), self.summary)
        self.add_field("lawyer", lambda: _("La&wyer"), self.lawyer)
        self.add_field("opened_on", lambda: _("&Opened on"), self.opened_on)
        self.corruption_box = QGroupBox(self)
        form = new_form()
        self.corruption_box.setLayout(form)
        self.sector = CodeCombo(ctx, "corruption_sectors", empty_text=_choose, parent=self)
        self.conduct = CodeCombo(ctx, "corruption_conduct", empty_text=_choose, parent=self)
        self.institution = QLineEdit(self)
        self.amount = QLineEdit(self)
        self.amount.setValidator(QRegularExpressionValidator(r"\d{0,12}", self.amount))
        self.reported_to = QLineEdit(self)
        self.add_field("sector", lambda: _("S&ector"), self.sector, form)
        self.add_field("conduct", lambda: _("&Type of conduct"), self.conduct, form)
        self.add_field("institution", lambda: _("&Institution"), self.institution, form)
        self.add_field("amount_requested", lambda: _("Amount re&quested (AZN)"), self.amount, form)
        self.add_field("reported_to", lambda: _("&Reported to"), self.reported_to, form)
        self.form.addRow(self.corruption_box)
        self.finish_layout()
        self.area.currentIndexChanged.connect(lambda _i: self._show_corruption())
        # the lawyer is filled in when the users arrive, maybe after everything else was typed
        self.lawyer.loaded.connect(self.revalidate)
        if client is not None:
            self.client.set_client(*client)
        self._show_corruption()
        self.retranslate()

    def _is_corruption(self) -> bool:
        return self.area.code() == CORRUPTION

    def _show_corruption(self) -> None:
        self.corruption_box.setVisible(self._is_corruption())
        self.revalidate()
        self.fit_later()

    def validate(self) -> dict[str, str]:
        found = {
            "client_id": checks.chosen(self.client.client_id(), _("Find and choose the client.")),
            "legal_area": checks.chosen(self.area.code(), _("Choose the legal area.")),
            "summary": checks.required(self.summary.toPlainText(), _("Summary")),
            "lawyer": checks.chosen(self.lawyer.username(), _("Choose the lawyer.")),
        }
        if self._is_corruption():
            found["sector"] = checks.chosen(self.sector.code(), _("Choose the sector."))
            found["conduct"] = checks.chosen(self.conduct.code(), _("Choose the type of conduct."))
        return {name: message for name, message in found.items() if message}

    def case_input(self) -> CaseInput:
        corruption = None
        if self._is_corruption():
            amount = self.amount.text().strip()
            corruption = CorruptionInput(
                sector=self.sector.code() or "",
                conduct=self.conduct.code() or "",
                institution=self.institution.text(),
                amount_requested=int(amount) if amount else None,
                reported_to=self.reported_to.text(),
            )
        return CaseInput(
            client_id=self.client.client_id(),
            legal_area=self.area.code() or "",
            summary=self.summary.toPlainText(),
            lawyer=self.lawyer.username(),
            opened_on=self.opened_on.value(),
            corruption=corruption,
        )

    def save_call(self) -> Callable[[], Any]:
        data, cases = self.case_input(), self.ctx.services.cases
        return lambda: cases.open(data)

    def window_title(self) -> str:
        return _("Open case")

    def retranslate_extra(self) -> None:
        for combo in (self.area, self.sector, self.conduct):
            combo.retranslate()
        self.client.retranslate()
        self.lawyer.retranslate()
        self.corruption_box.setTitle(_("Corruption complaint (ALAC)"))
        self.summary.setPlaceholderText(_("What the client asks for, in a few sentences"))
        self.reported_to.setPlaceholderText(_("e.g. Prosecutor's anti-corruption department"))


class ConsultationDialog(FormDialog):
    """Log a consultation of a case (date defaults to today, notes are required)."""

    changes = frozenset({Change.CASES, Change.AGENDA})

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        opened_on: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.setMinimumWidth(600)
        self.held_on = DateEdit(today(), self)
        self.held_on.set_latest(today())
        if opened_on is not None:
            self.held_on.setMinimumDate(to_qdate(opened_on))
        self.mode = CodeCombo(ctx, "consultation_modes", parent=self)
        self.mode.set_code(ConsultationMode.IN_PERSON.value)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(30)
        self.notes = text_box(self, 90)
        self.advice = text_box(self)
        self.next_steps = text_box(self, 50)
        self.follow_up = OptionalDateEdit(today() + timedelta(days=14), self)
        self.add_field("held_on", lambda: _("&Date"), self.held_on)
        self.add_field("mode", lambda: _("&Mode"), self.mode)
        self.add_field("minutes", lambda: _("D&uration"), self.minutes)
        self.add_field("notes", lambda: _("&Notes"), self.notes)
        self.add_field("advice", lambda: _("&Advice given"), self.advice)
        self.add_field("next_steps", lambda: _("Ne&xt steps"), self.next_steps)
        self.add_field("follow_up_on", lambda: _("&Follow-up"), self.follow_up)
        self.held_on.dateChanged.connect(lambda _d: self.revalidate())
        self.finish_layout()
        self.retranslate()
        self.notes.setFocus()

    def validate(self) -> dict[str, str]:
        found = {"notes": checks.required(self.notes.toPlainText(), _("Notes"))}
        follow_up = self.follow_up.value()
        if follow_up is not None and follow_up < self.held_on.value():
            found["follow_up_on"] = _("The follow-up date is before the consultation.")
        return {name: message for name, message in found.items() if message}

    def consultation_input(self) -> ConsultationInput:
        return ConsultationInput(
            notes=self.notes.toPlainText(),
            held_on=self.held_on.value(),
            minutes=self.minutes.value(),
            mode=self.mode.code() or ConsultationMode.IN_PERSON.value,
            advice=self.advice.toPlainText(),
            next_steps=self.next_steps.toPlainText(),
            follow_up_on=self.follow_up.value(),
        )

    def save_call(self) -> Callable[[], Any]:
        number, data, records = self.number, self.consultation_input(), self.ctx.services.records
        return lambda: records.add_consultation(number, data)

    def window_title(self) -> str:
        return _("Add consultation — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.mode.retranslate()
        self.minutes.setSuffix(" " + _("min"))
        self.follow_up.set_texts(_("On"), _("Follow-up date"))
        self.notes.setPlaceholderText(_("What the client told you"))


class PartyDialog(DecisionMixin, FormDialog):
    """Add a party (adverse, institution, witness, representative), with a conflict warning;
    a strong match asks for a conflict decision (:class:`DecisionMixin`)."""

    changes = frozenset({Change.CASES})
    declined = Signal()

    def __init__(self, ctx: GuiContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._init_decision()
        self.number = number
        self.name = QLineEdit(self)
        self.banner = ConflictBanner(ctx, self)
        self.banner.hits_changed.connect(self.fit_later)
        self.banner.needs_room.connect(self.fit_later)
        self.role = CodeCombo(ctx, "party_roles", parent=self)
        self.role.set_code(PartyRole.ADVERSE.value)
        self.notes = QLineEdit(self)
        self.add_field("name", lambda: _("&Name"), self.name)
        self.form.addRow(self.banner)
        self.add_field("role", lambda: _("&Role"), self.role)
        self.add_field("notes", lambda: _("N&otes"), self.notes)
        self.name.textEdited.connect(lambda text: self.banner.check(text))
        self.name.textEdited.connect(self.forget_decision)
        self.finish_layout()
        self.retranslate()

    def validate(self) -> dict[str, str]:
        message = checks.person_name(self.name.text(), _("Name"))
        return {"name": message} if message else {}

    def save_call(self) -> Callable[[], Any]:
        number, records = self.number, self.ctx.services.records
        name, role, notes = self.name.text(), self.role.code() or "", self.notes.text()
        decision = self.conflict_decision
        return lambda: records.add_party(number, name, role, notes, decision)

    def decline_call(self) -> Callable[[], Any]:
        number, name, conflicts = self.number, self.name.text(), self.ctx.services.conflicts
        return lambda: conflicts.decline_party(number, name)

    def window_title(self) -> str:
        return _("Add party — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.role.retranslate()
        self.banner.retranslate()


class DeadlineDialog(FormDialog):
    """Add a deadline to a case (due in a week unless changed)."""

    changes = frozenset({Change.CASES, Change.AGENDA})

    def __init__(self, ctx: GuiContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.due_on = DateEdit(today() + timedelta(days=7), self)
        self.description = QLineEdit(self)
        self.add_field("due_on", lambda: _("&Due on"), self.due_on)
        self.add_field("description", lambda: _("&Description"), self.description)
        self.finish_layout()
        self.retranslate()
        self.description.setFocus()

    def validate(self) -> dict[str, str]:
        message = checks.required(self.description.text(), _("Description"))
        return {"description": message} if message else {}

    def save_call(self) -> Callable[[], Any]:
        number, records = self.number, self.ctx.services.records
        due, text = self.due_on.value(), self.description.text()
        return lambda: records.add_deadline(number, due, text)

    def window_title(self) -> str:
        return _("Add deadline — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.description.setPlaceholderText(_("e.g. File the appeal at the district court"))


def _not_asked() -> str:
    return _("Not asked")


class CloseCaseDialog(FormDialog):
    """Close a case with an outcome, a date and the citizen's satisfaction (issue 19).

    Satisfaction is a ``satisfaction`` code: the ALAC scale 5 to 1, or "Could not be reached";
    "Not asked" (the default) records nothing.
    """

    changes = frozenset({Change.CASES, Change.AGENDA})

    def __init__(
        self, ctx: GuiContext, number: str, opened_on: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.outcome = CodeCombo(ctx, "outcomes", empty_text=_choose, parent=self)
        self.closed_on = DateEdit(today(), self)
        self.closed_on.set_latest(today())
        self.closed_on.setMinimumDate(to_qdate(min(opened_on, today())))
        self.satisfaction = CodeCombo(ctx, "satisfaction", empty_text=_not_asked, parent=self)
        self.add_field("outcome", lambda: _("&Outcome"), self.outcome)
        self.add_field("closed_on", lambda: _("&Closed on"), self.closed_on)
        # the words of the summary and the figures (no mnemonic: "&Outcome", "&Closed on" and
        # Tab reach it; translated as they are)
        self.add_field("satisfaction", lambda: _("Citizen satisfaction"), self.satisfaction)
        self.finish_layout()
        self.retranslate()

    def validate(self) -> dict[str, str]:
        message = checks.chosen(self.outcome.code(), _("Choose the outcome."))
        return {"outcome": message} if message else {}

    def save_call(self) -> Callable[[], Any]:
        number, cases = self.number, self.ctx.services.cases
        outcome, when = self.outcome.code() or "", self.closed_on.value()
        satisfaction = self.satisfaction.code()
        return lambda: cases.close(number, outcome, when, satisfaction)

    def window_title(self) -> str:
        return _("Close case {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.outcome.retranslate()
        self.satisfaction.retranslate()
        self.satisfaction.setToolTip(_("The client's answer when asked at the closing"))
        self.save_button.setText(_("Close case"))


class AssignLawyerDialog(FormDialog):
    """Give a case to another lawyer of this center."""

    changes = frozenset({Change.CASES, Change.AGENDA})

    def __init__(
        self, ctx: GuiContext, number: str, current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.lawyer = LawyerCombo(ctx, assignable=True, parent=self)
        self.lawyer.set_username(current)
        self.add_field("lawyer", lambda: _("&Lawyer"), self.lawyer)
        self.finish_layout()
        self.retranslate()

    def validate(self) -> dict[str, str]:
        message = checks.chosen(self.lawyer.username(), _("Choose the lawyer."))
        return {"lawyer": message} if message else {}

    def save_call(self) -> Callable[[], Any]:
        number, cases, lawyer = self.number, self.ctx.services.cases, self.lawyer.username() or ""
        return lambda: cases.assign(number, lawyer)

    def window_title(self) -> str:
        return _("Assign lawyer — {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.lawyer.retranslate()
