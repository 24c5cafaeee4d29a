"""The plain results the sync use cases return (DESIGN.md §6), for the GUI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid_desktop.domain.errors import SyncError
from legalaid_desktop.store.models import Node
from legalaid_desktop.sync.nodes import node_public_keys

#: The dashboard warns when no bundle went out for this many days (or never).
EXPORT_WARNING_DAYS = 14


class SyncCancelled(SyncError):
    """The person stopped an export or an import; nothing was written."""


# --- plain results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentPeek:
    """What an enrollment file says, before anything is trusted (to compare the fingerprint).

    Attributes:
        kind: ``request`` or ``response``.
        node_code: The center (request) or HQ (response) that wrote it.
        name: Its name.
        fingerprint: The fingerprint to compare by phone.
    """

    kind: str
    node_code: str
    name: str
    fingerprint: str


@dataclass(frozen=True)
class EnrollmentRequested:
    """A written enrollment request."""

    path: Path
    node_code: str
    fingerprint: str


@dataclass(frozen=True)
class EnrollmentAccepted:
    """HQ enrolled a center.

    Attributes:
        node_code: The center.
        name: Its name.
        fingerprint: Its fingerprint, as confirmed.
        hq_fingerprint: HQ's fingerprint, for the center to confirm.
        response_path: The response file written.
        recovery_key: The bundle recovery key, only the first time HQ enrolls a center (print
            it once and lock it away; it opens every bundle).
    """

    node_code: str
    name: str
    fingerprint: str
    hq_fingerprint: str
    response_path: Path
    recovery_key: str | None = None


@dataclass(frozen=True)
class EnrollmentCompleted:
    """A center pinned HQ."""

    hq_code: str
    hq_name: str
    fingerprint: str


@dataclass(frozen=True)
class NodeInfo:
    """A node as this store knows it."""

    code: str
    name: str
    kind: str
    enrollment: str
    fingerprint: str | None


@dataclass(frozen=True)
class BundleReport:
    """What ``bundle inspect`` shows before "Apply".

    Attributes:
        path: The file.
        size: Its size in bytes.
        sender: The claimed (``verified``: proven) sender.
        recipient: The addressed node.
        seq: Its sequence number on the channel.
        created: When it was written (UTC).
        schema_version: The sender's database version.
        recipients: The stanza labels.
        verified: Whether the signatures check out against the pinned key of the sender.
        verdict: ``verified``, ``already_imported``, ``out_of_sequence``, ``unknown_sender``,
            ``revoked_sender``, ``not_addressed``, ``too_new``, ``damaged`` or ``not_a_bundle``.
        message: The verdict for people.
        counts: Rows per table (only when the bundle opened).
        bundle_hash: SHA-256 of the file (when verified).
        sender_name: The sender's name as this store knows it (when it is a known node).
        attachments: How many document contents the bundle carries (when it opened).
        attachments_size: Their total size in bytes.
    """

    path: Path
    size: int
    sender: str | None
    recipient: str | None
    seq: int | None
    created: str | None
    schema_version: str | None
    recipients: tuple[str, ...]
    verified: bool
    verdict: str
    message: str
    counts: dict[str, int] = field(default_factory=dict)
    bundle_hash: str | None = None
    sender_name: str | None = None
    attachments: int = 0
    attachments_size: int = 0


@dataclass(frozen=True)
class SyncOverview:
    """Where this node stands, for the Sync screen.

    Attributes:
        node_code: This node.
        node_name: Its name.
        is_hq: Whether it is HQ.
        enrolled: A center: HQ is pinned. HQ: at least one center is enrolled.
        requested: A center: it has sync keys (a request was written) but HQ is not pinned yet.
        fingerprint: This node's fingerprint (``None`` before it has keys).
        peers: The nodes bundles can go to (HQ for a center; the enrolled centers for HQ).
        nodes: Every node this store knows.
        days_since_export: Whole days since the last bundle went out (``None``: never).
        conflicts: Unresolved conflicts.
        quarantined: Records set aside by imports.
    """

    node_code: str
    node_name: str
    is_hq: bool
    enrolled: bool
    requested: bool
    fingerprint: str | None
    peers: tuple[NodeInfo, ...]
    nodes: tuple[NodeInfo, ...]
    days_since_export: int | None
    conflicts: int
    quarantined: int


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    ``refused`` counts a center's records refused by the ownership rules (also counted in
    ``quarantined``).
    """

    peer: str
    seq: int
    bundle_hash: str
    already_imported: bool
    message: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    quarantined: int = 0
    refused: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    reference_updated: tuple[str, ...] = ()
    roster_changed: tuple[str, ...] = ()
    transfers: int = 0
    acks: int = 0
    alert: str = ""
    """The security alerts the import raised (records refused by the ownership rules, the
    sender's audit anchor not extending its last head), or empty."""


@dataclass(frozen=True)
class BundleHistoryRow:
    """One bundle in the history."""

    id: str
    direction: str
    peer: str
    seq: int
    bundle_hash: str
    created: str
    processed_at: str
    status: str
    counts: dict[str, Any]
    detail: str


@dataclass(frozen=True)
class ConflictInfo:
    """One conflict for a manager to review.

    Attributes:
        label: What the row is, for people: a case number, a client's name, or the table and
            id.
    """

    id: str
    table_name: str
    row_id: str
    label: str
    field_group: str
    kind: str
    local_value: Any
    remote_value: Any
    local_hlc: str | None
    remote_hlc: str | None
    winner: str
    peer: str
    detected_at: str
    resolved_at: str | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True)
class QuarantineInfo:
    """A record set aside by an import."""

    id: str
    peer: str
    table_name: str
    row_id: str
    reason: str
    at: str


@dataclass(frozen=True)
class TransferInfo:
    """A case transfer."""

    number: str
    from_node: str
    to_node: str
    hlc: str
    reason: str = ""


@dataclass(frozen=True)
class TransferRequest:
    """A center's request that HQ transfer one of its cases (``cases.transfer_to``)."""

    number: str
    from_node: str
    to_node: str
    reason: str
    requested_by: str


def node_info(row: Node) -> NodeInfo:
    keys = node_public_keys(row)
    return NodeInfo(
        row.code, row.name, row.kind, row.enrollment, keys.fingerprint() if keys else None
    )
