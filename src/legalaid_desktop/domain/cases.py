"""Plain objects of case management, handed between services and front ends (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class CaseStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    CLOSED = "closed"
    TRANSFERRED = "transferred"


class ConsultationMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"
    OUTREACH = "outreach"
    HOTLINE = "hotline"


class PartyRole(StrEnum):
    ADVERSE = "adverse"
    INSTITUTION = "institution"
    WITNESS = "witness"
    REPRESENTATIVE = "representative"


class ConsentPurpose(StrEnum):
    STORE_PROCESS = "store_process"
    SHARE_HQ = "share_hq"
    ANONYMIZED_STATS = "anonymized_stats"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: the rows, and how many there are in all."""

    rows: tuple[T, ...]
    total: int
    offset: int


# -- clients --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientInput:
    """What intake asks for. Codes are validated against the reference data."""

    full_name: str
    gender: str
    region: str
    birth_year: int | None = None
    phone: str = ""
    address: str = ""
    displacement: str = "resident"
    disability: str = "none"
    referral_source: str = ""


@dataclass(frozen=True)
class ConsentInput:
    given_on: date
    purposes: tuple[str, ...] = (ConsentPurpose.STORE_PROCESS.value,)
    valid_until: date | None = None


@dataclass(frozen=True)
class ConsentInfo:
    id: str
    given_on: date
    purposes: tuple[str, ...]
    valid_until: date | None
    withdrawn_on: date | None
    has_scan: bool

    def active_on(self, day: date) -> bool:
        """Whether the consent covers ``day`` (not withdrawn by then, not expired)."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.valid_until is None or self.valid_until >= day


@dataclass(frozen=True)
class ClientInfo:
    id: str
    full_name: str
    gender: str
    birth_year: int | None
    region: str
    displacement: str
    disability: str
    phone: str
    address: str
    referral_source: str
    node_code: str
    created_at: str
    needs_review: bool = False
    consents: tuple[ConsentInfo, ...] = ()
    case_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientRow:
    """A client in a list."""

    id: str
    full_name: str
    gender: str
    birth_year: int | None
    region: str
    open_cases: int


# -- cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorruptionInput:
    sector: str
    conduct: str
    institution: str = ""
    amount_requested: int | None = None
    reported_to: str = ""
    satisfaction: int | None = None


@dataclass(frozen=True)
class CaseInput:
    client_id: str
    legal_area: str
    summary: str
    lawyer: str | None = None  # defaults to the acting user
    opened_on: date | None = None  # defaults to today
    referral: str = ""
    grant_code: str = ""
    campaign_id: str | None = None
    corruption: CorruptionInput | None = None


@dataclass(frozen=True)
class CaseRow:
    """A case in a list."""

    id: str
    number: str
    client_name: str
    legal_area: str
    status: str
    assigned_lawyer: str
    opened_on: date
    closed_on: date | None


@dataclass(frozen=True)
class ConsultationInput:
    notes: str
    held_on: date | None = None  # today
    minutes: int = 30
    mode: str = ConsultationMode.IN_PERSON.value
    advice: str = ""
    next_steps: str = ""
    follow_up_on: date | None = None
    lawyer: str | None = None  # the acting user


@dataclass(frozen=True)
class ConsultationInfo:
    id: str
    held_on: date
    lawyer: str
    mode: str
    minutes: int
    notes: str
    advice: str
    next_steps: str
    follow_up_on: date | None


@dataclass(frozen=True)
class PartyInfo:
    id: str
    name: str
    role: str
    notes: str


@dataclass(frozen=True)
class DeadlineInfo:
    id: str
    case_id: str
    case_number: str
    due_on: date
    description: str
    done: bool


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    added_at: str


@dataclass(frozen=True)
class CorruptionInfo:
    sector: str
    conduct: str
    institution: str
    amount_requested: int | None
    reported_to: str
    satisfaction: int | None


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case view shows."""

    id: str
    number: str
    status: str
    legal_area: str
    summary: str
    assigned_lawyer: str
    owner_node: str
    opened_on: date
    closed_on: date | None
    outcome: str | None
    referral: str
    grant_code: str
    campaign_id: str | None
    needs_review: bool
    client: ClientInfo
    corruption: CorruptionInfo | None
    consultations: tuple[ConsultationInfo, ...] = ()
    parties: tuple[PartyInfo, ...] = ()
    deadlines: tuple[DeadlineInfo, ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class CampaignInfo:
    id: str
    title: str
    node_code: str
    issue_area: str
    partners: tuple[str, ...]
    description: str
    case_numbers: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class AgendaItem:
    """A deadline or a consultation follow-up, for the calendar and the dashboard."""

    kind: str  # deadline | follow_up
    ref_id: str
    case_number: str
    due_on: date
    description: str
    done: bool
    lawyer: str
