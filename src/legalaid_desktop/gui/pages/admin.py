"""Administration (managers and administrators): users, the audit log, the data-store check."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.roles import ROLE_LABELS, Permission, may_manage
from legalaid_desktop.domain.users import UserInfo
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.dialogs.user_dialog import AddUserDialog, ResetPasswordDialog
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.pages.audit_log import AuditLogView
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.feedback import busy_bar
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.i18n.formatting import format_integer
from legalaid_desktop.services.backups import OutsideBackup

USER_COLUMNS = (N_("User name"), N_("Full name"), N_("Role"), N_("Center"), N_("Status"))


class UsersView(QWidget):
    """The users table with Add, Revoke and Set password."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserInfo] = []
        self.backup_warning: QMessageBox | None = None
        self.table = QTableWidget(0, len(USER_COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_user)
        self.revoke_button = QPushButton()
        self.revoke_button.clicked.connect(self.revoke_user)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_password)
        self.busy = busy_bar()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in USER_COLUMNS])
        self.table.setAccessibleName(_("Users"))
        self.add_button.setText(_("&Add user…"))
        self.reset_button.setText(_("Set &password…"))
        self.revoke_button.setText(_("Re&voke…"))
        self._fill()

    def refresh(self) -> None:
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.users.list,
            success=self._loaded,
            failure=self._failed,
            action="users_list",
        ).run()

    def _loaded(self, users: list[UserInfo]) -> None:
        self.users = list(users)
        self._fill()

    def _fill(self) -> None:
        selected = self.selected()
        self.table.setRowCount(len(self.users))
        for i, info in enumerate(self.users):
            status = _("Active") if info.active else _("Revoked")
            if info.active and not info.has_key:
                status = _("No key")
            values = (
                info.username,
                info.full_name,
                _(ROLE_LABELS[info.role]),
                info.node_code,
                status,
            )
            for col, text in enumerate(values):
                self.table.setItem(i, col, QTableWidgetItem(text))
            if selected is not None and info.username == selected.username:
                self.table.selectRow(i)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def _update_buttons(self) -> None:
        user = self.selected()
        mine = user is not None and user.username == self.ctx.actor.username
        # An account ranking above the user's own is not theirs to manage (the service refuses).
        usable = user is not None and user.active and may_manage(self.ctx.actor.role, user.role)
        self.revoke_button.setEnabled(usable and not mine)
        self.reset_button.setEnabled(usable and not mine)

    def _say(self, text: str, role: str = "ok") -> None:
        set_role(self.message, role)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "users")
        self.busy.hide()
        self._say(user_message(exc), "error")

    # -- actions ------------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = AddUserDialog(self.ctx, self)
        dialog.accepted.connect(partial(self._added, dialog))
        dialog.open()

    def _added(self, dialog: AddUserDialog) -> None:
        info = dialog.result_value
        if isinstance(info, UserInfo):
            self._say(_("The user {username} was added.").format(username=info.username))
        self.refresh()

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(self.ctx, user, self)
        dialog.accepted.connect(
            lambda: self._say(
                _("The password of {username} was changed.").format(username=user.username)
            )
        )
        dialog.open()

    def revoke_user(self) -> None:
        user = self.selected()
        if user is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Revoke a user"))
        box.setText(
            _("Revoke {name} ({username})?").format(name=user.full_name, username=user.username)
        )
        box.setInformativeText(
            _(
                "They will no longer be able to log in. Their key is removed and the data "
                "store gets a new key, so that an old copy of the key file opens nothing. "
                "This takes a moment; their records stay."
            )
        )
        revoke = box.addButton(_("Revoke"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        box.buttonClicked.connect(
            lambda button: self._revoke_confirmed(user) if button is revoke else None
        )
        box.open()
        self.confirmation = box

    def _revoke_confirmed(self, user: UserInfo) -> None:
        self.busy.show()
        self.revoke_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            partial(self._revoke, user.username),
            changes={Change.USERS},
            success=self._revoked,
            failure=self._failed,
            action="user_revoke",
        ).run()

    def _revoke(self, username: str) -> tuple[UserInfo, list[OutsideBackup]]:
        """Revoke ``username`` (on the writer thread); also the backup files outside the data
        folder their old password may still open (not reachable, so not re-keyed)."""
        services = self.ctx.services
        info = services.users.revoke(username)
        return info, services.maintenance.backups.still_open_to(username)

    def _revoked(self, result: tuple[UserInfo, list[OutsideBackup]]) -> None:
        info, left = result
        self.busy.hide()
        self._say(
            _("{username} was revoked and the data store has a new key.").format(
                username=info.username
            )
        )
        if left:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                _("Backups not re-keyed"),
                _(
                    "These backups outside the data folder can still be opened by {name}'s old "
                    "password: they were not reachable (a USB stick not plugged in) or could not "
                    "be given a new key. Make a new backup and destroy them."
                ).format(name=info.username),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setDetailedText("\n".join(item.path for item in left))
            box.setInformativeText("\n".join(item.path for item in left[:5]))
            box.open()
            self.backup_warning = box
        self.refresh()


class MaintenanceView(QWidget):
    """ "Check the data store": page checksums, structure and the audit chain."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: object | None = None
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify)
        self.busy = busy_bar()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        set_role(self.details, "muted")
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.result)
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.explanation.setText(
            _(
                "Checks that the encrypted pages are intact, that the database structure is "
                "sound and that nobody has altered or removed audit events."
            )
        )
        self.verify_button.setText(_("&Check the data store"))
        self._show()

    def verify(self) -> None:
        self.busy.show()
        self.verify_button.setEnabled(False)
        self.result.clear()
        self.details.clear()
        WriteOp(
            self.ctx.tasks,
            self.ctx.services.maintenance.verify,
            success=self._verified,
            failure=self._failed,
            action="verify",
        ).run()

    def _verified(self, report: object) -> None:
        self.busy.hide()
        self.verify_button.setEnabled(True)
        self.report = report
        self._show()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "verify")
        self.busy.hide()
        self.verify_button.setEnabled(True)
        set_role(self.result, "error")
        self.result.setText(user_message(exc))

    def _show(self) -> None:
        report = self.report
        if report is None:
            return
        if getattr(report, "ok", False):
            set_role(self.result, "ok")
            events = int(getattr(report, "audit_events", 0))
            self.result.setText(
                ngettext(
                    "The data store is intact. {n} audit event checked.",
                    "The data store is intact. {n} audit events checked.",
                    events,
                ).format(n=format_integer(events))
            )
            self.details.clear()
            return
        set_role(self.result, "error")
        self.result.setText(_("Problems were found. Make a backup copy and call support."))
        problems = [
            *getattr(report, "page_problems", ()),
            *getattr(report, "structure_problems", ()),
            *getattr(report, "audit_problems", ()),
            *getattr(report, "figures_problems", ()),
        ]
        self.details.setText("\n".join(str(p) for p in problems[:50]))


class AdminPage(Page):
    """Users, audit log and maintenance in tabs (shown to roles that manage users)."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.heading = QLabel()
        set_role(self.heading, "heading")
        self.tabs = QTabWidget()
        self.users = UsersView(ctx)
        self.tabs.addTab(self.users, "")
        self.audit: AuditLogView | None = None
        if ctx.actor.can(Permission.VIEW_AUDIT):
            self.audit = AuditLogView(ctx)
            self.tabs.addTab(self.audit, "")
        self.maintenance = MaintenanceView(ctx)
        self.tabs.addTab(self.maintenance, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._audit_started = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self.users.refresh()

    def title(self) -> str:
        return _("Administration")

    def retranslate(self) -> None:
        self.heading.setText(_("Administration"))
        self.tabs.setTabText(self.tabs.indexOf(self.users), _("Users"))
        if self.audit is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.audit), _("Audit log"))
            self.audit.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.maintenance), _("Data store"))
        self.users.retranslate()
        self.maintenance.retranslate()

    def refresh(self) -> None:
        self.users.refresh()
        if self.audit is not None and self._audit_started:
            self.audit.reload()

    def _tab_changed(self, index: int) -> None:
        if self.audit is not None and self.tabs.widget(index) is self.audit:
            if not self._audit_started:
                self._audit_started = True
                self.audit.start()
            else:
                self.audit.reload()
