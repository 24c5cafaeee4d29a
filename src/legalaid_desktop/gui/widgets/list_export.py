"""The "Export…" button of a list: what the list shows, to an XLSX or CSV file (issue 18).

The list gives a *job*: a function that, given the path and the format, returns the work to run
in the background (``work(progress) -> ExportResult``). The list builds it from its current
filters and order when the export starts, so the file holds exactly what the list shows.

The steps, each a window-modal dialog: the file dialog (XLSX or CSV, chosen by the filter or the
suffix); a confirmation that says the file is not encrypted; then the export on the single
writer thread (:class:`~legalaid_desktop.gui.tasks.WriteOp`: it writes an audit event) with a
progress dialog whose Cancel stops it (a cancelled export leaves no file). The button shows only
to the roles that may export personal data (:attr:`Permission.EXPORT_PERSONAL_DATA`); the
service checks again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton, QWidget

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Op, Progress, WriteOp
from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.exports import ExportCancelled, ExportResult
from legalaid_desktop.statistics.writers import RecordCell

Work = Callable[[Progress], ExportResult]
Job = Callable[[Path, str], Work]
"""Given the file and the format (``xlsx`` or ``csv``), the work that writes it."""


def export_work(ctx: GuiContext, what: str, filters: Any) -> Job:
    """The job of a records list (clients, cases): ``ExportService.export`` with ``filters``."""
    exports = ctx.services.exports

    def job(path: Path, fmt: str) -> Work:
        def work(progress: Progress) -> ExportResult:
            return exports.export(
                what,
                path,
                fmt,
                filters,
                progress=progress.report,
                cancelled=lambda: progress.cancelled,
            )

        return work

    return job


def table_work(
    ctx: GuiContext,
    what: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[RecordCell]],
    filters: Mapping[str, str],
) -> Job:
    """The job of a list held on screen (the calendar): its rows as shown, taken now."""
    exports = ctx.services.exports

    def job(path: Path, fmt: str) -> Work:
        def work(progress: Progress) -> ExportResult:
            return exports.write_table(
                what,
                title,
                path,
                fmt,
                header,
                rows,
                total=len(rows),
                filters=filters,
                progress=progress.report,
                cancelled=lambda: progress.cancelled,
            )

        return work

    return job


class ExportButton(QPushButton):
    """ "Export…" (see the module's docstring).

    ``name`` is the start of the suggested file name (``clients``: ``clients-2026-03-01.xlsx``);
    ``job`` is asked for the work when the export starts. While a step is open,
    :attr:`file_dialog`, :attr:`confirmation` or :attr:`progress` is it (tests drive them).

    Signals:
        exported(object): the :class:`ExportResult` of a finished export.
        message(str): what to tell the user (saved where, cancelled, or why it failed).
    """

    exported = Signal(object)
    message = Signal(str)

    def __init__(self, ctx: GuiContext, name: str, job: Callable[[], Job], parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name = name
        self.job = job
        self.file_dialog: QFileDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.progress: QProgressDialog | None = None
        self.task: Op | None = None
        self.error_box: QMessageBox | None = None
        self.setVisible(self.allowed)
        self.clicked.connect(self.ask)
        self.retranslate()

    @property
    def allowed(self) -> bool:
        return self.ctx.actor.can(Permission.EXPORT_PERSONAL_DATA)

    def retranslate(self) -> None:
        self.setText(_("E&xport…"))
        self.setToolTip(_("Save what the list shows as an Excel (XLSX) or CSV file"))

    # -- the steps ----------------------------------------------------------------------------

    def ask(self) -> QFileDialog | None:
        """Step 1: where to save, and as what."""
        if not self.allowed or self.task is not None:
            return None
        xlsx, csv = _("Excel workbooks (*.xlsx)"), _("CSV files (*.csv)")
        suggested = f"{self.name}-{today().isoformat()}.xlsx"
        dialog = save_file_dialog(
            self.window(),
            _("Export the list"),
            suggested,
            [(xlsx, "xlsx"), (csv, "csv")],
            self.confirm,
        )
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        self.file_dialog = dialog
        return dialog

    def _forget_dialog(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None

    def confirm(self, path: Path) -> QMessageBox:
        """Step 2: the file is not encrypted; export anyway?"""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Export the list"),
            _(
                "The file {file} will not be encrypted. It holds personal data (names, phone "
                "numbers, addresses): keep it on an encrypted disk, give it to nobody who may not "
                "see these records, and delete it when it has served. The export is recorded in "
                "the audit log."
            ).format(file=path.name),
            QMessageBox.StandardButton.Cancel,
            self.window(),
        )
        go = box.addButton(_("&Export"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda _r: self._confirmed(box, path) if box.clickedButton() is go else None
        )
        box.finished.connect(lambda _r: self._forget_box(box))
        self.confirmation = box
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if self.confirmation is box:
            self.confirmation = None

    def _confirmed(self, box: QMessageBox, path: Path) -> None:
        self._forget_box(box)
        self.start(path)

    def start(self, path: Path) -> None:
        """Step 3: write the file in the background, with progress and Cancel."""
        if self.task is not None:
            return
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        work = self.job()(path, fmt)
        dialog = QProgressDialog(_("Exporting…"), _("Cancel"), 0, 0, self.window())
        dialog.setWindowTitle(_("Export the list"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        self.setEnabled(False)
        self.task = (
            WriteOp(
                self.ctx.tasks,
                work,
                success=self._done,
                failure=self._failed,
                action="list_export",
            )
            .with_progress(self._progressed)
            .run()
        )
        self.task.finished.connect(self._finished)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            if self.progress is not None:
                self.progress.setLabelText(_("Stopping…"))

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setLabelText(
            ngettext(
                "Exporting: {done} of {total} row…", "Exporting: {done} of {total} rows…", total
            ).format(done=done, total=total)
        )

    def _done(self, result: ExportResult) -> None:
        self.exported.emit(result)
        self.message.emit(
            ngettext("Saved {n} row to {file}.", "Saved {n} rows to {file}.", result.rows).format(
                n=result.rows, file=result.path
            )
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ExportCancelled):
            self.message.emit(str(exc))
            return
        log_error(exc, "list_export")
        text = user_message(exc)
        self.message.emit(text)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Export the list"),
            text,
            QMessageBox.StandardButton.Ok,
            self.window(),
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def _finished(self) -> None:
        self.task = None
        self.setEnabled(True)
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
