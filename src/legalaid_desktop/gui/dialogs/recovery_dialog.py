""" "Forgot password?": open the store with the recovery key and give a user a new password.

Step 1 asks for the recovery key and unlocks with it (in the background). Step 2 lists the active
users and takes a new password twice. The recovery session is closed again afterwards: the user
then logs in normally with the new password.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop import app
from legalaid_desktop.app import AppSession
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.application import monospace_font
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.secret_clipboard import forget_pasted
from legalaid_desktop.gui.tasks import TaskRunner, WriteOp
from legalaid_desktop.gui.widgets.feedback import busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.gui.widgets.passwords import NewPasswordFields
from legalaid_desktop.i18n import _


def _unlock(data_dir: Path, key: str) -> tuple[AppSession, list[UserInfo]]:
    session = app.recover(data_dir, key)
    try:
        users = [u for u in session.users.list() if u.active]
    except BaseException:
        session.close()
        raise
    return session, users


class RecoveryDialog(GuardedDialog):
    """Reset a user's password with the recovery key.

    Signals:
        password_reset(str): the user name whose password was set.
    """

    password_reset = Signal(str)

    def __init__(self, data_dir: Path, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.tasks = tasks
        self.session: AppSession | None = None
        self._typed = ""  # the key being tried (to take it off the clipboard once it worked)
        self._working = False
        self.setMinimumWidth(560)

        # step 1: the key
        self.key_help = QLabel()
        self.key_help.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setFont(monospace_font(12))
        self.key.setEchoMode(QLineEdit.EchoMode.Normal)
        self.key.returnPressed.connect(self.unlock)
        self.key_message = message_label()
        self.unlock_button = QPushButton()
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.unlock)
        step1 = QWidget()
        s1 = QVBoxLayout(step1)
        s1.addWidget(self.key_help)
        s1.addWidget(self.key)
        s1.addWidget(self.key_message)
        s1.addStretch(1)

        # step 2: the user and the new password
        self.user_help = QLabel()
        self.user_help.setWordWrap(True)
        self.user = QComboBox()
        self.user_label = QLabel()
        self.user_label.setBuddy(self.user)
        self.passwords = NewPasswordFields()
        self.passwords.changed.connect(self._update)
        self.user.currentIndexChanged.connect(
            lambda _index: self.passwords.set_username(str(self.user.currentData() or ""))
        )
        self.set_message = message_label()
        self.set_button = QPushButton()
        self.set_button.setAutoDefault(False)
        self.set_button.clicked.connect(self.set_password)
        self.passwords.repeat.returnPressed.connect(self.set_password)
        step2 = QWidget()
        s2 = QVBoxLayout(step2)
        s2.addWidget(self.user_help)
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        s2.addLayout(form)
        s2.addWidget(self.passwords)
        s2.addWidget(self.set_message)
        s2.addStretch(1)

        self.steps = QStackedWidget()
        self.steps.addWidget(step1)
        self.steps.addWidget(step2)
        self.busy = busy_bar()
        self.cancel_button = QPushButton()
        # Not a default button when it has the focus: Enter must never mean Cancel here.
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.set_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.busy)
        layout.addLayout(buttons)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Forgot password"))
        self.key_help.setText(
            _(
                "Type the recovery key from the sheet kept in the safe (groups of four letters "
                "and digits; dashes and spaces do not matter)."
            )
        )
        self.key.setAccessibleName(_("Recovery key"))
        self.unlock_button.setText(_("&Unlock"))
        self.user_help.setText(_("Choose whose password to set, and type the new password."))
        self.user_label.setText(_("&User:"))
        self.set_button.setText(_("&Set password"))
        self.cancel_button.setText(_("Cancel"))
        self.passwords.retranslate()

    def _update(self) -> None:
        on_key = self.steps.currentIndex() == 0
        self.unlock_button.setVisible(on_key)
        self.set_button.setVisible(not on_key)
        self.set_button.setEnabled(self.passwords.is_valid() and self.user.count() > 0)

    def _busy(self, busy: bool) -> None:
        self._working = busy
        self.busy.setVisible(busy)
        self.unlock_button.setEnabled(not busy)
        # read-only, not disabled: a disabled field would pass the focus on to Cancel
        self.key.setReadOnly(busy)
        if busy:
            self.set_button.setEnabled(False)
        else:
            self._update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter submits the step on screen (unlock, or set the password); it never closes."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            event.accept()
            if self.steps.currentIndex() == 0:
                self.unlock()
            else:
                self.set_password()
            return
        super().keyPressEvent(event)

    def unlock(self) -> None:
        if self._working or self.steps.currentIndex() != 0:
            return
        key = self.key.text().strip()
        if not key:
            show_message(self.key_message, _("Type the recovery key."))
            return
        show_message(self.key_message, "")
        self._busy(True)
        self._typed = key
        WriteOp(
            self.tasks,
            partial(_unlock, self.data_dir, key),
            success=self._unlocked,
            failure=self._unlock_failed,
            action="recovery_unlock",
        ).run()

    def _unlocked(self, result: tuple[AppSession, list[UserInfo]]) -> None:
        self.session, users = result
        forget_pasted(self._typed)  # a key pasted from elsewhere does not stay on the clipboard
        self._typed = ""
        self.key.clear()
        self.user.clear()
        for info in users:
            self.user.addItem(f"{info.full_name} ({info.username})", info.username)
        self.steps.setCurrentIndex(1)
        self._busy(False)
        self.passwords.password.setFocus()

    def _unlock_failed(self, exc: BaseException) -> None:
        self._typed = ""
        log_error(exc, "recovery_unlock")
        self._busy(False)
        show_message(self.key_message, user_message(exc))
        self.key.setFocus()

    def set_password(self) -> None:
        if self._working or self.session is None or not self.passwords.is_valid():
            return
        username = str(self.user.currentData())
        self._busy(True)
        WriteOp(
            self.tasks,
            partial(self.session.users.reset_password, username, self.passwords.value()),
            success=lambda _r: self._done(username),
            failure=self._set_failed,
            action="reset_password",
        ).run()

    def _done(self, username: str) -> None:
        self._busy(False)
        self.passwords.clear()
        self._close_session()
        self.password_reset.emit(username)
        self.accept()

    def _set_failed(self, exc: BaseException) -> None:
        log_error(exc, "reset_password")
        self._busy(False)
        show_message(self.set_message, user_message(exc))

    def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            WriteOp(self.tasks, session.close, action="close_recovery").run()

    def done(self, result: int) -> None:
        self._close_session()
        super().done(result)
