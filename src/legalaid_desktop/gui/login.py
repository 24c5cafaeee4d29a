"""The login window: user name, password, language; "Forgot password?".

The login itself (Argon2id, about half a second, plus any growing delay after wrong passwords)
runs in the background while the button shows that it is busy. A wrong password leaves the
window as it was, with the message of the :class:`AuthenticationError`. After the third wrong
password the window says that each new attempt waits longer; when the core can tell how long
(``app.login_wait_seconds``), the button counts the seconds down.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.errors import AuthenticationError
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.session_loader import (
    OpenedSession,
    known_usernames,
    login_wait_seconds,
    open_session,
)
from legalaid_desktop.gui.tasks import QueryOp, TaskRunner, WriteOp
from legalaid_desktop.gui.ui_settings import LANGUAGE_NAMES, UiSettings
from legalaid_desktop.gui.widgets.feedback import busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.passwords import CapsLockWatcher
from legalaid_desktop.i18n import LANGUAGES, _

#: After this many wrong passwords in a row the growing delay is announced.
ANNOUNCE_DELAY_AFTER = 3


class LoginWindow(QWidget):
    """The first window of a normal start.

    Signals:
        logged_in(object): an :class:`OpenedSession` for the user who logged in.
        language_changed(str): the user picked another language.
        no_store(): the data folder turned out to hold no store (no user has a key).
    """

    logged_in = Signal(object)
    language_changed = Signal(str)
    no_store = Signal()

    def __init__(
        self,
        data_dir: Path,
        tasks: TaskRunner,
        settings: UiSettings,
        *,
        language: str = "az",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.tasks = tasks
        self.settings = settings
        self.failures: dict[str, int] = {}
        self.busy = False
        self._wait_left = 0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.language.currentIndexChanged.connect(self._language_picked)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)

        self.title = QLabel()
        set_role(self.title, "title")
        self.center = QLabel()
        set_role(self.center, "subheading")
        self.center.setWordWrap(True)
        self.folder = QLabel()
        set_role(self.folder, "muted")
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        set_role(self.subtitle, "muted")
        self.username = QComboBox()
        self.username.setEditable(True)
        self.username.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.attempt)
        self.username_label = QLabel()
        self.password_label = QLabel()
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        self.caps = CapsLockWatcher(self)
        self.caps.watch(self.password)
        self.caps_warning = QLabel()
        set_role(self.caps_warning, "warning")
        self.caps_warning.hide()
        self.caps.changed.connect(self.caps_warning.setVisible)
        self.message = message_label()
        self.delay_note = QLabel()
        self.delay_note.setWordWrap(True)
        set_role(self.delay_note, "warning")
        self.delay_note.hide()
        self.progress = busy_bar()
        self.login_button = QPushButton()
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.attempt)
        self.forgot_button = QPushButton()
        self.forgot_button.setFlat(True)
        self.forgot_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot_button.clicked.connect(self.forgot_password)

        card = QFrame()
        set_role(card, "card")
        card.setMinimumWidth(420)
        card.setMaximumWidth(520)
        form = QFormLayout()
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.center)
        inner.addWidget(self.folder)
        inner.addWidget(self.subtitle)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addWidget(self.caps_warning)
        inner.addWidget(self.message)
        inner.addWidget(self.delay_note)
        inner.addWidget(self.progress)
        inner.addLayout(buttons)

        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.language_label)
        top.addWidget(self.language)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card)
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)
        self.resize(900, 600)
        self.retranslate()
        self.load_usernames()

    # -- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("LegalAid Desktop – log in"))
        self.language_label.setText(_("&Language:"))
        self.title.setText(_("LegalAid Desktop"))
        center = self.settings.center(self.data_dir)
        self.center.setText(
            _("Center: {name} ({code})").format(name=center[1], code=center[0]) if center else ""
        )
        self.center.setVisible(center is not None)
        self.folder.setText(_("Data folder: {path}").format(path=self.data_dir))
        self.subtitle.setText(_("Log in with your own user name and password."))
        self.username_label.setText(_("&User name:"))
        self.password_label.setText(_("&Password:"))
        self.username.setAccessibleName(_("User name"))
        self.password.setAccessibleName(_("Password"))
        self.caps_warning.setText(_("Caps Lock seems to be on."))
        self.forgot_button.setText(_("Forgot password?"))
        self.delay_note.setText(_("Too many wrong passwords: each new attempt waits longer."))
        self._update_button()

    def _update_button(self) -> None:
        if self.busy:
            self.login_button.setText(_("Checking…"))
        elif self._wait_left > 0:
            self.login_button.setText(_("Wait {n} s").format(n=self._wait_left))
        else:
            self.login_button.setText(_("&Log in"))
        enabled = not self.busy and self._wait_left <= 0
        self.login_button.setEnabled(enabled)
        self.username.setEnabled(not self.busy)
        self.password.setEnabled(not self.busy)
        self.forgot_button.setEnabled(not self.busy)

    def _language_picked(self) -> None:
        self.language_changed.emit(str(self.language.currentData()))

    # -- user names ---------------------------------------------------------------------------

    def load_usernames(self) -> None:
        """Fill the user list from the key file (in the background)."""
        QueryOp(
            self.tasks,
            partial(known_usernames, self.data_dir),
            success=self._set_usernames,
            failure=self._usernames_failed,
            action="known_usernames",
        ).run()

    def _set_usernames(self, names: list[str]) -> None:
        if not names:
            self.no_store.emit()
            return
        typed = self.username.currentText()
        self.username.clear()
        self.username.addItems(names)
        # the last user of THIS data folder (another folder's users are not offered here)
        last = self.settings.last_user(self.data_dir)
        if last not in names:
            last = names[0] if len(names) == 1 else ""
        preferred = typed or last
        self.username.setCurrentIndex(-1)  # not simply the first name of the list
        self.username.setCurrentText(preferred)
        if self.username.currentText():
            self.password.setFocus()
        else:
            self.username.setFocus()

    def _usernames_failed(self, exc: BaseException) -> None:
        log_error(exc, "known_usernames")
        show_message(self.message, user_message(exc))

    # -- logging in ---------------------------------------------------------------------------

    def attempt(self) -> None:
        """Try to log in with what is typed (in the background)."""
        if self.busy or self._wait_left > 0:
            return
        username = self.username.currentText().strip()
        password = self.password.text()
        if not username or not password:
            show_message(self.message, _("Enter your user name and password."))
            return
        self.busy = True
        show_message(self.message, "")
        self.progress.show()
        self._update_button()
        # A write: logging in records the attempt (audit log, failed-login counter).
        WriteOp(
            self.tasks,
            partial(open_session, self.data_dir, username, password),
            success=self._succeeded,
            failure=partial(self._failed, username),
            action="login",
        ).run()

    def _succeeded(self, opened: OpenedSession) -> None:
        self.busy = False
        self.progress.hide()
        self.password.clear()
        self._update_button()
        username = opened.services.actor.username
        self.failures.pop(username, None)
        self.delay_note.hide()
        self.settings.set_last_user(username, self.data_dir)
        self.logged_in.emit(opened)

    def _failed(self, username: str, exc: BaseException) -> None:
        log_error(exc, "login")
        self.busy = False
        self.progress.hide()
        self.password.clear()
        self.password.setFocus()
        show_message(self.message, user_message(exc))
        if isinstance(exc, AuthenticationError):
            self.failures[username] = self.failures.get(username, 0) + 1
            if self.failures[username] >= ANNOUNCE_DELAY_AFTER:
                self.delay_note.show()
                QueryOp(
                    self.tasks,
                    partial(login_wait_seconds, self.data_dir, username),
                    success=self._start_countdown,
                    failure=lambda _exc: None,
                    action="login_wait",
                ).run()
        self._update_button()

    def _start_countdown(self, seconds: float | None) -> None:
        if not seconds or seconds <= 0:
            return
        self._wait_left = int(seconds + 0.999)
        self._countdown.start()
        self._update_button()

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._wait_left = 0
            self._countdown.stop()
        self._update_button()

    # -- recovery -----------------------------------------------------------------------------

    def forgot_password(self) -> None:
        """Open the recovery-key dialog (reset a password with the key from the safe)."""
        from legalaid_desktop.gui.dialogs.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.data_dir, self.tasks, self)
        dialog.password_reset.connect(self._password_reset)
        dialog.open()

    def _password_reset(self, username: str) -> None:
        self.username.setCurrentText(username)
        self.failures.pop(username, None)
        self.delay_note.hide()
        show_message(self.message, _("The password was changed. Log in with the new one."), "ok")
        self.password.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._countdown.stop()
        super().closeEvent(event)
