"""The "Campaign" choice of the case view: link the case to a campaign of the center, or unlink.

The choices are this center's campaigns (another center's campaign is read-only here, and HQ
would refuse the link), plus the one the case is linked to whatever its center. A lawyer
links only the cases assigned to them, a manager any case of the center (the service checks
the same and refuses the rest); to others the choice is shown, disabled.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from legalaid_desktop.domain.cases import CampaignInfo, CaseDetail
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import Change, QueryOp, WriteOp
from legalaid_desktop.i18n import _


class CampaignLink(QWidget):
    """A caption and a combo box of campaigns ("No campaign" first).

    Signals:
        linked(CaseDetail): the case was linked or unlinked; the case as it is now.
        failed(str): the link was refused; the message for the user.
    """

    linked = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = ""
        self.current: str | None = None
        self.campaigns: list[CampaignInfo] = []
        self._may_link = False
        self.caption = QLabel(self)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(24)
        self.caption.setBuddy(self.combo)
        self.combo.activated.connect(self._chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        ctx.tasks.changed.connect(self._records_changed)
        self.retranslate()
        self.reload()

    def may_link(self, detail: CaseDetail) -> bool:
        """Whether the actor may link this case (the service decides again)."""
        actor = self.ctx.actor
        return (
            actor.can(Permission.EDIT_CASES)
            and detail.owner_node == actor.node_code
            and (actor.can(Permission.EDIT_ANY_CASE) or detail.assigned_lawyer == actor.username)
        )

    def set_case(self, detail: CaseDetail) -> None:
        """Show the campaign of ``detail`` and whether it may be changed."""
        self.number = detail.number
        self.current = detail.campaign_id
        self._may_link = self.may_link(detail)
        self._fill()

    def reload(self) -> None:
        """Read the campaigns again (in the background)."""
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.campaigns.list,
            success=self._arrived,
            failure=lambda exc: log_error(exc, "campaign_choices"),
            action="campaign_choices",
            parent=self,
        ).latest("campaigns").run()

    def _records_changed(self, kinds: frozenset[Change]) -> None:
        if Change.CAMPAIGNS in kinds:
            self.reload()

    def _arrived(self, campaigns: list[CampaignInfo]) -> None:
        self.campaigns = list(campaigns)
        self._fill()

    def _fill(self) -> None:
        blocked = self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_("No campaign"), None)
        node = self.ctx.actor.node_code
        for c in self.campaigns:
            if c.node_code == node or c.id == self.current:
                self.combo.addItem(c.title, c.id)
        index = self.combo.findData(self.current) if self.current else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.setEnabled(self._may_link)
        self.combo.blockSignals(blocked)
        tip = "" if self._may_link else _("Only the lawyer of the case or a manager links it.")
        self.combo.setToolTip(tip)

    def _chosen(self, index: int) -> None:
        chosen = self.combo.itemData(index)
        campaign_id = chosen if isinstance(chosen, str) else None
        if not self.number or campaign_id == self.current or not self._may_link:
            return
        cases, number = self.ctx.services.cases, self.number
        WriteOp(
            self.ctx.tasks,
            lambda: cases.link_campaign(number, campaign_id),
            changes={Change.CASES, Change.CAMPAIGNS},
            success=self._linked,
            failure=self._failed,
            action="case_campaign",
            parent=self,
        ).latest("link").run()

    def _linked(self, detail: CaseDetail) -> None:
        self.set_case(detail)
        self.linked.emit(detail)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "case_campaign")
        self._fill()  # back to the campaign the case is in
        self.failed.emit(user_message(exc))

    def retranslate(self) -> None:
        # "Campaign" is a message the catalogs hold already (the audit log's); with a colon
        self.caption.setText(_("Campaign") + ":")
        self.combo.setAccessibleName(_("Campaign"))
        self._fill()
