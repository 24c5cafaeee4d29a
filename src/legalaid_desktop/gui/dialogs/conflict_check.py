"""The standalone "Check for conflicts" before any intake (Search ▸ Check for conflicts…).

The lawyer types a name (and, if known, the birth year and the father's name) and presses
Enter: the check runs in the background (``services.search.conflicts``, audited as one
``conflict_check`` event with the number of hits, no name) and the result shows grouped as in
the intake dialogs (:class:`~legalaid_desktop.gui.widgets.conflict_banner.ConflictBanner`). Nothing
else is recorded. When two of the clients found look like the same person, a manager can merge
them from here ("Merge two of these clients…", :mod:`.merge_dialog`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.merge_dialog import MergeClientsDialog
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import WriteOp
from legalaid_desktop.gui.widgets.conflict_banner import ConflictBanner
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.i18n import _

SHORTCUT = "Ctrl+Shift+K"


class ConflictCheckDialog(QDialog):
    """Check a name for conflicts of interest; records only that a check was made.

    Signals:
        client_merged(str): two clients found were merged; the id of the one kept.
    """

    client_merged = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictCheckDialog")
        self.ctx = ctx
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.father = QLineEdit(self)
        self.birth_year = QLineEdit(self)
        self.birth_year.setValidator(QRegularExpressionValidator(r"\d{0,4}", self.birth_year))
        self.birth_year.setMaximumWidth(120)
        self.name_label, self.father_label, self.year_label = QLabel(), QLabel(), QLabel()
        for label, field in (
            (self.name_label, self.name),
            (self.father_label, self.father),
            (self.year_label, self.birth_year),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        layout.addLayout(form)
        self.check_button = QPushButton(self)
        self.check_button.setDefault(True)
        self.check_button.setAutoDefault(True)
        self.check_button.clicked.connect(self.run_check)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("conflictCheckResult")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.banner = ConflictBanner(ctx, self)
        layout.addWidget(self.banner)
        self.merge_button = QPushButton(self)
        self.merge_button.clicked.connect(lambda: self.merge_clients())
        self.merge_button.hide()
        self.merge_dialog: MergeClientsDialog | None = None
        layout.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._hits: tuple[ConflictHit, ...] | None = None
        self.retranslate()
        self.name.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Check for conflicts"))
        self.intro.setText(
            _(
                "Before an intake: is this person already a client, or a party to a case? "
                "Only the fact that a check was made is recorded."
            )
        )
        self.name_label.setText(_("&Full name:"))
        self.father_label.setText(_("&Father's name:"))
        self.year_label.setText(_("&Birth year:"))
        self.name.setPlaceholderText(_("Surname, first name, patronymic"))
        self.check_button.setText(_("&Check"))
        self.merge_button.setText(_("&Merge two of these clients…"))
        self.merge_button.setToolTip(
            _("Two of the clients found are the same person: compare them and merge them")
        )
        if self.merge_dialog is not None:
            self.merge_dialog.retranslate()
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.banner.retranslate()
        self._show_result()

    def run_check(self) -> None:
        """Run the check in the background (audited once)."""
        name = self.name.text().strip()
        if sum(ch.isalpha() for ch in name) < 2:
            self.error.show_message(_("Type a name to check."))
            return
        self.error.show_message(None)
        father = self.father.text().strip()
        query = f"{name} {father}" if father else name
        year_text = self.birth_year.text()
        year = int(year_text) if len(year_text) == 4 else None
        search = self.ctx.services.search
        self.check_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            lambda: search.conflicts(query, birth_year=year, audit=True),
            success=self._arrived,
            failure=self._failed,
            parent=self,
        ).latest("check").run()

    def _arrived(self, hits: Sequence[ConflictHit]) -> None:
        self.check_button.setEnabled(True)
        self._hits = tuple(hits)
        self.banner.set_hits(self._hits)
        self._show_result()

    def _failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.error.show_message(user_message(exc))

    def _show_result(self) -> None:
        if self._hits is None:
            self.result_label.setText("")
        elif not self._hits:
            self.result_label.setText(_("No conflicts found."))
        else:
            self.result_label.setText("")
        self.result_label.setVisible(bool(self.result_label.text()))
        self.merge_button.setVisible(
            len(self.alike_clients()) >= 2 and self.ctx.actor.can(Permission.EDIT_ANY_CASE)
        )

    def alike_clients(self) -> list[ConflictHit]:
        """The clients found, the strongest match first."""
        return sorted((h for h in self.hits() if h.kind == "client"), key=lambda h: -h.score)

    def merge_clients(self) -> MergeClientsDialog | None:
        """The merge dialog with the two strongest clients found side by side (a manager's)."""
        alike = self.alike_clients()
        if len(alike) < 2 or not self.ctx.actor.can(Permission.EDIT_ANY_CASE):
            return None
        dialog = MergeClientsDialog(self.ctx, alike[0].ref_id, alike[1].ref_id, self)
        self.merge_dialog = dialog
        dialog.merged.connect(lambda result: self._merged(result.kept))
        dialog.finished.connect(lambda _r: self._merge_closed(dialog))
        open_dialog(dialog)
        return dialog

    def _merge_closed(self, dialog: MergeClientsDialog) -> None:
        if self.merge_dialog is dialog:
            self.merge_dialog = None

    def _merged(self, kept_id: str) -> None:
        self._hits = None  # the list is out of date: check again to see it
        self.banner.set_hits(())
        self._show_result()
        self.client_merged.emit(kept_id)

    def hits(self) -> tuple[ConflictHit, ...]:
        return self._hits or ()
