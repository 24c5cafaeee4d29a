"""The "Export everything held…" button of the client dialog: the access report of issue 16.

A person may ask what the center holds about them; a manager saves it for them as a PDF (in
the interface language) or a JSON file, chosen by the file's suffix
(:mod:`legalaid_desktop.services.access_report`). Making the report is audited, so it runs as
a :class:`~legalaid_desktop.gui.tasks.WriteOp`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import user_message
from legalaid_desktop.gui.tasks import WriteOp
from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.services.access_report import AccessExport


class ExportButton(QPushButton):
    """Asks where to save the client's access report, then writes it in the background.

    Shown (by the dialog) only when :attr:`allowed`: not to a role that may not export personal
    data, nor for a client not stored yet.
    :attr:`status` says where the file went (the dialog places it); :attr:`file_dialog` is the
    file dialog while it is open.

    Signals:
        failed(str): the report could not be written; the message to show.
    """

    failed = Signal(str)

    def __init__(
        self, ctx: GuiContext, client_id: str | None, parent: QWidget, number: str = ""
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.number = number  # the client number, for the file name
        self.file_dialog: QFileDialog | None = None
        self.status = QLabel(parent)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.clicked.connect(self.ask)

    @property
    def allowed(self) -> bool:
        """Whether this user may export this client's data (the button shows only then)."""
        return self.client_id is not None and self.ctx.actor.can(Permission.EXPORT_PERSONAL_DATA)

    def retranslate(self) -> None:
        self.setText(_("E&xport everything held…"))
        self.setToolTip(
            _("Everything held about this client, for their request: a PDF or a JSON file")
        )

    def ask(self) -> QFileDialog | None:
        """Open the file dialog (.pdf or .json); choosing a file writes the report there."""
        if not self.allowed or self.client_id is None:
            return None
        pdf, json = _("PDF files (*.pdf)"), _("JSON files (*.json)")
        # The client number, never the person's name (nor a raw id).
        name = f"personal-data-{self.number or self.client_id[:8]}.pdf"
        dialog = save_file_dialog(
            self.window(),
            _("Export everything held"),
            name,
            [(pdf, "pdf"), (json, "json")],
            self.export_to,
        )
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.file_dialog = dialog
        return dialog

    def _closed(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None

    def export_to(self, path: Path) -> None:
        """Write the access report to ``path`` (its suffix chooses PDF or JSON)."""
        if self.client_id is None:
            return
        client_id, lang = self.client_id, current_language()
        access = self.ctx.services.access
        self.setEnabled(False)
        self.status.hide()
        # the file dialog already asked before replacing an existing file
        WriteOp(
            self.ctx.tasks,
            lambda: access.export(client_id, path, lang=lang, overwrite=True),
            success=self._exported,
            failure=self._export_failed,
            action="client_access_report",
            parent=self,
        ).latest("export").run()

    def _exported(self, result: AccessExport) -> None:
        self.setEnabled(True)
        self.status.setText(_("Saved to {path}.").format(path=result.path))
        self.status.show()

    def _export_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.failed.emit(user_message(exc))
