"""Everything held about one person: the plain values of the access report and its JSON shape.

The Law on Personal Data (2010) gives a person the right to know what is held about them. The
service (:mod:`legalaid_desktop.services.access_report`) fills an :class:`AccessReport` from the
store; the PDF (:mod:`legalaid_desktop.reports.access_report`) and the JSON file
(:func:`report_json`) are two views of the same value. The JSON shape is a contract, described
field by field in ``docs/personal-data-access.md``: a change that removes or renames a field
raises :data:`FORMAT_VERSION`.

Records that were removed (a tombstone: the row stays in the store, marked deleted, so that sync
can carry the removal) are still held, so they are listed, with ``deleted`` set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from legalaid_desktop.domain.corrections import HistoryEntry

FORMAT_NAME = "legalaid-personal-data-access"
"""The ``format`` field of the JSON file."""

FORMAT_VERSION = 1
"""The ``version`` field of the JSON file (see the module's documentation)."""


@dataclass(frozen=True)
class AccessClient:
    """The person's own record (codes as stored; labels are the reference data's)."""

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
    last_changed_by: str
    number: str = ""
    """The readable client number (``GNJ-C-00042``)."""
    kind: str = "person"
    """``person``, or ``organization`` / ``initiative`` (issue 19) with the three below."""
    registration: str = ""
    contact_person: str = ""
    members: int | None = None


@dataclass(frozen=True)
class AccessConsent:
    id: str
    given_on: date
    purposes: tuple[str, ...]
    valid_until: date | None
    withdrawn_on: date | None
    attachment_id: str | None
    deleted: bool


@dataclass(frozen=True)
class AccessCorruption:
    """The anti-corruption details of a case (``amount_requested`` in manats)."""

    sector: str
    conduct: str
    institution: str
    amount_requested: int | None
    reported_to: str
    satisfaction: int | None


@dataclass(frozen=True)
class AccessCase:
    """One of the person's cases; lawyers by user name and full name (empty if unknown)."""

    id: str
    number: str
    status: str
    legal_area: str
    summary: str
    assigned_lawyer: str
    assigned_lawyer_name: str
    owner_node: str
    opened_on: date
    closed_on: date | None
    outcome: str | None
    referral: str
    grant_code: str
    corruption: AccessCorruption | None
    last_changed_by: str
    deleted: bool


@dataclass(frozen=True)
class AccessConsultation:
    id: str
    case_number: str
    held_on: date
    lawyer: str
    lawyer_name: str
    mode: str
    minutes: int
    notes: str
    advice: str
    next_steps: str
    follow_up_on: date | None
    last_changed_by: str
    deleted: bool


@dataclass(frozen=True)
class AccessParty:
    """Another party of one of the person's cases (its notes are about that party: left out)."""

    id: str
    case_number: str
    name: str
    role: str
    deleted: bool


@dataclass(frozen=True)
class AccessDeadline:
    id: str
    case_number: str
    due_on: date
    description: str
    done: bool
    deleted: bool


@dataclass(frozen=True)
class AccessAttachment:
    """A document held about the person: listed, its bytes never copied into the report.

    ``case_number`` is empty for a document of the client (such as a signed consent).
    """

    id: str
    case_number: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    added_at: str
    deleted: bool


@dataclass(frozen=True)
class AccessEvent:
    """One audit event about the person's records: who viewed or changed what, and when.

    ``details`` are the event's own facts (ids, case numbers, codes, counts: the audit log never
    holds a client's data) as sorted ``(key, text)`` pairs.
    """

    seq: int
    at: str
    actor: str
    actor_name: str
    action: str
    entity_type: str
    entity_id: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AccessReport:
    """Everything held about one client at one node, at ``generated_at`` (UTC ISO)."""

    generated_at: str
    generated_by: str
    node_code: str
    center_name: str
    center_address: str
    client: AccessClient
    consents: tuple[AccessConsent, ...]
    cases: tuple[AccessCase, ...]
    consultations: tuple[AccessConsultation, ...]
    parties: tuple[AccessParty, ...]
    deadlines: tuple[AccessDeadline, ...]
    attachments: tuple[AccessAttachment, ...]
    events: tuple[AccessEvent, ...]
    corrections: tuple[HistoryEntry, ...] = ()
    """Every correction of their records: what a field was and became, who, when."""

    @property
    def record_count(self) -> int:
        """How many records the report lists (the client, consents, cases and what hangs off
        them; audit events not counted)."""
        return 1 + sum(
            len(part)
            for part in (
                self.consents,
                self.cases,
                self.consultations,
                self.parties,
                self.deadlines,
                self.attachments,
            )
        )


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def _record(obj: Any, **override: Any) -> dict[str, Any]:
    out = {name: _value(getattr(obj, name)) for name in obj.__dataclass_fields__}
    out.update(override)
    return out


def report_json(report: AccessReport) -> dict[str, Any]:
    """The JSON document of ``report`` (the shape of ``docs/personal-data-access.md``)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": report.generated_at,
        "generated_by": report.generated_by,
        "node": {
            "code": report.node_code,
            "name": report.center_name,
            "address": report.center_address,
        },
        "client": _record(report.client),
        "consents": [_record(c) for c in report.consents],
        "cases": [
            _record(c, corruption=None if c.corruption is None else _record(c.corruption))
            for c in report.cases
        ],
        "consultations": [_record(c) for c in report.consultations],
        "parties": [_record(p) for p in report.parties],
        "deadlines": [_record(d) for d in report.deadlines],
        "attachments": [_record(a) for a in report.attachments],
        "corrections": [_record(c) for c in report.corrections],
        "audit_events": [_record(e, details=dict(e.details)) for e in report.events],
    }
