"""Adding a user and setting a user's password (administration screen)."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.roles import ROLE_LABELS, Role, may_manage
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.feedback import busy_bar, check, message_label, show_message
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.gui.widgets.passwords import NewPasswordFields
from legalaid_desktop.i18n import _


def assignable_roles(actor_role: Role) -> list[Role]:
    """The roles ``actor_role`` may give: none ranking above its own (the service checks too)."""
    return [role for role in Role if may_manage(actor_role, role)]


class _BackgroundDialog(GuardedDialog):
    """A dialog whose OK runs a service call in the background and closes on success."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: object | None = None
        self.busy = busy_bar()
        self.message = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def ok_button(self) -> QWidget:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def submit(self) -> None:
        raise NotImplementedError

    def _run(self, fn: object, action: str) -> None:
        self.busy.show()
        self.ok_button().setEnabled(False)
        show_message(self.message, "")
        WriteOp(
            self.ctx.tasks,
            fn,  # type: ignore[arg-type]
            changes={Change.USERS},
            success=self._succeeded,
            failure=partial(self._failed, action),
            action=action,
        ).run()

    def _succeeded(self, result: object) -> None:
        self.busy.hide()
        self.result_value = result
        self.accept()

    def _failed(self, action: str, exc: BaseException) -> None:
        log_error(exc, action)
        self.busy.hide()
        self.ok_button().setEnabled(True)
        show_message(self.message, user_message(exc))


class AddUserDialog(_BackgroundDialog):
    """User name, full name, role and a first password (typed twice)."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setMinimumWidth(520)
        self.username = QLineEdit()
        self.username.setMaxLength(32)
        self.username_message = message_label()
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(200)
        self.role = QComboBox()
        for role in assignable_roles(ctx.actor.role):
            self.role.addItem("", role.value)
        self.passwords = NewPasswordFields()
        self.username_label, self.full_name_label, self.role_label = QLabel(), QLabel(), QLabel()
        self.username_label.setBuddy(self.username)
        self.full_name_label.setBuddy(self.full_name)
        self.role_label.setBuddy(self.role)
        user_box = QVBoxLayout()
        user_box.addWidget(self.username)
        user_box.addWidget(self.username_message)
        form = QFormLayout()
        form.addRow(self.username_label, user_box)
        form.addRow(self.full_name_label, self.full_name)
        form.addRow(self.role_label, self.role)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.passwords)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.username.textChanged.connect(self._update)
        self.full_name.textChanged.connect(self._update)
        self.passwords.changed.connect(self._update)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add a user"))
        self.username_label.setText(_("&User name:"))
        self.full_name_label.setText(_("&Full name:"))
        self.role_label.setText(_("&Role:"))
        for i in range(self.role.count()):
            self.role.setItemText(i, _(ROLE_LABELS[Role(str(self.role.itemData(i)))]))
        self.passwords.retranslate()
        self._update()

    def _update(self) -> None:
        name = self.username.text()
        show_message(self.username_message, check(validation.username, name) if name else "")
        self.passwords.set_username(name)
        self.ok_button().setEnabled(
            not check(validation.username, name)
            and bool(self.full_name.text().strip())
            and self.passwords.is_valid()
        )

    def submit(self) -> None:
        self._run(
            partial(
                self.ctx.services.users.add,
                self.username.text().strip(),
                self.full_name.text(),
                str(self.role.currentData()),
                self.passwords.value(),
            ),
            "user_add",
        )


class ResetPasswordDialog(_BackgroundDialog):
    """A new password for another user (typed twice)."""

    def __init__(self, ctx: GuiContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.user = user
        self.setMinimumWidth(480)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.passwords = NewPasswordFields()
        self.passwords.set_username(user.username)
        self.passwords.changed.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.passwords)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Set a new password"))
        self.explanation.setText(
            _("A new password for {name} ({username}). Tell it to them in person.").format(
                name=self.user.full_name, username=self.user.username
            )
        )
        self.passwords.retranslate()
        self._update()

    def _update(self) -> None:
        self.ok_button().setEnabled(self.passwords.is_valid())

    def submit(self) -> None:
        self._run(
            partial(
                self.ctx.services.users.reset_password,
                self.user.username,
                self.passwords.value(),
            ),
            "password_reset",
        )
