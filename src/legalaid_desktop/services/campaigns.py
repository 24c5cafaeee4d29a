"""Advocacy campaigns run with community organizations, and the cases that feed them."""

from __future__ import annotations

from sqlalchemy import select

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import CampaignInfo
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Campaign, Case


class CampaignService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def create(
        self,
        title: str,
        issue_area: str = "",
        partners: tuple[str, ...] = (),
        description: str = "",
    ) -> CampaignInfo:
        self.ws.require(Permission.EDIT_CASES)
        name = validation.text(title, "title", _("Title"), required=True, max_length=200)
        if issue_area:
            validation.code(
                self.ws.catalog(), "legal_areas", issue_area, "issue_area", _("issue area")
            )
        with self.ws.write() as s:
            row = Campaign(
                id=new_id(),
                title=name,
                node_code=self.ws.node_code,
                issue_area=issue_area,
                partners=[p.strip() for p in partners if p.strip()],
                description=validation.text(
                    description, "description", _("Description"), required=False, max_length=4000
                ),
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Campaign.FIELD_GROUPS)
            self.ws.audit(s, "campaign_created", "campaign", row.id)
            return CampaignInfo(
                row.id,
                row.title,
                row.node_code,
                row.issue_area,
                tuple(row.partners),
                row.description,
            )

    def list(self) -> list[CampaignInfo]:
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            rows = s.scalars(
                select(Campaign).where(Campaign.deleted_hlc.is_(None)).order_by(Campaign.title)
            ).all()
            result = []
            for row in rows:
                numbers = s.scalars(
                    select(Case.number)
                    .where(Case.campaign_id == row.id, Case.deleted_hlc.is_(None))
                    .order_by(Case.number)
                ).all()
                result.append(
                    CampaignInfo(
                        row.id,
                        row.title,
                        row.node_code,
                        row.issue_area,
                        tuple(row.partners),
                        row.description,
                        tuple(numbers),
                    )
                )
            return result
