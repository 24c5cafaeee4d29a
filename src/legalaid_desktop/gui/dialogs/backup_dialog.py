"""File › Back up…: one encrypted backup file in a folder outside the data folder (issue 20).

The steps: a folder chooser (a USB stick); then the backup on the single writer thread (a
:class:`~legalaid_desktop.gui.tasks.WriteOp`: it records the backup and its audit event) with a
window-modal progress dialog whose Cancel stops the copy (nothing is left on the stick); then a
message that says where the file is and who can open it, or why it failed ("not enough space:
N MB needed, M MB free"). Managers and administrators only (the service checks again).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from legalaid_desktop.domain.errors import BackupCancelled
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Change, Op, Progress, WriteOp
from legalaid_desktop.i18n import _
from legalaid_desktop.services.backups import OutsideBackup


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


class BackupToFolder(QObject):
    """Back up to a chosen folder (see the module's docstring).

    While a step is open, :attr:`folder_dialog`, :attr:`progress` or :attr:`result_box` is it
    (tests drive them).

    Signals:
        done(object): the :class:`OutsideBackup` written.
        message(str): what to tell the user (written where, cancelled, or why it failed).
    """

    done = Signal(object)
    message = Signal(str)

    def __init__(self, ctx: GuiContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.folder_dialog: QFileDialog | None = None
        self.progress: QProgressDialog | None = None
        self.result_box: QMessageBox | None = None
        self.task: Op | None = None

    @property
    def allowed(self) -> bool:
        return self.ctx.actor.can(Permission.BACKUP_OUTSIDE)

    def ask(self) -> QFileDialog | None:
        """Step 1: which folder (a USB stick)."""
        if not self.allowed or self.task is not None:
            return None
        dialog = QFileDialog(self.window, _("Back up to a folder (a USB stick)"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("&Back up here"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.fileSelected.connect(lambda path: self.start(Path(path)))
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        self.folder_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QFileDialog) -> None:
        if self.folder_dialog is dialog:
            self.folder_dialog = None
        dialog.deleteLater()

    def start(self, folder: Path) -> None:
        """Step 2: write the file in the background, with progress and Cancel."""
        if self.task is not None:
            return
        backups = self.ctx.services.maintenance.backups

        def work(progress: Progress) -> OutsideBackup:
            return backups.write_outside(
                folder, report=progress.report, cancelled=lambda: progress.cancelled
            )

        dialog = QProgressDialog(_("Backing up…"), _("Cancel"), 0, 0, self.window)
        dialog.setWindowTitle(_("Back up"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        self.task = (
            WriteOp(
                self.ctx.tasks,
                work,
                changes={Change.BACKUPS},
                success=self._done,
                failure=self._failed,
                action="backup_outside",
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
        task = self.task
        stopping = task is not None and task.progress is not None and task.progress.cancelled
        if self.progress is None or stopping:
            return
        self.progress.setMaximum(1000)
        self.progress.setValue(min(1000, 1000 * done // max(total, 1)))
        self.progress.setLabelText(
            _("Backing up: {done} of {total} MB…").format(done=_mb(done), total=_mb(total))
        )

    def _say(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(icon, _("Back up"), text, QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda _o=None: setattr(self, "result_box", None))
        box.open()
        self.result_box = box

    def _done(self, item: OutsideBackup) -> None:
        text = _(
            "The backup was written to {path} ({size} MB) and read back to check it. Keep the "
            "stick away from this computer: it opens only with an administrator's password or "
            "the recovery key."
        ).format(path=item.path, size=_mb(item.size))
        self.done.emit(item)
        self.message.emit(text)
        self._say(QMessageBox.Icon.Information, text)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, BackupCancelled):
            self.message.emit(str(exc))
            return
        log_error(exc, "backup_outside")
        text = user_message(exc)
        self.message.emit(text)
        self._say(QMessageBox.Icon.Warning, text)

    def _finished(self) -> None:
        self.task = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
