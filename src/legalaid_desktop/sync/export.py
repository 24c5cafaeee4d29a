"""Exporting a bundle to a peer (DESIGN.md §6): what goes in, and the channel bookkeeping.

Exports are **cumulative**: a bundle carries every change since the last bundle the peer
acknowledged (``ChangeLog.seq`` above that bundle's ``max_change_seq``), so a lost stick costs
nothing and a duplicate is harmless; ``full`` sends every relevant row instead. Each changed row
travels as its full current state (:func:`~legalaid_desktop.sync.records.record_from_row`).

Which rows:

- **A center → HQ**: every change not made at HQ (not echoed back), of rows the center owns:
  its clients and campaigns, the cases it owns and everything under them. A case HQ transferred
  away from the center still goes, so the center's last edits reach HQ (which sets them aside in
  its quarantine rather than applying them over the new owner's).
- **HQ → center C**: changes not made at C, of rows relevant to C: C's clients and campaigns, and
  those of the cases HQ ever transferred to C (never another node's client merely because a case
  of C names it: :mod:`~legalaid_desktop.sync.ownership`), the cases C owns (or that were just
  transferred away from it) and their children. A case transferred *to* C comes with its client
  and every child, changed or not. HQ adds its roster, reference lists and transfers.
- **The user roster** (``user_roster``: names and roles): a center sends its own people's
  entries, HQ the whole network's, so that a record arriving from anywhere shows its author.

A center sends the rows of a client who did not consent to "share with HQ" pseudonymized
(:mod:`~legalaid_desktop.sync.pseudonyms`): no name, contact, free text or attachment.

Every bundle also carries this node's audit anchor: its audit head in the signed manifest and
the hashes of its events since the head the peer acknowledged in the part ``audit``
(:mod:`~legalaid_desktop.sync.audit_anchor`).

The bundle is written under a temporary name; the caller commits the bookkeeping and then
renames it (:func:`finish_export`), so a crash never leaves a bundle whose sequence number the
store does not know.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, NotEnrolled
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import _
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import (
    CaseTransfer,
    ChangeLog,
    Node,
    ReferenceItem,
    SyncBundle,
    SyncChannel,
)
from legalaid_desktop.sync import restored, strictjson
from legalaid_desktop.sync.anchor_store import own_anchor
from legalaid_desktop.sync.container import write_bundle
from legalaid_desktop.sync.enrollment import roster_to_dict
from legalaid_desktop.sync.keys import NodePublicKeys, decode_b64
from legalaid_desktop.sync.nodes import (
    RECOVERY_META,
    build_roster,
    get_meta,
    is_hq,
    load_node_keys,
    node_public_keys,
)
from legalaid_desktop.sync.ownership import given_by_transfer
from legalaid_desktop.sync.pseudonyms import pseudonym_key, pseudonymize_record, withheld_rows
from legalaid_desktop.sync.records import TableSpec, record_from_row, table_specs
from legalaid_desktop.sync.roster_checks import ROSTER

__all__ = [
    "ExportResult",
    "PreparedExport",
    "discard_export",
    "finish_export",
    "prepare_export",
    "schema_version",
]

Progress = Callable[[int, int], None]


@lru_cache(maxsize=1)
def schema_version() -> str:
    """This program's newest schema revision (the store is always upgraded to it when opened)."""
    from legalaid_desktop.store.migrate import head_revision

    return head_revision()


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        path: The bundle file.
        peer: The node it is addressed to.
        seq: Its sequence number on the channel.
        bundle_hash: SHA-256 of the file.
        size: Its size in bytes.
        records: How many rows it carries.
        attachments: How many attachment contents it carries.
        counts: Rows per table.
        full: Whether every relevant row was sent (not only the changes).
        not_owned: Changed rows left out because this node does not own them.
    """

    path: Path
    peer: str
    seq: int
    bundle_hash: str
    size: int
    records: int
    attachments: int
    counts: dict[str, int]
    full: bool
    not_owned: int = 0


@dataclass
class PreparedExport:
    """A bundle written under a temporary name, and its bookkeeping (not yet committed)."""

    temp_path: Path
    result: ExportResult


# --- who owns what ------------------------------------------------------------------------------


class _Owners:
    """Looks up the owners of clients and cases (cached, batched)."""

    def __init__(self, session: Session) -> None:
        self._s = session
        specs = table_specs()
        self._clients = specs["clients"].table
        self._cases = specs["cases"].table
        self._client_node: dict[str, str | None] = {}
        self._case: dict[str, tuple[str, str] | None] = {}  # id -> (owner, client_id)

    def prefetch_cases(self, ids: Iterable[str]) -> None:
        missing = [i for i in set(ids) if i and i not in self._case]
        for batch in batches(missing):
            c = self._cases.c
            for row in self._s.execute(
                select(c.id, c.owner_node, c.client_id).where(c.id.in_(batch))
            ):
                self._case[row[0]] = (row[1], row[2])
        for i in missing:
            self._case.setdefault(i, None)

    def prefetch_clients(self, ids: Iterable[str]) -> None:
        missing = [i for i in set(ids) if i and i not in self._client_node]
        for batch in batches(missing):
            c = self._clients.c
            for row in self._s.execute(select(c.id, c.node_code).where(c.id.in_(batch))):
                self._client_node[row[0]] = row[1]
        for i in missing:
            self._client_node.setdefault(i, None)

    def case_owner(self, case_id: str | None) -> str | None:
        if not case_id:
            return None
        if case_id not in self._case:
            self.prefetch_cases([case_id])
        entry = self._case[case_id]
        return entry[0] if entry else None

    def client_node(self, client_id: str | None) -> str | None:
        if not client_id:
            return None
        if client_id not in self._client_node:
            self.prefetch_clients([client_id])
        return self._client_node[client_id]


_CLIENT_OR_CASE = frozenset({"attachments", "conflict_decisions", "corrections"})
"""Tables whose rows hang off a case or, without one, off a client (and go where it goes)."""


@dataclass
class _Selection:
    """The rows chosen for one bundle."""

    rows: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    not_owned: int = 0

    def add(self, table: str, row: Mapping[str, Any]) -> None:
        self.rows.setdefault(table, {})[row["id"]] = row

    def has(self, table: str, row_id: str) -> bool:
        return row_id in self.rows.get(table, {})


def _load_rows(session: Session, spec: TableSpec, ids: Iterable[str]) -> list[Mapping[str, Any]]:
    wanted = sorted(set(ids))
    rows: list[Mapping[str, Any]] = []
    for batch in batches(wanted):
        rows.extend(
            cast(
                Sequence[Mapping[str, Any]],
                session.execute(select(spec.table).where(spec.table.c.id.in_(batch)))
                .mappings()
                .all(),
            )
        )
    return rows


def _all_rows(session: Session, spec: TableSpec) -> list[Mapping[str, Any]]:
    rows = session.execute(select(spec.table)).mappings().all()
    return list(cast(Sequence[Mapping[str, Any]], rows))


class _Rules:
    """Which rows a peer may receive from this node."""

    def __init__(self, session: Session, me: str, peer: str, hq: bool) -> None:
        self.s = session
        self.me = me
        self.peer = peer
        self.hq = hq
        self.owners = _Owners(session)
        self.transferred_from_me: set[str] = set()
        self.peer_case_clients: set[str] = set()
        self.peer_case_campaigns: set[str] = set()
        self.transferred_from_peer: set[str] = set()
        if hq:
            # Another node's client (or campaign) goes to the peer only when HQ transferred the
            # peer a case of it, never because one of the peer's cases names it: a center's case
            # must not pull a stranger's name and phone through HQ.
            given = given_by_transfer(session, peer)
            self.peer_case_clients = given["clients"]
            self.peer_case_campaigns = given["campaigns"]
            # Cases whose latest transfer took them away from the peer (it must learn it).
            latest = session.execute(
                select(CaseTransfer.case_id, CaseTransfer.from_node, CaseTransfer.hlc).order_by(
                    CaseTransfer.hlc
                )
            ).all()
            last_from: dict[str, str] = {}
            for case_id, from_node, _hlc in latest:
                last_from[case_id] = from_node
            self.transferred_from_peer = {c for c, f in last_from.items() if f == peer}
        else:
            self.transferred_from_me = set(
                session.scalars(select(CaseTransfer.case_id).where(CaseTransfer.from_node == me))
            )

    def prefetch(self, table: str, rows: list[Mapping[str, Any]]) -> None:
        if table in ("consents",):
            self.owners.prefetch_clients(r["client_id"] for r in rows)
        elif table in _CLIENT_OR_CASE:
            self.owners.prefetch_cases(r["case_id"] for r in rows if r["case_id"])
            self.owners.prefetch_clients(r["client_id"] for r in rows if r["client_id"])
        elif "case_id" in table_specs()[table].columns:
            self.owners.prefetch_cases(r["case_id"] for r in rows)

    def allowed(self, table: str, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` may go to the peer."""
        if self.hq:
            return self._relevant_to_peer(table, row)
        return self._owned_by_me(table, row)

    def _owned_by_me(self, table: str, row: Mapping[str, Any]) -> bool:
        me = self.me
        if table in ("clients", "campaigns", ROSTER):
            return bool(row["node_code"] == me)
        if table == "cases":
            return row["owner_node"] == me or row["id"] in self.transferred_from_me
        if table == "consents":
            return self.owners.client_node(row["client_id"]) == me
        if table in _CLIENT_OR_CASE and not row["case_id"]:
            return self.owners.client_node(row["client_id"]) == me
        case_id = row["case_id"]
        return self.owners.case_owner(case_id) == me or case_id in self.transferred_from_me

    def _relevant_to_peer(self, table: str, row: Mapping[str, Any]) -> bool:
        peer = self.peer
        if table == ROSTER:  # the whole network's people: any center's records may arrive
            return True
        if table == "clients":
            return row["node_code"] == peer or row["id"] in self.peer_case_clients
        if table == "campaigns":
            return row["node_code"] == peer or row["id"] in self.peer_case_campaigns
        if table == "cases":
            return row["owner_node"] == peer or row["id"] in self.transferred_from_peer
        if table == "consents":
            client = row["client_id"]
            return self.owners.client_node(client) == peer or client in self.peer_case_clients
        if table in _CLIENT_OR_CASE and not row["case_id"]:
            client = row["client_id"]
            return self.owners.client_node(client) == peer or client in self.peer_case_clients
        return self.owners.case_owner(row["case_id"]) == peer


# --- choosing the rows --------------------------------------------------------------------------


def _changed_ids(session: Session, base: int, max_seq: int, peer: str) -> dict[str, set[str]]:
    """Row ids per synced table with a change in ``(base, max_seq]`` not made at ``peer``."""
    specs = table_specs()
    changed: dict[str, set[str]] = {}
    query = (
        select(ChangeLog.table_name, ChangeLog.row_id)
        .where(
            ChangeLog.seq > base,
            ChangeLog.seq <= max_seq,
            ChangeLog.origin_node != peer,
            ChangeLog.table_name.in_(list(specs)),
        )
        .execution_options(yield_per=5000)
    )
    for table, row_id in session.execute(query):
        changed.setdefault(table, set()).add(row_id)
    return changed


def _transfer_closure(session: Session, case_ids: set[str]) -> dict[str, set[str]]:
    """Every row of the given cases: the case, its client (with consents), children, campaign."""
    specs = table_specs()
    extra: dict[str, set[str]] = {}
    if not case_ids:
        return extra
    cases = specs["cases"].table.c
    ids = sorted(case_ids)
    clients: set[str] = set()
    for batch in batches(ids):
        for case_id, client_id, campaign_id in session.execute(
            select(cases.id, cases.client_id, cases.campaign_id).where(cases.id.in_(batch))
        ):
            extra.setdefault("cases", set()).add(case_id)
            clients.add(client_id)
            if campaign_id:
                extra.setdefault("campaigns", set()).add(campaign_id)
    extra.setdefault("clients", set()).update(clients)
    for name, spec in specs.items():
        columns = spec.table.c
        if name in ("cases", "clients", "campaigns"):
            continue
        if "case_id" in columns:
            for batch in batches(ids):
                extra.setdefault(name, set()).update(
                    session.scalars(select(columns.id).where(columns.case_id.in_(batch)))
                )
        if name in ("consents", "attachments", "corrections"):
            for batch in batches(sorted(clients)):
                extra.setdefault(name, set()).update(
                    session.scalars(select(columns.id).where(columns.client_id.in_(batch)))
                )
    return extra


def _transfers_for(
    session: Session, peer: str, base: int, full: bool
) -> tuple[list[dict[str, Any]], set[str]]:
    """Transfers to or from ``peer`` not yet acknowledged, and the cases transferred to it."""
    rows = session.scalars(
        select(CaseTransfer)
        .where((CaseTransfer.to_node == peer) | (CaseTransfer.from_node == peer))
        .order_by(CaseTransfer.hlc)
    ).all()
    transfers: list[dict[str, Any]] = []
    incoming: set[str] = set()
    for t in rows:
        if not full:
            seq = session.scalar(
                select(ChangeLog.seq).where(
                    ChangeLog.table_name == "cases",
                    ChangeLog.row_id == t.case_id,
                    ChangeLog.hlc == t.hlc,
                )
            )
            if seq is None or seq <= base:
                continue
        transfers.append(
            {
                "id": t.id,
                "case_id": t.case_id,
                "number": t.number,
                "from": t.from_node,
                "to": t.to_node,
                "hlc": t.hlc,
                "reason": t.reason,
            }
        )
        if t.to_node == peer:
            incoming.add(t.case_id)
    return transfers, incoming


def _reference_part(session: Session) -> list[dict[str, Any]]:
    lists: dict[str, dict[str, Any]] = {}
    for row in session.scalars(select(ReferenceItem).order_by(ReferenceItem.kind)):
        if not row.active:
            continue
        entry = lists.setdefault(row.kind, {"kind": row.kind, "version": 0, "items": []})
        entry["version"] = max(entry["version"], row.version)
        entry["items"].append({"code": row.code, "labels": row.labels, "extra": row.extra})
    return list(lists.values())


def _dumps(value: Any) -> bytes:
    """Canonical JSON for values read from the store (already valid: no strict walk needed)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# --- the export ---------------------------------------------------------------------------------


def _peer_node(session: Session, me: str, to: str | None) -> tuple[Node, NodePublicKeys]:
    hq = is_hq(session)
    if to is None:
        if hq:
            raise InputRejected(_("Say which center the bundle is for (--to NODE)."))
        row = session.scalar(select(Node).where(Node.kind == "hq", Node.enrollment == "enrolled"))
        if row is None:
            raise NotEnrolled(
                _("This center is not enrolled with HQ yet: run `legalaid enroll request`.")
            )
    else:
        code = to.strip().upper()
        row = session.scalar(select(Node).where(Node.code == code))
        if row is None or code == me:
            raise InputRejected(_("There is no node {node} to send to.").format(node=code))
        if row.enrollment != "enrolled":
            raise InputRejected(
                _("The node {node} is not enrolled (it is {state}).").format(
                    node=code, state=row.enrollment
                )
            )
        if not hq and row.kind != "hq":
            raise InputRejected(_("A center sends bundles to HQ only."))
    keys = node_public_keys(row)
    if keys is None:
        raise NotEnrolled(_("The keys of {node} are not known here.").format(node=row.code))
    return row, keys


def _acked_base(session: Session, peer: str, channel: SyncChannel) -> int:
    """``max_change_seq`` of the last bundle the peer acknowledged (0 if none)."""
    if not channel.out_acked_seq:
        return 0
    acked = session.scalar(
        select(SyncBundle.max_change_seq).where(
            SyncBundle.direction == "out",
            SyncBundle.peer == peer,
            SyncBundle.seq == channel.out_acked_seq,
            SyncBundle.status == "acknowledged",
        )
    )
    return acked or 0


def _select_rows(
    session: Session,
    rules: _Rules,
    candidates: dict[str, set[str]] | None,
    closure: dict[str, set[str]],
    progress: Progress | None,
) -> _Selection:
    selection = _Selection()
    total = sum(len(v) for v in candidates.values()) if candidates is not None else 0
    done = 0
    for name, spec in table_specs().items():
        if candidates is None:
            rows = _all_rows(session, spec)
        else:
            rows = _load_rows(session, spec, candidates.get(name, ()))
        rules.prefetch(name, rows)
        must = closure.get(name, set())
        for row in rows:
            if rules.allowed(name, row) or row["id"] in must:
                selection.add(name, row)
            elif not rules.hq:
                selection.not_owned += 1
        done += len(rows)
        if progress is not None and total:
            progress(min(done, total), 2 * total)
    return selection


def _acks_for(session: Session, peer: str, channel: SyncChannel) -> list[dict[str, Any]]:
    """Our acknowledgement of the last bundle imported from ``peer``."""
    if not channel.in_seq:
        return []
    last_in = session.scalar(
        select(SyncBundle).where(
            SyncBundle.direction == "in",
            SyncBundle.peer == peer,
            SyncBundle.seq == channel.in_seq,
            SyncBundle.status == "imported",
        )
    )
    if last_in is None or not last_in.import_hlc:
        return []
    return [
        {"node": peer, "seq": last_in.seq, "hash": last_in.bundle_hash, "hlc": last_in.import_hlc}
    ]


def prepare_export(
    session: Session,
    *,
    me: str,
    node_name: str,
    path: Path,
    to: str | None,
    full: bool,
    progress: Progress | None = None,
    after_restore: bool = False,
) -> PreparedExport:
    """Write the bundle for a peer under a temporary name and record it (not yet committed).

    Runs inside the caller's write transaction, which must commit before :func:`finish_export`
    renames the file (:func:`discard_export` removes it if the transaction fails).

    Raises:
        NotEnrolled: This node has no keys, or (a center) is not enrolled with HQ.
        InputRejected: The peer is unknown, revoked, or not a valid recipient.
        ExportAfterRestore: The store was restored from a backup and has not heard from the
            peer since (``after_restore`` says none was sent after the backup; see
            :mod:`legalaid_desktop.sync.restored`).
        OSError: The file could not be written.
    """
    keys = load_node_keys(session)
    if keys is None:
        raise NotEnrolled(_("This node has no sync keys yet: enroll it first."))
    hq = is_hq(session)
    peer_row, peer_keys = _peer_node(session, me, to)
    peer = peer_row.code
    restored.check_export(session, peer, after_restore=after_restore)
    channel = session.get(SyncChannel, peer)
    if channel is None:
        channel = SyncChannel(peer=peer, out_seq=0, out_acked_seq=0, in_seq=0)
        session.add(channel)
    base = 0 if full else _acked_base(session, peer, channel)
    max_seq = session.scalar(select(func.max(ChangeLog.seq))) or 0
    rules = _Rules(session, me, peer, hq)
    transfers: list[dict[str, Any]] = []
    incoming: set[str] = set()
    if hq:
        transfers, incoming = _transfers_for(session, peer, base, full)
    closure = _transfer_closure(session, incoming)
    candidates: dict[str, set[str]] | None = None
    if not full:
        candidates = _changed_ids(session, base, max_seq, peer)
        for table, ids in closure.items():
            candidates.setdefault(table, set()).update(ids)
    selection = _select_rows(session, rules, candidates, closure, progress)

    # A center sends HQ a client without consent to share with HQ pseudonymized (DESIGN §11).
    withheld = {} if hq else withheld_rows(session, selection.rows)
    secret = pseudonym_key(session) if withheld else b""
    lines: list[bytes] = []
    attachments: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    max_hlc: str | None = None
    total = sum(len(v) for v in selection.rows.values())
    for name, spec in table_specs().items():
        chosen = selection.rows.get(name, {})
        hidden = withheld.get(name, set())
        for row_id in sorted(chosen):
            record, content = record_from_row(spec, chosen[row_id])
            if row_id in hidden:
                record, content = pseudonymize_record(record, content, secret)
            if content is not None:
                attachments[record["g"]["file"]["v"]["content"]] = content
            lines.append(_dumps(record))
            stamps = [g["c"] for g in record["g"].values()]
            if record["d"]:
                stamps.append(record["d"])
            if stamps and (max_hlc is None or max(stamps) > max_hlc):
                max_hlc = max(stamps)
            if progress is not None and len(lines) % 2000 == 0:
                progress(total + len(lines), 2 * total)
        if chosen:
            counts[name] = len(chosen)
    reference = _reference_part(session)
    meta = {
        "schema": schema_version(),
        "node": me,
        "name": node_name,
        "counts": counts,
        "reference": {entry["kind"]: entry["version"] for entry in reference},
        "max_change_seq": max_seq,
        "full": full,
    }
    anchor, anchor_hashes = own_anchor(session, peer)
    parts: list[tuple[str, bytes]] = [
        ("meta", strictjson.dumps(meta)),
        ("acks", strictjson.dumps(_acks_for(session, peer, channel))),
        ("changes", b"".join(line + b"\n" for line in lines)),
        ("audit", anchor_hashes),
    ]
    if hq:
        parts.append(("roster", strictjson.dumps(roster_to_dict(build_roster(session)))))
        parts.append(("reference", strictjson.dumps(reference)))
        parts.append(("transfers", strictjson.dumps(transfers)))
    parts.extend((f"att/{digest}", data) for digest, data in sorted(attachments.items()))

    recovery = get_meta(session, RECOVERY_META)
    extra = [("recovery:hq", decode_b64(recovery, what="recovery key"))] if recovery else []
    seq = channel.out_seq + 1
    target = Path(path)
    temp = target.with_name(f".{target.name}.{new_id()}.partial")
    info = write_bundle(
        temp,
        author=keys,
        recipient=peer_keys,
        header_fields={
            "seq": seq,
            "prev_hash": channel.out_last_hash,
            "schema_version": schema_version(),
        },
        parts=parts,
        extra_recipients=extra,
        audit=anchor,
    )
    prepared = PreparedExport(
        temp_path=temp,
        result=ExportResult(
            path=target,
            peer=peer,
            seq=seq,
            bundle_hash=info.bundle_hash,
            size=info.size,
            records=len(lines),
            attachments=len(attachments),
            counts=counts,
            full=full,
            not_owned=selection.not_owned,
        ),
    )
    try:
        now = utc_now_iso()
        channel.out_seq = seq
        channel.out_last_hash = info.bundle_hash
        channel.last_export_at = now
        session.add(
            SyncBundle(
                id=info.header.bundle_id,
                direction="out",
                peer=peer,
                seq=seq,
                bundle_hash=info.bundle_hash,
                created=info.header.created,
                processed_at=now,
                max_change_seq=max_seq,
                max_hlc=max_hlc,
                counts={**counts, "attachments": len(attachments), "full": int(full)},
                status="exported",
                detail="",
            )
        )
        session.flush()
    except BaseException:
        discard_export(prepared)
        raise
    if progress is not None:
        progress(1, 1)
    return prepared


def finish_export(prepared: PreparedExport) -> ExportResult:
    """Move the committed bundle to its final name (atomically)."""
    os.replace(prepared.temp_path, prepared.result.path)
    return prepared.result


def discard_export(prepared: PreparedExport) -> None:
    """Remove the temporary file of an export whose bookkeeping did not commit."""
    with contextlib.suppress(OSError):
        prepared.temp_path.unlink()
