"""The documents of a case: add (read in the background), show inside the app, export.

Documents live only inside the encrypted store. "Open" shows images and PDFs from memory in
:class:`AttachmentViewer`; nothing is written to a temporary file. "Export…" writes a copy where
the user chooses, which is an explicit, audited decision.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from legalaid_desktop.domain.cases import AttachmentInfo
from legalaid_desktop.domain.documents import document_kind
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.filenames import plain_file_name
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.attachment_viewer import AttachmentViewer, can_show
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.case_tabs import RecordTab, added_on, cell
from legalaid_desktop.gui.widgets.dialogs import open_dialog
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_decimal, format_integer, format_size
from legalaid_desktop.services.case_records import MAX_ATTACHMENT_BYTES


def size_text(size: int) -> str:
    """``512 B``, ``12 KB``, ``1,5 MB`` (a decimal comma in Azerbaijani and Russian)."""
    return format_size(size)


def export_file_name(info: AttachmentInfo) -> str:
    """The name the Save dialog offers: always a plain name, whatever was stored or received."""
    return plain_file_name(info.file_name)


def read_document(path: Path) -> bytes:
    """A file's bytes, refused before reading when it is larger than an attachment may be."""
    size = path.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is {size} MB; the limit is {limit} MB.").format(
                size=format_decimal(size / 1024 / 1024, 1),
                limit=format_integer(MAX_ATTACHMENT_BYTES // 1024 // 1024),
            ),
            "content",
        )
    return path.read_bytes()


def _user_name(username: str, _node: str) -> str:
    """A user name as it is (no case view to name people)."""
    return username


class DocumentsTab(RecordTab):
    """Scanned documents and files of a case.

    Signals:
        attachment_added(object): an :class:`AttachmentInfo` was added.
    """

    attachment_added = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 5, parent)
        self._attachments: tuple[AttachmentInfo, ...] = ()
        self._person: Callable[[str, str], str] = _user_name
        self.viewer: AttachmentViewer | None = None
        self.file_dialog: QFileDialog | None = None  # "Add file…" while it is open
        self.add = self.add_button(self.choose_file)
        self.open = self.add_button(self.open_current)
        self.export = self.add_button(self.choose_export)
        self.table.activated.connect(lambda _i: self.open_current())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.retranslate()

    def set_case(
        self,
        number: str,
        attachments: tuple[AttachmentInfo, ...],
        editable: bool,
        person: Callable[[str, str], str] | None = None,
    ) -> None:
        """Show the case's documents: name, kind in words, size, date, who added them.

        ``person`` gives what people read for a user name of a node (the case view's: the full
        name, another center's with its code); no hash or MIME type is shown to people."""
        self.number, self._attachments, self.editable = number, attachments, editable
        self._person = person or _user_name
        chosen = self.current_id()
        self.table.setRowCount(0)
        for info in attachments:
            row = self.table.rowCount()
            self.table.insertRow(row)
            items = [
                cell(info.file_name, info.id),
                cell(document_kind(info.media_type)),
                cell(size_text(info.size)),
                cell(added_on(info.added_at)),
                cell(self._person(info.added_by, info.added_by_node) if info.added_by else "—"),
            ]
            items[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        self.restore(chosen)
        self.add.setVisible(editable)
        self._update_buttons()

    def current(self) -> AttachmentInfo | None:
        chosen = self.current_id()
        return next((a for a in self._attachments if a.id == chosen), None)

    def _update_buttons(self) -> None:
        info = self.current()
        self.open.setEnabled(info is not None and can_show(info.media_type))
        self.export.setEnabled(info is not None)

    # -- adding ---------------------------------------------------------------------------------

    def choose_file(self) -> QFileDialog | None:
        """Ask for the file to add (window-modal, without a nested event loop: the static
        ``getOpenFileName`` blocked the caller, so nothing could go on behind it and the
        dialog could not be reached by a test as a user reaches it)."""
        if not self.editable:
            return None
        if self.file_dialog is not None:
            self.file_dialog.raise_()
            return self.file_dialog
        dialog = QFileDialog(
            self.window(), _("Add document to {number}").format(number=self.number)
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.add_file(Path(path)))
        dialog.finished.connect(lambda _r: self._file_dialog_closed(dialog))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _file_dialog_closed(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None
        self.table.setFocus()

    def add_file(self, path: Path) -> None:
        """Read ``path`` and store it in the case, both in the background."""
        number, records = self.number, self.ctx.services.records
        self.status_message.emit(_("Adding {name}…").format(name=path.name))
        WriteOp(
            self.ctx.tasks,
            lambda: records.add_attachment(number, path.name, read_document(path)),
            changes={Change.DOCUMENTS, Change.CASES},
            success=self._added,
            failure=self._add_failed,
            parent=self,
        ).latest("add").run()

    def _added(self, info: AttachmentInfo) -> None:
        self.status_message.emit(_("{name} added.").format(name=info.file_name))
        self.attachment_added.emit(info)

    def _add_failed(self, exc: BaseException) -> None:
        if isinstance(exc, (ValidationError, OSError)):
            self.status_message.emit(str(exc))
        self.failed(exc)

    # -- opening and exporting ------------------------------------------------------------------

    def open_current(self) -> None:
        info = self.current()
        if info is None or not can_show(info.media_type):
            return
        records = self.ctx.services.records
        WriteOp(
            self.ctx.tasks,
            lambda: records.attachment_content(info.id),
            success=self._show,
            failure=self.failed,
            parent=self,
        ).latest("open").run()

    def _show(self, loaded: tuple[AttachmentInfo, bytes]) -> None:
        info, content = loaded
        self.viewer = AttachmentViewer(info, content, self)
        open_dialog(self.viewer)

    def choose_export(self) -> None:
        info = self.current()
        if info is None:
            return
        name = export_file_name(info)
        target, _filter = QFileDialog.getSaveFileName(
            self, _("Export {name} (the copy is not encrypted)").format(name=name), name
        )
        if target:
            self.export_to(info, Path(target))

    def export_to(self, info: AttachmentInfo, target: Path) -> None:
        """Write a copy of ``info`` to ``target`` (audited)."""
        records = self.ctx.services.records
        WriteOp(
            self.ctx.tasks,
            lambda: records.export_attachment(info.id, target),
            success=lambda path: self.status_message.emit(
                _("Saved an unencrypted copy to {path}.").format(path=path)
            ),
            failure=self.failed,
            parent=self,
        ).latest("export").run()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [_("File"), _("Kind"), _("Size"), _("Added"), _("Added by")]
        )
        self.table.setAccessibleName(_("Documents"))
        self.add.setText(_("Add fil&e…"))  # Alt+F is the File menu
        self.open.setText(_("&View"))
        self.open.setToolTip(_("Show the document inside LegalAid (images and PDF)"))
        self.export.setText(_("E&xport…"))
        self.export.setToolTip(_("Save an unencrypted copy where you choose"))
        if self.number:
            self.set_case(self.number, self._attachments, self.editable, self._person)
