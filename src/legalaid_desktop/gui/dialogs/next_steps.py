"""After a client is registered: "Saved. Next:" — open a case, print the consent form, add a
consent or its signed scan, or stop here. Each step is one key press (Enter opens a case).

The page that registered the client (``gui/pages/clients.py``) opens this and carries out the
step chosen; the dialog itself only says which (:attr:`NextStepsDialog.step`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from legalaid_desktop.domain.cases import ClientInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.i18n import _

OPEN_CASE, PRINT_CONSENT, RECORD_CONSENT = "open_case", "print_consent", "record_consent"


class NextStepsDialog(QDialog):
    """What to do next for a client just saved.

    The steps the user's role allows are offered: "Open a case" (the default: Enter) for
    those who may open cases, "Print the consent form" for those who may print, and "Add a
    consent or its signed scan" (the client's record). "Done" (or Esc) closes it.

    Attributes:
        step: The step chosen (``OPEN_CASE``, ``PRINT_CONSENT``, ``RECORD_CONSENT``), or
            ``None`` when the dialog was closed without one.
    """

    def __init__(self, ctx: GuiContext, client: ClientInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client = client
        self.step: str | None = None
        self.setModal(True)
        self.setMinimumWidth(460)
        self.heading = QLabel(self)
        set_role(self.heading, "subheading")
        self.heading.setWordWrap(True)
        self.question = QLabel(self)
        can_edit = ctx.actor.can(Permission.EDIT_CASES)
        self.case_button = self._button(OPEN_CASE, visible=can_edit)
        self.print_button = self._button(PRINT_CONSENT, visible=ctx.actor.can(Permission.PRINT))
        self.consent_button = self._button(RECORD_CONSENT, visible=can_edit)
        self.done_button = QPushButton(self)
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.question)
        for button in (self.case_button, self.print_button, self.consent_button):
            layout.addWidget(button)
        layout.addSpacing(8)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        first = next(
            (
                b
                for b in (self.case_button, self.print_button, self.consent_button)
                if b.isVisibleTo(self)
            ),
            self.done_button,
        )
        first.setDefault(True)
        first.setFocus()
        self.retranslate()

    def _button(self, step: str, *, visible: bool) -> QPushButton:
        button = QPushButton(self)
        button.setAutoDefault(True)
        button.setVisible(visible)
        button.clicked.connect(lambda: self.choose(step))
        return button

    def choose(self, step: str) -> None:
        """Close with ``step`` chosen."""
        self.step = step
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Client saved"))
        self.heading.setText(_("{name} is saved.").format(name=self.client.display_name))
        self.question.setText(_("Next:"))
        self.case_button.setText(_("Open a &case for this client…"))
        self.print_button.setText(_("&Print the consent form…"))
        self.consent_button.setText(_("Add a consent or its signed &scan…"))
        self.done_button.setText(_("&Done"))
        self.done_button.setToolTip(_("Nothing more for now (Esc)"))
