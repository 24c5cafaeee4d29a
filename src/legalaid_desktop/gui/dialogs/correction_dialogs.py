"""Correct a case or a consultation after it was entered (issue 19); the store keeps what it was.

Both dialogs open filled in with the record as it is and send the service only the fields the
user changed (``None`` in :class:`CaseEdit` / :class:`ConsultationEdit`: leave as is), so a
correction names exactly what was corrected and the history shows only that. The service checks
again who may correct what and puts a refused value back at its field (:class:`FormDialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGroupBox, QLabel, QLineEdit, QSpinBox, QWidget

from legalaid_desktop.domain.cases import MAX_MINUTES, CaseDetail, ConsultationInfo
from legalaid_desktop.domain.corrections import CaseEdit, ConsultationEdit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import CORRUPTION, text_box
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog, new_form
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dates import DateEdit, to_qdate
from legalaid_desktop.gui.widgets.feedback import MUTED, text_label
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date


def _choose() -> str:
    return _("Choose…")


def changed(new: Any, old: Any) -> Any:
    """``new`` when it differs from ``old``, else ``None`` (the service leaves the field)."""
    return None if new == old else new


def kept_note() -> str:
    return _("What you change here is kept in the case's history with its earlier value.")


def add_note(dialog: FormDialog) -> QLabel:
    """A muted line above the buttons saying that the earlier values are kept."""
    note = text_label(dialog, MUTED)
    dialog.outer.insertWidget(dialog.outer.indexOf(dialog.buttons), note)
    return note


def _text(new: str, old: str) -> str | None:
    """A typed text when it changed; spaces around it do not count as a change."""
    return None if new.strip() == old.strip() else new


class EditCaseDialog(FormDialog):
    """Correct a case's summary, legal area, opening date and corruption details.

    The corruption fields show for a corruption case and for any case that has them; a case
    that gets them now needs the sector and the type of conduct (as when it is opened).
    """

    changes = frozenset({Change.CASES})

    def __init__(self, ctx: GuiContext, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.detail = detail
        self.setMinimumWidth(640)
        self.area = CodeCombo(ctx, "legal_areas", empty_text=_choose, parent=self)
        self.summary = text_box(self, 110)
        self.opened_on = DateEdit(detail.opened_on, self)
        self.opened_on.set_latest(today())
        self.add_field("legal_area", lambda: _("Legal &area"), self.area)
        self.add_field("summary", lambda: _("&Summary"), self.summary)
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
        self.note = add_note(self)
        self._fill(detail)
        self.area.currentIndexChanged.connect(lambda _i: self._show_corruption())
        self._show_corruption()
        self.retranslate()
        self.summary.setFocus()

    def _fill(self, detail: CaseDetail) -> None:
        self.area.set_code(detail.legal_area)
        self.summary.setPlainText(detail.summary)
        info = detail.corruption
        if info is not None:
            self.sector.set_code(info.sector)
            self.conduct.set_code(info.conduct)
            self.institution.setText(info.institution)
            amount = info.amount_requested
            self.amount.setText("" if amount is None else str(amount))
            self.reported_to.setText(info.reported_to)

    def _has_corruption(self) -> bool:
        return self.detail.corruption is not None or self.area.code() == CORRUPTION

    def _show_corruption(self) -> None:
        self.corruption_box.setVisible(self._has_corruption())
        self.revalidate()
        self.fit_later()

    def validate(self) -> dict[str, str]:
        found = {
            "legal_area": checks.chosen(self.area.code(), _("Choose the legal area.")),
            "summary": checks.required(self.summary.toPlainText(), _("Summary")),
        }
        if self._has_corruption():
            found["sector"] = checks.chosen(self.sector.code(), _("Choose the sector."))
            found["conduct"] = checks.chosen(self.conduct.code(), _("Choose the type of conduct."))
            info = self.detail.corruption
            if info is not None and info.amount_requested is not None and not self._amount_text():
                found["amount_requested"] = _("Enter the amount (0 if nothing was requested).")
        return {name: message for name, message in found.items() if message}

    def _amount_text(self) -> str:
        return self.amount.text().strip()

    def case_edit(self) -> CaseEdit:
        """The fields the user changed (the others ``None``: left as they are)."""
        detail, info = self.detail, self.detail.corruption
        edit = CaseEdit(
            summary=_text(self.summary.toPlainText(), detail.summary),
            legal_area=changed(self.area.code(), detail.legal_area),
            opened_on=changed(self.opened_on.value(), detail.opened_on),
        )
        if not self._has_corruption():
            return edit
        amount = int(self._amount_text()) if self._amount_text() else None
        return CaseEdit(
            summary=edit.summary,
            legal_area=edit.legal_area,
            opened_on=edit.opened_on,
            sector=changed(self.sector.code(), info.sector if info else None),
            conduct=changed(self.conduct.code(), info.conduct if info else None),
            institution=_text(self.institution.text(), info.institution if info else ""),
            amount_requested=changed(amount, info.amount_requested if info else None),
            reported_to=_text(self.reported_to.text(), info.reported_to if info else ""),
        )

    def save_call(self) -> Callable[[], Any]:
        number, edit, corrections = (
            self.detail.number,
            self.case_edit(),
            self.ctx.services.corrections,
        )
        return lambda: corrections.edit_case(number, edit)

    def window_title(self) -> str:
        return _("Edit case {number}").format(number=self.detail.number)

    def retranslate_extra(self) -> None:
        for combo in (self.area, self.sector, self.conduct):
            combo.retranslate()
        self.corruption_box.setTitle(_("Corruption complaint (ALAC)"))
        self.reported_to.setPlaceholderText(_("e.g. Prosecutor's anti-corruption department"))
        self.note.setText(kept_note())


class EditConsultationDialog(FormDialog):
    """Correct a consultation: date, mode, duration, notes, advice and next steps."""

    changes = frozenset({Change.CASES, Change.AGENDA})

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        opened_on: date,
        info: ConsultationInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.info = info
        self.setMinimumWidth(600)
        self.held_on = DateEdit(info.held_on, self)
        self.held_on.set_latest(max(today(), info.held_on))
        self.held_on.setMinimumDate(to_qdate(min(opened_on, info.held_on)))
        self.mode = CodeCombo(ctx, "consultation_modes", parent=self)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, max(MAX_MINUTES, info.minutes))
        self.minutes.setSingleStep(5)
        self.notes = text_box(self, 110)
        self.advice = text_box(self, 80)
        self.next_steps = text_box(self, 50)
        self.add_field("held_on", lambda: _("&Date"), self.held_on)
        self.add_field("mode", lambda: _("&Mode"), self.mode)
        self.add_field("minutes", lambda: _("D&uration"), self.minutes)
        self.add_field("notes", lambda: _("&Notes"), self.notes)
        self.add_field("advice", lambda: _("&Advice given"), self.advice)
        self.add_field("next_steps", lambda: _("Ne&xt steps"), self.next_steps)
        self.finish_layout()
        self.note = add_note(self)
        self.mode.set_code(info.mode)
        self.minutes.setValue(info.minutes)
        self.notes.setPlainText(info.notes)
        self.advice.setPlainText(info.advice)
        self.next_steps.setPlainText(info.next_steps)
        self.retranslate()
        self.notes.setFocus()

    def validate(self) -> dict[str, str]:
        message = checks.required(self.notes.toPlainText(), _("Notes"))
        return {"notes": message} if message else {}

    def consultation_edit(self) -> ConsultationEdit:
        """The fields the user changed (the others ``None``: left as they are)."""
        info = self.info
        return ConsultationEdit(
            held_on=changed(self.held_on.value(), info.held_on),
            minutes=changed(self.minutes.value(), info.minutes),
            mode=changed(self.mode.code(), info.mode),
            notes=_text(self.notes.toPlainText(), info.notes),
            advice=_text(self.advice.toPlainText(), info.advice),
            next_steps=_text(self.next_steps.toPlainText(), info.next_steps),
        )

    def save_call(self) -> Callable[[], Any]:
        consultation, edit = self.info.id, self.consultation_edit()
        corrections = self.ctx.services.corrections
        return lambda: corrections.edit_consultation(consultation, edit)

    def window_title(self) -> str:
        return _("Edit consultation of {date} — {number}").format(
            date=format_date(self.info.held_on), number=self.number
        )

    def retranslate_extra(self) -> None:
        self.mode.retranslate()
        self.minutes.setSuffix(" " + _("min"))
        self.note.setText(kept_note())
