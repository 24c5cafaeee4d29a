"""Plain objects of case management, handed between services and front ends (never ORM rows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInfo
from legalaid_desktop.domain.referrals import ReferralInfo
from legalaid_desktop.domain.retention import display_name, is_anonymized
from legalaid_desktop.domain.roster import person_key

T = TypeVar("T")


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class ClientKind(StrEnum):
    """Who the client is (the ``client_kinds`` reference list, issue 19): a person, or a
    community organization or initiative group represented by a contact person."""

    PERSON = "person"
    ORGANIZATION = "organization"
    INITIATIVE = "initiative"


def is_person(kind: str | None) -> bool:
    """Whether a client of ``kind`` is a person (an empty or missing kind is: every client
    recorded before organizations could be)."""
    return not kind or kind == ClientKind.PERSON.value


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
    """What intake asks for. Codes are validated against the reference data.

    An organization or initiative group (``kind``) has a name, a region, and optionally its
    registration, contact person and number of members; gender and birth year are a person's
    only (``""`` and ``None`` for the others), as the organization fields are the others' only.
    """

    full_name: str
    gender: str
    region: str
    birth_year: int | None = None
    phone: str = ""
    address: str = ""
    displacement: str = "resident"
    disability: str = "none"
    referral_source: str = ""
    kind: str = ClientKind.PERSON.value
    registration: str = ""
    contact_person: str = ""
    members: int | None = None


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


def purposes_in_force(consents: Iterable[ConsentInfo], day: date) -> frozenset[str]:
    """The purposes some consent covers on ``day`` (given by then, not withdrawn, not expired).

    A client's consent is the set of their consent rows: each row is one signed statement
    (its purposes, its validity), and a purpose is in force while any row in force holds it.
    Once "store and process" is withdrawn (:func:`processing_withdrawn_on`), nothing is.
    """
    rows = tuple(consents)
    if processing_withdrawn_on(rows) is not None:
        return frozenset()
    return frozenset(p for c in rows if c.given_on <= day and c.active_on(day) for p in c.purposes)


def processing_withdrawn_on(consents: Iterable[ConsentInfo]) -> date | None:
    """The day the client withdrew consent to store and process their data, or ``None``.

    Processing is withdrawn when a row holding ``store_process`` was withdrawn and no row
    holding it is left unwithdrawn (a consent that merely expired is not a withdrawal; a new
    consent to store and process given after the withdrawal resumes processing).
    """
    store = ConsentPurpose.STORE_PROCESS.value
    rows = [c for c in consents if store in c.purposes]
    if not rows or any(c.withdrawn_on is None for c in rows):
        return None
    return max(c.withdrawn_on for c in rows if c.withdrawn_on is not None)


def expired_purposes(consents: Iterable[ConsentInfo], day: date) -> tuple[str, ...]:
    """The purposes that a consent held, not withdrawn, but whose "valid until" is before
    ``day`` and that no other consent covers on ``day``: the consent to renew.

    Nothing counts as expired once processing is withdrawn (the records wait for retention,
    not for a renewal).
    """
    rows = tuple(consents)
    if processing_withdrawn_on(rows) is not None:
        return ()
    in_force = purposes_in_force(rows, day)
    lapsed = {
        p
        for c in rows
        if c.withdrawn_on is None and c.valid_until is not None and c.valid_until < day
        for p in c.purposes
    }
    order = {p.value: i for i, p in enumerate(ConsentPurpose)}
    return tuple(sorted(lapsed - in_force, key=lambda p: (order.get(p, len(order)), p)))


def consent_expired_on(consents: Iterable[ConsentInfo], day: date) -> date | None:
    """The last "valid until" of the :func:`expired_purposes` (when the consent ran out)."""
    rows = tuple(consents)
    expired = set(expired_purposes(rows, day))
    ends = [
        c.valid_until
        for c in rows
        if c.withdrawn_on is None
        and c.valid_until is not None
        and c.valid_until < day
        and expired & set(c.purposes)
    ]
    return max(ends) if ends else None


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
    number: str = ""
    """The readable client number (``GNJ-C-00042``): what people read and type."""
    kind: str = ClientKind.PERSON.value
    """``person``, ``organization`` or ``initiative`` (the ``client_kinds`` list)."""
    registration: str = ""
    """An organization's registration (a state registration or tax number), if any."""
    contact_person: str = ""
    """Who speaks for an organization or initiative group."""
    members: int | None = None
    """How many members an organization or initiative group has, if known."""

    @property
    def is_person(self) -> bool:
        """Whether the client is a person (not an organization or initiative group)."""
        return is_person(self.kind)

    @property
    def anonymized(self) -> bool:
        """Whether the client was anonymized (their name is the marker; see
        :mod:`legalaid_desktop.domain.retention`)."""
        return is_anonymized(self.full_name)

    @property
    def display_name(self) -> str:
        """The name to show: "Anonymized client" for an anonymized one."""
        return display_name(self.full_name)

    @property
    def processing_withdrawn_on(self) -> date | None:
        """When the client withdrew consent to store and process (``None`` while they have
        not); from then on their records are read-only (:func:`processing_withdrawn_on`)."""
        return processing_withdrawn_on(self.consents)

    def expired_purposes(self, day: date) -> tuple[str, ...]:
        """The purposes whose consent ran out before ``day`` (:func:`expired_purposes`)."""
        return expired_purposes(self.consents, day)

    def consent_expired(self, day: date) -> bool:
        """Whether a consent of this client expired and was not renewed by ``day``."""
        return bool(self.expired_purposes(day))

    def consent_expired_on(self, day: date) -> date | None:
        """When the consent that :meth:`consent_expired` reports ran out."""
        return consent_expired_on(self.consents, day)


@dataclass(frozen=True)
class ClientRow:
    """A client in a list."""

    id: str
    full_name: str
    gender: str
    birth_year: int | None
    region: str
    open_cases: int
    number: str = ""
    created_at: str = ""
    center: str = ""  # the code of the center that registered the client (HQ shows it)
    kind: str = ClientKind.PERSON.value  # person, organization or initiative

    @property
    def anonymized(self) -> bool:
        """Whether the client was anonymized (their name is the marker; see
        :mod:`legalaid_desktop.domain.retention`)."""
        return is_anonymized(self.full_name)

    @property
    def display_name(self) -> str:
        """The name to show: "Anonymized client" for an anonymized one."""
        return display_name(self.full_name)


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
    center: str = ""  # the code of the center that holds the case (HQ shows it)
    lawyer_name: str = ""
    """What people read for ``assigned_lawyer``: their full name, another center's with its
    code (the lawyer of the node that last assigned the case, "Məmmədova Leyla (GNJ)" at QBA
    for a transferred case); ``""`` when not resolved (the user name is shown then)."""

    @property
    def client_display_name(self) -> str:
        """The client's name to show: "Anonymized client" for an anonymized one."""
        return display_name(self.client_name)


MAX_MINUTES = 12 * 60
"""The longest a consultation can be recorded as (minutes)."""


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
    follow_up_done: bool = False
    """The follow-up was marked done (by hand; one closed by a later consultation is worked out
    by the agenda, ``services.agenda.closing_consultation``)."""
    lawyer_node: str = ""
    """The node the consultation was given at, whose user ``lawyer`` is (``""``: not known)."""


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
    added_by: str = ""
    """The user name of who added it (``CaseDetail.user_names`` has their full name)."""
    added_by_node: str = ""
    """The node whose user ``added_by`` is (``""``: not known)."""


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
    user_names: Mapping[str, str] = field(default_factory=dict)
    """What people read for the people the case names (its lawyer, the lawyers of its
    consultations, who added its documents) instead of ``admin``: keyed ``username@NODE``
    (:func:`~legalaid_desktop.domain.roster.person_key`), and by the bare user name for this
    node's users. A user of another node reads "Məmmədova Leyla (GNJ)"."""

    def person(self, username: str, node: str = "") -> str:
        """What people read for ``username`` of ``node`` (``""``: a user of this node), else
        the user name itself (never the name of a namesake of another node)."""
        return self.user_names.get(person_key(username, node)) or username

    conflict_decisions: tuple[ConflictDecisionInfo, ...] = ()  # on its parties and its client
    satisfaction: str | None = None
    """The citizen's satisfaction recorded at closing (a ``satisfaction`` code), or None."""
    referrals: tuple[ReferralInfo, ...] = ()
    """Where the case was referred and what came back, oldest first."""
    transfer_to: str | None = None
    """The center this center asked HQ to transfer the case to (``None``: no request pending)."""
    transfer_reason: str = ""
    """Why (empty at HQ for a client who does not share with HQ)."""
    assigned_lawyer_node: str = ""
    """The node whose user ``assigned_lawyer`` is: the case's own center once it assigned the
    case, the earlier center while a transferred case waits for a lawyer (``""``: not known)."""


@dataclass(frozen=True)
class CampaignInfo:
    """A campaign in a list (its notes and period: :mod:`~legalaid_desktop.domain.campaigns`)."""

    id: str
    title: str
    node_code: str
    issue_area: str
    partners: tuple[str, ...]
    notes: str
    starts_on: date | None = None
    ends_on: date | None = None
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
    client_name: str = ""
    """The client's name as stored (the marker for an anonymized client)."""
    closed_by: date | None = None
    """A follow-up closed by a later consultation of its case: that consultation's date."""
    lawyer_name: str = ""
    """Who :attr:`lawyer` is, as people read it (``services/people.py``): the full name of a
    user of this node, "Məmmədova Leyla (GNJ)" for another node's."""

    @property
    def client(self) -> str:
        """The client's name to show: "Anonymized client" for an anonymized one."""
        return display_name(self.client_name)
