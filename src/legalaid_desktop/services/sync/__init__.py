"""Sync use cases (DESIGN.md §6): enrollment, bundle export / inspect / import, conflicts.

Every method checks the actor's permission: :attr:`Permission.SYNC` for bundles, conflicts and
transfers, :attr:`Permission.MANAGE_USERS` for enrollment and revocation. Files are written only
after the transaction that records them has committed (a bundle under a temporary name first),
so the store never forgets a bundle it wrote nor remembers one that does not exist.

Rejected bundles are recorded in the audit log (``bundle_rejected``); a replayed older sequence,
a fork, or a bundle from a revoked node is a ``security_alert``. None of them changes any data.
A center's record that changes what the center may not change (another node's rows, a case
number or owner, a client it was never given) is refused alone, kept in the quarantine, and
raised as a ``security_alert`` too; the rest of its bundle applies.
A bundle whose audit anchor does not extend the sender's head kept here (its audit log was
rewritten, truncated or restored from an old copy) is imported all the same, with a
``security_alert`` in the audit log, the alert in the history row and in :class:`ImportResult`.

The use cases live one file each: :mod:`.enrollment`, :mod:`.bundles` (export, inspect, import,
history), :mod:`.conflicts` (conflicts and quarantine) and :mod:`.transfers`; their results in
:mod:`.results`. :class:`SyncService` puts them together for the front ends.
"""

from __future__ import annotations

from legalaid_desktop.services.sync.bundles import BundleUseCases
from legalaid_desktop.services.sync.conflicts import ConflictUseCases
from legalaid_desktop.services.sync.enrollment import EnrollmentUseCases
from legalaid_desktop.services.sync.results import (
    EXPORT_WARNING_DAYS,
    BundleHistoryRow,
    BundleReport,
    ConflictInfo,
    EnrollmentAccepted,
    EnrollmentCompleted,
    EnrollmentPeek,
    EnrollmentRequested,
    ImportResult,
    NodeInfo,
    QuarantineInfo,
    SyncCancelled,
    SyncOverview,
    TransferInfo,
)
from legalaid_desktop.services.sync.transfers import TransferUseCases
from legalaid_desktop.sync.export import ExportResult

__all__ = [
    "EXPORT_WARNING_DAYS",
    "BundleHistoryRow",
    "BundleReport",
    "ConflictInfo",
    "EnrollmentAccepted",
    "EnrollmentCompleted",
    "EnrollmentPeek",
    "EnrollmentRequested",
    "ExportResult",
    "ImportResult",
    "NodeInfo",
    "QuarantineInfo",
    "SyncCancelled",
    "SyncOverview",
    "SyncService",
    "TransferInfo",
]


class SyncService(EnrollmentUseCases, BundleUseCases, ConflictUseCases, TransferUseCases):
    """Enrollment, bundles, conflicts and transfers for one workspace."""
