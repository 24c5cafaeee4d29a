"""The two questions of the retention screen: why anonymize, and erase (with the typed word).

Both ask for a reason, which the audit log keeps after the person's data is gone: the service
refuses one that holds the person's name or phone number, and its message is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.retention import ErasureResult, RetentionDue
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.feedback import show_message
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.text.casing import az_upper

REASON_MAX = 500
"""The longest reason the service takes."""

ERASE_CHANGES = frozenset({Change.CLIENTS, Change.CASES, Change.AGENDA, Change.DOCUMENTS})


def _reason_field(parent: QWidget) -> tuple[QLabel, QLineEdit]:
    field = QLineEdit(parent)
    field.setMaxLength(REASON_MAX)
    label = QLabel(parent)
    label.setBuddy(field)
    label.setWordWrap(True)
    return label, field


class ReasonDialog(GuardedDialog):
    """Why these clients are anonymized (required). Accepting emits :attr:`chosen`.

    Signals:
        chosen(str): the reason given.
    """

    chosen = Signal(str)

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = count
        self.setModal(True)
        self.setMinimumWidth(560)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.reason_label, self.reason = _reason_field(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = QPushButton(self)
        self.ok.setDefault(True)
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(lambda _t: self._update())
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Anonymize clients"))
        self.explanation.setText(
            ngettext(
                "{n} client will be anonymized: their name, phone, address, the free text of "
                "their cases and consultations, party names and documents are removed for good. "
                "What the statistics need is kept.",
                "{n} clients will be anonymized: their names, phones, addresses, the free text "
                "of their cases and consultations, party names and documents are removed for "
                "good. What the statistics need is kept.",
                self.count,
            ).format(n=self.count)
        )
        self.reason_label.setText(
            _("&Reason (kept in the audit log; do not write the person's name):")
        )
        self.ok.setText(_("&Anonymize…"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("Cancel"))

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.reason.text().strip()))

    def _accept(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            return
        self.accept()
        self.chosen.emit(reason)


class EraseDialog(GuardedDialog):
    """Erase one client and everything under them: a reason and the shown word typed.

    The erasure runs from here (a :class:`WriteOp`); a refusal (a reason naming the person, a
    case still open...) is shown and the dialog stays open.

    Signals:
        erased(object): the :class:`ErasureResult`.
    """

    erased = Signal(object)

    def __init__(
        self, ctx: GuiContext, client: RetentionDue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client = client
        self._running = False
        self.setModal(True)
        self.setMinimumWidth(600)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        set_role(self.explanation, "warning")
        self.reason_label, self.reason = _reason_field(self)
        self.word_label = QLabel(self)
        self.word = QLineEdit(self)
        self.word_label.setBuddy(self.word)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.erase_button = QPushButton(self)
        self.erase_button.setDefault(True)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.word_label)
        layout.addWidget(self.word)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for field in (self.reason, self.word):
            field.textChanged.connect(lambda _t: self._update())
        self.retranslate()
        self._update()

    @staticmethod
    def confirmation_word() -> str:
        """The word to type, in the interface language."""
        return _("ERASE")

    def retranslate(self) -> None:
        self.setWindowTitle(_("Erase client"))
        self.explanation.setText(
            _(
                "Erase {name} and everything under them: cases, consultations, parties, "
                "deadlines, documents and consents. Nothing is kept, not even for the "
                "statistics, and it cannot be undone."
            ).format(name=self.client.full_name)
        )
        self.reason_label.setText(
            _("&Reason (kept in the audit log; do not write the person's name):")
        )
        self.word_label.setText(_("&Type {word} to confirm:").format(word=self.confirmation_word()))
        self.erase_button.setText(_("&Erase"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("Cancel"))

    def confirmed(self) -> bool:
        """Whether the word shown was typed (letter case aside) and a reason given."""
        typed = az_upper(self.word.text().strip())
        return bool(self.reason.text().strip()) and typed == az_upper(self.confirmation_word())

    def _update(self) -> None:
        self.erase_button.setEnabled(self.confirmed() and not self._running)

    def erase(self) -> None:
        """Erase the client in the background (only once the word was typed)."""
        if not self.confirmed() or self._running:
            return
        self._running = True
        self._update()
        show_message(self.message, "")
        client_id, reason = self.client.client_id, self.reason.text().strip()
        retention = self.ctx.services.retention
        WriteOp(
            self.ctx.tasks,
            lambda: retention.erase(client_id, reason),
            changes=ERASE_CHANGES,
            success=self._erased,
            failure=self._failed,
            action="client_erase",
            parent=self,
        ).latest("erase").run()

    def _erased(self, result: ErasureResult) -> None:
        self._running = False
        self.erased.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self._update()
        show_message(self.message, user_message(exc))
