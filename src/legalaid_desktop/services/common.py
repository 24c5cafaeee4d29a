"""Helpers the case-management services share: validation against reference data, conversions."""

from __future__ import annotations

import re
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
from legalaid_desktop.domain.dates import from_iso, today
from legalaid_desktop.domain.errors import NotFound, ValidationError
from legalaid_desktop.domain.filenames import plain_file_name
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _
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
from legalaid_desktop.text.cleaning import clean

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,25}$")
MIN_BIRTH_YEAR = 1900


def person_name(value: str, field: str, label: str) -> str:
    """A cleaned person name, or a :class:`ValidationError`."""
    name = clean(value)
    if not name:
        raise ValidationError(_("{label} must not be empty.").format(label=label), field=field)
    if len(name) > 200:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=200),
            field=field,
        )
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("{label} must contain letters.").format(label=label), field=field)
    return name


def text(value: str, field: str, label: str, *, required: bool, max_length: int) -> str:
    cleaned = clean(value, multiline=True)
    if required and not cleaned:
        raise ValidationError(_("{label} must not be empty.").format(label=label), field=field)
    if len(cleaned) > max_length:
        raise ValidationError(
            _("{label} is too long (at most {n} characters).").format(label=label, n=max_length),
            field=field,
        )
    return cleaned


def birth_year(value: int | None) -> int | None:
    if value is None:
        return None
    current = today().year
    if value > current:
        raise ValidationError(
            _("The birth year {year} is in the future.").format(year=value), field="birth_year"
        )
    if value < MIN_BIRTH_YEAR:
        raise ValidationError(
            _("The birth year {year} is not plausible.").format(year=value), field="birth_year"
        )
    return value


def phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE_RE.fullmatch(value):
        raise ValidationError(
            _("'{phone}' is not a phone number.").format(phone=value), field="phone"
        )
    return value


def code(catalog: ReferenceCatalog, kind: str, value: str, field: str, label: str) -> str:
    catalog.require(kind, value, label, field=field)
    return value


def not_in_future(value: date, field: str, label: str) -> date:
    if value > today():
        raise ValidationError(
            _("{label} cannot be in the future.").format(label=label), field=field
        )
    return value


def get_client(session: Session, client_id: str) -> Client:
    row = session.get(Client, client_id)
    if row is None or row.deleted_hlc is not None:
        raise NotFound(_("There is no client with the id {id}.").format(id=client_id))
    return row


def get_case(session: Session, number: str) -> Case:
    row = session.scalar(select(Case).where(Case.number == number.strip().upper()))
    if row is None or row.deleted_hlc is not None:
        raise NotFound(_("There is no case {number}.").format(number=number))
    return row


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
        .order_by(Consent.given_on)
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
