"""Referrals and follow-up (issue 19): refer a case, record the answer.

A lawyer refers the cases assigned to them (a manager any of the center's:
:func:`~legalaid_desktop.services.corrections.may_correct`), to a body of the ``referral_bodies``
list HQ maintains, with the date and what was asked. The follow-up records the answer (or that
none came), its date and its result (``referral_results``); a later change of the answer is a
correction, kept in the case's history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.corrections import RecordKind
from legalaid_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.referrals import (
    AnswerInput,
    ReferralInfo,
    ReferralInput,
    ReferralStatus,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import from_iso, today
from legalaid_desktop.services import corrections, lookups
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Case, Referral

__all__ = ["ReferralService", "referral_info", "referrals_of"]

TEXT_MAX = 4000


def referral_info(row: Referral) -> ReferralInfo:
    return ReferralInfo(
        id=row.id,
        referred_on=date.fromisoformat(row.referred_on),
        body=row.body,
        to_whom=row.to_whom,
        request=row.request,
        status=row.status,
        answered_on=from_iso(row.answered_on),
        answer=row.answer,
        result=row.result,
    )


def referrals_of(s: Session, case_id: str) -> tuple[ReferralInfo, ...]:
    """The live referrals of a case, oldest first."""
    rows = s.scalars(
        select(Referral)
        .where(Referral.case_id == case_id, Referral.deleted_hlc.is_(None))
        .order_by(Referral.referred_on, Referral.id)
    )
    return tuple(referral_info(r) for r in rows)


class ReferralService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _refusal(self, case: Case) -> PermissionDenied | None:
        from legalaid_desktop.services.cases import CaseService

        CaseService(self.ws)._editable(case)
        return corrections.may_correct(self.ws, case)

    def refer(self, number: str, data: ReferralInput) -> ReferralInfo:
        """Refer case ``number``; returns the referral (waiting for an answer).

        Raises:
            ValidationError: An unknown body, a date in the future or before the case opened.
            InputRejected: Another center's case, or a client who withdrew consent.
            PermissionDenied: A lawyer referring a case not assigned to them (audited).
        """
        self.ws.require(Permission.EDIT_CASES, "case_referred", "case", target=number.strip())
        catalog = self.ws.catalog()
        body = validation.code(catalog, "referral_bodies", data.body, "body", _("referral body"))
        on = validation.not_in_future(data.referred_on or today(), "referred_on", _("Date"))
        to_whom = validation.text(
            data.to_whom, "to_whom", _("Name or office"), required=False, max_length=300
        )
        request = validation.text(
            data.request, "request", _("What was asked"), required=False, max_length=TEXT_MAX
        )
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            case_id, refused = case.id, self._refusal(case)
            if refused is None:
                if on.isoformat() < case.opened_on:
                    raise ValidationError(
                        _("The referral is dated before the case was opened."), "referred_on"
                    )
                row = Referral(
                    id=new_id(),
                    case_id=case.id,
                    referred_on=on.isoformat(),
                    body=body,
                    to_whom=to_whom,
                    request=request,
                    status=ReferralStatus.PENDING.value,
                    answered_on=None,
                    answer="",
                    result=None,
                    origin_node=self.ws.node_code,
                    clocks={},
                    hlc="",
                )
                s.add(row)
                self.ws.touch(s, row, Referral.FIELD_GROUPS)
                self.ws.audit(
                    s,
                    "case_referred",
                    "case",
                    case.id,
                    {"number": case.number, "referral": row.id, "body": body},
                )
                return referral_info(row)
        raise self.ws.refuse(refused, "case_referred", "case", case_id, {"number": number})

    def record_answer(
        self, number: str, data: AnswerInput, referral_id: str | None = None
    ) -> ReferralInfo:
        """Record the follow-up of a referral of case ``number``: ``referral_id``, or its only
        referral still waiting for an answer. A change of an answer given before is kept in the
        case's history.

        Raises:
            NotFound: No such referral of this case (or none waiting, or several: name one).
            ValidationError: An unknown status or result, a date in the future or before the
                referral, a result without an answer.
        """
        self.ws.require(Permission.EDIT_CASES, "referral_answered", "case", target=number.strip())
        values = self._answer_values(data)
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            case_id, refused = case.id, self._refusal(case)
            if refused is None:
                row = self._referral(s, case, referral_id)
                if str(values["answered_on"] or row.referred_on) < row.referred_on:
                    raise ValidationError(
                        _("The answer is dated before the referral."), "answered_on"
                    )
                changed = corrections.apply(
                    self.ws, s, row, values, kind=RecordKind.REFERRAL, case_id=case.id
                )
                if changed:
                    self.ws.audit(
                        s,
                        "referral_answered",
                        "case",
                        case.id,
                        {"number": case.number, "referral": row.id, "status": row.status},
                    )
                return referral_info(row)
        raise self.ws.refuse(refused, "referral_answered", "case", case_id, {"number": number})

    def _answer_values(self, data: AnswerInput) -> dict[str, object]:
        catalog = self.ws.catalog()
        statuses = {s.value for s in ReferralStatus} - {ReferralStatus.PENDING.value}
        if data.status not in statuses:
            raise ValidationError(
                _("The answer status must be 'answered' or 'no_answer'."), "status"
            )
        answered = data.status == ReferralStatus.ANSWERED
        result = None
        if data.result is not None:
            if not answered:
                raise ValidationError(_("A result needs an answer."), "result")
            result = validation.code(
                catalog, "referral_results", data.result, "result", _("result")
            )
        answer = validation.text(
            data.answer, "answer", _("Answer"), required=False, max_length=TEXT_MAX
        )
        on = validation.not_in_future(data.answered_on or today(), "answered_on", _("Date"))
        return {
            "status": data.status,
            "answered_on": on.isoformat() if answered else None,
            "answer": answer,
            "result": result,
        }

    @staticmethod
    def _referral(s: Session, case: Case, referral_id: str | None) -> Referral:
        live = (Referral.case_id == case.id, Referral.deleted_hlc.is_(None))
        if referral_id:
            row = s.scalar(select(Referral).where(Referral.id == referral_id.strip(), *live))
            if row is None:
                raise NotFound(_("Case {number} has no such referral.").format(number=case.number))
            return row
        waiting = s.scalars(
            select(Referral).where(*live, Referral.status == ReferralStatus.PENDING.value)
        ).all()
        if not waiting:
            raise NotFound(
                _("Case {number} has no referral waiting for an answer.").format(number=case.number)
            )
        if len(waiting) > 1:
            raise NotFound(
                _(
                    "Case {number} has several referrals waiting for an answer: name one (its id)."
                ).format(number=case.number)
            )
        return waiting[0]
