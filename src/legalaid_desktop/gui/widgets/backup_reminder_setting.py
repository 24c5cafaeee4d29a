"""The Settings screen's "remind to back up after N days" (issue 20).

Unlike the other settings (this computer, this user), the limit belongs to the data store: every
manager and administrator of the center is reminded after the same number of days (the
dashboard's reminder; ``legalaid db backup-reminder DAYS`` sets the same value). Read and written
in the background; the change is audited.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.i18n import _
from legalaid_desktop.services.backups import REMINDER_RANGE


class BackupReminderSetting(QWidget):
    """A spin box for the days, saved when editing finishes; hidden for the other roles."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.heading = QLabel()
        set_role(self.heading, "subheading")
        self.days = QSpinBox()
        self.days.setRange(*REMINDER_RANGE)
        self.days.setMinimumWidth(220)
        self.days.setEnabled(False)
        self.label = QLabel()
        self.label.setBuddy(self.days)
        self.note = QLabel()
        self.note.setWordWrap(True)  # no maximum width: the layout would size it for one line
        set_role(self.note, "muted")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.label, self.days)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.days.editingFinished.connect(self.save)
        self.setVisible(ctx.actor.can(Permission.BACKUP_OUTSIDE))
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        self.heading.setText(_("This data store"))
        self.label.setText(_("Remind to &back up after:"))
        self.days.setSuffix(" " + _("days"))
        self.note.setText(
            _(
                "The dashboard reminds every manager and administrator when the last backup "
                "to a USB stick (File › Back up…) is older than this. Kept in the data store."
            )
        )

    def load(self) -> None:
        if not self.ctx.actor.can(Permission.BACKUP_OUTSIDE):
            return
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.maintenance.backups.reminder_days,
            success=self._loaded,
            failure=lambda exc: log_error(exc, "backup_reminder"),
            action="backup_reminder",
        ).run()

    def _loaded(self, days: int) -> None:
        self.days.setValue(days)
        self.days.setEnabled(True)
        self.loaded = True

    def save(self) -> None:
        if not self.loaded:
            return
        days = self.days.value()
        WriteOp(
            self.ctx.tasks,
            lambda: self.ctx.services.maintenance.backups.set_reminder_days(days),
            changes={Change.BACKUPS},
            failure=self._failed,
            action="backup_reminder_set",
        ).run()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "backup_reminder_set")
        self.note.setText(user_message(exc))
