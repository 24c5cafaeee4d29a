"""Corrections of a case's parties and deadlines (issue 19), kept in the case's history.

The same rules as every correction (:mod:`legalaid_desktop.services.corrections`): the case is
this center's and its client has not withdrawn consent; a lawyer corrects the cases assigned to
them, a manager or administrator any of the center's; each changed field keeps its earlier value
(:func:`~legalaid_desktop.services.corrections.apply`), syncs by its field group and is audited.

A party's new name goes through the conflict-of-interest check as a new party's does: renaming
"X" into the name of a client of the center is the same risk as adding that name, so a strong
match needs a conflict decision (recorded on the case), the party's own entry aside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.corrections import DeadlineEdit, PartyEdit, RecordKind
from legalaid_desktop.domain.errors import NotFound, ValidationError
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.domain.search import ConflictHit
from legalaid_desktop.i18n import _
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import conflict_decisions
from legalaid_desktop.services.corrections import apply
from legalaid_desktop.store.models import Case, Deadline, Party
from legalaid_desktop.text.cleaning import clean

if TYPE_CHECKING:
    from legalaid_desktop.services.corrections import CorrectionService

__all__ = ["edit_deadline", "edit_party"]


def _party_values(service: CorrectionService, edit: PartyEdit) -> dict[str, object]:
    values: dict[str, object] = {}
    if edit.name is not None:
        name = validation.text(edit.name, "name", _("Name"), required=True, max_length=300)
        if not any(ch.isalpha() for ch in name):
            raise ValidationError(_("Name must contain letters."), "name")
        values["name"] = clean(name)
    if edit.role is not None:
        values["role"] = validation.code(
            service.ws.catalog(), "party_roles", edit.role, "role", _("role")
        )
    if edit.notes is not None:
        values["notes"] = validation.text(
            edit.notes, "notes", _("Notes"), required=False, max_length=2000
        )
    return values


def edit_party(
    service: CorrectionService,
    party_id: str,
    edit: PartyEdit,
    decision: ConflictDecisionInput | None = None,
) -> tuple[str, ...]:
    """Correct a party of a case; returns the fields that changed (none: nothing written).

    Raises:
        NotFound: No such party.
        ValidationError: A value is not valid (nothing is changed).
        ConflictDecisionRequired: The new name matches a client or party strongly and no
            ``decision`` was given.
        InputRejected: Another center's case, or a client who withdrew consent.
        PermissionDenied: A lawyer correcting a case not assigned to them (audited).
    """
    ws = service.ws
    ws.require(Permission.EDIT_CASES, "party_corrected", "party", party_id.strip())
    values = _party_values(service, edit)
    decision = conflict_decisions.validated_input(decision)
    with ws.write() as s:
        row = s.get(Party, party_id.strip())
        if row is None or row.deleted_hlc is not None:
            raise NotFound(_("There is no such party."))
        case = s.get(Case, row.case_id)
        assert case is not None  # a party's case is never missing (foreign key)
        case_id, refused = case.id, service._refusal(case)
        if refused is None:
            decided = None
            hits: tuple[ConflictHit, ...] = ()
            if "name" in values and values["name"] != row.name:
                found = conflict_decisions.strong_matches(s, str(values["name"]))
                hits = tuple(h for h in found if not (h.kind == "party" and h.ref_id == row.id))
                decided = conflict_decisions.checked_decision(hits, decision)
            changed = apply(ws, s, row, values, kind=RecordKind.PARTY, case_id=case.id)
            if not changed:
                return ()
            search_refresh.refresh_rows(s, {"parties": {row.id: tuple(changed)}})
            ws.audit(
                s,
                "party_corrected",
                "case",
                case.id,
                {"number": case.number, "party": row.id, "fields": sorted(changed)},
            )
            if decided is not None:
                conflict_decisions.record_decision(
                    ws,
                    s,
                    hits,
                    decided.decision,
                    decided.reason,
                    case_id=case.id,
                    party_id=row.id,
                )
            return tuple(changed)
    raise ws.refuse(refused, "party_corrected", "case", case_id, {"party": party_id.strip()})


def edit_deadline(
    service: CorrectionService, deadline_id: str, edit: DeadlineEdit
) -> tuple[str, ...]:
    """Correct a deadline of a case (its date, its description); returns the fields that
    changed.

    Raises:
        NotFound: No such deadline.
        ValidationError: An empty description (nothing is changed).
        InputRejected: Another center's case, or a client who withdrew consent.
        PermissionDenied: A lawyer correcting a case not assigned to them (audited).
    """
    ws = service.ws
    ws.require(Permission.EDIT_CASES, "deadline_corrected", "deadline", deadline_id.strip())
    values: dict[str, object] = {}
    if edit.due_on is not None:
        values["due_on"] = edit.due_on.isoformat()
    if edit.description is not None:
        values["description"] = validation.text(
            edit.description, "description", _("Description"), required=True, max_length=500
        )
    with ws.write() as s:
        row = s.get(Deadline, deadline_id.strip())
        if row is None or row.deleted_hlc is not None:
            raise NotFound(_("There is no such deadline."))
        case = s.get(Case, row.case_id)
        assert case is not None
        case_id, refused = case.id, service._refusal(case)
        if refused is None:
            changed = apply(ws, s, row, values, kind=RecordKind.DEADLINE, case_id=case.id)
            if changed:
                ws.audit(
                    s,
                    "deadline_corrected",
                    "case",
                    case.id,
                    {"number": case.number, "deadline": row.id, "fields": sorted(changed)},
                )
            return tuple(changed)
    raise ws.refuse(refused, "deadline_corrected", "case", case_id, {"deadline": deadline_id})
