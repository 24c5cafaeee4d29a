"""PDF case summaries and consent forms: data from the store, layout by ``reports/``, audited.

A PDF exists only where the user asks for it: :meth:`ReportService.case_summary` writes to a
path the user chose (atomically) or to a stream (the GUI's in-memory preview and printing);
nothing is written to a temporary file here. Every save or print is an audit event that names
the case or client, never the file's content.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import CaseDetail, CaseStatus
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import LANGUAGES, _, current_language
from legalaid_desktop.reports import model as rm
from legalaid_desktop.reports.pdf import (
    render_case_summaries,
    render_case_summary,
    render_consent_form,
)
from legalaid_desktop.services import common
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Case, Node, User

Target = Path | BinaryIO


def _client(info: object) -> rm.ClientInfo:
    from legalaid_desktop.domain.cases import ClientInfo

    assert isinstance(info, ClientInfo)
    return rm.ClientInfo(
        client_id=info.id,
        full_name=info.full_name,
        gender=info.gender,
        birth_year=info.birth_year,
        region=info.region,
        phone=info.phone,
        address=info.address,
        displacement=info.displacement,
        disability=info.disability,
    )


class ReportService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._cases = CaseService(ws)

    def _lang(self, lang: str | None) -> str:
        chosen = lang or current_language()
        if chosen not in LANGUAGES:
            raise InputRejected(
                _("Unknown language '{lang}': choose az, ru or en.").format(lang=chosen)
            )
        return chosen

    def _center(self, s: Session) -> rm.CenterInfo:
        node = s.scalar(select(Node).where(Node.code == self.ws.node_code))
        name = node.name if node else self.ws.node_code
        return rm.CenterInfo(name=name, address=node.address if node else "")

    def _names(self, s: Session) -> dict[str, str]:
        return {name: full for name, full in s.execute(select(User.username, User.full_name))}

    def _summary_input(self, s: Session, detail: CaseDetail) -> rm.CaseSummaryInput:
        names = self._names(s)
        c = detail.corruption
        return rm.CaseSummaryInput(
            center=self._center(s),
            number=detail.number,
            status=detail.status,
            legal_area=detail.legal_area,
            summary=detail.summary,
            lawyer=names.get(detail.assigned_lawyer, detail.assigned_lawyer),
            opened=detail.opened_on,
            closed=detail.closed_on,
            outcome=detail.outcome,
            referral=detail.referral,
            client=_client(detail.client),
            corruption=None
            if c is None
            else rm.CorruptionInfo(
                sector=c.sector,
                conduct=c.conduct,
                institution=c.institution,
                amount_requested=c.amount_requested,
                reported_to=c.reported_to,
                satisfaction=c.satisfaction,
            ),
            parties=[rm.PartyInfo(p.name, p.role) for p in detail.parties],
            consultations=[
                rm.ConsultationInfo(
                    date=k.held_on,
                    mode=k.mode,
                    minutes=k.minutes,
                    lawyer=names.get(k.lawyer, k.lawyer),
                    notes=k.notes,
                    advice=k.advice,
                    next_steps=k.next_steps,
                    follow_up=k.follow_up_on,
                )
                for k in detail.consultations
            ],
            deadlines=[rm.DeadlineInfo(d.due_on, d.description, d.done) for d in detail.deadlines],
            attachments=[
                rm.AttachmentInfo(a.file_name, a.media_type, a.size, a.sha256)
                for a in detail.attachments
            ],
        )

    def case_summary(
        self,
        number: str,
        out: Target,
        *,
        lang: str | None = None,
        include_contact: bool = True,
        purpose: str = "save",
    ) -> int:
        """Render the summary of case ``number`` to ``out``; returns the page count.

        ``purpose`` (``save``, ``print`` or ``preview``) is what the audit event records.
        """
        self.ws.require(Permission.PRINT)
        chosen = self._lang(lang)
        with self.ws.read() as s:
            detail = self._cases._detail(s, common.get_case(s, number))
            data = self._summary_input(s, detail)
        pages = render_case_summary(
            data,
            out,
            lang=chosen,
            generated_by=self.ws.actor.full_name,
            include_contact=include_contact,
        )
        with self.ws.write() as s:
            self.ws.audit(
                s,
                f"pdf_case_{purpose}",
                "case",
                detail.id,
                {
                    "number": detail.number,
                    "lang": chosen,
                    "pages": pages,
                    "contact": include_contact,
                },
            )
        return pages

    def case_summary_bytes(
        self, number: str, *, lang: str | None = None, include_contact: bool = True
    ) -> bytes:
        """The summary as bytes in memory (for the preview; never touches the disk)."""
        buffer = io.BytesIO()
        self.case_summary(
            number, buffer, lang=lang, include_contact=include_contact, purpose="preview"
        )
        return buffer.getvalue()

    def consent_form(
        self, client_id: str, out: Target, *, lang: str | None = None, purpose: str = "save"
    ) -> int:
        """A consent form pre-filled for the client (Law on Personal Data, 2010)."""
        self.ws.require(Permission.PRINT)
        chosen = self._lang(lang)
        with self.ws.read() as s:
            info = common.client_info(s, common.get_client(s, client_id))
            center = self._center(s)
            hq = s.scalar(select(Node.name).where(Node.kind == "hq")) or ""
        latest = info.consents[-1] if info.consents else None
        data = rm.ConsentFormInput(
            center=center,
            client=_client(info),
            purposes=latest.purposes if latest else ("store_process",),
            valid_until=latest.valid_until if latest else None,
            hq_name=hq,
            representative=self.ws.actor.full_name,
        )
        pages = render_consent_form(data, out, lang=chosen, generated_by=self.ws.actor.full_name)
        with self.ws.write() as s:
            self.ws.audit(s, f"pdf_consent_{purpose}", "client", client_id, {"lang": chosen})
        return pages

    def consent_form_bytes(self, client_id: str, *, lang: str | None = None) -> bytes:
        buffer = io.BytesIO()
        self.consent_form(client_id, buffer, lang=lang, purpose="preview")
        return buffer.getvalue()

    def closed_summaries(
        self,
        start: date,
        end: date,
        out: Target,
        *,
        lang: str | None = None,
        include_contact: bool = True,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Summaries of every case closed between ``start`` and ``end`` in one PDF."""
        self.ws.require(Permission.PRINT)
        chosen = self._lang(lang)
        if end < start:
            raise InputRejected(_("The end of the period is before its start."))
        with self.ws.read() as s:
            numbers = s.scalars(
                select(Case.number)
                .where(
                    Case.status == CaseStatus.CLOSED.value,
                    Case.closed_on.between(start.isoformat(), end.isoformat()),
                    Case.deleted_hlc.is_(None),
                )
                .order_by(Case.closed_on, Case.number)
            ).all()
            if not numbers:
                raise InputRejected(_("No case was closed in that period."))
            inputs = [
                self._summary_input(s, self._cases._detail(s, common.get_case(s, n)))
                for n in numbers
            ]
        pages = render_case_summaries(
            inputs,
            out,
            lang=chosen,
            generated_by=self.ws.actor.full_name,
            include_contact=include_contact,
            progress=progress,
            cancelled=cancelled,
        )
        with self.ws.write() as s:
            self.ws.audit(
                s,
                "pdf_batch_save",
                "case",
                "",
                {"cases": len(numbers), "from": start.isoformat(), "to": end.isoformat()},
            )
        return pages
