"""Rows of the store turned into the plain, immutable results of
:mod:`legalaid_desktop.domain.cases` that the services hand to the front ends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import (
    AttachmentInfo,
    ClientInfo,
    ConsentInfo,
    ConsultationInfo,
    CorruptionInfo,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.domain.filenames import plain_file_name
from legalaid_desktop.i18n.dates import from_iso
from legalaid_desktop.services.people import stamp_node
from legalaid_desktop.store.models import (
    Attachment,
    Case,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
)


def consent_info(row: Consent) -> ConsentInfo:
    return ConsentInfo(
        id=row.id,
        given_on=date.fromisoformat(row.given_on),
        purposes=tuple(row.purposes),
        valid_until=from_iso(row.valid_until),
        withdrawn_on=from_iso(row.withdrawn_on),
        has_scan=row.attachment_id is not None,
    )


def client_info(session: Session, row: Client) -> ClientInfo:
    consents = session.scalars(
        select(Consent)
        .where(Consent.client_id == row.id, Consent.deleted_hlc.is_(None))
        .order_by(Consent.given_on, Consent.id)  # the same day: in the order given (UUIDv7)
    ).all()
    numbers = session.scalars(
        select(Case.number)
        .where(Case.client_id == row.id, Case.deleted_hlc.is_(None))
        .order_by(Case.opened_on)
    ).all()
    return ClientInfo(
        id=row.id,
        full_name=row.full_name,
        gender=row.gender,
        birth_year=row.birth_year,
        region=row.region,
        displacement=row.displacement,
        disability=row.disability,
        phone=row.phone,
        address=row.address,
        referral_source=row.referral_source,
        node_code=row.node_code,
        created_at=row.created_at,
        needs_review=row.needs_review,
        consents=tuple(consent_info(c) for c in consents),
        case_numbers=tuple(numbers),
        number=row.number,
        kind=row.kind or "person",
        registration=row.registration or "",
        contact_person=row.contact_person or "",
        members=row.members,
    )


def consultation_info(row: Consultation) -> ConsultationInfo:
    return ConsultationInfo(
        id=row.id,
        held_on=date.fromisoformat(row.held_on),
        lawyer=row.lawyer,
        mode=row.mode,
        minutes=row.minutes,
        notes=row.notes,
        advice=row.advice,
        next_steps=row.next_steps,
        follow_up_on=from_iso(row.follow_up_on),
        follow_up_done=row.follow_up_done_at is not None,
        lawyer_node=row.origin_node or "",
    )


def party_info(row: Party) -> PartyInfo:
    return PartyInfo(id=row.id, name=row.name, role=row.role, notes=row.notes)


def deadline_info(row: Deadline, case_number: str) -> DeadlineInfo:
    return DeadlineInfo(
        id=row.id,
        case_id=row.case_id,
        case_number=case_number,
        due_on=date.fromisoformat(row.due_on),
        description=row.description,
        done=row.done,
    )


def attachment_info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        id=row.id,
        file_name=plain_file_name(row.file_name),  # a name stored before the rule, made plain
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        added_at=row.added_at,
        added_by=row.updated_by or "",
        added_by_node=stamp_node(row.hlc, row.origin_node or ""),
    )


def corruption_info(row: CorruptionDetails | None) -> CorruptionInfo | None:
    if row is None or row.deleted_hlc is not None:
        return None
    return CorruptionInfo(
        sector=row.sector,
        conduct=row.conduct,
        institution=row.institution,
        amount_requested=row.amount_requested,
        reported_to=row.reported_to,
        satisfaction=row.satisfaction,
    )
