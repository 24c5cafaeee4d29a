"""Phase 1 of an import (DESIGN.md §6): verify and parse a bundle, with no writes.

The container is opened against the *pinned* keys of enrolled peers (:func:`open_bundle`: outer
signature before decryption, inner signature before parsing), a bundle from a revoked node is
refused, a bundle from a newer schema is refused ("upgrade the app"), the channel is checked (a
replay is "already imported"; an older sequence number, or the same number with another hash, is
a rollback or a fork and is refused as a security alert), and every part is parsed strictly
(:mod:`~legalaid_desktop.sync.strictjson`) and every record checked against the allow-list of
tables, groups and fields, with each value's type and size
(:func:`~legalaid_desktop.sync.records.check_record`).

:func:`verify_and_parse` is the one path both ``bundle inspect`` and ``bundle import`` take;
phase 2 (:mod:`~legalaid_desktop.sync.importer`) applies what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import (
    AlreadyImported,
    BundleContentInvalid,
    BundleTooNew,
    ChannelViolation,
    EnrollmentRejected,
    InvalidJSON,
    NotEnrolled,
    UnknownSender,
)
from legalaid_desktop.domain.filenames import plain_file_name
from legalaid_desktop.domain.hlc import HLC, NODE_PATTERN
from legalaid_desktop.domain.ids import is_uuid7
from legalaid_desktop.domain.reference import ReferenceCatalog, ReferenceItem, ReferenceList
from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import SyncBundle, SyncChannel
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import AuditAnchor, parse_hashes
from legalaid_desktop.sync.container import BundleHeader, OpenedBundle, open_bundle
from legalaid_desktop.sync.enrollment import Roster, parse_roster
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys
from legalaid_desktop.sync.nodes import is_hq, load_node_keys, pinned_keys, revoked_nodes
from legalaid_desktop.sync.records import Record, StampCache, check_attachment, check_record

__all__ = [
    "Ack",
    "ParsedBundle",
    "Transfer",
    "Trust",
    "check_channel",
    "check_schema",
    "content_invalid",
    "parse_bundle",
    "refuse_revoked",
    "verify_and_parse",
]

_MAX_RECORDS = 2_000_000
_MAX_ACKS = 16
_MAX_TRANSFERS = 100_000
_REASON_MAX = 500
_CHANGES_MAX_SIZE = 256 * 1024 * 1024
_NODE_RE = re.compile(NODE_PATTERN)
_HASH_RE = re.compile(r"[0-9a-f]{64}")
_META_KEYS = frozenset({"schema", "node", "name", "counts", "reference", "max_change_seq", "full"})
_COMMON_PARTS = frozenset({"meta", "acks", "changes"})
_HQ_PARTS = frozenset({"roster", "reference", "transfers"})


def content_invalid(detail: str) -> BundleContentInvalid:
    return BundleContentInvalid(
        _("The bundle's contents are not valid: {detail}. Nothing was imported.").format(
            detail=detail
        )
    )


def _node(value: object) -> bool:
    return type(value) is str and len(value) <= 16 and _NODE_RE.fullmatch(value) is not None


def _stamp(value: object) -> bool:
    if type(value) is not str:
        return False
    try:
        HLC.decode(value)
    except ValueError:
        return False
    return True


def check_schema(schema_version: str, known: Iterable[str]) -> None:
    """Refuse a bundle written by a schema this program does not know (a newer one).

    Raises:
        BundleTooNew: ``schema_version`` is not one of ``known``.
    """
    if schema_version not in set(known):
        raise BundleTooNew(
            _(
                "This bundle was made by a newer version of LegalAid (database version "
                "{version}). Upgrade the app to import it."
            ).format(version=schema_version)
        )


def check_channel(
    session: Session, peer: str, seq: int, prev_hash: str | None, digest: str
) -> None:
    """Check the bundle's place on the peer → this node channel.

    Raises:
        AlreadyImported: This very bundle was imported before.
        ChannelViolation: An older sequence number, or the same number with another hash (a
            rollback or a fork), or the next number not following the last bundle imported.
    """
    channel = session.get(SyncChannel, peer)
    in_seq = channel.in_seq if channel is not None else 0
    last = channel.in_last_hash if channel is not None else None
    if seq <= in_seq:
        if seq == in_seq and digest == last:
            raise AlreadyImported(
                _(
                    "This bundle ({node} no. {seq}) was already imported. Nothing was changed."
                ).format(node=peer, seq=seq)
            )
        seen = session.scalar(
            select(SyncBundle.id).where(
                SyncBundle.direction == "in",
                SyncBundle.peer == peer,
                SyncBundle.seq == seq,
                SyncBundle.bundle_hash == digest,
                SyncBundle.status == "imported",
            )
        )
        if seen is not None:
            raise AlreadyImported(
                _(
                    "This bundle ({node} no. {seq}) was already imported. Nothing was changed."
                ).format(node=peer, seq=seq)
            )
        if seq == in_seq:
            raise ChannelViolation(
                _(
                    "Security alert: {node} sent two different bundles numbered {seq} (a fork). "
                    "It was refused. Tell HQ: the sender's data may have been copied or restored "
                    "from an old backup."
                ).format(node=peer, seq=seq)
            )
        raise ChannelViolation(
            _(
                "Security alert: this bundle from {node} is number {seq}, older than number "
                "{last} already imported (a rollback). It was refused. Tell HQ."
            ).format(node=peer, seq=seq, last=in_seq)
        )
    if seq == in_seq + 1 and prev_hash != last:
        raise ChannelViolation(
            _(
                "Security alert: bundle number {seq} from {node} does not follow the bundle "
                "imported before it (a fork). It was refused. Tell HQ."
            ).format(node=peer, seq=seq)
        )


@dataclass(frozen=True)
class Ack:
    """The peer's acknowledgement of one of our bundles."""

    node: str
    seq: int
    hash: str
    hlc: str


@dataclass(frozen=True)
class Transfer:
    """A case transfer decided at HQ."""

    id: str
    case_id: str
    number: str
    from_node: str
    to_node: str
    hlc: str
    reason: str = ""


@dataclass
class ParsedBundle:
    """Everything a bundle holds, checked and ready to apply."""

    peer: str
    seq: int
    prev_hash: str | None
    bundle_hash: str
    created: str
    records: list[Record]
    acks: list[Ack]
    meta: dict[str, Any]
    attachments: dict[str, bytes]
    roster: Roster | None = None
    reference: ReferenceCatalog | None = None
    transfers: list[Transfer] = field(default_factory=list)
    audit: AuditAnchor | None = None
    audit_hashes: list[str] = field(default_factory=list)


def _json(parts: Mapping[str, bytes], name: str, depth: int = 8) -> Any:
    try:
        return strictjson.loads(parts[name], max_depth=depth, max_size=64 * 1024 * 1024)
    except InvalidJSON as exc:
        raise content_invalid(_("the part {name}: {error}").format(name=name, error=exc)) from None


def _parse_meta(value: Any, peer: str, schema: str) -> dict[str, Any]:
    if type(value) is not dict or value.keys() != _META_KEYS:
        raise content_invalid(_("the part meta does not have the expected fields"))
    if value["node"] != peer or value["schema"] != schema:
        raise content_invalid(_("the part meta does not match the bundle"))
    if type(value["counts"]) is not dict or type(value["reference"]) is not dict:
        raise content_invalid(_("the part meta does not have the expected fields"))
    if type(value["max_change_seq"]) is not int or type(value["full"]) is not bool:
        raise content_invalid(_("the part meta does not have the expected fields"))
    if type(value["name"]) is not str or len(value["name"]) > 200:
        raise content_invalid(_("the part meta does not have the expected fields"))
    return value


def _parse_acks(value: Any) -> list[Ack]:
    if type(value) is not list or len(value) > _MAX_ACKS:
        raise content_invalid(_("the part acks is not a list of acknowledgements"))
    acks: list[Ack] = []
    for item in value:
        if type(item) is not dict or item.keys() != {"node", "seq", "hash", "hlc"}:
            raise content_invalid(_("an acknowledgement does not have the expected fields"))
        if not (
            _node(item["node"])
            and type(item["seq"]) is int
            and item["seq"] > 0
            and type(item["hash"]) is str
            and _HASH_RE.fullmatch(item["hash"])
            and _stamp(item["hlc"])
        ):
            raise content_invalid(_("an acknowledgement is not valid"))
        acks.append(Ack(item["node"], item["seq"], item["hash"], item["hlc"]))
    return acks


def _parse_transfers(value: Any) -> list[Transfer]:
    if type(value) is not list or len(value) > _MAX_TRANSFERS:
        raise content_invalid(_("the part transfers is not a list of transfers"))
    transfers: list[Transfer] = []
    for item in value:
        if type(item) is not dict or item.keys() != {
            "id",
            "case_id",
            "number",
            "from",
            "to",
            "hlc",
            "reason",
        }:
            raise content_invalid(_("a transfer does not have the expected fields"))
        if not (
            is_uuid7(item["id"])
            and is_uuid7(item["case_id"])
            and type(item["number"]) is str
            and 0 < len(item["number"]) <= 24
            and _node(item["from"])
            and _node(item["to"])
            and _stamp(item["hlc"])
            and type(item["reason"]) is str
            and len(item["reason"]) <= _REASON_MAX
        ):
            raise content_invalid(_("a transfer is not valid"))
        transfers.append(
            Transfer(
                item["id"],
                item["case_id"],
                item["number"],
                item["from"],
                item["to"],
                item["hlc"],
                item["reason"],
            )
        )
    return transfers


def _short_text(value: object, limit: int) -> bool:
    return type(value) is str and 0 < len(value) <= limit


def _parse_reference(value: Any) -> ReferenceCatalog:
    if type(value) is not list or len(value) > 200:
        raise content_invalid(_("the part reference is not a list of reference lists"))
    lists: list[ReferenceList] = []
    for entry in value:
        if type(entry) is not dict or entry.keys() != {"kind", "version", "items"}:
            raise content_invalid(_("a reference list does not have the expected fields"))
        kind, version, items = entry["kind"], entry["version"], entry["items"]
        if not _short_text(kind, 32) or type(version) is not int or not 0 <= version < 2**31:
            raise content_invalid(_("a reference list is not valid"))
        if type(items) is not list or len(items) > 10_000:
            raise content_invalid(_("a reference list is not valid"))
        parsed: list[ReferenceItem] = []
        for item in items:
            if type(item) is not dict or item.keys() != {"code", "labels", "extra"}:
                raise content_invalid(_("a reference item does not have the expected fields"))
            labels, extra = item["labels"], item["extra"]
            if (
                not _short_text(item["code"], 32)
                or type(labels) is not dict
                or type(extra) is not dict
                or not all(
                    _short_text(k, 8) and type(v) is str and len(v) <= 300
                    for k, v in labels.items()
                )
            ):
                raise content_invalid(_("a reference item is not valid"))
            parsed.append(ReferenceItem(item["code"], labels, extra))
        try:
            lists.append(ReferenceList(kind=kind, version=version, items=tuple(parsed)))
        except ValueError:
            raise content_invalid(_("a reference list repeats a code")) from None
    try:
        return ReferenceCatalog(lists)
    except ValueError:
        raise content_invalid(_("a reference list appears twice")) from None


def parse_bundle(opened: OpenedBundle, *, from_hq: bool) -> ParsedBundle:
    """Parse and check every part of an opened bundle (no database access).

    Args:
        opened: The authenticated bundle.
        from_hq: Whether its sender is HQ (only HQ may send roster, reference and transfers).

    Raises:
        BundleContentInvalid: A part is missing, unexpected or not valid, a record is not
            valid, an attachment is missing or not referenced, or a row appears twice.
    """
    header = opened.header
    parts = opened.parts
    allowed = _COMMON_PARTS | (_HQ_PARTS if from_hq else frozenset())
    if opened.audit is not None:
        allowed |= {"audit"}
    for name in parts:
        if name not in allowed and not name.startswith("att/"):
            raise content_invalid(
                _("the part {name} is not expected from {node}").format(
                    name=name, node=header.sender
                )
            )
    for name in _COMMON_PARTS:
        if name not in parts:
            raise content_invalid(_("the part {name} is missing").format(name=name))
    meta = _parse_meta(_json(parts, "meta"), header.sender, header.schema_version)
    acks = _parse_acks(_json(parts, "acks"))
    try:
        lines = strictjson.loads_lines(
            parts["changes"], max_size=_CHANGES_MAX_SIZE, max_lines=_MAX_RECORDS
        )
    except InvalidJSON as exc:
        raise content_invalid(_("the part changes: {error}").format(error=exc)) from None
    stamps = StampCache()
    records: list[Record] = []
    seen: set[tuple[str, str]] = set()
    referenced: set[str] = set()
    for number, obj in enumerate(lines, start=1):
        record = check_record(obj, number, stamps)
        if record.spec.name == "attachments" and record.has("file_name"):
            values = record.groups[record.spec.group_of["file_name"]][1]
            if values["file_name"]:  # "" is an emptied (anonymized or erased) attachment
                values["file_name"] = plain_file_name(values["file_name"])
        key = (record.spec.name, record.id)
        if key in seen:
            raise content_invalid(_("a row appears twice (line {line})").format(line=number))
        seen.add(key)
        if "content" in record.spec.columns and record.has("content"):
            check_attachment(record, parts)
            referenced.add("att/" + record.value("content"))
        records.append(record)
    attachments = {name[4:]: data for name, data in parts.items() if name.startswith("att/")}
    if set("att/" + h for h in attachments) != referenced:
        raise content_invalid(_("the bundle holds an attachment no record refers to"))
    parsed = ParsedBundle(
        peer=header.sender,
        seq=header.seq,
        prev_hash=header.prev_hash,
        bundle_hash=opened.bundle_hash,
        created=header.created,
        records=records,
        acks=acks,
        meta=meta,
        attachments=attachments,
    )
    if "roster" in parts:
        try:
            parsed.roster = parse_roster(_json(parts, "roster"))
        except EnrollmentRejected as exc:
            raise content_invalid(str(exc)) from None
    if "reference" in parts:
        parsed.reference = _parse_reference(_json(parts, "reference"))
    if "transfers" in parts:
        parsed.transfers = _parse_transfers(_json(parts, "transfers"))
    if opened.audit is not None:
        if "audit" not in parts:
            raise content_invalid(_("the part {name} is missing").format(name="audit"))
        parsed.audit = opened.audit
        parsed.audit_hashes = parse_hashes(
            opened.audit, _json(parts, "audit", depth=2), content_invalid
        )
    return parsed


# --- the one verify-and-parse step ------------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """What this node trusts, read in one transaction before a bundle is opened.

    Attributes:
        me: This node's code.
        keys: Its private keys (``None`` before it has any).
        pins: The enrolled peers it accepts bundles from, with their pinned keys.
        revoked: The codes of revoked nodes.
        hq: Whether this node is HQ. A center accepts bundles only from HQ, so a bundle read by
            a center is HQ's and may carry HQ's parts (roster, reference lists, transfers).
    """

    me: str
    keys: NodeKeys | None
    pins: Mapping[str, NodePublicKeys]
    revoked: frozenset[str]
    hq: bool

    @classmethod
    def load(cls, session: Session, me: str) -> Trust:
        """Read this node's keys, pins, revoked nodes and kind."""
        return cls(
            me=me,
            keys=load_node_keys(session),
            pins=pinned_keys(session, me),
            revoked=frozenset(revoked_nodes(session)),
            hq=is_hq(session),
        )


def refuse_revoked(header: BundleHeader, trust: Trust) -> None:
    """Refuse a bundle whose sender was revoked, before anything else is read from it.

    Raises:
        UnknownSender: The sender was revoked (the caller raises it as a security alert).
    """
    if header.sender in trust.revoked:
        raise UnknownSender(
            _(
                "Security alert: the bundle comes from {node}, which was revoked. It was refused."
            ).format(node=header.sender)
        )


def verify_and_parse(
    path: Path,
    header: BundleHeader,
    trust: Trust,
    *,
    before_parse: Callable[[OpenedBundle], None] | None = None,
) -> ParsedBundle:
    """Phase 1 of an import: open the bundle against the pinned keys and parse it (no writes).

    Args:
        path: The bundle.
        header: Its header, as :func:`~legalaid_desktop.sync.container.read_header` read it.
        trust: What this node trusts.
        before_parse: Called with the opened bundle once it is authenticated and its schema
            known, before its parts are parsed (the import checks the channel there, so that
            a replay is "already imported" without parsing it again).

    Raises:
        BundleRejected: A subclass saying why (revoked or unknown sender, not addressed here,
            damaged, a newer schema, content not valid, or whatever ``before_parse`` raises).
        NotEnrolled: This node has no keys yet.
    """
    refuse_revoked(header, trust)
    if trust.keys is None:
        raise NotEnrolled(_("This node has no sync keys yet: enroll it first."))
    opened = open_bundle(path, me=trust.keys, sender_keys=trust.pins.get)
    from legalaid_desktop.store.migrate import revisions_in_order

    check_schema(opened.header.schema_version, revisions_in_order())
    if before_parse is not None:
        before_parse(opened)
    return parse_bundle(opened, from_hq=not trust.hq)
