"""SQLAlchemy models of the store. Import :data:`Base` for the metadata of every table."""

from legalaid_desktop.store.models.base import Base, SyncMixin
from legalaid_desktop.store.models.cases import (
    SYNCED_MODELS,
    Attachment,
    Campaign,
    Case,
    CaseCounter,
    ChangeLog,
    Client,
    ClientCounter,
    ConflictDecision,
    Consent,
    Consultation,
    Correction,
    CorruptionDetails,
    Deadline,
    Party,
    ReferenceItem,
    Referral,
)
from legalaid_desktop.store.models.figures import ConsentGeneration, ConsultationFigure
from legalaid_desktop.store.models.foundation import AuditEvent, Meta, Node, User
from legalaid_desktop.store.models.reports import ReportDefinition
from legalaid_desktop.store.models.roster import RosterEntry
from legalaid_desktop.store.models.sync import (
    AuditAnchorState,
    CaseTransfer,
    ConflictEntry,
    QuarantineEntry,
    SyncBundle,
    SyncChannel,
)

__all__ = [
    "SYNCED_MODELS",
    "Attachment",
    "AuditAnchorState",
    "AuditEvent",
    "Base",
    "Campaign",
    "Case",
    "CaseCounter",
    "CaseTransfer",
    "ChangeLog",
    "Client",
    "ClientCounter",
    "ConflictDecision",
    "ConflictEntry",
    "Consent",
    "ConsentGeneration",
    "Consultation",
    "ConsultationFigure",
    "Correction",
    "CorruptionDetails",
    "Deadline",
    "Meta",
    "Node",
    "Party",
    "QuarantineEntry",
    "ReferenceItem",
    "Referral",
    "ReportDefinition",
    "RosterEntry",
    "SyncBundle",
    "SyncChannel",
    "SyncMixin",
    "User",
]
