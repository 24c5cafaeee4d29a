"""The first-run wizard's "Restore from a backup" (issue 20): a new computer for a center.

Pages: the backup file (``.labackup``, made with File › Back up…, or an old backup folder) and
what opens it: an administrator's user name and password, or the recovery key together with the
administrator whose password it sets anew (the recovery key itself logs nobody in) → restoring
(in the background, on the writer thread: the whole file is read and checked before anything is
written into the data folder the wizard would have created; a damaged file, a wrong password
or key leaves that folder as it was) → the program opens for that administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.tasks import WriteOp
from legalaid_desktop.gui.widgets.feedback import busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.passwords import NewPasswordFields
from legalaid_desktop.i18n import _

if TYPE_CHECKING:
    from legalaid_desktop.app import AppSession
    from legalaid_desktop.gui.wizard import FirstRunWizard


def restore_and_login(
    source: Path,
    target: Path,
    *,
    username: str,
    password: str = "",
    recovery_key: str = "",
    new_password: str = "",
) -> AppSession:
    """Restore ``source`` into ``target`` and log ``username`` in (runs on a worker thread).

    With the recovery key, ``username`` (an administrator of the backup) gets ``new_password``
    first: the recovery key opens the store but logs nobody in.
    """
    from legalaid_desktop import app
    from legalaid_desktop.domain.errors import AuthenticationError
    from legalaid_desktop.services.backups import backup_administrators, restore_backup

    if recovery_key:
        admins = backup_administrators(source)
        if username not in admins:  # checked first: nothing is restored for a wrong name
            raise AuthenticationError(
                _("{name} is not an administrator of this backup ({names}).").format(
                    name=username, names=", ".join(admins)
                )
            )
        restore_backup(source, target, recovery_key=recovery_key)
        rescue = app.recover(target, recovery_key)
        try:
            rescue.users.reset_password(username, new_password)
        finally:
            rescue.close()
        return app.login(target, username, new_password)
    restore_backup(source, target, username=username, password=password)
    return app.login(target, username, password)


class RestoreSourcePage(QWizardPage):
    """The backup file, and an administrator's password or the recovery key."""

    def __init__(self) -> None:
        super().__init__()
        self.file = QLineEdit()
        self.file.setPlaceholderText("legalaid-GNJ-20260301T101500Z.labackup")
        self.browse = QPushButton()
        self.browse.clicked.connect(self.choose_file)
        self.file_dialog: QFileDialog | None = None
        self.file_label = QLabel()
        self.file_label.setBuddy(self.file)
        self.by_password = QRadioButton()
        self.by_recovery = QRadioButton()
        self.by_password.setChecked(True)
        self.group = QButtonGroup(self)
        self.group.addButton(self.by_password)
        self.group.addButton(self.by_recovery)
        self.username = QLineEdit()
        self.username.setMaxLength(32)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery_key = QLineEdit()
        self.recovery_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password = NewPasswordFields()
        self.username_label, self.password_label = QLabel(), QLabel()
        self.recovery_label = QLabel()
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        self.recovery_label.setBuddy(self.recovery_key)
        self.help = QLabel()
        self.help.setWordWrap(True)
        set_role(self.help, "muted")

        self.new_password_label = QLabel()
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        top = QFormLayout()
        top.addRow(self.file_label, file_row)
        form = QFormLayout()
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        form.addRow(self.recovery_label, self.recovery_key)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addWidget(self.by_password)
        layout.addWidget(self.by_recovery)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.new_password_label)
        layout.addWidget(self.new_password)
        layout.addWidget(self.help)
        layout.addStretch(1)
        for field in (self.file, self.username, self.password, self.recovery_key):
            field.textChanged.connect(self._changed)
        self.new_password.changed.connect(self._changed)
        self.group.buttonToggled.connect(lambda _b, _on: self._changed())
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Restore from a backup"))
        self.setSubTitle(
            _("A backup file made with File › Back up… becomes this computer's data store.")
        )
        self.file_label.setText(_("Backup &file:"))
        self.browse.setText(_("Bro&wse…"))
        self.by_password.setText(_("Open it with an &administrator's password"))
        self.by_recovery.setText(_("Open it with the &recovery key"))
        self.username_label.setText(_("Administrator's &user name:"))
        self.password_label.setText(_("&Password:"))
        self.recovery_label.setText(_("Recovery &key:"))
        self.new_password_label.setText(_("A new password for this administrator:"))
        self.new_password.retranslate()
        self.help.setText(
            _(
                "Only the administrators the backup was made for, or the recovery key, open "
                "it. With the recovery key, give the administrator a new password here. The "
                "other users get a password again from an administrator."
            )
        )
        self._changed()

    def choose_file(self) -> QFileDialog:
        dialog = QFileDialog(self, _("Choose the backup file"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([_("LegalAid backups (*.labackup)"), _("All files (*)")])
        dialog.fileSelected.connect(self.file.setText)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _changed(self) -> None:
        recovery = self.by_recovery.isChecked()
        self.password.setVisible(not recovery)
        self.password_label.setVisible(not recovery)
        self.recovery_key.setVisible(recovery)
        self.recovery_label.setVisible(recovery)
        self.new_password.setVisible(recovery)
        self.new_password_label.setVisible(recovery)
        self.new_password.set_username(self.username.text().strip())
        self.completeChanged.emit()

    def source(self) -> Path:
        return Path(self.file.text().strip()).expanduser()

    def isComplete(self) -> bool:
        text = self.file.text().strip()
        if not text or not self.source().exists() or not self.username.text().strip():
            return False
        if self.by_recovery.isChecked():
            return bool(self.recovery_key.text().strip()) and self.new_password.is_valid()
        return bool(self.password.text())

    def work(self, target: Path) -> Callable[[], Any]:
        """The restore, ready to run on the writer thread (the secrets leave the fields)."""
        recovery = self.by_recovery.isChecked()
        job = partial(
            restore_and_login,
            self.source(),
            target,
            username=self.username.text().strip(),
            password="" if recovery else self.password.text(),
            recovery_key=self.recovery_key.text().strip() if recovery else "",
            new_password=self.new_password.value() if recovery else "",
        )
        return job

    def forget_secrets(self) -> None:
        self.password.clear()
        self.recovery_key.clear()
        self.new_password.clear()


class RestoringPage(QWizardPage):
    """Restores in the background; on success the wizard finishes into the main window."""

    def __init__(self, wizard: FirstRunWizard, source: RestoreSourcePage) -> None:
        super().__init__()
        self._wizard = wizard
        self._source = source
        self.setCommitPage(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.busy = busy_bar()
        self.busy.hide()
        self.error = message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.running = False
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Restoring the backup"))
        self.setSubTitle(_("The file is read whole and checked before anything is written."))
        if self.running:
            self.status.setText(_("Restoring… The whole file is read and checked first."))
        elif self._wizard.session is not None:
            self.status.setText(_("The backup was restored. Finish opens the program."))

    def initializePage(self) -> None:
        if self._wizard.session is None and not self.running:
            self.start()

    def start(self) -> None:
        self.running = True
        show_message(self.error, "")
        self.retranslate()
        self.busy.show()
        QTimer.singleShot(0, self._block_back)
        work = self._source.work(self._wizard.data_dir)
        WriteOp(
            self._wizard.tasks,
            work,
            success=self._restored,
            failure=self._failed,
            action="restore_backup",
        ).run()

    def _block_back(self) -> None:
        if self.running:
            self._wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def _restored(self, session: AppSession) -> None:
        self.running = False
        self.busy.hide()
        self._wizard.session = session
        self._source.forget_secrets()
        self.retranslate()
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        from legalaid_desktop.gui.errors import log_error, user_message

        log_error(exc, "restore_backup")
        self.running = False
        self.busy.hide()
        self.status.setText(_("The backup was not restored; nothing was written."))
        show_message(self.error, user_message(exc))
        # This is the wizard's last page, where it hides Back and Cancel: after a failure, Back
        # is the way to another file or a mistyped password.
        self._wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self._wizard.button(QWizard.WizardButton.BackButton).setEnabled(True)

    def cleanupPage(self) -> None:
        """Going back: the other last pages (a store made) keep Back hidden."""
        self._wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        super().cleanupPage()

    def isComplete(self) -> bool:
        return self._wizard.session is not None

    def nextId(self) -> int:
        return -1
