"""The access report: everything held about one client, as a PDF or a JSON file (issue 16).

A person may ask what the center holds about them (Law on Personal Data, 2010). A manager
(:attr:`Permission.EXPORT_PERSONAL_DATA`: managers and administrators; not lawyers, not HQ
analysts) produces one file for them: their record, consents, cases with the consultations,
parties, deadlines and document list of each, and every audit event about those records (who
viewed or changed them). What is included and why is in ``docs/personal-data-access.md``.

Making the report is itself an audit event (``client_access_report``, on the client, with the
format, language and counts; never a name or the file's path, which may hold one), recorded in
the transaction that reads the records, so the report lists its own making and is exactly what
the store held at that moment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.access import (
    AccessAttachment,
    AccessCase,
    AccessClient,
    AccessConsent,
    AccessConsultation,
    AccessCorruption,
    AccessDeadline,
    AccessEvent,
    AccessParty,
    AccessReport,
    report_json,
)
from legalaid_desktop.domain.client_numbers import normalize_client_number
from legalaid_desktop.domain.errors import InputRejected, NotFound
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import LANGUAGES, _, current_language
from legalaid_desktop.i18n.dates import from_iso
from legalaid_desktop.reports.access_report import render_access_report
from legalaid_desktop.services import corrections
from legalaid_desktop.services.people import People, author_node
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import (
    Attachment,
    AuditEvent,
    Case,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Node,
    Party,
    User,
)

ACTION = "client_access_report"
"""The audit action of every access report made (and of a refused attempt)."""

FORMATS = {".pdf": "pdf", ".json": "json"}
"""The file suffixes the report can be written as, and the format each means."""


@dataclass(frozen=True)
class AccessExport:
    """A written access report: where, in what format, how many pages (0 for JSON), records
    and audit events."""

    path: Path
    format: str
    pages: int
    records: int
    events: int


def export_format(path: Path) -> str:
    """``pdf`` or ``json`` from the suffix of ``path``.

    Raises:
        InputRejected: Any other suffix.
    """
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputRejected(
            _("Write the report to a file ending in .pdf or .json, not {name}.").format(
                name=Path(path).name
            )
        )
    return fmt


class AccessReportService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- use cases ----------------------------------------------------------------------------

    def report(self, ref: str, *, fmt: str = "json", lang: str | None = None) -> AccessReport:
        """Everything held about the client ``ref`` (a client id, or one of their case numbers).

        Audited as :data:`ACTION` with ``fmt`` and ``lang`` (what the caller will make of it).

        Raises:
            PermissionDenied: The role may not export personal data (audited).
            NotFound: No client has that id and no case that number.
        """
        # No target in the refusal's event: ``ref`` may be a name typed by mistake.
        self.ws.require(Permission.EXPORT_PERSONAL_DATA, ACTION, "client")
        with self.ws.write() as s:
            client = resolve_client(s, ref)
            report = self._collect(s, client)
            details: dict[str, object] = {
                "format": fmt,
                "records": report.record_count,
                "cases": len(report.cases),
            }
            if lang:
                details["lang"] = lang
            self.ws.audit(s, ACTION, "client", client.id, details)
            s.flush()
            # read the trail again: it now ends with this report's own event
            events = _events(
                s, _ids(report), {c.number for c in report.cases}, _names(s, self.ws.node_code)
            )
        return _with_events(report, events)

    def export(
        self, ref: str, path: Path, *, lang: str | None = None, overwrite: bool = False
    ) -> AccessExport:
        """Write the access report of ``ref`` to ``path`` (``.pdf`` or ``.json``), atomically.

        Args:
            ref: A client id or one of the client's case numbers.
            path: The file to write; its suffix chooses the format.
            lang: The language of the PDF (the current language by default); the JSON file
                carries codes, not labels, and is the same in every language.
            overwrite: Replace an existing file (otherwise it is refused, and stays as it was).

        Raises:
            PermissionDenied: The role may not export personal data (audited).
            NotFound: No such client or case.
            InputRejected: A wrong suffix, an unknown language, or an existing file.
        """
        path = Path(path)
        fmt = export_format(path)
        chosen = lang or current_language()
        if chosen not in LANGUAGES:
            raise InputRejected(
                _("Unknown language '{lang}': choose az, ru or en.").format(lang=chosen)
            )
        self.ws.check_destination(path)
        if path.is_dir():
            raise InputRejected(_("{path} is a folder: give a file name.").format(path=path))
        if path.exists() and not overwrite:
            raise InputRejected(
                _("{path} already exists: choose another name, or replace it with --force.").format(
                    path=path
                )
            )
        report = self.report(ref, fmt=fmt, lang=chosen if fmt == "pdf" else None)
        pages = 0
        if fmt == "pdf":
            data, pages = render_access_report(
                report, lang=chosen, generated_by=self.ws.actor.full_name
            )
        else:
            text = json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
            data = text.encode("utf-8")
        atomic_write(path, data)
        return AccessExport(path, fmt, pages, report.record_count, len(report.events))

    # -- reading ------------------------------------------------------------------------------

    def _collect(self, s: Session, client: Client) -> AccessReport:
        me = self.ws.node_code
        node = s.scalar(select(Node).where(Node.code == self.ws.node_code))
        cases = s.scalars(
            select(Case).where(Case.client_id == client.id).order_by(Case.opened_on, Case.number)
        ).all()
        numbers = {c.id: c.number for c in cases}
        case_ids = list(numbers)
        consents = s.scalars(
            select(Consent)
            .where(Consent.client_id == client.id)
            .order_by(Consent.given_on, Consent.id)
        ).all()
        scans = [c.attachment_id for c in consents if c.attachment_id]
        order = {case_id: index for index, case_id in enumerate(case_ids)}
        consultations = sorted(
            (
                k
                for chunk in batches(case_ids)
                for k in s.scalars(select(Consultation).where(Consultation.case_id.in_(chunk)))
            ),
            key=lambda k: (order[k.case_id], k.held_on, k.id),
        )
        parties = sorted(
            (
                p
                for chunk in batches(case_ids)
                for p in s.scalars(select(Party).where(Party.case_id.in_(chunk)))
            ),
            key=lambda p: (order[p.case_id], p.id),
        )
        deadlines = sorted(
            (
                d
                for chunk in batches(case_ids)
                for d in s.scalars(select(Deadline).where(Deadline.case_id.in_(chunk)))
            ),
            key=lambda d: (order[d.case_id], d.due_on, d.id),
        )
        corruption = {
            d.case_id: d
            for chunk in batches(case_ids)
            for d in s.scalars(
                select(CorruptionDetails).where(CorruptionDetails.case_id.in_(chunk))
            )
        }
        # who held a case or gave a consultation, by the one resolver: a case's lawyer of the
        # node that last assigned it, a consultation's of the node it was given at
        lawyer_of = {
            c.id: (author_node(c.clocks, "assignment", c.origin_node or me), c.assigned_lawyer)
            for c in cases
        }
        given_by = {k.id: (k.origin_node or me, k.lawyer) for k in consultations}
        people = People.load(s, me, [*lawyer_of.values(), *given_by.values()])
        attachments = [
            a
            for a in s.scalars(
                select(Attachment)
                .where(
                    or_(
                        Attachment.client_id == client.id,
                        Attachment.case_id.in_(case_ids),
                        Attachment.id.in_(scans),
                    )
                )
                .order_by(Attachment.added_at)
            )
        ]
        return AccessReport(
            generated_at=utc_now_iso(),
            generated_by=self.ws.actor.username,
            node_code=self.ws.node_code,
            center_name=node.name if node else self.ws.node_code,
            center_address=node.address if node else "",
            client=AccessClient(
                id=client.id,
                full_name=client.full_name,
                gender=client.gender,
                birth_year=client.birth_year,
                region=client.region,
                displacement=client.displacement,
                disability=client.disability,
                phone=client.phone,
                address=client.address,
                referral_source=client.referral_source,
                node_code=client.node_code,
                created_at=client.created_at,
                last_changed_by=client.updated_by,
                number=client.number,
                kind=client.kind or "person",
                registration=client.registration or "",
                contact_person=client.contact_person or "",
                members=client.members,
            ),
            consents=tuple(
                AccessConsent(
                    id=c.id,
                    given_on=date.fromisoformat(c.given_on),
                    purposes=tuple(c.purposes),
                    valid_until=from_iso(c.valid_until),
                    withdrawn_on=from_iso(c.withdrawn_on),
                    attachment_id=c.attachment_id,
                    deleted=c.deleted_hlc is not None,
                )
                for c in consents
            ),
            cases=tuple(
                _case(c, corruption.get(c.id), people.name(c.assigned_lawyer, lawyer_of[c.id][0]))
                for c in cases
            ),
            consultations=tuple(
                AccessConsultation(
                    id=k.id,
                    case_number=numbers[k.case_id],
                    held_on=date.fromisoformat(k.held_on),
                    lawyer=k.lawyer,
                    lawyer_name=people.name(k.lawyer, k.origin_node or me),
                    mode=k.mode,
                    minutes=k.minutes,
                    notes=k.notes,
                    advice=k.advice,
                    next_steps=k.next_steps,
                    follow_up_on=from_iso(k.follow_up_on),
                    last_changed_by=k.updated_by,
                    deleted=k.deleted_hlc is not None,
                )
                for k in consultations
            ),
            parties=tuple(
                AccessParty(p.id, numbers[p.case_id], p.name, p.role, p.deleted_hlc is not None)
                for p in parties
            ),
            deadlines=tuple(
                AccessDeadline(
                    d.id,
                    numbers[d.case_id],
                    date.fromisoformat(d.due_on),
                    d.description,
                    bool(d.done),
                    d.deleted_hlc is not None,
                )
                for d in deadlines
            ),
            attachments=tuple(
                AccessAttachment(
                    id=a.id,
                    case_number=numbers.get(a.case_id or "", ""),
                    file_name=a.file_name,
                    media_type=a.media_type,
                    size=a.size,
                    sha256=a.sha256,
                    added_at=a.added_at,
                    deleted=a.deleted_hlc is not None,
                )
                for a in attachments
            ),
            events=(),
            corrections=corrections.client_entries(s, client.id, removed=True),
        )


def resolve_client(s: Session, ref: str) -> Client:
    """The client whose id is ``ref``, or who is the client of case number ``ref``.

    Raises:
        NotFound: Neither (or the client was deleted).
    """
    key = ref.strip()
    number = normalize_client_number(key)
    if number is not None:
        client = s.scalar(select(Client).where(Client.number == number))
    else:
        client = s.get(Client, key) if key else None
    if client is None and key:
        case = s.scalar(select(Case).where(Case.number == key.upper()))
        if case is not None:
            client = s.get(Client, case.client_id)
    if client is None or client.deleted_hlc is not None:
        raise NotFound(
            _("There is no client with the id or case number {ref}.").format(ref=key or "''")
        )
    return client


def _case(c: Case, details: CorruptionDetails | None, lawyer_name: str) -> AccessCase:
    return AccessCase(
        id=c.id,
        number=c.number,
        status=c.status,
        legal_area=c.legal_area,
        summary=c.summary,
        assigned_lawyer=c.assigned_lawyer,
        assigned_lawyer_name=lawyer_name,
        owner_node=c.owner_node,
        opened_on=date.fromisoformat(c.opened_on),
        closed_on=from_iso(c.closed_on),
        outcome=c.outcome,
        referral=c.referral,
        grant_code=c.grant_code,
        corruption=None
        if details is None
        else AccessCorruption(
            sector=details.sector,
            conduct=details.conduct,
            institution=details.institution,
            amount_requested=details.amount_requested,
            reported_to=details.reported_to,
            satisfaction=details.satisfaction,
        ),
        last_changed_by=c.updated_by,
        deleted=c.deleted_hlc is not None,
    )


def _ids(report: AccessReport) -> set[str]:
    """The ids of every record in ``report`` (what audit events name as their entity)."""
    ids = {report.client.id}
    for part in (
        report.consents,
        report.cases,
        report.consultations,
        report.parties,
        report.deadlines,
        report.attachments,
    ):
        ids.update(r.id for r in part)
    return ids


def _names(s: Session, me: str) -> dict[str, str]:
    """This node's users by user name: whoever did what the audit log records here."""
    return {
        name: full
        for name, full in s.execute(
            select(User.username, User.full_name).where(User.node_code == me)
        )
    }


def _events(
    s: Session, ids: Iterable[str], numbers: set[str], names: dict[str, str]
) -> tuple[AccessEvent, ...]:
    """Audit events about these records: on one of them, or naming one of the case numbers
    (a refused print names the case it tried by number)."""
    found: dict[int, AuditEvent] = {}
    id_list = sorted(ids)
    keys = sorted(numbers) + id_list
    for chunk in batches(id_list):
        for event in s.scalars(select(AuditEvent).where(AuditEvent.entity_id.in_(chunk))):
            found[event.seq] = event
    for chunk in batches(keys):
        query = select(AuditEvent).where(
            or_(
                AuditEvent.details["number"].as_string().in_(chunk),
                AuditEvent.details["target"].as_string().in_(chunk),
            )
        )
        for event in s.scalars(query):
            found[event.seq] = event
    return tuple(
        AccessEvent(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            actor_name=names.get(e.actor, ""),
            action=e.action,
            entity_type=e.entity_type or "",
            entity_id=e.entity_id or "",
            details=tuple(sorted((str(k), str(v)) for k, v in (e.details or {}).items())),
        )
        for _seq, e in sorted(found.items())
    )


def _with_events(report: AccessReport, events: tuple[AccessEvent, ...]) -> AccessReport:
    return replace(report, events=events)
