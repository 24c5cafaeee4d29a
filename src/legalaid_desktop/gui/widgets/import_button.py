"""The Clients page's "Import from a spreadsheet…" button: opens the import wizard (managers
and administrators only; the service checks the role again)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.i18n import _

__all__ = ["ImportButton"]


class ImportButton(QPushButton):
    """Opens :class:`~legalaid_desktop.gui.dialogs.import_wizard.ImportWizard`; ``wizard`` is
    the one open (``None`` when none is)."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.wizard: QWidget | None = None
        self.setVisible(ctx.actor.can(Permission.EDIT_ANY_CASE))
        self.clicked.connect(self.open_wizard)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(_("&Import…"))
        self.setToolTip(_("Import clients from a spreadsheet (XLSX, ODS or CSV)"))

    def open_wizard(self) -> QWidget | None:
        if not self.ctx.actor.can(Permission.EDIT_ANY_CASE):
            return None
        from legalaid_desktop.gui.dialogs.import_wizard import open_import_wizard

        wizard = open_import_wizard(self.ctx, self.window())
        wizard.finished.connect(lambda _r, w=wizard: self._closed(w))
        self.wizard = wizard
        return wizard

    def _closed(self, wizard: QWidget) -> None:
        if self.wizard is wizard:
            self.wizard = None
