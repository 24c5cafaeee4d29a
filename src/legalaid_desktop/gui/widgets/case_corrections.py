"""The case view's corrections (issue 19): "Edit case…", "Edit…" on a consultation, "History…".

Who sees an edit action follows the service's rule (``services.corrections.may_correct``): the
case is this center's and the user may change cases, and then a lawyer corrects only the cases
assigned to them and the consultations they gave, a manager or administrator
(:attr:`Permission.EDIT_ANY_CASE`) any. The service checks the same again and refuses the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from legalaid_desktop.domain.cases import CaseDetail, ConsultationInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.correction_dialogs import EditCaseDialog, EditConsultationDialog
from legalaid_desktop.gui.dialogs.history_dialog import CASE, HistoryButton
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.i18n import _, ngettext


class CaseCorrections(QObject):
    """The "Edit case…" and "History…" buttons (the view places them) and the dialogs they open.

    :attr:`active_dialog` is the edit dialog while it is open.

    Signals:
        corrected(str): a correction was saved (or nothing had changed); the status message.
    """

    corrected = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = parent
        self.detail: CaseDetail | None = None
        self.editable = False
        self.active_dialog: QDialog | None = None
        self.edit_button = QPushButton(parent)
        self.edit_button.clicked.connect(self.edit_case)
        self.history_button = HistoryButton(ctx, parent)
        self.edit_button.hide()

    def set_case(self, detail: CaseDetail, editable: bool) -> None:
        """The case shown; ``editable``: this center's, and the user may change cases."""
        self.detail, self.editable = detail, editable
        self.edit_button.setVisible(self.may_edit_case())
        self.history_button.set_record(CASE, detail.number, detail.number)

    def _may_correct(self, author: str) -> bool:
        actor = self.ctx.actor
        return self.editable and (actor.can(Permission.EDIT_ANY_CASE) or author == actor.username)

    def may_edit_case(self) -> bool:
        """Whether the user may correct the case shown (a lawyer: the cases assigned to them)."""
        return self.detail is not None and self._may_correct(self.detail.assigned_lawyer)

    def may_edit_consultation(self, info: ConsultationInfo) -> bool:
        """Whether the user may correct ``info`` (a lawyer: the consultations they gave)."""
        return self.detail is not None and self._may_correct(info.lawyer)

    def edit_case(self) -> EditCaseDialog | None:
        """Open the "Edit case" dialog (nothing when the user may not correct the case)."""
        if self.detail is None or not self.may_edit_case():
            return None
        dialog = EditCaseDialog(self.ctx, self.detail, self.view)
        self._open(dialog)
        return dialog

    def edit_consultation(self, info: ConsultationInfo) -> EditConsultationDialog | None:
        """Open the "Edit consultation" dialog of ``info``, when the user may correct it."""
        detail = self.detail
        if detail is None or not self.may_edit_consultation(info):
            return None
        dialog = EditConsultationDialog(self.ctx, detail.number, detail.opened_on, info, self.view)
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        open_dialog(dialog, self._saved)

    def _closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def _saved(self, fields: tuple[str, ...]) -> None:
        number = self.detail.number if self.detail is not None else ""
        if not fields:
            self.corrected.emit(_("Nothing was changed."))
            return
        n = len(fields)
        self.corrected.emit(
            ngettext(
                "Case {number}: {n} field corrected; the earlier value is in its history.",
                "Case {number}: {n} fields corrected; the earlier values are in its history.",
                n,
            ).format(number=number, n=n)
        )

    def retranslate(self) -> None:
        self.edit_button.setText(_("Ed&it case…"))
        self.edit_button.setToolTip(
            _("Correct the summary, legal area, opening date or corruption details")
        )
        self.history_button.retranslate()
        dialog = self.active_dialog
        retranslate = getattr(dialog, "retranslate", None)
        if callable(retranslate):
            retranslate()
