"""The conflict decision asked for when saving past a strong or exact match (issue 17).

:class:`ConflictDecisionDialog` lists the strong matches and asks: *no conflict*, *conflict
waived* (a reason is required) or *declined* (nothing is saved). :class:`DecisionMixin` gives a
form dialog the behaviour: when its save is refused with
:class:`~legalaid_desktop.domain.conflict_decisions.ConflictDecisionRequired` (the service runs
the check itself, whatever the banner showed), the question is asked; a decision saves again
with it, *declined* records the decline and closes the form without saving.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.conflict_decisions import (
    ConflictDecisionInput,
    ConflictDecisionRequired,
    Decision,
)
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.conflict_banner import hit_texts
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.i18n import _

MAX_LIST_HEIGHT = 220


class ConflictDecisionDialog(GuardedDialog):
    """Ask for the decision on strong matches (keyboard: Alt+N, Alt+W, Alt+D, Enter)."""

    def __init__(
        self, ctx: GuiContext, hits: Sequence[ConflictHit], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)  # a typed reason is not lost to a stray Esc
        self.setModal(True)
        self.setObjectName("conflictDecisionDialog")
        self.setMinimumWidth(560)  # the reasons read on one line or two, not five
        self._ctx = ctx
        self._hits = tuple(hits)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setMaximumHeight(MAX_LIST_HEIGHT)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        content = QWidget(scroll)
        column = QVBoxLayout(content)
        self.matches: list[QLabel] = []
        for hit in self._hits:
            head, details = hit_texts(ctx, hit)
            label = QLabel(f"<b>{_escape(head)}</b><br>{_escape(details)}", content)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(label)
            self.matches.append(label)
        column.addStretch(1)
        scroll.setWidget(content)
        layout.addWidget(scroll)
        self.no_conflict = QRadioButton(self)
        self.waived = QRadioButton(self)
        self.declined = QRadioButton(self)
        self.group = QButtonGroup(self)
        for button in (self.no_conflict, self.waived, self.declined):
            self.group.addButton(button)
            layout.addWidget(button)
            button.toggled.connect(lambda _on: self._update())
        self.reason_label = QLabel(self)
        self.reason = QLineEdit(self)
        self.reason_label.setBuddy(self.reason)
        self.reason.textChanged.connect(lambda _t: self._update())
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._update()
        self.no_conflict.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Conflict of interest: decision"))
        self.intro.setText(
            _(
                "This person strongly matches records already held. Decide before saving; the "
                "decision is recorded with your name and the time."
            )
        )
        self.no_conflict.setText(_("&No conflict"))
        self.waived.setText(_("Conflict &waived (give the reason)"))
        self.declined.setText(_("&Declined: do not save"))
        self.reason_label.setText(_("&Reason:"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Record decision"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def choice(self) -> str | None:
        """The decision chosen (a :class:`Decision` value), or None."""
        for button, code in (
            (self.no_conflict, Decision.NO_CONFLICT),
            (self.waived, Decision.WAIVED),
            (self.declined, Decision.DECLINED),
        ):
            if button.isChecked():
                return code.value
        return None

    def decision(self) -> ConflictDecisionInput | None:
        choice = self.choice()
        return None if choice is None else ConflictDecisionInput(choice, self.reason.text())

    def _update(self) -> None:
        choice = self.choice()
        ready = choice is not None and (
            choice != Decision.WAIVED.value or bool(self.reason.text().strip())
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def accept(self) -> None:
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            super().accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DecisionMixin:
    """For a :class:`~legalaid_desktop.gui.dialogs.form_dialog.FormDialog` whose save may need
    a conflict decision. The subclass calls :meth:`_init_decision` and passes
    :attr:`conflict_decision` to its service call, and implements :meth:`decline_call`.

    The dialog declares ``declined = Signal()``: emitted when the person was declined (nothing
    was saved, the form closed).
    """

    conflict_decision: ConflictDecisionInput | None
    decision_dialog: ConflictDecisionDialog | None
    ctx: GuiContext

    def _init_decision(self) -> None:
        self.conflict_decision = None
        self.decision_dialog = None

    def forget_decision(self, *_args: object) -> None:
        """The name changed: a decision taken on the earlier name no longer holds."""
        self.conflict_decision = None

    def decline_call(self) -> Callable[[], Any]:
        """The service call that records a decline (override)."""
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ConflictDecisionRequired):
            super()._failed(exc)  # type: ignore[misc]
            return
        self._saving = False
        self.revalidate()  # type: ignore[attr-defined]
        dialog = ConflictDecisionDialog(self.ctx, exc.hits, self)  # type: ignore[arg-type]
        self.decision_dialog = dialog
        dialog.finished.connect(lambda result: self._decided(dialog, result))
        dialog.open()

    def _decided(self, dialog: ConflictDecisionDialog, result: int) -> None:
        self.decision_dialog = None
        dialog.deleteLater()
        decision = dialog.decision()
        if result != QDialog.DialogCode.Accepted or decision is None:
            return
        if decision.decision == Decision.DECLINED.value:
            WriteOp(
                self.ctx.tasks,
                self.decline_call(),
                changes={Change.CASES},
                success=lambda _n: self._was_declined(),
                failure=super()._failed,  # type: ignore[misc]
                parent=self,  # type: ignore[arg-type]
            ).latest("decline").run()
            return
        self.conflict_decision = decision
        self.submit()  # type: ignore[attr-defined]

    def _was_declined(self) -> None:
        self.declined.emit()  # type: ignore[attr-defined]
        self.reject()  # type: ignore[attr-defined]
