"""Advocacy campaigns run with community organizations, and the cases that feed them.

Who does what (:mod:`~legalaid_desktop.domain.roles`): whoever edits cases creates and edits
their center's campaigns; a lawyer links or unlinks only the cases assigned to them, a manager
any case of the center. A campaign of another center (one that came here with a transferred
case) is read-only: it is not edited and no case is linked to it here, since HQ would refuse
both. Every change is audited, refusals too. The period and the notes are kept in the
``description`` column (:mod:`~legalaid_desktop.domain.campaigns`, docs/campaigns.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.campaigns import (
    CampaignCase,
    CampaignDetail,
    CampaignFigures,
    CampaignInput,
    pack_profile,
    unpack_profile,
)
from legalaid_desktop.domain.cases import CampaignInfo
from legalaid_desktop.domain.errors import (
    InputRejected,
    LegalAidError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission, roles_text, roles_with
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services import consents, lookups
from legalaid_desktop.services.people import People, author_node
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics.definitions import Measure
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.store.models import Campaign, Case, Client

TITLE_MAX = 200
PARTNER_MAX = 200
PARTNERS_MAX = 50
NOTES_MAX = 4000
CASES_SHOWN = 500
"""The most linked cases a campaign's page lists (``CampaignDetail.case_total`` has them all)."""
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def check_link(ws: Workspace, case: Case, campaign: Campaign | None) -> LegalAidError | None:
    """Why the actor may not link ``case`` to ``campaign`` (or unlink it, ``None``), or
    ``None`` when they may. Called inside the caller's write transaction; the caller raises
    the error through :meth:`Workspace.refuse` once the transaction is over."""
    if case.owner_node != ws.node_code:
        return InputRejected(
            _(
                "Case {number} belongs to the {node} center; it can only be changed there "
                "(or transferred to this center)."
            ).format(number=case.number, node=case.owner_node)
        )
    if not ws.actor.can(Permission.EDIT_ANY_CASE) and case.assigned_lawyer != ws.actor.username:
        return PermissionDenied(
            _(
                "You may link only the cases assigned to you, and case {number} is not: linking "
                "it needs the role {needed}."
            ).format(number=case.number, needed=roles_text(roles_with(Permission.EDIT_ANY_CASE)))
        )
    if campaign is not None and campaign.node_code != ws.node_code:
        return InputRejected(
            _(
                "The campaign '{title}' belongs to the {node} center: only its cases are "
                "linked to it."
            ).format(title=campaign.title, node=campaign.node_code)
        )
    return None


class CampaignService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- checks ---------------------------------------------------------------------------

    def _clean(self, data: CampaignInput) -> tuple[str, str, list[str], str]:
        """``(title, issue_area, partners, description)`` checked and cleaned.

        Raises:
            ValidationError: An empty or too long title, an unknown issue area, a partner too
                long or too many of them, a period that ends before it starts or lies outside
                2000–2100, notes too long.
        """
        title = validation.text(
            data.title, "title", _("Title"), required=True, max_length=TITLE_MAX
        )
        title = " ".join(title.split())
        area = data.issue_area.strip()
        if area:
            validation.code(self.ws.catalog(), "legal_areas", area, "issue_area", _("issue area"))
        partners: list[str] = []
        for typed in data.partners:
            name = validation.text(
                typed, "partners", _("Partner organization"), required=False, max_length=PARTNER_MAX
            )
            name = " ".join(name.split())
            if name and name not in partners:
                partners.append(name)
        if len(partners) > PARTNERS_MAX:
            raise ValidationError(
                _("A campaign has at most {n} partner organizations.").format(n=PARTNERS_MAX),
                "partners",
            )
        for day, name in ((data.starts_on, "starts_on"), (data.ends_on, "ends_on")):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                raise ValidationError(
                    _("The campaign's dates lie between {first} and {last}.").format(
                        first=FIRST_DAY.year, last=LAST_DAY.year
                    ),
                    name,
                )
        if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
            raise ValidationError(_("The campaign cannot end before it starts."), "ends_on")
        notes = validation.text(
            data.notes, "notes", _("Notes"), required=False, max_length=NOTES_MAX
        )
        return title, area, partners, pack_profile(notes, data.starts_on, data.ends_on)

    def _find(self, s: Session, ref: str) -> Campaign:
        """The campaign whose id, or exact title, is ``ref``.

        Raises:
            NotFound: No live campaign has that id or title.
            InputRejected: Several campaigns have that title (give the id).
        """
        typed = " ".join((ref or "").split())
        row = s.get(Campaign, typed) if typed else None
        if row is not None and row.deleted_hlc is None:
            return row
        rows = s.scalars(
            select(Campaign).where(Campaign.title == typed, Campaign.deleted_hlc.is_(None))
        ).all()
        if not rows:
            raise NotFound(_("There is no campaign '{ref}'.").format(ref=typed[:80]))
        if len(rows) > 1:
            raise InputRejected(
                _("Several campaigns are titled '{title}': give the id of one ({ids}).").format(
                    title=typed, ids=", ".join(sorted(r.id for r in rows))
                )
            )
        return rows[0]

    def _own(self, campaign: Campaign) -> LegalAidError | None:
        if campaign.node_code != self.ws.node_code:
            return InputRejected(
                _(
                    "The campaign '{title}' belongs to the {node} center: it can only be changed "
                    "there."
                ).format(title=campaign.title, node=campaign.node_code)
            )
        return None

    # -- use cases ------------------------------------------------------------------------

    def create(
        self,
        title: str,
        issue_area: str = "",
        partners: tuple[str, ...] = (),
        description: str = "",
        *,
        starts_on: date | None = None,
        ends_on: date | None = None,
    ) -> CampaignInfo:
        """:meth:`add` with the fields one by one (``description`` is the notes)."""
        return self.add(
            CampaignInput(title, issue_area, tuple(partners), starts_on, ends_on, description)
        )

    def add(self, data: CampaignInput) -> CampaignInfo:
        """Create a campaign of this center."""
        self.ws.require(Permission.EDIT_CASES, "campaign_created", "campaign")
        title, area, partners, description = self._clean(data)
        with self.ws.write() as s:
            row = Campaign(
                id=new_id(),
                title=title,
                node_code=self.ws.node_code,
                issue_area=area,
                partners=partners,
                description=description,
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(row)
            self.ws.touch(s, row, Campaign.FIELD_GROUPS)
            self.ws.audit(s, "campaign_created", "campaign", row.id)
            return _info(row, ())

    def update(self, ref: str, data: CampaignInput) -> CampaignInfo:
        """Change a campaign of this center (every field of its profile, which syncs as one).

        Raises:
            InputRejected: The campaign belongs to another center (audited), or see
                :meth:`_clean`.
        """
        self.ws.require(Permission.EDIT_CASES, "campaign_updated", "campaign")
        title, area, partners, description = self._clean(data)
        refused: LegalAidError | None = None
        with self.ws.write() as s:
            row = self._find(s, ref)
            campaign_id = row.id
            refused = self._own(row)
            if refused is None:
                row.title, row.issue_area = title, area
                row.partners, row.description = partners, description
                self.ws.touch(s, row, ("profile",))
                self.ws.audit(s, "campaign_updated", "campaign", row.id)
                return _info(row, _numbers(s, row.id))
        raise self.ws.refuse(refused, "campaign_updated", "campaign", campaign_id)

    def list(self) -> list[CampaignInfo]:
        """Every campaign this store holds, by title, with the numbers of its linked cases."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            rows = s.scalars(
                select(Campaign).where(Campaign.deleted_hlc.is_(None)).order_by(Campaign.title)
            ).all()
            numbers: dict[str, list[str]] = {}
            for campaign_id, number in s.execute(
                select(Case.campaign_id, Case.number)
                .where(Case.campaign_id.is_not(None), Case.deleted_hlc.is_(None))
                .order_by(Case.number)
            ):
                numbers.setdefault(campaign_id or "", []).append(number)
            return [_info(row, tuple(numbers.get(row.id, ()))) for row in rows]

    def get(self, ref: str) -> CampaignDetail:
        """One campaign (by id or exact title) with its linked cases and figures. Viewing is
        an audit event (the page names the cases' clients)."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            row = self._find(s, ref)
            self.ws.audit(s, "campaign_viewed", "campaign", row.id)
            detail = self._detail(s, row)
        return _with_figures(detail, self._figures(detail))

    def link(self, ref: str, number: str) -> CampaignDetail:
        """Link case ``number`` to the campaign ``ref`` (id or exact title); returns the
        campaign as :meth:`get` does.

        Raises:
            NotFound: No such campaign or case.
            PermissionDenied: A lawyer linking a case not assigned to them (audited).
            InputRejected: The case or the campaign belongs to another center, or the client
                withdrew consent to store and process (refusals audited).
        """
        campaign_id = self._resolve(ref)
        self.link_case(number, campaign_id)
        return self.get(campaign_id)

    def unlink(self, number: str) -> str | None:
        """Take case ``number`` out of its campaign; returns the id of the campaign it was in."""
        return self.link_case(number, None)

    def link_case(self, number: str, ref: str | None) -> str | None:
        """Link case ``number`` to the campaign ``ref`` (id or exact title), or unlink it
        (``None``), by the rules of :meth:`link`; returns the campaign it was in before."""
        self.ws.require(Permission.EDIT_CASES, "case_campaign", "case")
        return self._set_link(number, self._resolve(ref) if ref is not None else None)

    def _resolve(self, ref: str) -> str:
        with self.ws.read() as s:
            return self._find(s, ref).id

    def _set_link(self, number: str, campaign_id: str | None) -> str | None:
        refused: LegalAidError | None = None
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            case_id, before = case.id, case.campaign_id
            campaign = s.get(Campaign, campaign_id) if campaign_id else None
            refused = check_link(self.ws, case, campaign)
            if refused is None:
                consents.refuse_if_withdrawn(s, case.client_id)
                if before != campaign_id:
                    case.campaign_id = campaign_id
                    self.ws.touch(s, case, ("campaign",))
                    self.ws.audit(
                        s,
                        "case_campaign",
                        "case",
                        case.id,
                        {
                            "number": case.number,
                            "campaign": campaign_id,
                            "previous_campaign": before,
                        },
                    )
                return before
        raise self.ws.refuse(
            refused, "case_campaign", "case", case_id, {"number": number, "campaign": campaign_id}
        )

    # -- reading --------------------------------------------------------------------------

    def _detail(self, s: Session, row: Campaign) -> CampaignDetail:
        notes, starts_on, ends_on = unpack_profile(row.description)
        alive = (Case.campaign_id == row.id, Case.deleted_hlc.is_(None))
        cases = s.execute(
            select(
                Case.number,
                Client.full_name,
                Case.status,
                Case.legal_area,
                Case.assigned_lawyer,
                Case.opened_on,
                Case.owner_node,
                Case.clocks,
                Case.origin_node,
            )
            .join(Client, Client.id == Case.client_id)
            .where(*alive)
            .order_by(Case.opened_on.desc(), Case.number.desc())
            .limit(CASES_SHOWN)
        ).all()
        total = len(cases)
        if total == CASES_SHOWN:
            total = s.scalar(select(func.count()).select_from(Case).where(*alive)) or 0
        first = s.scalar(select(Case.opened_on).where(*alive).order_by(Case.opened_on).limit(1))
        # a case's lawyer is of the node that last assigned it (services/people.py)
        me = self.ws.node_code
        nodes = [author_node(c.clocks, "assignment", c.origin_node or me) for c in cases]
        wanted = [(node, c.assigned_lawyer) for node, c in zip(nodes, cases, strict=True)]
        names = People.load(s, me, wanted).names(wanted)
        return CampaignDetail(
            id=row.id,
            title=row.title,
            node_code=row.node_code,
            issue_area=row.issue_area,
            partners=tuple(row.partners or ()),
            starts_on=starts_on,
            ends_on=ends_on,
            notes=notes,
            editable=row.node_code == self.ws.node_code
            and self.ws.actor.can(Permission.EDIT_CASES),
            cases=tuple(
                CampaignCase(
                    c.number,
                    c.full_name,
                    c.status,
                    c.legal_area,
                    c.assigned_lawyer,
                    date.fromisoformat(c.opened_on),
                    c.owner_node,
                    lawyer_node=node,
                )
                for node, c in zip(nodes, cases, strict=True)
            ),
            case_total=total,
            first_opened=date.fromisoformat(first) if first else None,
            user_names={k: v for k, v in names.items() if v},
        )

    def _figures(self, detail: CampaignDetail) -> CampaignFigures:
        """Cases opened, consultations and clients served of the campaign's cases, counted by
        the statistics (docs/statistics.md) over the campaign's period, widened to its first
        case and to today."""
        from legalaid_desktop.services.statistics import StatisticsService

        day = today()
        starts = [d for d in (detail.starts_on, detail.first_opened) if d is not None]
        start = min([*starts, day])
        end = max(detail.ends_on or day, day)
        period = Period(start, end)
        measures = (Measure.CASES_OPENED, Measure.CONSULTATIONS, Measure.CLIENTS_SERVED)
        tables = StatisticsService(self.ws).figures_many(
            [
                FigureQuery(m, period, filters=Filters(campaign=detail.id), previous=False)
                for m in measures
            ]
        )
        opened, consultations, clients = (t.total for t in tables)
        return CampaignFigures(
            start,
            end,
            opened,
            consultations,
            clients,
            own_only=not self.ws.actor.can(Permission.VIEW_STATISTICS),
        )


def _numbers(s: Session, campaign_id: str) -> tuple[str, ...]:
    return tuple(
        s.scalars(
            select(Case.number)
            .where(Case.campaign_id == campaign_id, Case.deleted_hlc.is_(None))
            .order_by(Case.number)
        ).all()
    )


def _info(row: Campaign, numbers: tuple[str, ...]) -> CampaignInfo:
    notes, starts_on, ends_on = unpack_profile(row.description)
    return CampaignInfo(
        row.id,
        row.title,
        row.node_code,
        row.issue_area,
        tuple(row.partners or ()),
        notes,
        starts_on,
        ends_on,
        numbers,
    )


def _with_figures(detail: CampaignDetail, figures: CampaignFigures) -> CampaignDetail:
    return replace(detail, figures=figures)
