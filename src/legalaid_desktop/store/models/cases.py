"""Case-management tables (DESIGN.md §3): clients, consent, cases, consultations and the rest.

Each synchronized model declares ``FIELD_GROUPS``: the fields that move together when two nodes
merge (last writer wins per group, by hybrid logical clock). Dates are ISO ``YYYY-MM-DD``
strings; times are UTC ISO strings.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base, SyncMixin
from legalaid_desktop.store.models.roster import RosterEntry

Groups = dict[str, tuple[str, ...]]

LIVE = text("deleted_hlc IS NULL")
"""The condition of the partial indexes over live (not deleted) rows.

The lists and the dashboard's figures only ever read live rows, so their indexes leave the
tombstones out and a count (``count(*) ... WHERE deleted_hlc IS NULL AND ...``) is answered from
the index alone. SQLite uses a partial index only when the query repeats its condition word for
word, so the services write ``deleted_hlc IS NULL`` (``column.is_(None)``) in those queries.
"""


def live_index(name: str, *columns: str, where: str = "") -> Index:
    """A partial index over the live rows (and ``where``, if given), for lists and counts."""
    condition = text(f"deleted_hlc IS NULL AND {where}") if where else LIVE
    return Index(name, *columns, sqlite_where=condition)


_STATS_CASE = (
    "owner_node",
    "legal_area",
    "outcome",
    "assigned_lawyer",
    "campaign_id",
    "satisfaction",
    "grant_code",
)
_STATS_CLIENT = (
    "gender",
    "birth_year",
    "region",
    "displacement",
    "disability",
    "node_code",
    "kind",
)
"""The dimension columns the statistics read (services/statistics_sql.py). Their covering
indexes below hold them with ``deleted_hlc``, so that a figure is answered from the indexes
alone, never from the wide encrypted rows (docs/statistics.md, "Speed")."""


class Client(SyncMixin, Base):
    __tablename__ = "clients"
    __table_args__ = (
        # the client list (alphabetical, optionally by region)
        live_index("ix_clients_live_name", "name_sort"),
        live_index("ix_clients_live_region_name", "region", "name_sort"),
        # the statistics: a client's values by id (every row: any join on the id can use it),
        # and the clients registered in a period (also the dashboard's "new clients this month")
        Index(
            "ix_clients_stats",
            "id",
            *_STATS_CLIENT,
            "created_at",
            "referral_source",
            "deleted_hlc",
        ),
        live_index(
            "ix_clients_live_stats_created",
            "created_at",
            "id",
            *_STATS_CLIENT,
            "referral_source",
            "deleted_hlc",
        ),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "identity": ("full_name", "gender", "birth_year"),
        "contact": ("phone", "address"),
        "profile": ("region", "displacement", "disability", "referral_source"),
        # The readable number is made once by the owning center (services.client_numbers)
        # and never changes: it travels with the owner, who made it.
        "owner": ("node_code", "number"),
        # a community organization or initiative group (issue 19): what it is, its
        # registration, who speaks for it, how many members it has
        "organization": ("kind", "registration", "contact_person", "members"),
        # a client merged into another by a manager: a tombstone pointing to the one kept
        "merge": ("merged_into",),
    }

    full_name: Mapped[str] = mapped_column(String(200))
    name_sort: Mapped[str] = mapped_column(String(600), index=True)  # text.collation.sort_string
    gender: Mapped[str] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer, default=None)
    region: Mapped[str] = mapped_column(String(8), index=True)
    displacement: Mapped[str] = mapped_column(String(24), default="resident")
    disability: Mapped[str] = mapped_column(String(16), default="none")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    referral_source: Mapped[str] = mapped_column(String(200), default="")
    node_code: Mapped[str] = mapped_column(String(16), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default="person", server_default="person")
    """``person``, ``organization`` or ``initiative`` (the ``client_kinds`` reference list)."""
    registration: Mapped[str] = mapped_column(String(64), default="", server_default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="", server_default="")
    members: Mapped[int | None] = mapped_column(Integer, default=None)
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)
    """The client this one was merged into (a tombstone then), or None."""


class Consent(SyncMixin, Base):
    __tablename__ = "consents"
    __table_args__ = (
        # the consent rule of the anonymized statistics (services/statistics_sql.py ELIGIBLE)
        live_index(
            "ix_consents_stats",
            "client_id",
            "given_on",
            "valid_until",
            "withdrawn_on",
            "purposes",
            "deleted_hlc",
        ),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "consent": ("client_id", "given_on", "purposes", "valid_until", "attachment_id"),
        "withdrawal": ("withdrawn_on",),
    }

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    given_on: Mapped[str] = mapped_column(String(10))
    purposes: Mapped[list[str]] = mapped_column(JSON)
    valid_until: Mapped[str | None] = mapped_column(String(10), default=None)
    withdrawn_on: Mapped[str | None] = mapped_column(String(10), default=None)
    attachment_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Campaign(SyncMixin, Base):
    __tablename__ = "campaigns"
    FIELD_GROUPS: ClassVar[Groups] = {
        "profile": ("title", "issue_area", "partners", "description"),
        "owner": ("node_code",),
    }

    title: Mapped[str] = mapped_column(String(200))
    node_code: Mapped[str] = mapped_column(String(16))
    issue_area: Mapped[str] = mapped_column(String(32), default="")
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")


class Case(SyncMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The case list (newest first: opened_on, number descending) with each of its filters,
        # and the dashboard's counts (open cases, mine, opened or closed this month).
        live_index("ix_cases_live_opened", "opened_on", "number"),
        live_index("ix_cases_live_status_opened", "status", "opened_on", "number"),
        live_index(
            "ix_cases_live_lawyer_status", "assigned_lawyer", "status", "opened_on", "number"
        ),
        live_index("ix_cases_live_area_opened", "legal_area", "opened_on", "number"),
        # The agenda (dashboard) without reading case rows: a lawyer's cases, then their
        # deadlines; a follow-up's case, its status and number.
        Index("ix_cases_lawyer_agenda", "assigned_lawyer", "id", "number"),
        Index("ix_cases_agenda", "id", "status", "number"),
        # The statistics: a case's values by id (every row), the cases opened (and open) or
        # closed in a period (also the dashboard's "closed this month"), a client's first case.
        Index(
            "ix_cases_stats",
            "id",
            "client_id",
            *_STATS_CASE,
            "opened_on",
            "closed_on",
            "deleted_hlc",
        ),
        live_index(
            "ix_cases_live_stats_opened",
            "opened_on",
            "closed_on",
            "client_id",
            *_STATS_CASE,
            "id",
            "deleted_hlc",
        ),
        live_index(
            "ix_cases_live_stats_closed",
            "closed_on",
            "client_id",
            *_STATS_CASE,
            "opened_on",
            "id",
            "deleted_hlc",
            where="closed_on IS NOT NULL",
        ),
        live_index(
            "ix_cases_live_stats_first", "client_id", "opened_on", "number", "id", "deleted_hlc"
        ),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "core": ("number", "client_id", "legal_area", "summary", "opened_on"),
        "status": ("status", "closed_on", "outcome", "satisfaction"),
        "assignment": ("assigned_lawyer",),
        "ownership": ("owner_node",),
        "referral": ("referral", "grant_code"),
        "campaign": ("campaign_id",),
        # the owning center asks HQ to transfer the case (HQ decides; the transfer clears it)
        "transfer_request": ("transfer_to", "transfer_reason"),
    }

    number: Mapped[str] = mapped_column(String(24), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    legal_area: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    assigned_lawyer: Mapped[str] = mapped_column(String(64))
    owner_node: Mapped[str] = mapped_column(String(16), index=True)
    opened_on: Mapped[str] = mapped_column(String(10))
    closed_on: Mapped[str | None] = mapped_column(String(10), default=None)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    referral: Mapped[str] = mapped_column(String(300), default="")
    grant_code: Mapped[str] = mapped_column(String(64), default="")
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer_to: Mapped[str | None] = mapped_column(String(16), default=None)
    """The center the owning center asked HQ to transfer the case to; None when no request."""
    transfer_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    satisfaction: Mapped[str | None] = mapped_column(String(16), default=None)
    """The citizen's satisfaction recorded at closing: a ``satisfaction`` code (``1``-``5`` on
    the ALAC scale, or ``unreachable``); None while not recorded."""


class CorruptionDetails(SyncMixin, Base):
    __tablename__ = "corruption_details"
    FIELD_GROUPS: ClassVar[Groups] = {
        "details": (
            "case_id",
            "sector",
            "conduct",
            "institution",
            "amount_requested",
            "reported_to",
        ),
        "satisfaction": ("satisfaction",),
    }

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), unique=True)
    sector: Mapped[str] = mapped_column(String(32))
    conduct: Mapped[str] = mapped_column(String(32))
    institution: Mapped[str] = mapped_column(String(300), default="")
    amount_requested: Mapped[int | None] = mapped_column(Integer, default=None)  # manat
    reported_to: Mapped[str] = mapped_column(String(300), default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    """Kept from before revision b7d2e5a9c4f1 (1..5), which copied it to ``Case.satisfaction``:
    the satisfaction is the case's now, recorded at closing for every case."""


class Consultation(SyncMixin, Base):
    __tablename__ = "consultations"
    __table_args__ = (
        Index("ix_consultations_case_date", "case_id", "held_on"),
        Index("ix_consultations_follow_up", "follow_up_on"),
        # a lawyer's follow-ups (dashboard)
        live_index(
            "ix_consultations_live_lawyer_follow_up",
            "lawyer",
            "follow_up_on",
            "case_id",
            where="follow_up_on IS NOT NULL AND follow_up_done_at IS NULL",
        ),
        # the statistics: the consultations of a period with what a figure reads of them
        # (also the dashboard's "consultations this month")
        live_index(
            "ix_consultations_live_stats",
            "held_on",
            "case_id",
            "lawyer",
            "mode",
            "minutes",
            "id",
            "deleted_hlc",
        ),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "record": ("case_id", "held_on", "lawyer", "mode", "minutes"),
        "content": ("notes", "advice", "next_steps"),
        # the follow-up is a task: its date and whether (when, by whom) it was done move together
        "follow_up": ("follow_up_on", "follow_up_done_at", "follow_up_done_by"),
    }

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    held_on: Mapped[str] = mapped_column(String(10))
    lawyer: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    notes: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[str | None] = mapped_column(String(10), default=None)
    follow_up_done_at: Mapped[str | None] = mapped_column(String(32), default=None)
    """When the follow-up was marked done (UTC ISO), by hand or by a later consultation."""
    follow_up_done_by: Mapped[str | None] = mapped_column(String(64), default=None)
    """Who marked it done (a user name)."""


class Referral(SyncMixin, Base):
    """A case referred to an advocate, a state body or another organization, and the follow-up
    of the answer (issue 19). ``body`` is a ``referral_bodies`` code; ``status`` is
    ``pending``, ``answered`` or ``no_answer``; ``result`` a ``referral_results`` code."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_case", "case_id", "referred_on"),
        # a case's first referral, covered (the "referred to" dimension, statistics_sql.py)
        live_index(
            "ix_referrals_live_first", "case_id", "referred_on", "id", "body", "deleted_hlc"
        ),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "referral": ("case_id", "referred_on", "body", "to_whom", "request"),
        "answer": ("status", "answered_on", "answer", "result"),
    }

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    referred_on: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(String(32))
    to_whom: Mapped[str] = mapped_column(String(300), default="")
    request: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    answered_on: Mapped[str | None] = mapped_column(String(10), default=None)
    answer: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str | None] = mapped_column(String(32), default=None)


class Party(SyncMixin, Base):
    __tablename__ = "parties"
    FIELD_GROUPS: ClassVar[Groups] = {"party": ("case_id", "name", "role", "notes")}

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")


class Deadline(SyncMixin, Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_due_done", "due_on", "done"),
        # the deadlines still to do (dashboard: due this week, overdue)
        live_index("ix_deadlines_live_open_due", "case_id", "due_on", where="done IS 0"),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "deadline": ("case_id", "due_on", "description"),
        "done": ("done",),
    }

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    due_on: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(500))
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class Attachment(SyncMixin, Base):
    """A scanned document or file, kept inside the encrypted store (never as a loose file)."""

    __tablename__ = "attachments"
    FIELD_GROUPS: ClassVar[Groups] = {
        "file": ("case_id", "client_id", "file_name", "media_type", "size", "sha256", "content"),
    }

    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True, default=None)
    client_id: Mapped[str | None] = mapped_column(
        ForeignKey("clients.id"), index=True, default=None
    )
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[str] = mapped_column(String(32))


class ConflictDecision(SyncMixin, Base):
    """A lawyer's decision on a strong or exact conflict-of-interest match (issue 17).

    Linked to what was saved: a client (``client_id``), or a party of a case (``case_id`` and
    ``party_id``; a party *declined* has no ``party_id``: nothing was added, the decision stays
    on the case), and to the matched record (``matched_kind``/``matched_id``, not a foreign key:
    it may live at another center or be erased later). No name is copied here.
    """

    __tablename__ = "conflict_decisions"
    FIELD_GROUPS: ClassVar[Groups] = {
        "decision": (
            "client_id",
            "case_id",
            "party_id",
            "matched_kind",
            "matched_id",
            "matched_level",
            "matched_score",
            "decision",
            "reason",
            "decided_by",
            "decided_at",
        ),
    }

    client_id: Mapped[str | None] = mapped_column(
        ForeignKey("clients.id"), index=True, default=None
    )
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True, default=None)
    # Not a foreign key: sync checks references to the owning tables (clients, cases) only.
    party_id: Mapped[str | None] = mapped_column(String(36), default=None)
    matched_kind: Mapped[str] = mapped_column(String(16))
    matched_id: Mapped[str] = mapped_column(String(36))
    matched_level: Mapped[str] = mapped_column(String(16))
    matched_score: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[str] = mapped_column(String(32))


class Correction(SyncMixin, Base):
    """One field of a record corrected after it was entered (issue 19): what it was, what it
    became, who changed it and when. Written by the services beside the change, never changed
    afterwards; the history views read it.

    Like a conflict decision, it hangs off a case (``case_id``: the case, its corruption
    details, consultations, parties and deadlines) or, for the client's own record, off the
    client (``client_id``, no case): it travels where that case or client goes. The values are
    text (``""`` for none) and a field group of their own, emptied where the client's free
    text is (a pseudonymized bundle to HQ, an anonymization, an erasure).
    """

    __tablename__ = "corrections"
    __table_args__ = (
        Index("ix_corrections_case", "case_id", "changed_at"),
        Index("ix_corrections_client", "client_id", "changed_at"),
    )
    FIELD_GROUPS: ClassVar[Groups] = {
        "correction": (
            "client_id",
            "case_id",
            "record_kind",
            "record_id",
            "field",
            "changed_by",
            "changed_at",
        ),
        "values": ("old_value", "new_value"),
    }

    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), default=None)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), default=None)
    record_kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[str] = mapped_column(String(32))


class ReferenceItem(Base):
    """Reference data (legal areas, regions, ...) as loaded into the store, versioned."""

    __tablename__ = "reference_items"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseCounter(Base):
    """The last case sequence number used per node and year (numbers are never reused)."""

    __tablename__ = "case_counters"

    node_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class ClientCounter(Base):
    """The last client sequence number used per node (client numbers are never reused)."""

    __tablename__ = "client_counters"

    node_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class ChangeLog(Base):
    """The outbox: every local change of a synchronized row, in order."""

    __tablename__ = "change_log"
    __table_args__ = (UniqueConstraint("table_name", "row_id", "hlc"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(40), index=True)
    groups: Mapped[list[str]] = mapped_column(JSON)
    origin_node: Mapped[str] = mapped_column(String(16))


SYNCED_MODELS: tuple[type[SyncMixin], ...] = (
    Client,
    Consent,
    Campaign,
    Case,
    CorruptionDetails,
    Consultation,
    Party,
    Deadline,
    Attachment,
    ConflictDecision,
    Correction,
    Referral,
    RosterEntry,
)
