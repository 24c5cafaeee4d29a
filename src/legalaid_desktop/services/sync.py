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
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import (
    AlreadyImported,
    BundleContentInvalid,
    BundleRejected,
    BundleTooNew,
    ChannelViolation,
    EnrollmentRejected,
    InputRejected,
    NotABundle,
    NotEnrolled,
    NotFound,
    PermissionDenied,
    SyncError,
    UnknownSender,
)
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.search import index as search_index
from legalaid_desktop.search import normalize
from legalaid_desktop.services import common
from legalaid_desktop.services.reference import install_lists
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import (
    Case,
    CaseTransfer,
    Client,
    ConflictEntry,
    Node,
    QuarantineEntry,
    SyncBundle,
    SyncChannel,
)
from legalaid_desktop.store.vault import atomic_write, format_recovery_key
from legalaid_desktop.sync import enrollment
from legalaid_desktop.sync.anchor_store import preview_alert
from legalaid_desktop.sync.container import open_bundle, read_header, verify_bundle
from legalaid_desktop.sync.export import (
    ExportResult,
    discard_export,
    finish_export,
    prepare_export,
)
from legalaid_desktop.sync.importer import (
    ImportCounts,
    ParsedBundle,
    apply_bundle,
    check_channel,
    check_schema,
    parse_bundle,
)
from legalaid_desktop.sync.keys import encode_b64, new_recovery_secret, recovery_keypair
from legalaid_desktop.sync.nodes import (
    RECOVERY_META,
    apply_roster,
    build_roster,
    bump_roster_version,
    ensure_node_keys,
    get_meta,
    is_hq,
    load_node_keys,
    node_public_keys,
    pin_node,
    pinned_keys,
    revoked_nodes,
    set_meta,
)
from legalaid_desktop.sync.records import table_specs

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

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)

_ALERT_RECORDS = 50
"""How many refused records a security alert names (ids and reasons only); the count is exact."""

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


def _read_file(path: Path, limit: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise EnrollmentRejected(_("The enrollment file is too large."))
    return data


def _node_info(row: Node) -> NodeInfo:
    keys = node_public_keys(row)
    return NodeInfo(
        row.code, row.name, row.kind, row.enrollment, keys.fingerprint() if keys else None
    )


# --- the service --------------------------------------------------------------------------------


class SyncService:
    """Enrollment, bundles, conflicts and transfers for one workspace."""

    def __init__(self, ws: Workspace, now: Callable[[], datetime] | None = None) -> None:
        """Bind the service to a workspace.

        Args:
            ws: The workspace.
            now: The current UTC time (for :meth:`days_since_last_export`; tests move it ahead).
        """
        self.ws = ws
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))

    # -- helpers ------------------------------------------------------------------------------

    def _require_enroll(self) -> None:
        self.ws.require(Permission.MANAGE_USERS)

    def _stamp(self) -> str:
        return self.ws.clock.now().encode()

    def _own_node(self, s: Session) -> Node:
        row = s.scalar(select(Node).where(Node.code == self.ws.node_code))
        if row is None:  # pragma: no cover - init_store always writes it
            raise NotEnrolled(_("This store has no node record."))
        return row

    def _is_hq(self) -> bool:
        with self.ws.read() as s:
            return is_hq(s)

    # -- enrollment ---------------------------------------------------------------------------

    def enroll_peek(self, path: Path) -> EnrollmentPeek:
        """Read an enrollment request or response to show its fingerprint (trusts nothing).

        Raises:
            EnrollmentRejected: The file is neither, or it was changed after it was written.
        """
        data = _read_file(Path(path), enrollment.MAX_FILE_SIZE)
        try:
            request = enrollment.parse_request(data)
        except EnrollmentRejected:
            response = enrollment.parse_response(data)
            return EnrollmentPeek(
                "response", response.hq_code, response.hq_name, response.fingerprint
            )
        return EnrollmentPeek("request", request.code, request.name, request.fingerprint)

    def enroll_request(self, path: Path) -> EnrollmentRequested:
        """Write this center's enrollment request (making its sync keys if it has none)."""
        self._require_enroll()
        with self.ws.write() as s:
            if is_hq(s):
                raise InputRejected(_("HQ enrolls centers; it does not send a request itself."))
            keys = ensure_node_keys(s, self.ws.node_code, self._stamp(), self.ws.actor.username)
            own = self._own_node(s)
            data = enrollment.build_request(keys, own.name, own.kind)
            fingerprint = keys.public().fingerprint()
            self.ws.audit(
                s, "enrollment_requested", "node", self.ws.node_code, {"fingerprint": fingerprint}
            )
        atomic_write(Path(path), data)
        return EnrollmentRequested(Path(path), self.ws.node_code, fingerprint)

    def enroll_accept(
        self, request_path: Path, response_path: Path, confirm_fingerprint: str | None
    ) -> EnrollmentAccepted:
        """HQ: enroll the center whose request this is, once its fingerprint was confirmed.

        Args:
            request_path: The center's request.
            response_path: Where to write HQ's signed response.
            confirm_fingerprint: The fingerprint the person compared with the center by phone.

        Raises:
            FingerprintNotConfirmed: No fingerprint, or another one, was confirmed.
            EnrollmentRejected: The request is not valid, or the center's code is taken by other
                keys (revoke the old enrollment first) or by revoked keys.
        """
        self._require_enroll()
        request = enrollment.parse_request(_read_file(Path(request_path), enrollment.MAX_FILE_SIZE))
        enrollment.require_fingerprint(request.fingerprint, confirm_fingerprint, request.code)
        recovery_text: str | None = None
        with self.ws.write() as s:
            if not is_hq(s):
                raise InputRejected(_("Only HQ can accept enrollment requests."))
            if request.code == self.ws.node_code:
                raise EnrollmentRejected(_("The request carries this node's own code."))
            stamp = self._stamp()
            actor = self.ws.actor.username
            hq_keys = ensure_node_keys(s, self.ws.node_code, stamp, actor)
            if get_meta(s, RECOVERY_META) is None:
                secret = new_recovery_secret()
                set_meta(s, RECOVERY_META, encode_b64(recovery_keypair(secret).public_bytes))
                recovery_text = format_recovery_key(secret)
                self.ws.audit(s, "bundle_recovery_key_created", "node", self.ws.node_code)
            existing = s.scalar(select(Node).where(Node.code == request.code))
            if existing is not None:
                pinned = node_public_keys(existing)
                if existing.enrollment == "enrolled" and pinned not in (None, request.keys):
                    raise EnrollmentRejected(
                        _(
                            "{node} is already enrolled with other keys. Revoke it first if "
                            "the center was reinstalled."
                        ).format(node=request.code)
                    )
                if existing.enrollment == "revoked" and pinned == request.keys:
                    raise EnrollmentRejected(
                        _(
                            "These keys of {node} were revoked; they cannot be enrolled again."
                        ).format(node=request.code)
                    )
                if pinned != request.keys:
                    channel = s.get(SyncChannel, request.code)
                    if channel is not None:
                        s.delete(channel)
            pin_node(
                s,
                code=request.code,
                name=request.name,
                kind="center",
                keys=request.keys,
                enrollment="enrolled",
                stamp=stamp,
                actor=actor,
                origin=self.ws.node_code,
            )
            bump_roster_version(s)
            s.flush()
            own = self._own_node(s)
            data = enrollment.build_response(hq_keys, own.name, request, build_roster(s))
            self.ws.audit(
                s,
                "node_enrolled",
                "node",
                request.code,
                {"fingerprint": request.fingerprint},
            )
            hq_fingerprint = hq_keys.public().fingerprint()
        atomic_write(Path(response_path), data)
        return EnrollmentAccepted(
            node_code=request.code,
            name=request.name,
            fingerprint=request.fingerprint,
            hq_fingerprint=hq_fingerprint,
            response_path=Path(response_path),
            recovery_key=recovery_text,
        )

    def enroll_complete(
        self, response_path: Path, confirm_fingerprint: str | None
    ) -> EnrollmentCompleted:
        """A center: pin HQ from its response, once HQ's fingerprint was confirmed.

        Raises:
            FingerprintNotConfirmed: No fingerprint, or another one, was confirmed.
            EnrollmentRejected: The response is not valid, answers another center or other keys,
                or names another HQ than the one already pinned.
        """
        self._require_enroll()
        response = enrollment.parse_response(
            _read_file(Path(response_path), enrollment.MAX_FILE_SIZE)
        )
        with self.ws.read() as s:
            keys = load_node_keys(s)
        if response.center != self.ws.node_code:
            raise EnrollmentRejected(
                _("This response is for {node}, not for this center ({me}).").format(
                    node=response.center, me=self.ws.node_code
                )
            )
        if keys is None or not enrollment.fingerprints_match(
            keys.public().fingerprint(), response.center_fingerprint
        ):
            raise EnrollmentRejected(
                _("This response answers a request with other keys than this center's.")
            )
        enrollment.require_fingerprint(response.fingerprint, confirm_fingerprint, response.hq_code)
        with self.ws.write() as s:
            if is_hq(s):
                raise InputRejected(_("HQ does not complete an enrollment."))
            other = s.scalar(select(Node).where(Node.kind == "hq", Node.enrollment == "enrolled"))
            if other is not None and (
                other.code != response.hq_code or node_public_keys(other) != response.hq_keys
            ):
                raise EnrollmentRejected(
                    _("This center is already enrolled with {node} under other keys.").format(
                        node=other.code
                    )
                )
            stamp = self._stamp()
            actor = self.ws.actor.username
            pin_node(
                s,
                code=response.hq_code,
                name=response.hq_name,
                kind="hq",
                keys=response.hq_keys,
                enrollment="enrolled",
                stamp=stamp,
                actor=actor,
                origin=response.hq_code,
            )
            apply_roster(
                s,
                response.roster,
                me=self.ws.node_code,
                hq=response.hq_code,
                stamp=stamp,
                actor=actor,
            )
            self.ws.audit(
                s,
                "enrollment_completed",
                "node",
                response.hq_code,
                {"fingerprint": response.fingerprint},
            )
        return EnrollmentCompleted(response.hq_code, response.hq_name, response.fingerprint)

    def revoke_node(self, node_code: str) -> NodeInfo:
        """HQ: revoke a center. Its bundles are refused from now on (as a security alert), and
        the centers learn it with the roster."""
        self._require_enroll()
        code = node_code.strip().upper()
        with self.ws.write() as s:
            if not is_hq(s):
                raise InputRejected(_("Only HQ can revoke a node."))
            row = s.scalar(select(Node).where(Node.code == code))
            if row is None or code == self.ws.node_code:
                raise NotFound(_("There is no enrolled node {node}.").format(node=code))
            if row.enrollment == "revoked":
                raise InputRejected(_("{node} is already revoked.").format(node=code))
            row.enrollment = "revoked"
            row.clocks = {**(row.clocks or {}), "profile": self._stamp()}
            row.updated_by = self.ws.actor.username
            version = bump_roster_version(s)
            self.ws.audit(s, "node_revoked", "node", code, {"roster_version": version})
            return _node_info(row)

    def nodes(self) -> list[NodeInfo]:
        """Every node this store knows, with its enrollment state and fingerprint."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            return [_node_info(r) for r in s.scalars(select(Node).order_by(Node.code))]

    # -- bundles ------------------------------------------------------------------------------

    def export(
        self,
        path: Path,
        to: str | None = None,
        full: bool = False,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write a bundle for HQ (a center) or for the center ``to`` (HQ).

        Raises:
            NotEnrolled: This node is not enrolled yet.
            InputRejected: ``to`` is missing (HQ), unknown, revoked, or not HQ (a center).
        """
        self.ws.require(Permission.SYNC)
        prepared = None
        try:
            with self.ws.write() as s:
                own = self._own_node(s)
                prepared = prepare_export(
                    s,
                    me=self.ws.node_code,
                    node_name=own.name,
                    path=Path(path),
                    to=to,
                    full=full,
                    progress=progress,
                )
                result = prepared.result
                self.ws.audit(
                    s,
                    "bundle_exported",
                    "bundle",
                    result.bundle_hash,
                    {
                        "peer": result.peer,
                        "seq": result.seq,
                        "records": result.records,
                        "attachments": result.attachments,
                        "full": full,
                        "not_owned": result.not_owned,
                    },
                )
        except BaseException:
            if prepared is not None:
                discard_export(prepared)
            raise
        return finish_export(prepared)

    def inspect(self, path: Path) -> BundleReport:
        """Look at a bundle before importing it: who sent it, for whom, and whether it checks
        out. Nothing is written."""
        self.ws.require(Permission.SYNC)
        path = Path(path)
        size = os.path.getsize(path)
        try:
            header = read_header(path)
        except BundleRejected as exc:
            # Only a file without our magic is "not a bundle"; a LegalAid bundle whose header
            # does not parse (a flipped bit, truncation) is a damaged one.
            if isinstance(exc, BundleTooNew):
                verdict = "too_new"
            elif isinstance(exc, NotABundle):
                verdict = "not_a_bundle"
            else:
                verdict = "damaged"
            return BundleReport(
                path, size, None, None, None, None, None, (), False, verdict, str(exc)
            )
        base: dict[str, Any] = {
            "path": path,
            "size": size,
            "sender": header.sender,
            "recipient": header.recipient,
            "seq": header.seq,
            "created": header.created,
            "schema_version": header.schema_version,
            "recipients": header.recipients,
        }
        with self.ws.read() as s:
            keys = load_node_keys(s)
            pins = pinned_keys(s, self.ws.node_code)
            revoked = revoked_nodes(s)
            base["sender_name"] = s.scalar(select(Node.name).where(Node.code == header.sender))
        if header.sender in revoked:
            return BundleReport(
                **base,
                verified=False,
                verdict="revoked_sender",
                message=_("{node} was revoked: its bundles are refused.").format(
                    node=header.sender
                ),
            )
        try:
            verify_bundle(path, sender_keys=pins.get)
        except UnknownSender as exc:
            return BundleReport(**base, verified=False, verdict="unknown_sender", message=str(exc))
        except BundleRejected as exc:
            return BundleReport(**base, verified=False, verdict="damaged", message=str(exc))
        if keys is None or header.recipient != self.ws.node_code:
            return BundleReport(
                **base,
                verified=True,
                verdict="not_addressed",
                message=_(
                    "Signed by {node}, but addressed to {recipient}, not to this node."
                ).format(node=header.sender, recipient=header.recipient),
            )
        try:
            opened = open_bundle(path, me=keys, sender_keys=pins.get)
            from legalaid_desktop.store.migrate import revisions_in_order

            check_schema(opened.header.schema_version, revisions_in_order())
            parsed = parse_bundle(
                opened, from_hq=header.sender not in revoked and not self._is_hq()
            )
        except BundleRejected as exc:
            verdict = "too_new" if isinstance(exc, BundleTooNew) else "damaged"
            return BundleReport(**base, verified=False, verdict=verdict, message=str(exc))
        counts: dict[str, int] = {}
        for record in parsed.records:
            counts[record.spec.name] = counts.get(record.spec.name, 0) + 1
        base["attachments"] = len(parsed.attachments)
        base["attachments_size"] = sum(len(data) for data in parsed.attachments.values())
        try:
            with self.ws.read() as s:
                check_channel(s, parsed.peer, parsed.seq, parsed.prev_hash, parsed.bundle_hash)
        except AlreadyImported as exc:
            return BundleReport(
                **base,
                verified=True,
                verdict="already_imported",
                message=str(exc),
                counts=counts,
                bundle_hash=parsed.bundle_hash,
            )
        except ChannelViolation as exc:
            return BundleReport(
                **base,
                verified=True,
                verdict="out_of_sequence",
                message=str(exc),
                counts=counts,
                bundle_hash=parsed.bundle_hash,
            )
        message = _("Signed by {node} and addressed to this node; ready to import.").format(
            node=header.sender
        )
        with self.ws.read() as s:
            warning = preview_alert(s, parsed.peer, parsed.audit, parsed.audit_hashes)
        if warning:  # importing still works; the alert will be recorded then
            message += "\n" + warning
        return BundleReport(
            **base,
            verified=True,
            verdict="verified",
            message=message,
            counts=counts,
            bundle_hash=parsed.bundle_hash,
        )

    def import_bundle(self, path: Path, progress: Progress | None = None) -> ImportResult:
        """Verify, parse and apply a bundle, whole or not at all.

        Returns:
            What changed; ``already_imported`` (nothing changed) for a bundle imported before.

        Raises:
            BundleRejected: A subclass saying why the bundle was refused (nothing changed).
            NotEnrolled: This node has no keys yet.
        """
        self.ws.require(Permission.SYNC)
        path = Path(path)
        with self.ws.read() as s:
            keys = load_node_keys(s)
            pins = pinned_keys(s, self.ws.node_code)
            revoked = revoked_nodes(s)
            hq = is_hq(s)
        if keys is None:
            raise NotEnrolled(_("This node has no sync keys yet: enroll it first."))
        parsed: ParsedBundle | None = None
        sender: str | None = None
        seq: int | None = None
        try:
            header = read_header(path)
            sender, seq = header.sender, header.seq
            if header.sender in revoked:
                raise UnknownSender(
                    _(
                        "Security alert: the bundle comes from {node}, which was revoked. It was "
                        "refused."
                    ).format(node=header.sender)
                )
            opened = open_bundle(path, me=keys, sender_keys=pins.get)
            from legalaid_desktop.store.migrate import revisions_in_order

            check_schema(opened.header.schema_version, revisions_in_order())
            with self.ws.read() as s:
                check_channel(
                    s,
                    opened.header.sender,
                    opened.header.seq,
                    opened.header.prev_hash,
                    opened.bundle_hash,
                )
            if progress is not None:
                progress(0, 1)
            parsed = parse_bundle(opened, from_hq=not hq)
            counts = self._apply(parsed, hq, progress)
        except AlreadyImported as exc:
            with self.ws.write() as s:
                self.ws.audit(
                    s,
                    "bundle_already_imported",
                    "bundle",
                    "",
                    {"peer": sender, "seq": seq},
                )
            return ImportResult(
                peer=sender or "",
                seq=seq or 0,
                bundle_hash="",
                already_imported=True,
                message=str(exc),
            )
        except BundleRejected as exc:
            self._record_rejection(exc, sender, seq, revoked)
            raise
        except IntegrityError as exc:
            # A check missed something the database refuses: nothing was written either way.
            rejected = BundleContentInvalid(
                _(
                    "The bundle's records do not fit the data here ({detail}). Nothing was "
                    "imported."
                ).format(detail=str(exc.orig)[:200])
            )
            self._record_rejection(rejected, sender, seq, revoked)
            raise rejected from None
        except Exception as exc:
            # A full disk, an I/O error, a bug: the transaction was rolled back; say so in the
            # audit log, best effort (on a full disk this write may fail as well).
            self._record_failure(exc, sender, seq)
            raise
        if counts.reference_updated:
            self.ws.reference_changed()
        message = _(
            "Imported bundle no. {seq} from {node}: {inserted} new, {updated} updated, "
            "{conflicts} conflicts, {quarantined} set aside."
        ).format(
            seq=parsed.seq,
            node=parsed.peer,
            inserted=counts.inserted,
            updated=counts.updated,
            conflicts=counts.conflicts,
            quarantined=counts.quarantined,
        )
        alert = ""
        if counts.refused:
            alert = ngettext(
                "Security alert: {count} record from {node} was refused: it changes what {node} "
                "may not change. It is kept with the records set aside.",
                "Security alert: {count} records from {node} were refused: they change what "
                "{node} may not change. They are kept with the records set aside.",
                len(counts.refused),
            ).format(count=len(counts.refused), node=parsed.peer)
            message += " " + alert
        return ImportResult(
            peer=parsed.peer,
            seq=parsed.seq,
            bundle_hash=parsed.bundle_hash,
            already_imported=False,
            message=message,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deleted=counts.deleted,
            conflicts=counts.conflicts,
            quarantined=counts.quarantined,
            refused=len(counts.refused),
            tables=dict(counts.tables),
            reference_updated=tuple(counts.reference_updated),
            roster_changed=tuple(counts.roster_changed),
            transfers=counts.transfers,
            acks=counts.acks,
            alert=" ".join(
                a for a in (alert, counts.audit_alert.message if counts.audit_alert else "") if a
            ),
        )

    def _apply(self, parsed: ParsedBundle, hq: bool, progress: Progress | None) -> ImportCounts:
        actor = self.ws.actor.username
        me = self.ws.node_code
        with self.ws.write() as s:

            def roster(session: Session, value: enrollment.Roster) -> list[str]:
                return apply_roster(
                    session, value, me=me, hq=parsed.peer, stamp=self._stamp(), actor=actor
                )

            counts = apply_bundle(
                s,
                parsed,
                me=me,
                hq=hq,
                clock_ok=self.ws.clock.check,
                observe=self.ws.clock.observe,
                now_stamp=self.ws.clock.now,
                actor=actor,
                install_reference=install_lists,
                apply_roster=roster,
                progress=progress,
            )
            self.ws.audit(
                s,
                "bundle_imported",
                "bundle",
                parsed.bundle_hash,
                {"peer": parsed.peer, "seq": parsed.seq, **counts.as_dict()},
            )
            if counts.refused:
                # Records a center may not send (another node's rows, a changed case number or
                # owner, a client it was never given): refused one by one, kept in the
                # quarantine, and raised as an alert. Only ids and reasons, no client data.
                self.ws.audit(
                    s,
                    "security_alert",
                    "bundle",
                    parsed.bundle_hash,
                    {
                        "peer": parsed.peer,
                        "seq": parsed.seq,
                        "reason": "records_refused",
                        "refused": len(counts.refused),
                        "records": counts.refused[:_ALERT_RECORDS],
                    },
                )
            if counts.audit_alert is not None:
                self.ws.audit(
                    s,
                    "security_alert",
                    "bundle",
                    parsed.bundle_hash,
                    {"peer": parsed.peer, "seq": parsed.seq, **counts.audit_alert.details},
                )
        return counts

    def _record_rejection(
        self, exc: BundleRejected, sender: str | None, seq: int | None, revoked: set[str]
    ) -> None:
        alert = isinstance(exc, ChannelViolation) or (
            isinstance(exc, UnknownSender) and sender in revoked
        )
        with self.ws.write() as s:
            self.ws.audit(
                s,
                "security_alert" if alert else "bundle_rejected",
                "bundle",
                "",
                {
                    "peer": sender,
                    "seq": seq,
                    "reason": type(exc).__name__,
                    "message": str(exc)[:500],
                },
            )

    def _record_failure(self, exc: Exception, sender: str | None, seq: int | None) -> None:
        """Audit ``bundle_import_failed`` with the failure's class only (never its text, which
        may quote the bundle's content); if even that cannot be written, log that it could
        not (the class names only) and let the caller raise the first failure."""
        try:
            with self.ws.write() as s:
                self.ws.audit(
                    s,
                    "bundle_import_failed",
                    "bundle",
                    "",
                    {"peer": sender, "seq": seq, "reason": type(exc).__name__},
                )
        except Exception as audit_exc:
            log.info(
                "bundle_import_failed (%s) not audited: %s",
                type(exc).__name__,
                type(audit_exc).__name__,
            )

    # -- history, conflicts, quarantine -------------------------------------------------------

    def history(self, limit: int = 200) -> list[BundleHistoryRow]:
        """Bundles exported and imported, newest first."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            rows = s.scalars(
                select(SyncBundle).order_by(SyncBundle.processed_at.desc()).limit(limit)
            ).all()
            return [
                BundleHistoryRow(
                    r.id,
                    r.direction,
                    r.peer,
                    r.seq,
                    r.bundle_hash,
                    r.created,
                    r.processed_at,
                    r.status,
                    dict(r.counts or {}),
                    r.detail,
                )
                for r in rows
            ]

    def days_since_last_export(self) -> int | None:
        """Whole days since the last bundle was exported (None if never)."""
        with self.ws.read() as s:
            last = s.scalar(select(func.max(SyncChannel.last_export_at)))
        if not last:
            return None
        when = datetime.fromisoformat(last.replace("Z", "+00:00"))
        return max(0, (self.now() - when).days)

    def overview(self) -> SyncOverview:
        """Where this node stands: enrollment, the peers, the last export, open conflicts."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            hq = is_hq(s)
            own = self._own_node(s)
            keys = load_node_keys(s)
            nodes = tuple(_node_info(r) for r in s.scalars(select(Node).order_by(Node.code)))
            conflicts = (
                s.scalar(
                    select(func.count())
                    .select_from(ConflictEntry)
                    .where(ConflictEntry.resolved_at.is_(None))
                )
                or 0
            )
            quarantined = s.scalar(select(func.count()).select_from(QuarantineEntry)) or 0
            own_name = own.name
        others = [n for n in nodes if n.code != self.ws.node_code and n.enrollment == "enrolled"]
        peers = tuple(n for n in others if n.kind == ("center" if hq else "hq"))
        return SyncOverview(
            node_code=self.ws.node_code,
            node_name=own_name,
            is_hq=hq,
            enrolled=bool(peers) and keys is not None,
            requested=not hq and keys is not None and not peers,
            fingerprint=keys.public().fingerprint() if keys is not None else None,
            peers=peers,
            nodes=nodes,
            days_since_export=self.days_since_last_export(),
            conflicts=int(conflicts),
            quarantined=int(quarantined),
        )

    def _label(self, s: Session, table: str, row_id: str) -> str:
        if table == "cases":
            number = s.scalar(select(Case.number).where(Case.id == row_id))
            if number:
                return str(number)
        if table == "clients":
            name = s.scalar(select(Client.full_name).where(Client.id == row_id))
            if name:
                return str(name)
        spec = table_specs().get(table)
        if spec is not None and "case_id" in spec.columns:
            case_id = s.scalar(select(spec.table.c.case_id).where(spec.table.c.id == row_id))
            number = s.scalar(select(Case.number).where(Case.id == case_id)) if case_id else None
            if number:
                return f"{number} / {table}"
        return f"{table} {row_id}"

    def _conflict_info(self, s: Session, c: ConflictEntry) -> ConflictInfo:
        return ConflictInfo(
            id=c.id,
            table_name=c.table_name,
            row_id=c.row_id,
            label=self._label(s, c.table_name, c.row_id),
            field_group=c.field_group,
            kind=c.kind,
            local_value=c.local_value,
            remote_value=c.remote_value,
            local_hlc=c.local_hlc,
            remote_hlc=c.remote_hlc,
            winner=c.winner,
            peer=c.peer,
            detected_at=c.detected_at,
            resolved_at=c.resolved_at,
            resolved_by=c.resolved_by,
            resolution=c.resolution,
        )

    def conflicts(self, unresolved_only: bool = True) -> list[ConflictInfo]:
        """Conflicts found by imports, oldest first."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            query = select(ConflictEntry).order_by(ConflictEntry.detected_at, ConflictEntry.id)
            if unresolved_only:
                query = query.where(ConflictEntry.resolved_at.is_(None))
            return [self._conflict_info(s, c) for c in s.scalars(query)]

    def _owner(self, s: Session, table: str, row: Any) -> str | None:
        if table in ("clients", "campaigns"):
            return str(row.node_code)
        if table == "cases":
            return str(row.owner_node)
        case_id = getattr(row, "case_id", None)
        if case_id:
            return s.scalar(select(Case.owner_node).where(Case.id == case_id))
        client_id = getattr(row, "client_id", None)
        if client_id:
            return s.scalar(select(Client.node_code).where(Client.id == client_id))
        return None

    def resolve_conflict(self, conflict_id: str, choose: str) -> ConflictInfo:
        """Settle a conflict by keeping the ``local`` or the ``remote`` value.

        The kept value is applied as a new edit of this node (so it syncs like any other) when
        it differs from the row's current value; the conflict is marked resolved, and the
        client's or case's review flag is cleared once no unresolved conflict is left on it.

        Raises:
            NotFound: No such conflict.
            InputRejected: ``choose`` is not local/remote, the conflict is already resolved, the
                kept value would restore a deleted record, or this center does not own the row.
        """
        self.ws.require(Permission.SYNC)
        if choose not in ("local", "remote"):
            raise InputRejected(_("Keep either the local or the remote value."))
        with self.ws.write() as s:
            c = s.get(ConflictEntry, conflict_id)
            if c is None:
                raise NotFound(_("There is no conflict {id}.").format(id=conflict_id))
            if c.resolved_at is not None:
                raise InputRejected(_("This conflict was already resolved."))
            spec = table_specs().get(c.table_name)
            row = s.get(spec.model, c.row_id) if spec is not None else None
            if spec is None or row is None:
                raise NotFound(_("The record of this conflict no longer exists."))
            chosen = c.local_value if choose == "local" else c.remote_value
            if chosen is not None:
                if row.deleted_hlc is not None:
                    raise InputRejected(
                        _(
                            "The record was deleted; a deletion is not undone through sync. The "
                            "edited values stay in the conflict log."
                        )
                    )
                owner = self._owner(s, c.table_name, row)
                if not is_hq(s) and owner != self.ws.node_code:
                    raise InputRejected(
                        _("Only {node}, which owns this record, can settle this conflict.").format(
                            node=owner
                        )
                    )
                self._apply_choice(s, spec, row, c.field_group, chosen)
            c.resolved_at = utc_now_iso()
            c.resolved_by = self.ws.actor.username
            c.resolution = choose
            s.flush()
            self._clear_review(s, c.table_name, row)
            self.ws.audit(
                s,
                "conflict_resolved",
                c.table_name,
                c.row_id,
                {"conflict": c.id, "group": c.field_group, "kept": choose},
            )
            return self._conflict_info(s, c)

    def _apply_choice(
        self, s: Session, spec: Any, row: Any, group: str, chosen: dict[str, Any]
    ) -> None:
        fields = spec.groups.get(group, ())
        current: dict[str, Any] = {}
        for name in fields:
            current[name] = row.sha256 if spec.columns[name].kind == "bytes" else getattr(row, name)
        if current == {name: chosen.get(name) for name in fields}:
            return
        for name in fields:
            if spec.columns[name].kind == "bytes":
                if chosen.get(name) != row.sha256:
                    raise InputRejected(_("The other version of this document is not stored here."))
                continue
            setattr(row, name, chosen.get(name))
        if spec.name == "clients":
            row.name_sort = normalize.sort_string(row.full_name)
        self.ws.touch(s, row, (group,))
        s.flush()
        if spec.name == "clients":
            search_index.index_client(s, row)
            for case in s.scalars(select(Case).where(Case.client_id == row.id)):
                search_index.index_case(s, case, row.full_name)
        elif spec.name == "cases":
            client = s.get(Client, row.client_id)
            search_index.index_case(s, row, client.full_name if client else "")
        elif spec.name == "consultations":
            search_index.index_consultation(s, row)
        elif spec.name == "parties":
            search_index.index_party(s, row)

    def _clear_review(self, s: Session, table: str, row: Any) -> None:
        targets: list[tuple[type[Any], str]] = []
        if table == "cases":
            targets.append((Case, row.id))
        elif table == "clients":
            targets.append((Client, row.id))
        else:
            if getattr(row, "case_id", None):
                targets.append((Case, row.case_id))
            elif getattr(row, "client_id", None):
                targets.append((Client, row.client_id))
        for model, target_id in targets:
            related = [(model.__tablename__, target_id)]
            for name, spec in table_specs().items():
                column = "case_id" if model is Case else "client_id"
                if column in spec.columns:
                    related.extend(
                        (name, rid)
                        for rid in s.scalars(
                            select(spec.table.c.id).where(spec.table.c[column] == target_id)
                        )
                    )
            open_left = 0
            for name, rid in related:
                open_left += (
                    s.scalar(
                        select(func.count()).where(
                            ConflictEntry.table_name == name,
                            ConflictEntry.row_id == rid,
                            ConflictEntry.resolved_at.is_(None),
                        )
                    )
                    or 0
                )
            if not open_left:
                target = s.get(model, target_id)
                if target is not None:
                    target.needs_review = False

    def quarantined(self) -> list[QuarantineInfo]:
        """Records imports set aside."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            rows = s.scalars(select(QuarantineEntry).order_by(QuarantineEntry.at)).all()
            return [
                QuarantineInfo(
                    r.id,
                    r.peer,
                    str((r.record or {}).get("t", "")),
                    str((r.record or {}).get("id", "")),
                    r.reason,
                    r.at,
                )
                for r in rows
            ]

    # -- transfers ----------------------------------------------------------------------------

    def transfer_case(self, number: str, to_node: str) -> TransferInfo:
        """HQ: move a case to another center. Its status becomes ``transferred``; the new owner
        receives the whole case (client and everything under it) in its next bundle from HQ.

        Raises:
            InputRejected: Not HQ, the target is not an enrolled center or already owns it, or
                the case is closed.
            NotFound: No such case.
        """
        self.ws.require(Permission.SYNC)
        target = to_node.strip().upper()
        with self.ws.write() as s:
            if not is_hq(s):
                raise PermissionDenied(_("Only HQ can transfer a case between centers."))
            case = common.get_case(s, number)
            node = s.scalar(select(Node).where(Node.code == target))
            if node is None or node.kind != "center" or node.enrollment != "enrolled":
                raise InputRejected(_("{node} is not an enrolled center.").format(node=target))
            if case.owner_node == target:
                raise InputRejected(
                    _("Case {number} already belongs to {node}.").format(
                        number=case.number, node=target
                    )
                )
            if case.status == "closed":
                raise InputRejected(
                    _("Case {number} is closed; it is not transferred.").format(number=case.number)
                )
            source = case.owner_node
            case.owner_node = target
            case.status = "transferred"
            stamp = self.ws.touch(s, case, ("ownership", "status")).encode()
            s.add(
                CaseTransfer(
                    id=new_id(),
                    case_id=case.id,
                    number=case.number,
                    from_node=source,
                    to_node=target,
                    hlc=stamp,
                    at=utc_now_iso(),
                    actor=self.ws.actor.username,
                )
            )
            self.ws.audit(
                s,
                "case_transferred",
                "case",
                case.id,
                {"number": case.number, "from": source, "to": target},
            )
            return TransferInfo(case.number, source, target, stamp)
