"""PDF case summaries and consent forms: data from the store, layout by ``reports/``, audited.

A PDF exists only where the user asks for it: :meth:`ReportService.case_summary` writes to a
path the user chose (atomically) or to a stream (the GUI's in-memory preview and printing);
nothing is written to a temporary file here. Every save or print is an audit event that names
the case or client, never the file's content.

The GUI works with a :class:`ReportDocument`: the PDF rendered once in memory for the preview,
then saved (:meth:`ReportService.save_document`) or printed (:meth:`ReportService.record_printed`
records it) exactly as the user saw it.

Who prints what (:mod:`legalaid_desktop.domain.roles`): a lawyer prints the summaries of the
cases assigned to them and consent forms; the summary of any other case needs
:attr:`Permission.PRINT_ANY_CASE` and the batch of closed cases :attr:`Permission.PRINT_BATCH`
(managers and above). A refusal is a :class:`PermissionDenied`, audited.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import CaseDetail, CaseStatus
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.roles import Permission, roles_text, roles_with
from legalaid_desktop.i18n import LANGUAGES, _, current_language
from legalaid_desktop.reports import model as rm
from legalaid_desktop.reports.pdf import (
    render_case_summaries,
    render_case_summary,
    render_consent_form,
    write_pdf,
)
from legalaid_desktop.services import corrections, lookups
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.retention import RetentionService
from legalaid_desktop.services.rows import client_info
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Case, Node

Target = Path | BinaryIO
PURPOSES = ("save", "print", "preview")


@dataclass(frozen=True)
class ReportDocument:
    """A PDF rendered in memory, with what its save and print audit events name.

    Attributes:
        kind: ``case``, ``consent``, ``batch`` or ``donor`` (the audit action is
            ``pdf_<kind>_<purpose>``).
        entity_type: ``case``, ``client`` or ``""`` (a batch).
        entity_id: The case's or client's id (``""`` for a batch).
        name: A short name for the file: the case number, ``consent-<client number>``, or the period
            of a batch.
        lang: The language of the PDF.
        pages: The number of pages.
        data: The PDF itself (never written anywhere unless the user saves it).
        details: What the audit events record about it (numbers, dates; never content).
    """

    kind: str
    entity_type: str
    entity_id: str
    name: str
    lang: str
    pages: int
    data: bytes = field(repr=False)
    details: Mapping[str, Any] = field(default_factory=dict)


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
        number=info.number,
        kind=info.kind,
        registration=info.registration,
        contact_person=info.contact_person,
        members=info.members,
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

    def _summary_input(self, s: Session, detail: CaseDetail) -> rm.CaseSummaryInput:
        c = detail.corruption
        return rm.CaseSummaryInput(
            center=self._center(s),
            number=detail.number,
            status=detail.status,
            legal_area=detail.legal_area,
            summary=detail.summary,
            # the people as the case names them (another center's by the user roster, with
            # its code: a transferred case's earlier lawyer)
            lawyer=detail.person(detail.assigned_lawyer, detail.assigned_lawyer_node),
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
                    lawyer=detail.person(k.lawyer, k.lawyer_node),
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
            conflict_decisions=detail.conflict_decisions,
            last_change=corrections.last_change(s, detail.id),
            satisfaction=detail.satisfaction,
            referrals=detail.referrals,
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
        return self._case_summary(
            number, out, chosen_lang=lang, contact=include_contact, purpose=purpose
        ).pages

    def _case_summary(
        self, number: str, out: Target, *, chosen_lang: str | None, contact: bool, purpose: str
    ) -> ReportDocument:
        action = f"pdf_case_{purpose}"
        self.ws.require(Permission.PRINT, action, "case", target=number)
        chosen = self._lang(chosen_lang)
        with self.ws.read() as s:
            row = lookups.get_case(s, number)
            case_id, case_number, lawyer = row.id, row.number, row.assigned_lawyer
        self._require_case(case_id, case_number, lawyer, action)
        with self.ws.read() as s:
            detail = self._cases._detail(s, lookups.get_case(s, case_number))
            data = self._summary_input(s, detail)
        self._check_out(out)
        pages = render_case_summary(
            data,
            out,
            lang=chosen,
            generated_by=self.ws.actor.full_name,
            include_contact=contact,
        )
        doc = ReportDocument(
            kind="case",
            entity_type="case",
            entity_id=detail.id,
            name=detail.number,
            lang=chosen,
            pages=pages,
            data=b"",
            details={"number": detail.number, "lang": chosen, "pages": pages, "contact": contact},
        )
        self._audit(doc, purpose)
        return doc

    def case_summary_bytes(
        self, number: str, *, lang: str | None = None, include_contact: bool = True
    ) -> bytes:
        """The summary as bytes in memory (for the preview; never touches the disk)."""
        return self.case_summary_document(number, lang=lang, include_contact=include_contact).data

    def case_summary_document(
        self, number: str, *, lang: str | None = None, include_contact: bool = True
    ) -> ReportDocument:
        """The summary rendered in memory for the preview (audited as a preview)."""
        buffer = io.BytesIO()
        doc = self._case_summary(
            number, buffer, chosen_lang=lang, contact=include_contact, purpose="preview"
        )
        return _with_data(doc, buffer)

    def consent_form(
        self, client_id: str, out: Target, *, lang: str | None = None, purpose: str = "save"
    ) -> int:
        """A consent form pre-filled for the client (Law on Personal Data, 2010)."""
        return self._consent_form(client_id, out, chosen_lang=lang, purpose=purpose).pages

    def _consent_form(
        self, client_id: str, out: Target, *, chosen_lang: str | None, purpose: str
    ) -> ReportDocument:
        self.ws.require(Permission.PRINT, f"pdf_consent_{purpose}", "client", client_id)
        chosen = self._lang(chosen_lang)
        with self.ws.read() as s:
            info = client_info(s, lookups.get_client(s, client_id))
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
            retention_years=RetentionService(self.ws).rule().years,
        )
        self._check_out(out)
        pages = render_consent_form(data, out, lang=chosen, generated_by=self.ws.actor.full_name)
        doc = ReportDocument(
            kind="consent",
            entity_type="client",
            entity_id=info.id,
            name=f"consent-{info.number}",
            lang=chosen,
            pages=pages,
            data=b"",
            details={"lang": chosen, "number": info.number},
        )
        self._audit(doc, purpose)
        return doc

    def consent_form_bytes(self, client_id: str, *, lang: str | None = None) -> bytes:
        return self.consent_form_document(client_id, lang=lang).data

    def consent_form_document(self, client_id: str, *, lang: str | None = None) -> ReportDocument:
        """The consent form rendered in memory for the preview (audited as a preview)."""
        buffer = io.BytesIO()
        doc = self._consent_form(client_id, buffer, chosen_lang=lang, purpose="preview")
        return _with_data(doc, buffer)

    def closed_summaries(
        self,
        start: date,
        end: date,
        out: Target,
        *,
        lang: str | None = None,
        include_contact: bool = True,
        lawyer: str | None = None,
        legal_area: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        purpose: str = "save",
    ) -> int:
        """Summaries of every case closed between ``start`` and ``end`` in one PDF.

        ``lawyer`` (a user name) and ``legal_area`` (a code) narrow the batch down.
        """
        return self._closed_summaries(
            start,
            end,
            out,
            chosen_lang=lang,
            contact=include_contact,
            lawyer=lawyer,
            legal_area=legal_area,
            progress=progress,
            cancelled=cancelled,
            purpose=purpose,
        ).pages

    def closed_summaries_document(
        self,
        start: date,
        end: date,
        *,
        lang: str | None = None,
        include_contact: bool = True,
        lawyer: str | None = None,
        legal_area: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ReportDocument:
        """The batch rendered in memory for the preview (audited as a preview)."""
        buffer = io.BytesIO()
        doc = self._closed_summaries(
            start,
            end,
            buffer,
            chosen_lang=lang,
            contact=include_contact,
            lawyer=lawyer,
            legal_area=legal_area,
            progress=progress,
            cancelled=cancelled,
            purpose="preview",
        )
        return _with_data(doc, buffer)

    def _closed_summaries(
        self,
        start: date,
        end: date,
        out: Target,
        *,
        chosen_lang: str | None,
        contact: bool,
        lawyer: str | None,
        legal_area: str | None,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        purpose: str,
    ) -> ReportDocument:
        self.ws.require(Permission.PRINT_BATCH, f"pdf_batch_{purpose}", "case")
        chosen = self._lang(chosen_lang)
        if end < start:
            raise InputRejected(_("The end of the period is before its start."))
        where = [
            Case.status == CaseStatus.CLOSED.value,
            Case.closed_on.between(start.isoformat(), end.isoformat()),
            Case.deleted_hlc.is_(None),
        ]
        if lawyer:
            where.append(Case.assigned_lawyer == lawyer)
        if legal_area:
            where.append(Case.legal_area == legal_area)
        with self.ws.read() as s:
            numbers = s.scalars(
                select(Case.number).where(*where).order_by(Case.closed_on, Case.number)
            ).all()
            if not numbers:
                raise InputRejected(_("No case was closed in that period."))
            inputs = [
                self._summary_input(s, self._cases._detail(s, lookups.get_case(s, n)))
                for n in numbers
            ]
        self._check_out(out)
        pages = render_case_summaries(
            inputs,
            out,
            lang=chosen,
            generated_by=self.ws.actor.full_name,
            include_contact=contact,
            progress=progress,
            cancelled=cancelled,
        )
        details: dict[str, Any] = {
            "cases": len(numbers),
            "from": start.isoformat(),
            "to": end.isoformat(),
            "lang": chosen,
            "pages": pages,
            "contact": contact,
        }
        if lawyer:
            details["lawyer"] = lawyer
        if legal_area:
            details["legal_area"] = legal_area
        doc = ReportDocument(
            kind="batch",
            entity_type="case",
            entity_id="",
            name=f"summaries-{start.isoformat()}_{end.isoformat()}",
            lang=chosen,
            pages=pages,
            data=b"",
            details=details,
        )
        self._audit(doc, purpose)
        return doc

    # -- saving and printing what the preview shows -------------------------------------------

    def _check_out(self, out: Target) -> None:
        """A file (not a buffer) goes nowhere inside the data folder."""
        if isinstance(out, Path):
            self.ws.check_destination(out)

    def save_document(self, doc: ReportDocument, path: Path) -> None:
        """Write the previewed PDF to ``path`` (atomically) and record the save.

        Raises:
            PermissionDenied: If the user may not print.
            ReportNotSaved: If the file cannot be written (nothing is left behind).
        """
        self._require_document(doc, "save")
        self.ws.check_destination(Path(path))
        write_pdf(doc.data, Path(path))
        self._audit(doc, "save")

    def record_printed(self, doc: ReportDocument, pages: int) -> None:
        """Record that ``pages`` pages of the previewed PDF were sent to a printer."""
        self._require_document(doc, "print")
        self._audit(doc, "print", {"printed_pages": pages})

    # -- who may print what -------------------------------------------------------------------

    def _require_case(self, case_id: str, number: str, lawyer: str, action: str) -> None:
        """Refuse (audited) the summary of a case not assigned to the actor, unless their role
        may print any case."""
        if self.ws.actor.can(Permission.PRINT_ANY_CASE) or lawyer == self.ws.actor.username:
            return
        raise self.ws.refuse(
            PermissionDenied(
                _(
                    "You may print only the cases assigned to you, and case {number} is not: "
                    "printing it needs the role {needed}."
                ).format(number=number, needed=roles_text(roles_with(Permission.PRINT_ANY_CASE)))
            ),
            action,
            "case",
            case_id,
            {"number": number, "permission": Permission.PRINT_ANY_CASE.value},
        )

    def _require_document(self, doc: ReportDocument, purpose: str) -> None:
        """The checks of the call that made ``doc``, again before it is saved or printed."""
        action = f"pdf_{doc.kind}_{purpose}"
        if doc.kind == "donor":  # anonymized figures: the roles that see every figure
            self.ws.require(Permission.VIEW_STATISTICS, action)
            return
        if doc.kind == "batch":
            self.ws.require(Permission.PRINT_BATCH, action, "case")
            return
        self.ws.require(Permission.PRINT, action, doc.entity_type, doc.entity_id)
        if doc.kind == "case":
            with self.ws.read() as s:
                row = s.get(Case, doc.entity_id)
                lawyer = row.assigned_lawyer if row is not None else ""
            self._require_case(doc.entity_id, doc.name, lawyer, action)

    def _audit(
        self, doc: ReportDocument, purpose: str, extra: Mapping[str, Any] | None = None
    ) -> None:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        with self.ws.write() as s:
            self.ws.audit(
                s,
                f"pdf_{doc.kind}_{purpose}",
                doc.entity_type,
                doc.entity_id,
                {**doc.details, **(extra or {})},
            )


def _with_data(doc: ReportDocument, buffer: io.BytesIO) -> ReportDocument:
    return replace(doc, data=buffer.getvalue())
