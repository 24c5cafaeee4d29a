"""Bundle use cases (DESIGN.md §6): export, inspect, import, and the history of them.

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
from datetime import datetime
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
    NotABundle,
    NotEnrolled,
    UnknownSender,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services import roster
from legalaid_desktop.services.reference import install_lists
from legalaid_desktop.services.sync.base import Progress, SyncBase
from legalaid_desktop.services.sync.results import (
    BundleHistoryRow,
    BundleReport,
    ImportResult,
    SyncOverview,
    node_info,
)
from legalaid_desktop.store import compaction
from legalaid_desktop.store.models import (
    ConflictEntry,
    Node,
    QuarantineEntry,
    SyncBundle,
    SyncChannel,
)
from legalaid_desktop.sync import enrollment
from legalaid_desktop.sync.anchor_store import preview_alert
from legalaid_desktop.sync.container import OpenedBundle, read_header, verify_bundle
from legalaid_desktop.sync.export import (
    ExportResult,
    discard_export,
    finish_export,
    prepare_export,
)
from legalaid_desktop.sync.importer import ImportCounts, ImportEnv, apply_bundle
from legalaid_desktop.sync.inbound import ParsedBundle, Trust, check_channel, verify_and_parse
from legalaid_desktop.sync.nodes import (
    apply_roster,
    is_hq,
    load_node_keys,
)

log = logging.getLogger(__name__)


_ALERT_RECORDS = 50


class BundleUseCases(SyncBase):
    """Write, look at and read bundles; what went out and came in."""

    def export(
        self,
        path: Path,
        to: str | None = None,
        full: bool = False,
        progress: Progress | None = None,
        after_restore: bool = False,
    ) -> ExportResult:
        """Write a bundle for HQ (a center) or for the center ``to`` (HQ).

        ``after_restore``: the store was restored from a backup and the person knows no bundle
        was sent to the peer after that backup was made (see :mod:`legalaid_desktop.sync.restored`).

        Raises:
            NotEnrolled: This node is not enrolled yet.
            InputRejected: ``to`` is missing (HQ), unknown, revoked, or not HQ (a center).
            ExportAfterRestore: Restored, and the peer was not heard from since.
        """
        self.ws.require(Permission.SYNC)
        prepared = None
        try:
            with self.ws.write() as s:
                own = self._own_node(s)
                roster.refresh_own(self.ws, s)  # this node's people, as its users are now
                prepared = prepare_export(
                    s,
                    me=self.ws.node_code,
                    node_name=own.name,
                    path=Path(path),
                    to=to,
                    full=full,
                    progress=progress,
                    after_restore=after_restore,
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
                        **({"after_restore": True} if after_restore else {}),
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
            trust = Trust.load(s, self.ws.node_code)
            base["sender_name"] = s.scalar(select(Node.name).where(Node.code == header.sender))
        if header.sender in trust.revoked:
            return BundleReport(
                **base,
                verified=False,
                verdict="revoked_sender",
                message=_("{node} was revoked: its bundles are refused.").format(
                    node=header.sender
                ),
            )
        try:
            verify_bundle(path, sender_keys=trust.pins.get)
        except UnknownSender as exc:
            return BundleReport(**base, verified=False, verdict="unknown_sender", message=str(exc))
        except BundleRejected as exc:
            return BundleReport(**base, verified=False, verdict="damaged", message=str(exc))
        if trust.keys is None or header.recipient != self.ws.node_code:
            return BundleReport(
                **base,
                verified=True,
                verdict="not_addressed",
                message=_(
                    "Signed by {node}, but addressed to {recipient}, not to this node."
                ).format(node=header.sender, recipient=header.recipient),
            )
        try:
            parsed = verify_and_parse(path, header, trust)
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
            trust = Trust.load(s, self.ws.node_code)
        if trust.keys is None:
            raise NotEnrolled(_("This node has no sync keys yet: enroll it first."))
        parsed: ParsedBundle | None = None
        sender: str | None = None
        seq: int | None = None
        try:
            header = read_header(path)
            sender, seq = header.sender, header.seq

            def on_the_channel(opened: OpenedBundle) -> None:
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

            parsed = verify_and_parse(path, header, trust, before_parse=on_the_channel)
            counts = self._apply(parsed, trust.hq, progress)
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
            self._record_rejection(exc, sender, seq, trust.revoked)
            raise
        except IntegrityError as exc:
            # A check missed something the database refuses: nothing was written either way.
            rejected = BundleContentInvalid(
                _(
                    "The bundle's records do not fit the data here ({detail}). Nothing was "
                    "imported."
                ).format(detail=str(exc.orig)[:200])
            )
            self._record_rejection(rejected, sender, seq, trust.revoked)
            raise rejected from None
        except Exception as exc:
            # A full disk, an I/O error, a bug: the transaction was rolled back; say so in the
            # audit log, best effort (on a full disk this write may fail as well).
            self._record_failure(exc, sender, seq)
            raise
        if counts.reference_updated:
            self.ws.reference_changed()
        if counts.compact:
            # An anonymization, erasure or withdrawal arrived, or a person's rows were emptied:
            # the overwritten values leave the file too (docs/personal-data.md); the import is
            # committed whether or not this succeeds.
            compaction.compact(self.ws.store)
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
        if counts.adopted_seq:
            message += " " + _(
                "This store was restored from a backup older than the bundles {node} received: "
                "its next bundle follows no. {seq}, the last {node} received. The records those "
                "bundles carried are at {node}: ask for a full bundle ({node}: bundle export "
                "--to {me} --full) before adding clients or cases."
            ).format(node=parsed.peer, seq=counts.adopted_seq, me=self.ws.node_code)
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

            env = ImportEnv(
                me=me,
                hq=hq,
                actor=actor,
                clock=self.ws.clock,
                install_reference=install_lists,
                apply_roster=roster,
            )
            counts = apply_bundle(s, parsed, env, progress)
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
            if counts.adopted_seq:
                # A restored store takes up its channel where the peer holds it (sync/restored).
                self.ws.audit(
                    s,
                    "sync_sequence_adopted",
                    "bundle",
                    parsed.bundle_hash,
                    {"peer": parsed.peer, "out_seq": counts.adopted_seq},
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
        self, exc: BundleRejected, sender: str | None, seq: int | None, revoked: frozenset[str]
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
            nodes = tuple(node_info(r) for r in s.scalars(select(Node).order_by(Node.code)))
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
