"""Saved report definitions: a user's Reports-screen choices kept under a name to rerun.

Each user keeps their own on this computer (the table is per node and not synchronized; it
holds codes, never client data). A lawyer's definitions can name no other lawyer: the figures
would be refused anyway, and saving one is refused the same way and audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from legalaid_desktop.domain.errors import (
    InputRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics.report_spec import ReportSpec
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Campaign, Node, ReportDefinition
from legalaid_desktop.sync.nodes import is_hq
from legalaid_desktop.text.collation import sort_key

NAME_LIMIT = 120


@dataclass(frozen=True)
class ReportChoices:
    """What the Reports screen offers to pick from in its filters.

    Attributes:
        hq: This store is HQ's (the center filter and the center comparison are offered).
        centers: ``(code, name)`` of the centers, by code.
        campaigns: ``(id, title)`` of the campaigns, by title.
    """

    hq: bool
    centers: tuple[tuple[str, str], ...]
    campaigns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SavedReport:
    """A saved definition as the screen lists it."""

    id: str
    name: str
    spec: ReportSpec
    saved_at: str


class ReportDefinitionService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def choices(self) -> ReportChoices:
        """The centers and campaigns the screen's filters offer."""
        with self.ws.read() as s:
            hq = is_hq(s)
            centers = s.execute(
                select(Node.code, Node.name)
                .where(Node.kind == "center", Node.deleted_hlc.is_(None))
                .order_by(Node.code)
            ).all()
            campaigns = s.execute(
                select(Campaign.id, Campaign.title).where(Campaign.deleted_hlc.is_(None))
            ).all()
        return ReportChoices(
            hq,
            tuple((c, n) for c, n in centers),
            tuple(sorted(((i, t) for i, t in campaigns), key=lambda it: sort_key(it[1]))),
        )

    def list(self) -> list[SavedReport]:
        """The actor's saved definitions, by name (one that no longer reads is left out)."""
        out: list[SavedReport] = []
        with self.ws.read() as s:
            rows = s.scalars(
                select(ReportDefinition).where(ReportDefinition.owner == self.ws.actor.username)
            ).all()
            for row in rows:
                try:
                    spec = ReportSpec.from_document(row.spec)
                except InputRejected:  # a code this version no longer knows
                    continue
                out.append(SavedReport(row.id, row.name, spec, row.saved_at))
        return sorted(out, key=lambda r: r.name.casefold())

    def save(self, name: str, spec: ReportSpec) -> SavedReport:
        """Keep ``spec`` under ``name`` (replacing the actor's definition of that name).

        Raises:
            ValidationError: The name is empty or too long.
            PermissionDenied: A lawyer's definition names another lawyer (audited).
        """
        name = " ".join(name.split())
        if not name:
            raise ValidationError(_("Give the report a name."), "name")
        if len(name) > NAME_LIMIT:
            raise ValidationError(
                _("The name is too long (at most {n} characters).").format(n=NAME_LIMIT), "name"
            )
        me = self.ws.actor.username
        lawyer = spec.filters.get("lawyer")
        if not self.ws.actor.can(Permission.VIEW_STATISTICS) and lawyer not in (None, me):
            raise self.ws.refuse(
                PermissionDenied(
                    _("You see only your own figures: another lawyer's need a manager's role.")
                ),
                "report_definition",
                details={"permission": Permission.VIEW_STATISTICS.value},
            )
        when = utc_now_iso()
        with self.ws.write() as s:
            row = s.scalars(
                select(ReportDefinition).where(
                    ReportDefinition.owner == me, ReportDefinition.name == name
                )
            ).one_or_none()
            if row is None:
                row = ReportDefinition(id=new_id(), owner=me, name=name)
                s.add(row)
            row.spec = spec.document()
            row.saved_at = when
            s.flush()
            self.ws.audit(s, "report_definition_saved", "report_definition", row.id)
            return SavedReport(row.id, name, spec, when)

    def delete(self, definition_id: str) -> None:
        """Delete the actor's definition ``definition_id``.

        Raises:
            NotFound: The actor has no such definition (another user's is not theirs to delete).
        """
        with self.ws.write() as s:
            gone = s.execute(  # type: ignore[attr-defined]
                delete(ReportDefinition).where(
                    ReportDefinition.id == definition_id,
                    ReportDefinition.owner == self.ws.actor.username,
                )
            ).rowcount
            if not gone:
                raise NotFound(_("This saved report no longer exists."))
            self.ws.audit(s, "report_definition_deleted", "report_definition", definition_id)
