"""Helpers for the sync tests: real stores, enrollment, snapshots, records, crafted bundles."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

import store_templates
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.sync import SyncService
from legalaid_desktop.store import audit, inspection
from legalaid_desktop.store.models import AuditEvent, Meta, Node, SyncChannel
from legalaid_desktop.store.vault import FLOOR
from legalaid_desktop.sync import container, strictjson
from legalaid_desktop.sync.export import schema_version
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys
from legalaid_desktop.sync.nodes import load_node_keys, node_public_keys

PASSWORD = "Qala-tower-2026"

SYNC_TABLES = (
    "clients",
    "consents",
    "campaigns",
    "cases",
    "corruption_details",
    "consultations",
    "parties",
    "deadlines",
    "attachments",
    "corrections",
    "referrals",
    "change_log",
    "sync_channels",
    "sync_bundles",
    "conflict_log",
    "quarantine",
    "case_transfers",
    "nodes",
    "reference_items",
    "search_index_refs",
    "user_roster",
)
"""Everything an import may change besides the audit log and the clock."""

DATA_TABLES = SYNC_TABLES[:11]


def make_node(
    root: Path, code: str, *, hq: bool = False, name: str | None = None
) -> app.AppSession:
    """A new store of the node ``code`` in ``root``, logged in as its administrator.

    A copy of this process's template of that node the first time in a test (see
    tests/store_templates.py), made for real the second time.
    """
    kind = f"node-{code}-{hq}-{name}"
    folder = root / code.lower()
    if store_templates.copied(kind, folder, lambda d: _create_node(d, code, hq, name).close()):
        return app.login(folder, "admin", PASSWORD)
    return _create_node(folder, code, hq, name)


def _create_node(folder: Path, code: str, hq: bool, name: str | None) -> app.AppSession:
    session, _recovery = app.create(
        folder,
        node_code=code,
        node_name=name or f"{code} mərkəzi",
        hq=hq,
        admin_username="admin",
        admin_full_name=f"Admin {code}",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    return session


def sync(session: app.AppSession) -> SyncService:
    return SyncService(session.ws)


def enroll(hq: app.AppSession, center: app.AppSession, folder: Path) -> str | None:
    """Enroll ``center`` with ``hq`` through the service; returns the recovery key (first time)."""
    code = center.ws.node_code
    request = sync(center).enroll_request(folder / f"{code}-request.json")
    accepted = sync(hq).enroll_accept(
        request.path, folder / f"{code}-response.json", request.fingerprint.replace(" ", "-")
    )
    sync(center).enroll_complete(accepted.response_path, accepted.hq_fingerprint)
    return accepted.recovery_key


def add_case(
    session: app.AppSession,
    name: str = "Əliyev Rəşad İsmayıl oğlu",
    phone: str = "+994 50 123 45 67",
) -> tuple[str, str]:
    """A client with consent, a case and a consultation; returns (client id, case number)."""
    client = session.clients.register(
        ClientInput(full_name=name, gender="male", birth_year=1980, region="AZ-GA", phone=phone),
        ConsentInput(given_on=today(), purposes=("store_process", "share_hq")),
        ConflictDecisionInput("no_conflict"),  # a test may add the same person twice
    )
    case = session.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Alimentlə bağlı məsləhət")
    )
    session.records.add_consultation(case.number, ConsultationInput(notes="İlk görüş"))
    return client.id, case.number


def rows(session: app.AppSession, table: str, skip: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    """Every row of ``table`` (minus the ``skip`` columns), sorted."""
    with session.ws.read() as s:
        result = s.execute(text(f"SELECT * FROM {table}"))
        names = list(result.keys())
        keep = [i for i, n in enumerate(names) if n not in skip]
        out = [tuple(_canonical(row[i]) for i in keep) for row in result]
    return sorted(out, key=repr)


def _canonical(value: Any) -> Any:
    """JSON text with its keys sorted (two nodes may write the same object in another order)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return value
    return value


def snapshot(session: app.AppSession, tables: Iterable[str] = SYNC_TABLES) -> dict[str, str]:
    """A hash of every row of each table."""
    return {t: hashlib.sha256(repr(rows(session, t)).encode()).hexdigest() for t in tables}


def assert_converged(
    a: app.AppSession, b: app.AppSession, tables: Iterable[str] = DATA_TABLES
) -> None:
    for table in tables:
        left = rows(a, table, skip=("needs_review",))
        right = rows(b, table, skip=("needs_review",))
        assert left == right, f"{table} differs between {a.ws.node_code} and {b.ws.node_code}"


def audit_actions(session: app.AppSession) -> list[str]:
    with session.ws.read() as s:
        return [r[0] for r in s.execute(text("SELECT action FROM audit_events ORDER BY seq"))]


@dataclass
class Keys:
    """The node keys of a store, for crafting bundles as it (or a thief of its keys) would."""

    private: NodeKeys
    public: NodePublicKeys


def node_keys(session: app.AppSession) -> Keys:
    with session.ws.read() as s:
        keys = load_node_keys(s)
    assert keys is not None
    return Keys(keys, keys.public())


def pinned(session: app.AppSession, code: str) -> NodePublicKeys:
    from sqlalchemy import select

    with session.ws.read() as s:
        row = s.scalar(select(Node).where(Node.code == code))
        assert row is not None
        keys = node_public_keys(row)
    assert keys is not None
    return keys


def channel(session: app.AppSession, peer: str) -> tuple[int, str | None]:
    with session.ws.read() as s:
        row = s.get(SyncChannel, peer)
        return (row.in_seq, row.in_last_hash) if row is not None else (0, None)


# --- records and bundles made by hand -------------------------------------------------------------


def stamp(node: str, *, ahead_ms: int = 0, counter: int = 0) -> str:
    return HLC(time.time_ns() // 1_000_000 + ahead_ms, counter, node).encode()


_client_seq = iter(range(90_000, 1_000_000))
"""Numbers for hand-made client records, far above those the stores give."""


def client_record(
    node: str,
    *,
    row_id: str | None = None,
    owner: str | None = None,
    c: str | None = None,
    name: str = "Məmmədova Günel Rauf qızı",
    number: str | None = None,
) -> dict[str, Any]:
    c = c or stamp(node)
    number = number or f"{owner or node}-C-{next(_client_seq):05d}"
    return {
        "t": "clients",
        "id": row_id or new_id(),
        "o": node,
        "u": "admin",
        "x": {"created_at": "2026-01-05T10:00:00.000Z"},
        "g": {
            "identity": {"c": c, "v": {"full_name": name, "gender": "female", "birth_year": 1990}},
            "contact": {"c": c, "v": {"phone": "", "address": ""}},
            "profile": {
                "c": c,
                "v": {
                    "region": "AZ-GA",
                    "displacement": "resident",
                    "disability": "none",
                    "referral_source": "",
                },
            },
            "owner": {"c": c, "v": {"node_code": owner or node, "number": number}},
            "organization": {
                "c": c,
                "v": {"kind": "person", "registration": "", "contact_person": "", "members": None},
            },
            "merge": {"c": c, "v": {"merged_into": None}},
        },
        "d": None,
    }


def jsonl(records: Iterable[Any]) -> bytes:
    return b"".join(strictjson.dumps(r) + b"\n" for r in records)


def meta_part(node: str, **changes: Any) -> bytes:
    value = {
        "schema": schema_version(),
        "node": node,
        "name": f"{node} mərkəzi",
        "counts": {},
        "reference": {},
        "max_change_seq": 0,
        "full": False,
    }
    value.update(changes)
    return strictjson.dumps(value)


def parts_with(
    changes: bytes, node: str, extra: Sequence[tuple[str, bytes]] = ()
) -> list[tuple[str, bytes]]:
    return [("meta", meta_part(node)), ("acks", b"[]"), ("changes", changes), *extra]


def write(
    path: Path,
    author: NodeKeys,
    recipient: NodePublicKeys,
    parts: Sequence[tuple[str, bytes]],
    *,
    seq: int,
    prev_hash: str | None,
    schema: str | None = None,
    extra_recipients: Sequence[tuple[str, bytes]] = (),
) -> Path:
    container.write_bundle(
        path,
        author=author,
        recipient=recipient,
        header_fields={
            "seq": seq,
            "prev_hash": prev_hash,
            "schema_version": schema or schema_version(),
        },
        parts=parts,
        extra_recipients=extra_recipients,
    )
    return path


def dumps_loose(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# --- the audit log, rewritten as someone with the database key can ------------------------------


def rewrite_audit_log(
    session: app.AppSession, *, drop: str | None = None, keep: int | None = None
) -> None:
    """What someone with the database key can do: remove events and recompute the whole chain
    (and the head kept in ``meta``), so that ``db verify`` finds nothing wrong."""
    with session.ws.store.session(write=True) as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        kept = [e for e in events if e.action != drop][:keep]
        data = [
            (e.at, e.actor, e.action, e.entity_type, e.entity_id, dict(e.details)) for e in kept
        ]
        s.execute(delete(AuditEvent))
        s.flush()
        prev = "0" * 64
        for seq, (at, actor, action, entity_type, entity_id, details) in enumerate(data, 1):
            digest = audit._event_hash(
                seq, at, actor, action, entity_type, entity_id, details, prev
            )
            s.add(
                AuditEvent(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    details=details,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        head = s.get(Meta, audit.HEAD_KEY)
        assert head is not None
        head.value = f"{len(data)}:{prev}"
    report = inspection.verify(session.ws.store)
    assert report.ok, report.audit_problems  # the rewrite is invisible locally


# --- a network of three real stores: HQ and two centers ----------------------------------------


@dataclass
class World:
    """HQ (BAK) and the centers GNJ and QBA, enrolled, in one folder."""

    folder: Path
    hq: app.AppSession
    gnj: app.AppSession
    qba: app.AppSession


@contextlib.contextmanager
def three_nodes(folder: Path) -> Iterator[World]:
    """HQ and two enrolled centers for one test; every session is closed at the end."""
    hq = make_node(folder, "BAK", hq=True)
    gnj = make_node(folder, "GNJ")
    qba = make_node(folder, "QBA")
    try:
        enroll(hq, gnj, folder)
        enroll(hq, qba, folder)
        yield World(folder, hq, gnj, qba)
    finally:
        for node in (hq, gnj, qba):
            node.close()


@contextlib.contextmanager
def hq_and_center(folder: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    """HQ (BAK) and one enrolled center (GNJ); both sessions are closed at the end."""
    hq = make_node(folder, "BAK", hq=True)
    gnj = make_node(folder, "GNJ")
    try:
        enroll(hq, gnj, folder)
        yield hq, gnj
    finally:
        gnj.close()
        hq.close()


def send_crafted(
    sender: app.AppSession,
    receiver: app.AppSession,
    folder: Path,
    parts: Sequence[tuple[str, bytes]],
) -> Any:
    """A bundle of ``parts`` made by hand with the sender's keys, next on the receiver's
    channel from it, imported by the receiver (what a program holding the keys could send)."""
    code = sender.ws.node_code
    seq, prev = channel(receiver, code)
    path = write(
        folder / f"crafted-{code}-{next(_bundle_counter)}.bundle",
        node_keys(sender).private,
        pinned(sender, receiver.ws.node_code),
        parts,
        seq=seq + 1,
        prev_hash=prev,
    )
    return sync(receiver).import_bundle(path)


_bundle_counter = itertools.count(1)


def up(world: World, center: app.AppSession) -> Any:
    """The center's next bundle, imported at HQ."""
    path = world.folder / f"{center.ws.node_code}-up-{next(_bundle_counter)}.bundle"
    return sync(world.hq).import_bundle(sync(center).export(path).path)


def down(world: World, center: app.AppSession) -> Any:
    """HQ's next bundle for the center, imported there."""
    code = center.ws.node_code
    path = world.folder / f"{code}-down-{next(_bundle_counter)}.bundle"
    return sync(center).import_bundle(sync(world.hq).export(path, to=code).path)
