"""Conflict decisions: saving past a strong or exact match needs one, recorded and audited.

When the conflict check (:func:`legalaid_desktop.search.conflicts.check_conflicts`) finds a
*strong* or *exact* match for a client being registered or a party being added, the save is
refused with :class:`~legalaid_desktop.domain.conflict_decisions.ConflictDecisionRequired` unless
a decision comes with it:

- ``no_conflict``: the lawyer checked and it is not a conflict (another person, or the same
  person with no conflicting interest);
- ``waived``: a conflict, waived; the reason is required;
- ``declined``: the center does not take the person on. Nothing is saved. For a party the
  decision stays on the case (:meth:`ConflictDecisionService.decline_party`); for a new client
  there is nothing to link it to, so only an audit event records it
  (:meth:`ConflictDecisionService.decline_client`).

The check runs again *inside* the saving transaction, whatever the screen showed: an insider
cannot save past a strong match by not asking (the CLI included). One row per strong match
(``conflict_decisions``), with who decided and when; they travel in sync bundles with the client
or the case. The audit events carry the decision and the number of matches, never a name.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.conflict_decisions import (
    ConflictDecisionInfo,
    ConflictDecisionInput,
    ConflictDecisionRequired,
    Decision,
)
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import _
from legalaid_desktop.search.conflicts import check_conflicts
from legalaid_desktop.services import lookups
from legalaid_desktop.services.conflict_groups import group_hits
from legalaid_desktop.services.people import People, node_code
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, Client, ConflictDecision, Party

__all__ = [
    "ConflictDecisionService",
    "checked_decision",
    "record_decision",
    "strong_matches",
    "validated_input",
]

MAX_REASON = 1000
_SAVING = (Decision.NO_CONFLICT.value, Decision.WAIVED.value)


def validated_input(decision: ConflictDecisionInput | None) -> ConflictDecisionInput | None:
    """The decision cleaned, or refused: an unknown code, *declined* (nothing is saved then),
    a waiver without a reason."""
    if decision is None:
        return None
    if decision.decision not in _SAVING:
        if decision.decision == Decision.DECLINED.value:
            raise ValidationError(
                _("A declined client or party is not saved."), "conflict_decision"
            )
        raise ValidationError(
            _("'{value}' is not a conflict decision (no_conflict or waived).").format(
                value=decision.decision
            ),
            "conflict_decision",
        )
    reason = validation.text(
        decision.reason,
        "conflict_reason",
        _("Reason"),
        required=decision.decision == Decision.WAIVED.value,
        max_length=MAX_REASON,
    )
    return ConflictDecisionInput(decision.decision, reason)


def strong_matches(
    session: Session,
    name: str,
    *,
    birth_year: int | None = None,
    phone: str | None = None,
    exclude_client_id: str | None = None,
    kind: str = "person",
) -> tuple[ConflictHit, ...]:
    """The strong and exact matches for ``name`` (the check run in the caller's transaction);
    ``kind``: a person's name, or an organization's or initiative group's."""
    hits = check_conflicts(
        session,
        name,
        birth_year=birth_year,
        phone=phone,
        exclude_client_id=exclude_client_id,
        kind=kind,
    )
    return group_hits(hits).same_person


def checked_decision(
    hits: tuple[ConflictHit, ...], decision: ConflictDecisionInput | None
) -> ConflictDecisionInput | None:
    """The decision to record for ``hits``: none without a strong match, else the one given.

    Raises:
        ConflictDecisionRequired: A strong or exact match, and no decision.
    """
    if not hits:
        return None
    if decision is None:
        raise ConflictDecisionRequired(hits)
    return decision


def record_decision(
    ws: Workspace,
    session: Session,
    hits: Sequence[ConflictHit],
    decision: str,
    reason: str,
    *,
    client_id: str | None = None,
    case_id: str | None = None,
    party_id: str | None = None,
) -> list[str]:
    """Write one decision row per match and one audit event; returns the rows' ids."""
    ids: list[str] = []
    when = utc_now_iso()
    for hit in hits:
        row = ConflictDecision(
            id=new_id(),
            client_id=client_id,
            case_id=case_id,
            party_id=party_id,
            matched_kind=hit.kind,
            matched_id=hit.ref_id,
            matched_level=hit.level,
            matched_score=hit.score,
            decision=decision,
            reason=reason,
            decided_by=ws.actor.username,
            decided_at=when,
            origin_node=ws.node_code,
            clocks={},
            hlc="",
        )
        session.add(row)
        ws.touch(session, row, ConflictDecision.FIELD_GROUPS)
        ids.append(row.id)
    entity, entity_id = ("case", case_id) if case_id else ("client", client_id or "")
    ws.audit(
        session,
        "conflict_decided",
        entity,
        entity_id,
        {
            "decision": decision,
            "subject": "party" if case_id else "client",
            "matches": len(ids),
            **({"party": party_id} if party_id else {}),
        },
    )
    return ids


class ConflictDecisionService:
    """Declining a person after a strong match, and the decisions recorded on a case."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def decline_client(
        self,
        name: str,
        *,
        birth_year: int | None = None,
        phone: str | None = None,
        kind: str = "person",
    ) -> int:
        """Record that a new client matching strongly was declined: nothing is saved but an
        audit event (no name in it). Returns the number of strong matches."""
        self.ws.require(Permission.EDIT_CASES, "conflict_declined")
        clean = validation.person_name(name, "full_name", _("Full name"))
        with self.ws.write() as s:
            hits = strong_matches(s, clean, birth_year=birth_year, phone=phone or None, kind=kind)
            if not hits:
                raise ValidationError(
                    _("There is no strong match to decline for."), "conflict_decision"
                )
            self.ws.audit(
                s,
                "conflict_declined",
                "client",
                "",
                {"subject": "client", "matches": len(hits)},
            )
            return len(hits)

    def decline_party(self, number: str, name: str) -> int:
        """Record on case ``number`` that a party matching strongly was declined (no party is
        added). Returns the number of strong matches."""
        from legalaid_desktop.services.cases import CaseService

        clean = validation.text(name, "name", _("Name"), required=True, max_length=300)
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            CaseService(self.ws)._editable(case)
            hits = strong_matches(s, clean)
            if not hits:
                raise ValidationError(
                    _("There is no strong match to decline for."), "conflict_decision"
                )
            record_decision(self.ws, s, hits, Decision.DECLINED.value, "", case_id=case.id)
            return len(hits)

    def for_case(self, number: str) -> list[ConflictDecisionInfo]:
        """The decisions on case ``number``: on its parties, and on its client's registration."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.read() as s:
            case = lookups.get_case(s, number)
            return decisions_for_case(s, case)


def decisions_for_case(session: Session, case: Case) -> list[ConflictDecisionInfo]:
    """The live decisions on ``case`` and on its client's registration, oldest first."""
    rows = list(
        session.scalars(
            select(ConflictDecision)
            .where(
                or_(
                    ConflictDecision.case_id == case.id,
                    ConflictDecision.client_id == case.client_id,
                ),
                ConflictDecision.deleted_hlc.is_(None),
            )
            .order_by(ConflictDecision.decided_at, ConflictDecision.id)
        )
    )
    client_ids = [r.matched_id for r in rows if r.matched_kind == "client"]
    party_ids = [r.matched_id for r in rows if r.matched_kind == "party"]
    names: dict[tuple[str, str], str] = {}
    if client_ids:
        for ref, full_name in session.execute(
            select(Client.id, Client.full_name).where(
                Client.id.in_(client_ids), Client.deleted_hlc.is_(None)
            )
        ):
            names["client", ref] = full_name
    if party_ids:
        for ref, party_name in session.execute(
            select(Party.id, Party.name).where(Party.id.in_(party_ids), Party.deleted_hlc.is_(None))
        ):
            names["party", ref] = party_name
    # who decided: a user of the node the decision was made at (another's by the user roster)
    deciders = {(r.origin_node, r.decided_by) for r in rows}
    people = People.load(session, node_code(session), deciders)
    return [
        ConflictDecisionInfo(
            id=r.id,
            subject="party" if r.case_id else "client",
            client_id=r.client_id,
            case_id=r.case_id,
            party_id=r.party_id,
            matched_kind=r.matched_kind,
            matched_id=r.matched_id,
            matched_name=names.get((r.matched_kind, r.matched_id), ""),
            matched_level=r.matched_level,
            matched_score=r.matched_score,
            decision=r.decision,
            reason=r.reason,
            decided_by=people.name(r.decided_by, r.origin_node),
            decided_at=r.decided_at,
        )
        for r in rows
    ]
