"""Merging duplicate clients (issue 19).

The same person registered twice (two spellings at two intakes) is merged by a manager: the
cases, consents, documents, conflict decisions and history of the client merged away move to the
client kept, and the one merged away becomes a tombstone pointing to it (``merged_into``). The
merge syncs as ordinary changes (each moved row's field group, the tombstone); a record that
arrives later naming the merged-away client lands on the kept one
(:func:`legalaid_desktop.sync.merged_clients.follow_merges`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.corrections import RecordKind
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import consents, corrections, lookups
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import (
    Attachment,
    Case,
    Client,
    ConflictDecision,
    Consent,
    Correction,
)
from legalaid_desktop.store.models.base import SyncMixin
from legalaid_desktop.sync.erasure import removal_kind

__all__ = ["ClientMergeService", "MergeResult"]


@dataclass(frozen=True)
class MergeResult:
    kept: str
    kept_number: str
    merged: str
    merged_number: str
    cases: int
    consents: int
    documents: int


class ClientMergeService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def merge(self, keep_ref: str, other_ref: str) -> MergeResult:
        """Merge the client ``other_ref`` into ``keep_ref`` (ids or client numbers).

        Raises:
            PermissionDenied: Not a manager or administrator (audited).
            NotFound: No such client.
            InputRejected: The same client twice, another center's client or case, a removed
                client, or a client who withdrew consent to store and process.
        """
        self.ws.require(
            Permission.EDIT_ANY_CASE, "clients_merged", "client", target=other_ref.strip()
        )
        with self.ws.write() as s:
            keep = lookups.get_client(s, keep_ref.strip())
            other = lookups.get_client(s, other_ref.strip())
            self._check(s, keep, other)
            moved = self._move(s, keep, other)
            other.merged_into = keep.id
            self.ws.touch(s, other, ("merge",))
            self.ws.tombstone(s, other)
            corrections.note(
                self.ws,
                s,
                RecordKind.CLIENT,
                keep.id,
                "merged_from",
                ("", other.number),
                case_id=None,
                client_id=keep.id,
            )
            search_refresh.refresh_rows(
                s,
                {
                    "clients": {keep.id: (), other.id: ()},
                    "cases": {case_id: () for case_id in moved["cases"]},
                },
            )
            result = MergeResult(
                kept=keep.id,
                kept_number=keep.number,
                merged=other.id,
                merged_number=other.number,
                cases=len(moved["cases"]),
                consents=len(moved["consents"]),
                documents=len(moved["attachments"]),
            )
            self.ws.audit(
                s,
                "clients_merged",
                "client",
                keep.id,
                {
                    "merged": other.id,
                    "kept_number": keep.number,
                    "merged_number": other.number,
                    "cases": result.cases,
                },
            )
            return result

    def _check(self, s: Session, keep: Client, other: Client) -> None:
        if keep.id == other.id:
            raise InputRejected(_("A client cannot be merged with themselves."))
        me = self.ws.node_code
        for client in (keep, other):
            if client.node_code != me:
                raise InputRejected(
                    _(
                        "Client {number} is registered at the {node} center: only that center "
                        "merges its clients."
                    ).format(number=client.number, node=client.node_code)
                )
            if removal_kind(client.full_name) is not None:
                raise InputRejected(
                    _("Client {number} was anonymized or erased.").format(number=client.number)
                )
            consents.refuse_if_withdrawn(s, client.id)
        elsewhere = s.execute(
            select(Case.number, Case.owner_node).where(
                Case.client_id.in_((keep.id, other.id)),
                Case.deleted_hlc.is_(None),
                Case.owner_node != me,
            )
        ).first()
        if elsewhere is not None:
            raise InputRejected(
                _(
                    "Case {number} of these clients belongs to the {node} center; it must be "
                    "transferred back first."
                ).format(number=elsewhere[0], node=elsewhere[1])
            )

    def _move(self, s: Session, keep: Client, other: Client) -> dict[str, list[str]]:
        """Point every row of ``other`` at ``keep``, stamping the group that holds the link."""
        moved: dict[str, list[str]] = {}
        client_level = (
            (Consent, "consent", Consent.client_id == other.id),
            (Case, "core", Case.client_id == other.id),
            (Attachment, "file", Attachment.client_id == other.id),
            (
                ConflictDecision,
                "decision",
                ConflictDecision.client_id == other.id,
            ),
            (Correction, "correction", Correction.client_id == other.id),
        )
        for model, group, where in client_level:
            rows: list[SyncMixin] = list(s.scalars(select(model).where(where)))
            for row in rows:
                row.client_id = keep.id  # type: ignore[attr-defined]
                self.ws.touch(s, row, (group,))
            moved[model.__tablename__] = [r.id for r in rows]
        return moved
