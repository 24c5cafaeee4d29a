"""The bundle parts of the Sync screen: export to a folder, and inspect then apply a bundle.

Every service call runs through the task runner; long work (export, import) reports progress
to an inline bar and can be stopped: the task raises :class:`SyncCancelled` from its progress
callback, so the transaction is rolled back and no file is left behind.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.sync_common import (
    ProgressRow,
    bundle_file_name,
    cancellable,
    counts_text,
    local_time,
    node_text,
    size_text,
)
from legalaid_desktop.gui.tasks import Change, Op, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.feedback import message_label, show_message
from legalaid_desktop.i18n import _
from legalaid_desktop.services.sync import (
    BundleReport,
    ExportResult,
    ImportResult,
    SyncCancelled,
    SyncOverview,
)

# --- export -------------------------------------------------------------------------------------


class ExportView(QWidget):
    """Destination folder, recipient, full export, Export, progress and the result.

    Signals:
        exported(object): an :class:`ExportResult` after a bundle was written.
    """

    exported = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.overview: SyncOverview | None = None
        self.result: ExportResult | None = None
        self.folder = QLineEdit()
        self.folder.textChanged.connect(self._update)
        self.browse = QPushButton()
        self.browse.clicked.connect(self.choose_folder)
        self.recipient = QComboBox()
        self.recipient.setMinimumWidth(260)
        self.full = QCheckBox()
        self.export_button = QPushButton()
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.progress = ProgressRow()
        self.message = message_label()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.folder_label, self.recipient_label = QLabel(), QLabel()
        self.folder_label.setBuddy(self.folder)
        self.recipient_label.setBuddy(self.recipient)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(self.folder_label, folder_row)
        form.addRow(self.recipient_label, self.recipient)
        form.addRow("", self.full)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.setTabOrder(self.folder, self.browse)
        self.setTabOrder(self.browse, self.recipient)
        self.setTabOrder(self.recipient, self.full)
        self.setTabOrder(self.full, self.export_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Write the changes since the last bundle to a folder (a USB stick) and take it "
                "to the other side. The bundle is encrypted and signed: only the recipient can "
                "read it."
            )
        )
        self.folder_label.setText(_("&Destination folder:"))
        self.recipient_label.setText(_("Reci&pient:"))
        self.folder.setAccessibleName(_("Destination folder"))
        self.folder.setPlaceholderText(_("For example the USB stick"))
        self.browse.setText(_("Ch&oose…"))
        self.recipient.setAccessibleName(_("Recipient"))
        self.full.setText(_("F&ull export (everything, not only the changes)"))
        self.full.setToolTip(
            _("Use it when the other side lost bundles or was set up again; it is larger.")
        )
        self.export_button.setText(_("&Export bundle"))
        self.progress.retranslate()
        if self.result is not None:
            self._show_result(self.result)

    def set_overview(self, overview: SyncOverview) -> None:
        self.overview = overview
        current = self.recipient.currentData()
        self.recipient.clear()
        for peer in overview.peers:
            self.recipient.addItem(node_text(peer.code, peer.name), peer.code)
        self.recipient.setCurrentIndex(max(0, self.recipient.findData(current)))
        self.recipient.setEnabled(overview.is_hq and len(overview.peers) > 1)
        self._update()

    def _update(self) -> None:
        ready = bool(self.folder.text().strip()) and self.recipient.count() > 0
        self.export_button.setEnabled(ready and not self.progress.busy)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Where should the bundle be written?"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def export(self) -> None:
        text = self.folder.text().strip()
        if text:
            self.export_to(Path(text))

    def export_to(self, folder: Path) -> Op | None:
        """Write a bundle for the chosen recipient into ``folder`` (in the background)."""
        if self.overview is None or self.progress.busy:
            return None
        peer = self.recipient.currentData()
        if not peer:
            show_message(self.message, _("There is no enrolled node to send a bundle to."))
            return None
        if not folder.is_dir():
            show_message(self.message, _("The folder {path} does not exist.").format(path=folder))
            return None
        self.folder.setText(str(folder))
        path = folder / bundle_file_name(self.overview.node_code, str(peer))
        to = str(peer) if self.overview.is_hq else None
        service = self.ctx.services.sync
        show_message(self.message, _("Writing the bundle…"), "muted")
        op = WriteOp(
            self.ctx.tasks,
            cancellable(partial(service.export, path, to=to, full=self.full.isChecked())),
            changes={Change.SYNC},
            success=self._exported,
            failure=self._failed,
            action="sync_export",
        ).with_progress()
        self.progress.start(op)
        op.finished.connect(self._update)
        op.run()
        self._update()
        return op

    def _exported(self, result: ExportResult) -> None:
        self.result = result
        self._show_result(result)
        self.exported.emit(result)

    def _show_result(self, result: ExportResult) -> None:
        text = _(
            "Bundle no. {seq} for {peer} written: {file}\n{records} records ({counts}), "
            "{attachments} documents, {size}."
        ).format(
            seq=result.seq,
            peer=result.peer,
            file=result.path.name,
            records=result.records,
            counts=counts_text(result.counts),
            attachments=result.attachments,
            size=size_text(result.size),
        )
        if result.not_owned:
            text += "\n" + _(
                "{n} changed records were left out: they belong to other centers."
            ).format(n=result.not_owned)
        show_message(self.message, text, "ok")

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "sync_export")
        show_message(self.message, user_message(exc))


# --- import -------------------------------------------------------------------------------------


class ImportView(QWidget):
    """Choose a bundle (or drop it on the screen), see what it is, then Apply or Cancel.

    Signals:
        imported(object): an :class:`ImportResult` after a bundle was applied.
    """

    imported = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: BundleReport | None = None
        self.result: ImportResult | None = None
        self._generation = 0
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_file)
        self.panel = QGroupBox()
        self.fields: dict[str, QLabel] = {}
        self.field_labels: dict[str, QLabel] = {}
        form = QFormLayout(self.panel)
        for key in ("file", "sender", "created", "seq", "records", "documents"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel()
            caption.setBuddy(value)
            self.fields[key], self.field_labels[key] = value, caption
            form.addRow(caption, value)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        form.addRow(self.verdict)
        self.apply_button = QPushButton()
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.clear)
        panel_buttons = QHBoxLayout()
        panel_buttons.addWidget(self.apply_button)
        panel_buttons.addWidget(self.cancel_button)
        panel_buttons.addStretch(1)
        form.addRow(panel_buttons)
        self.panel.hide()
        self.progress = ProgressRow()
        self.message = message_label()
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.panel)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Choose a bundle brought from the other side, or drag the file onto this "
                "screen. It is checked first; nothing changes until you press Apply."
            )
        )
        self.choose_button.setText(_("Ch&oose bundle…"))
        self.panel.setTitle(_("Bundle"))
        captions = {
            "file": _("File:"),
            "sender": _("Sender:"),
            "created": _("Created:"),
            "seq": _("Sequence no.:"),
            "records": _("Records:"),
            "documents": _("Documents:"),
        }
        for key, caption in captions.items():
            self.field_labels[key].setText(caption)
        self.apply_button.setText(_("&Apply"))
        self.apply_button.setToolTip(_("Import this bundle into the store"))
        self.cancel_button.setText(_("Ca&ncel"))
        self.progress.retranslate()
        if self.report is not None:
            self._show_report(self.report)
        if self.result is not None:
            self._show_result(self.result)

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a bundle"), "", _("Sync bundles (*.bundle);;All files (*)")
        )
        if chosen:
            self.inspect_file(Path(chosen))

    def inspect_file(self, path: Path) -> Op | None:
        """Check ``path`` in the background and show what it is."""
        if self.progress.busy:
            show_message(
                self.message,
                _("Wait until the import has finished, then open the file again."),
                "warning",
            )
            return None
        self._generation += 1
        self.report = None
        self.result = None
        self.panel.hide()
        show_message(self.message, _("Checking {file}…").format(file=path.name), "muted")
        return QueryOp(
            self.ctx.tasks,
            partial(self.ctx.services.sync.inspect, path),
            success=partial(self._inspected, self._generation),
            failure=self._failed,
            action="sync_inspect",
        ).run()

    def _inspected(self, generation: int, report: BundleReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        show_message(self.message, "")
        self._show_report(report)
        self.panel.show()
        (self.apply_button if self.apply_button.isEnabled() else self.cancel_button).setFocus()

    def _show_report(self, report: BundleReport) -> None:
        sender = node_text(report.sender, report.sender_name)
        if report.verified:
            sender = _("{sender} (signature verified)").format(sender=sender)
        values = {
            "file": f"{report.path.name} ({size_text(report.size)})",
            "sender": sender,
            "created": local_time(report.created),
            "seq": str(report.seq) if report.seq is not None else "—",
            "records": counts_text(report.counts),
            "documents": _("{n}, {size}").format(
                n=report.attachments, size=size_text(report.attachments_size)
            )
            if report.attachments
            else "0",
        }
        for key, text in values.items():
            self.fields[key].setText(text)
        ok = report.verdict == "verified"
        warning = report.verdict in ("already_imported", "out_of_sequence")
        role = "ok" if ok else "warning" if warning else "error"
        show_message(self.verdict, report.message, role)
        self.apply_button.setEnabled(ok and not self.progress.busy)

    def apply(self) -> Op | None:
        """Import the inspected bundle (in the background, with progress)."""
        report = self.report
        if report is None or report.verdict != "verified" or self.progress.busy:
            return None
        self.apply_button.setEnabled(False)
        show_message(self.message, _("Importing…"), "muted")
        op = WriteOp(
            self.ctx.tasks,
            cancellable(partial(self.ctx.services.sync.import_bundle, report.path)),
            changes=set(Change),  # a bundle may bring records of every kind
            success=self._imported,
            failure=self._failed,
            action="sync_import",
        ).with_progress()
        self.progress.start(op)
        op.run()
        return op

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.report = None
        self.panel.hide()
        self._show_result(result)
        self.imported.emit(result)

    def _show_result(self, result: ImportResult) -> None:
        if result.already_imported:
            show_message(self.message, result.message, "warning")
            return
        text = _(
            "Bundle no. {seq} from {node} imported: {inserted} new, {updated} updated, "
            "{unchanged} unchanged, {deleted} deleted."
        ).format(
            seq=result.seq,
            node=result.peer,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            deleted=result.deleted,
        )
        if result.conflicts:
            text += "\n" + _("{n} conflicts to review (see Conflicts).").format(n=result.conflicts)
        if result.quarantined:
            text += "\n" + _("{n} records were set aside (see Conflicts).").format(
                n=result.quarantined
            )
        if result.alert:  # a center sent records it may not send: they were refused
            show_message(self.message, text + "\n" + result.alert, "error")
            return
        show_message(self.message, text, "warning" if result.conflicts else "ok")

    def clear(self) -> None:
        """Forget the inspected bundle."""
        self._generation += 1
        self.report = None
        self.panel.hide()
        show_message(self.message, "")

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "sync_import")
        text = user_message(exc)
        if not isinstance(exc, SyncCancelled):
            text += "\n" + _("Nothing was imported; the data here is unchanged.")
        show_message(self.message, text)
        if self.report is not None:
            self.apply_button.setEnabled(self.report.verdict == "verified")
