"""The referrals tab of the case view (issue 19): where the case was referred and what came back.

Each row is one referral, oldest first: its date, the body (by its label, with the name or office
when one was given), what was asked, its status ("Waiting for an answer", "Answered" with the
answer's date, "No answer"), the result and the answer. The texts wrap in their cells (a long one
cut after :data:`CELL_MAX` characters), whole in the tooltip and under the table for the chosen
row.

"Refer…" and "Record answer…" show only to a user who may change the case (the case view
decides, by the rule of ``services.corrections.may_correct``); the service checks again.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QPlainTextEdit, QVBoxLayout, QWidget

from legalaid_desktop.domain.referrals import STATUS_LABELS, ReferralInfo, ReferralStatus
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.history_dialog import one_line, tooltip
from legalaid_desktop.gui.dialogs.referral_dialogs import AnswerDialog, ReferDialog
from legalaid_desktop.gui.widgets.case_tabs import RecordTab, cell
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date

BODY, REQUEST, ANSWER = 1, 2, 5
"""The columns of texts (they share the width the others leave, wrapped)."""
DETAIL_LINES = 4
"""The box under the table shows this many lines (it scrolls for more)."""
CELL_MAX = 160
"""A cell shows at most this many characters (the box under the table shows the whole text)."""


def cell_text(text: str) -> str:
    """``text`` on one line, cut after :data:`CELL_MAX` characters."""
    line = one_line(text)
    return line if len(line) <= CELL_MAX else line[: CELL_MAX - 1].rstrip() + "…"


def status_text(info: ReferralInfo) -> str:
    """The status as it reads: "Waiting for an answer", "No answer" or "Answered · <date>"."""
    label = _(STATUS_LABELS.get(info.status, info.status))
    if info.status == ReferralStatus.ANSWERED and info.answered_on is not None:
        return f"{label} · {format_date(info.answered_on)}"
    return label


class ReferralsTab(RecordTab):
    """The referrals of a case, with "Refer…" and "Record answer…".

    Signals:
        referral_saved(object): a :class:`ReferralInfo` was added or its answer recorded.
    """

    referral_saved = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 6, parent)
        self.opened_on: date | None = None
        self.may_refer = False
        self._referrals: tuple[ReferralInfo, ...] = ()
        table = self.table
        table.setWordWrap(True)  # a long body's name, the request and the answer wrap
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (BODY, REQUEST, ANSWER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setStyleSheet("QTableView::item { padding: 3px 2px; }")  # wrapped lines breathe
        self.details = QPlainTextEdit(self)  # the chosen referral's whole texts
        self.details.setReadOnly(True)
        self.details.setTabChangesFocus(True)
        lines = self.details.fontMetrics().lineSpacing() * DETAIL_LINES
        self.details.setFixedHeight(lines + 2 * self.details.frameWidth() + 8)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.details)
        self.refer_button = self.add_button(self.refer)
        self.answer_button = self.add_button(self.record_answer)
        table.activated.connect(lambda _i: self.record_answer())
        table.currentCellChanged.connect(lambda *_a: self._chosen_changed())
        self.retranslate()

    def set_case(
        self,
        number: str,
        opened_on: date,
        referrals: tuple[ReferralInfo, ...],
        may_refer: bool,
        may_answer: bool,
    ) -> None:
        """Show ``referrals``; ``may_refer``/``may_answer``: whether this user may add one and
        record answers (this center's case, the role rule, and open or pending to refer)."""
        self.number, self.opened_on, self._referrals = number, opened_on, referrals
        self.may_refer, self.editable = may_refer, may_answer
        chosen = self.current_id()
        self.table.setRowCount(0)
        for info in referrals:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(self.row_texts(info)):
                item = cell(cell_text(text), info.id if column == 0 else None)
                item.setToolTip(tooltip(text))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                self.table.setItem(row, column, item)
        self.restore(chosen)
        self.refer_button.setVisible(may_refer)
        self.answer_button.setVisible(may_answer)
        self._chosen_changed()

    def row_texts(self, info: ReferralInfo) -> list[str]:
        """Date, to whom, what was asked, status, result, answer: the row as it reads."""
        body = self.ctx.label("referral_bodies", info.body)
        if info.to_whom:
            body = f"{body} — {info.to_whom}"
        return [
            format_date(info.referred_on),
            body,
            info.request,
            status_text(info),
            self.ctx.label("referral_results", info.result),
            info.answer,
        ]

    def referrals(self) -> tuple[ReferralInfo, ...]:
        return self._referrals

    def current(self) -> ReferralInfo | None:
        chosen = self.current_id()
        return next((r for r in self._referrals if r.id == chosen), None)

    def _chosen_changed(self) -> None:
        info = self.current()
        self.answer_button.setEnabled(self.editable and info is not None)
        self.answer_button.setText(
            _("Change ans&wer…")
            if info is not None and info.status != ReferralStatus.PENDING
            else _("Record ans&wer…")
        )
        lines = []
        if info is not None and info.request.strip():
            lines.append(_("What was asked: {text}").format(text=info.request.strip()))
        if info is not None and info.answer.strip():
            said = _("Notes: {text}") if info.status == ReferralStatus.NO_ANSWER else None
            lines.append((said or _("Answer: {text}")).format(text=info.answer.strip()))
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))

    # -- actions --------------------------------------------------------------------------------

    def refer(self) -> ReferDialog | None:
        """Open the "Refer case" dialog (nothing when the user may not refer this case)."""
        if not self.may_refer or self.opened_on is None:
            return None
        dialog = ReferDialog(self.ctx, self.number, self.opened_on, self)
        self.show_dialog(dialog, self._saved)
        return dialog

    def record_answer(self) -> AnswerDialog | None:
        """Open the answer dialog of the chosen referral (when the user may record it)."""
        info = self.current()
        if not self.editable or info is None:
            return None
        dialog = AnswerDialog(self.ctx, self.number, info, self)
        self.show_dialog(dialog, self._saved)
        return dialog

    def _saved(self, info: ReferralInfo) -> None:
        self.referral_saved.emit(info)
        self.restore(info.id)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                _("Date"),
                _("Referred to"),
                _("What was asked"),
                _("Status"),
                _("Result"),
                _("Answer"),
            ]
        )
        self.table.setAccessibleName(_("Referrals"))
        self.details.setAccessibleName(_("The chosen referral"))
        self.refer_button.setText(_("R&efer…"))
        self.refer_button.setToolTip(
            _("Refer the case to an advocate, a state body or another organization")
        )
        self.answer_button.setToolTip(_("Record the answer to the chosen referral (Enter)"))
        if self.number and self.opened_on is not None:
            self.set_case(
                self.number, self.opened_on, self._referrals, self.may_refer, self.editable
            )
        else:
            self._chosen_changed()
