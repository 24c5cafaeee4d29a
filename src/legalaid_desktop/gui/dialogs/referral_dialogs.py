"""Refer a case and record the answer that came back (issue 19).

:class:`ReferDialog` sends a case to a body of the ``referral_bodies`` list (an advocate, the
prosecutor's anti-corruption directorate, the Ombudsman, a ministry, …) with the date and what
was asked. :class:`AnswerDialog` records the follow-up: an answer (its date, its result from
``referral_results`` and its text) or that none came. It opens filled in when an answer was
recorded before; a change is then a correction, kept in the case's history. The service checks
who may refer and answer, and puts a refused value back at its field (:class:`FormDialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from legalaid_desktop.domain.referrals import (
    STATUS_LABELS,
    AnswerInput,
    ReferralInfo,
    ReferralInput,
    ReferralStatus,
)
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.case_dialogs import text_box
from legalaid_desktop.gui.dialogs.correction_dialogs import add_note, kept_note
from legalaid_desktop.gui.dialogs.form_dialog import FormDialog
from legalaid_desktop.gui.tasks import Change
from legalaid_desktop.gui.widgets import checks
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.dates import DateEdit, to_qdate
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date


def _choose() -> str:
    return _("Choose…")


def _not_stated() -> str:
    return _("Not stated")


class ReferDialog(FormDialog):
    """Refer case ``number`` (opened on ``opened_on``): to whom, when (today unless changed),
    the name or office if useful, and what was asked."""

    changes = frozenset({Change.CASES})

    def __init__(
        self, ctx: GuiContext, number: str, opened_on: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.setMinimumWidth(600)
        self.body = CodeCombo(ctx, "referral_bodies", empty_text=_choose, parent=self)
        self.referred_on = DateEdit(today(), self)
        self.referred_on.set_latest(today())
        self.referred_on.setMinimumDate(to_qdate(min(opened_on, today())))
        self.to_whom = QLineEdit(self)
        self.request = text_box(self, 90)
        self.add_field("body", lambda: _("&Referred to"), self.body)
        self.add_field("referred_on", lambda: _("&Date"), self.referred_on)
        self.add_field("to_whom", lambda: _("&Name or office"), self.to_whom)
        self.add_field("request", lambda: _("&What was asked"), self.request)
        self.finish_layout()
        self.retranslate()

    def validate(self) -> dict[str, str]:
        message = checks.chosen(self.body.code(), _("Choose where the case is referred."))
        return {"body": message} if message else {}

    def referral_input(self) -> ReferralInput:
        return ReferralInput(
            body=self.body.code() or "",
            referred_on=self.referred_on.value(),
            to_whom=self.to_whom.text(),
            request=self.request.toPlainText(),
        )

    def save_call(self) -> Callable[[], Any]:
        number, data, referrals = self.number, self.referral_input(), self.ctx.services.referrals
        return lambda: referrals.refer(number, data)

    def window_title(self) -> str:
        return _("Refer case {number}").format(number=self.number)

    def retranslate_extra(self) -> None:
        self.body.retranslate()
        self.to_whom.setPlaceholderText(_("e.g. the advocate's name, or the department"))
        self.request.setPlaceholderText(_("What the body is asked to do, in a few sentences"))
        self.save_button.setText(_("Refer"))


class AnswerDialog(FormDialog):
    """Record the answer to ``info``, a referral of case ``number``: answered (when, with what
    result, what it said) or no answer. Filled in with an answer recorded before."""

    changes = frozenset({Change.CASES})

    def __init__(
        self,
        ctx: GuiContext,
        number: str,
        info: ReferralInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.number = number
        self.info = info
        self.setMinimumWidth(600)
        self.status = QComboBox(self)  # "Answered" or "No answer"
        for code in (ReferralStatus.ANSWERED, ReferralStatus.NO_ANSWER):
            self.status.addItem("", code.value)
        self.answered_on = DateEdit(info.answered_on or today(), self)
        self.answered_on.set_latest(max(today(), info.answered_on or today()))
        self.answered_on.setMinimumDate(to_qdate(min(info.referred_on, today())))
        self.result_box = CodeCombo(ctx, "referral_results", empty_text=_not_stated, parent=self)
        self.answer = text_box(self, 90)
        self.add_field("status", lambda: _("Answer &status"), self.status)
        self.add_field("answered_on", lambda: _("&Date"), self.answered_on)
        self.add_field("result", lambda: _("&Result"), self.result_box)
        self.add_field("answer", self._answer_label, self.answer)
        self.finish_layout()
        self.note = add_note(self)
        self.correcting = info.status != ReferralStatus.PENDING
        self.note.setVisible(self.correcting)
        self.set_status(
            ReferralStatus.NO_ANSWER
            if info.status == ReferralStatus.NO_ANSWER
            else ReferralStatus.ANSWERED
        )
        self.result_box.set_code(info.result)
        self.answer.setPlainText(info.answer)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._show_rows()
        self.retranslate()

    def is_answered(self) -> bool:
        return self.status.currentData() == ReferralStatus.ANSWERED.value

    def set_status(self, status: ReferralStatus) -> None:
        """Choose "Answered" or "No answer" (as the user would)."""
        self.status.setCurrentIndex(self.status.findData(status.value))

    def _answer_label(self) -> str:
        return _("Answer &text") if self.is_answered() else _("N&otes")

    def _status_changed(self, _index: int) -> None:
        self._show_rows()
        self.retranslate()  # the text's label and placeholder follow the choice

    def _show_rows(self) -> None:
        answered = self.is_answered()
        self.set_row_visible("answered_on", answered)
        self.set_row_visible("result", answered)
        self.fit_later()

    def answer_input(self) -> AnswerInput:
        answered = self.is_answered()
        status = ReferralStatus.ANSWERED if answered else ReferralStatus.NO_ANSWER
        return AnswerInput(
            status=status.value,
            answered_on=self.answered_on.value() if answered else None,
            answer=self.answer.toPlainText(),
            result=self.result_box.code() if answered else None,
        )

    def save_call(self) -> Callable[[], Any]:
        number, referral, data = self.number, self.info.id, self.answer_input()
        referrals = self.ctx.services.referrals
        return lambda: referrals.record_answer(number, data, referral)

    def window_title(self) -> str:
        return _("Answer to the referral of {date} — {number}").format(
            date=format_date(self.info.referred_on), number=self.number
        )

    def retranslate_extra(self) -> None:
        for index in range(self.status.count()):
            self.status.setItemText(index, _(STATUS_LABELS[self.status.itemData(index)]))
        self.result_box.retranslate()
        self.answer.setPlaceholderText(
            _("What the answer said")
            if self.is_answered()
            else _("e.g. the reminders sent, the calls made")
        )
        self.note.setText(kept_note())
