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

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.client_numbers import normalize_client_number
from legalaid_desktop.domain.corrections import RecordKind
from legalaid_desktop.domain.errors import InputRejected, NotFound
from legalaid_desktop.domain.retention import display_name
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

__all__ = ["ClientMergeService", "MergePreview", "MergeResult", "MergeSide"]

MAX_CHAIN = 20
"""How many merges in a row :meth:`ClientMergeService.resolve` follows (a merged client merged
again); a longer chain is a damaged store, not a user's doing."""


@dataclass(frozen=True)
class MergeResult:
    kept: str
    kept_number: str
    merged: str
    merged_number: str
    cases: int
    consents: int
    documents: int


@dataclass(frozen=True)
class MergeSide:
    """One of the two clients as the merge screen shows them side by side."""

    id: str
    number: str
    name: str  # as shown ("Anonymized client" for one)
    kind: str
    birth_year: int | None
    phone: str
    region: str
    cases: int
    consents: int
    documents: int  # the client's own and their cases'


@dataclass(frozen=True)
class MergePreview:
    """The two clients, and why they cannot be merged (``""``: they can)."""

    keep: MergeSide
    other: MergeSide | None
    refusal: str = ""


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

    def preview(self, keep_ref: str, other_ref: str = "") -> MergePreview:
        """Both clients side by side before a merge (``other_ref`` empty: only the first), and
        the reason the merge would be refused, if it would. Showing them is viewing them: each is
        audited as ``client_viewed``.

        Raises:
            PermissionDenied: Not a manager or administrator (audited).
            NotFound: No such client.
        """
        self.ws.require(Permission.EDIT_ANY_CASE, "clients_merged", "client", target=keep_ref)
        with self.ws.write() as s:
            keep = lookups.get_client(s, keep_ref.strip())
            other = lookups.get_client(s, other_ref.strip()) if other_ref.strip() else None
            refusal = ""
            if other is not None:
                try:
                    self._check(s, keep, other)
                except InputRejected as exc:
                    refusal = str(exc)
            for row in (keep, other):
                if row is not None:
                    self.ws.audit(s, "client_viewed", "client", row.id)
            return MergePreview(
                _side(s, keep), _side(s, other) if other is not None else None, refusal
            )

    def resolve(self, client_ref: str) -> tuple[str, str]:
        """The client to open for ``client_ref`` (an id or a number): itself, or the client it
        was merged into (following later merges), with the number of the one merged away
        (``""`` when it was not).

        Raises:
            NotFound: No such client, or one deleted without a merge.
        """
        self.ws.require(Permission.VIEW_CASES)
        ref = client_ref.strip()
        number = normalize_client_number(ref)
        with self.ws.read() as s:
            row = s.scalar(
                select(Client).where(Client.number == number if number else Client.id == ref)
            )
            first = row
            for _step in range(MAX_CHAIN):
                if row is None or row.deleted_hlc is None or row.merged_into is None:
                    break
                row = s.get(Client, row.merged_into)
            if row is None or first is None or row.deleted_hlc is not None:
                raise NotFound(_("There is no client {ref}.").format(ref=ref))
            return row.id, first.number if first.id != row.id else ""

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


def _side(s: Session, client: Client) -> MergeSide:
    case_ids = select(Case.id).where(Case.client_id == client.id, Case.deleted_hlc.is_(None))

    def count(model: type[SyncMixin], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.deleted_hlc.is_(None), *where)
        return int(s.scalar(query) or 0)

    return MergeSide(
        id=client.id,
        number=client.number,
        name=display_name(client.full_name),
        kind=client.kind or "person",
        birth_year=client.birth_year,
        phone=client.phone or "",
        region=client.region or "",
        cases=count(Case, Case.client_id == client.id),
        consents=count(Consent, Consent.client_id == client.id),
        documents=count(
            Attachment,
            or_(Attachment.client_id == client.id, Attachment.case_id.in_(case_ids)),
        ),
    )
