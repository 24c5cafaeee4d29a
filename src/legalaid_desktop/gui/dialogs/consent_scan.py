"""The client dialog's "Attach signed scan…": the signed consent form, kept encrypted.

A mixin of :class:`~legalaid_desktop.gui.dialogs.client_dialog.ClientDialog`: the button sits in
the dialog's consent section and acts on the consent chosen in its list, when that consent is in
force and carries no scan yet (the scan is stored encrypted; ``services/consent_scans.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QPushButton, QTreeWidget, QWidget

from legalaid_desktop.domain.cases import ClientInfo, ConsentInfo
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.i18n import _

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""Where the consent list keeps each row's consent id."""


class ConsentScanMixin:
    """The scan button and what it does; the dialog provides the attributes declared here."""

    ctx: GuiContext
    consents: QTreeWidget
    general_error: FieldError
    _client: ClientInfo | None
    _consent_of: Callable[[str], ConsentInfo | None]
    _show_history: Callable[[], None]

    def _build_scan_button(self, box: QGroupBox, row: QHBoxLayout) -> None:
        """ "Attach signed scan…": for the consent chosen in the list, when it is in force and
        carries no scan yet (the scan is stored encrypted; services/consent_scans.py)."""
        self.scan_button = QPushButton(box)
        self.scan_button.clicked.connect(self.choose_scan)
        self.scan_button.setVisible(self.ctx.actor.can(Permission.EDIT_CASES))
        self.scan_button.setEnabled(False)
        self.consents.currentItemChanged.connect(lambda *_a: self._update_scan())
        row.addWidget(self.scan_button)

    def _retranslate_scan(self) -> None:
        self.scan_button.setText(_("Attach signed s&can…"))
        self.scan_button.setToolTip(
            _("The signed consent form, scanned: kept encrypted with the client's record")
        )

    def _chosen_scan_consent(self) -> ConsentInfo | None:
        """The consent chosen in the list, if a scan can be attached to it."""
        item = self.consents.currentItem()
        consent = self._consent_of(item.data(0, ID_ROLE)) if item else None
        if consent is None or consent.withdrawn_on is not None or consent.has_scan:
            return None
        return consent

    def _update_scan(self) -> None:
        self.scan_button.setEnabled(self._chosen_scan_consent() is not None)

    def choose_scan(self) -> None:
        """Ask for the scan file, then attach it (:meth:`attach_scan`)."""
        if self._chosen_scan_consent() is None:
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            cast(QWidget, self),
            _("Attach signed scan"),
            "",
            _("Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"),
        )
        if chosen:
            self.attach_scan(Path(chosen))

    def attach_scan(self, path: Path) -> None:
        """Attach the file at ``path`` as the signed scan of the chosen consent."""
        consent = self._chosen_scan_consent()
        if consent is None or self._client is None:
            return
        client_id, consent_id = self._client.id, consent.id
        clients = self.ctx.services.clients
        self.scan_button.setEnabled(False)
        self.general_error.show_message(None)
        WriteOp(
            self.ctx.tasks,
            lambda: clients.attach_consent_scan_file(client_id, path, consent_id),
            changes={Change.CLIENTS},
            success=self._scan_attached,
            failure=self._scan_failed,
            parent=cast(QWidget, self),
        ).latest("attach_scan").run()

    def _scan_attached(self, info: ClientInfo) -> None:
        self._client = info
        self._show_history()
        self._update_scan()

    def _scan_failed(self, exc: BaseException) -> None:
        self.general_error.show_message(str(exc))
        self._update_scan()
