"""The input of the PDF reports: plain, immutable values filled by the services from the store.

The reports never see ORM rows or sessions. Codes (legal area, status, region, mode, ...) are the
reference-data codes of DESIGN.md §3; the reports print their labels in the chosen language.
Sequences passed to these classes are copied into tuples, so a value cannot change after it was
handed to a (possibly background) renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInfo
from legalaid_desktop.domain.corrections import HistoryEntry
from legalaid_desktop.domain.referrals import ReferralInfo
from legalaid_desktop.domain.retention import DEFAULT_RETENTION_YEARS


def _freeze(obj: object, *names: str) -> None:
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True)
class CenterInfo:
    """The legal-aid center printed in the letterhead.

    Attributes:
        name: The center's name, e.g. "Gəncə Hüquqi Yardım Mərkəzi".
        address: The postal address (may contain line breaks).
        phone: The center's phone number; empty if none.
        logo_path: An image file (PNG or JPEG) for the letterhead; ``None`` for none. A logo that
            cannot be read is left out rather than stopping the print.
    """

    name: str
    address: str
    phone: str = ""
    logo_path: Path | None = None


@dataclass(frozen=True)
class ClientInfo:
    """The client of a case or the signatory of a consent form.

    Attributes:
        client_id: The client's identifier in the store (never printed).
        full_name: The full name with patronymic, e.g. "Əliyev Rəşad İsmayıl oğlu".
        gender: A ``genders`` code (``female``, ``male``, ``other``, ``undisclosed``).
        birth_year: The year of birth; ``None`` if unknown.
        region: A ``regions`` code (ISO 3166-2:AZ, e.g. ``AZ-GA``); empty if unknown.
        phone: The phone number; empty if none.
        address: The postal address; empty if none.
        displacement: A ``displacement`` code (``resident``, ``idp``, ...).
        disability: A ``disability`` code (``none``, ``physical``, ...).
    """

    client_id: str
    full_name: str
    gender: str = "undisclosed"
    birth_year: int | None = None
    region: str = ""
    phone: str = ""
    address: str = ""
    displacement: str = "resident"
    disability: str = "none"
    number: str = ""
    """The readable client number (``GNJ-C-00042``): the reference printed for people."""
    kind: str = "person"
    """A ``client_kinds`` code: ``person``, ``organization`` or ``initiative``."""
    registration: str = ""
    contact_person: str = ""
    members: int | None = None
    """An organization's or initiative group's registration, contact person and members."""


@dataclass(frozen=True)
class CorruptionInfo:
    """The anti-corruption (ALAC) details of a complaint.

    Attributes:
        sector: A ``corruption_sectors`` code.
        conduct: A ``corruption_conduct`` code.
        institution: The institution involved; empty if not named.
        amount_requested: The bribe or payment asked for (whole manats or a decimal amount);
            ``None`` if none.
        currency: The ISO 4217 code of ``amount_requested``.
        reported_to: Where the matter was reported (e.g. the prosecutor's anti-corruption
            department, the ombudsman); empty if nowhere yet.
        referrals: Where the case was referred, and the follow-up of each.
        satisfaction: The citizen's satisfaction on a scale of 1 (not at all) to 5 (fully);
            ``None`` if not asked yet.
    """

    sector: str
    conduct: str
    institution: str = ""
    amount_requested: Decimal | int | None = None
    currency: str = "AZN"
    reported_to: str = ""
    satisfaction: int | None = None


@dataclass(frozen=True)
class PartyInfo:
    """Another party of a case.

    Attributes:
        name: The person's or body's name (any script).
        role: A ``party_roles`` code (``adverse``, ``institution``, ``witness``,
            ``representative``).
    """

    name: str
    role: str


@dataclass(frozen=True)
class ConsultationInfo:
    """One consultation of the case timeline.

    Attributes:
        date: The day of the consultation.
        mode: A ``consultation_modes`` code.
        minutes: The duration in minutes; ``None`` if not recorded.
        lawyer: The lawyer's display name.
        notes: The lawyer's notes (may contain line breaks).
        advice: The advice given; empty if none.
        next_steps: The next steps agreed; empty if none.
        follow_up: The follow-up date; ``None`` if none.
    """

    date: dt.date
    mode: str
    minutes: int | None
    lawyer: str
    notes: str = ""
    advice: str = ""
    next_steps: str = ""
    follow_up: dt.date | None = None


@dataclass(frozen=True)
class DeadlineInfo:
    """A deadline of a case (the summary prints the open ones).

    Attributes:
        due: The due date.
        description: What is due.
        done: Whether it has been met.
    """

    due: dt.date
    description: str
    done: bool = False


@dataclass(frozen=True)
class AttachmentInfo:
    """A document attached to a case (listed, never embedded).

    Attributes:
        file_name: The original file name.
        media_type: The media type, e.g. ``application/pdf``.
        size: The size in bytes.
        sha256: The SHA-256 of the content, 64 lower-case hex digits.
    """

    file_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class CaseSummaryInput:
    """Everything a case summary prints.

    Attributes:
        center: The center printing the summary (letterhead).
        number: The case number, e.g. ``GNJ-2026-0042``.
        status: A ``case_statuses`` code.
        legal_area: A ``legal_areas`` code.
        summary: The case summary text.
        lawyer: The assigned lawyer's display name; empty if none.
        opened: The day the case was opened.
        closed: The day it was closed; ``None`` while it is not.
        outcome: An ``outcomes`` code; ``None`` while there is none.
        referral: Where the client was referred; empty if nowhere.
        client: The client.
        corruption: The ALAC details; ``None`` for an ordinary case.
        parties: The other parties.
        consultations: The consultations (printed oldest first).
        deadlines: All deadlines (the summary prints those not done).
        attachments: The attached documents.
        conflict_decisions: The conflict-of-interest decisions on the case and its client.
        satisfaction: The citizen's satisfaction recorded at closing (a ``satisfaction``
            code); ``None`` when not recorded.
        last_change: The newest correction of the case (who, when, which field); ``None``
            when nothing was corrected.
    """

    center: CenterInfo
    number: str
    status: str
    legal_area: str
    summary: str
    lawyer: str
    opened: dt.date
    client: ClientInfo
    closed: dt.date | None = None
    outcome: str | None = None
    referral: str = ""
    corruption: CorruptionInfo | None = None
    parties: Sequence[PartyInfo] = field(default_factory=tuple)
    consultations: Sequence[ConsultationInfo] = field(default_factory=tuple)
    deadlines: Sequence[DeadlineInfo] = field(default_factory=tuple)
    attachments: Sequence[AttachmentInfo] = field(default_factory=tuple)
    conflict_decisions: Sequence[ConflictDecisionInfo] = field(default_factory=tuple)
    last_change: HistoryEntry | None = None
    satisfaction: str | None = None
    referrals: Sequence[ReferralInfo] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        _freeze(self, "parties", "consultations", "deadlines", "attachments", "conflict_decisions")


@dataclass(frozen=True)
class ConsentFormInput:
    """Everything a pre-filled consent form prints.

    Attributes:
        center: The center that will hold the data (letterhead and the consent text).
        client: The data subject.
        purposes: ``consent_purposes`` codes printed already ticked; the other purposes of the
            reference list are printed as empty boxes for the client to tick.
        valid_until: The last day the consent is valid; ``None`` for "until withdrawn".
        hq_name: The organization's headquarters that receives shared data; empty to leave it
            unnamed.
        representative: The staff member taking the consent (printed on the center's signature
            line); empty for a blank line.
        form_date: The date printed on the signature lines; ``None`` for blank lines.
        retention_years: The center's retention period (years after the last case closed
            before anonymization; ``services/retention.py``).
    """

    center: CenterInfo
    client: ClientInfo
    purposes: Sequence[str] = field(default_factory=tuple)
    valid_until: dt.date | None = None
    hq_name: str = ""
    representative: str = ""
    form_date: dt.date | None = None
    retention_years: int = DEFAULT_RETENTION_YEARS

    def __post_init__(self) -> None:
        _freeze(self, "purposes")
