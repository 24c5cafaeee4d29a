"""This node's keys and the pinned keys of its peers, as kept in the encrypted store.

- This node's private :class:`~legalaid_desktop.sync.keys.NodeKeys` live in ``meta``
  (``node_keys``, base64 of ``to_bytes()``), inside the encrypted database.
- Peers' public keys live in ``nodes`` (``signing_key``, ``encryption_key`` in base64) with
  their ``enrollment``: ``local`` (this node), ``enrolled`` or ``revoked``.
- HQ's recovery public key is ``meta.hq_recovery_public``; HQ's roster version is
  ``meta.roster_version``.

Centers accept bundles only from HQ; HQ accepts them from enrolled centers. A revoked node's
key is never returned by :func:`pinned_keys`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import KeysRejected, SyncError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import Meta, Node
from legalaid_desktop.sync.enrollment import Roster, RosterNode
from legalaid_desktop.sync.keys import NodeKeys, NodePublicKeys, decode_b64, encode_b64

__all__ = [
    "NODE_KEYS_META",
    "RECOVERY_META",
    "ROSTER_VERSION_META",
    "apply_roster",
    "build_roster",
    "ensure_node_keys",
    "get_meta",
    "is_hq",
    "load_node_keys",
    "node_public_keys",
    "pin_node",
    "pinned_keys",
    "revoked_nodes",
    "set_meta",
]

NODE_KEYS_META = "node_keys"
RECOVERY_META = "hq_recovery_public"
ROSTER_VERSION_META = "roster_version"

ENROLLED = "enrolled"
REVOKED = "revoked"
LOCAL = "local"


def get_meta(session: Session, key: str) -> str | None:
    """A ``meta`` value, or None."""
    row = session.get(Meta, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    """Set a ``meta`` value in the caller's write transaction."""
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def is_hq(session: Session) -> bool:
    """Whether this store is HQ's."""
    return get_meta(session, "node_kind") == "hq"


def load_node_keys(session: Session) -> NodeKeys | None:
    """This node's private keys, or None if it has none yet."""
    stored = get_meta(session, NODE_KEYS_META)
    if stored is None:
        return None
    try:
        return NodeKeys.from_bytes(decode_b64(stored, what="node keys"))
    except KeysRejected:
        raise SyncError(_("The stored keys of this node are unreadable.")) from None


def ensure_node_keys(session: Session, node_code: str, stamp: str, actor: str) -> NodeKeys:
    """This node's keys, made and stored now if it has none (in the caller's write transaction).

    The public half is also written on this node's own row of ``nodes``.
    """
    keys = load_node_keys(session)
    if keys is not None:
        return keys
    keys = NodeKeys.generate(node_code)
    set_meta(session, NODE_KEYS_META, encode_b64(keys.to_bytes()))
    own = session.scalar(select(Node).where(Node.code == node_code))
    if own is not None:
        public = keys.public()
        own.signing_key = encode_b64(public.signing_key)
        own.encryption_key = encode_b64(public.encryption_key)
        own.clocks = {**(own.clocks or {}), "keys": stamp}
        own.hlc = max(own.hlc or "", stamp)
        own.updated_by = actor
    return keys


def node_public_keys(row: Node) -> NodePublicKeys | None:
    """The public keys pinned on a ``nodes`` row, or None."""
    if not row.signing_key or not row.encryption_key:
        return None
    try:
        return NodePublicKeys(
            node_code=row.code,
            signing_key=decode_b64(row.signing_key, size=32, what="signing key"),
            encryption_key=decode_b64(row.encryption_key, what="encryption key"),
        )
    except KeysRejected:
        return None


def pinned_keys(session: Session, me: str) -> dict[str, NodePublicKeys]:
    """The peers this node accepts bundles from, with their pinned keys.

    HQ accepts every enrolled center; a center accepts only HQ. Revoked nodes are never listed.
    """
    hq = is_hq(session)
    rows = session.scalars(select(Node).where(Node.enrollment == ENROLLED, Node.code != me)).all()
    result: dict[str, NodePublicKeys] = {}
    for row in rows:
        if not hq and row.kind != "hq":
            continue
        keys = node_public_keys(row)
        if keys is not None:
            result[row.code] = keys
    return result


def revoked_nodes(session: Session) -> set[str]:
    """Codes of revoked nodes."""
    return set(session.scalars(select(Node.code).where(Node.enrollment == REVOKED)))


def pin_node(
    session: Session,
    *,
    code: str,
    name: str,
    kind: str,
    keys: NodePublicKeys | None,
    enrollment: str,
    stamp: str,
    actor: str,
    origin: str,
) -> Node:
    """Create or update the ``nodes`` row of a peer (in the caller's write transaction)."""
    row = session.scalar(select(Node).where(Node.code == code))
    if row is None:
        row = Node(
            id=new_id(),
            code=code,
            name=name,
            kind=kind,
            origin_node=origin,
            clocks={},
            hlc=stamp,
            updated_by=actor,
        )
        session.add(row)
    row.name = name
    row.kind = kind
    row.enrollment = enrollment
    if keys is not None:
        row.signing_key = encode_b64(keys.signing_key)
        row.encryption_key = encode_b64(keys.encryption_key)
    row.clocks = {**(row.clocks or {}), "profile": stamp}
    row.hlc = max(row.hlc or "", stamp)
    row.updated_by = actor
    return row


def build_roster(session: Session) -> Roster:
    """HQ's roster: every node with its keys and state (this node listed as enrolled)."""
    version = int(get_meta(session, ROSTER_VERSION_META) or "0")
    recovery = get_meta(session, RECOVERY_META)
    nodes = []
    for row in session.scalars(select(Node).order_by(Node.code)):
        keys = node_public_keys(row)
        state = REVOKED if row.enrollment == REVOKED else ENROLLED
        if row.enrollment not in (LOCAL, ENROLLED, REVOKED):
            continue
        nodes.append(RosterNode(row.code, row.name, row.kind, state, keys))
    return Roster(
        version=version,
        nodes=tuple(nodes),
        hq_recovery_public=decode_b64(recovery, what="recovery key") if recovery else None,
    )


def bump_roster_version(session: Session) -> int:
    """Raise HQ's roster version (after an enrollment or a revocation)."""
    version = int(get_meta(session, ROSTER_VERSION_META) or "0") + 1
    set_meta(session, ROSTER_VERSION_META, str(version))
    return version


def apply_roster(
    session: Session, roster: Roster, *, me: str, hq: str, stamp: str, actor: str
) -> list[str]:
    """Apply HQ's roster at a center if it is newer than the one applied before.

    This node's own row is left alone, and HQ's pinned key is never replaced from a roster (a
    new HQ key needs a new enrollment). Other nodes are pinned with the state HQ gives them.

    Returns:
        The codes of the nodes that changed.
    """
    current = int(get_meta(session, ROSTER_VERSION_META) or "-1")
    if roster.version <= current:
        return []
    changed: list[str] = []
    for node in roster.nodes:
        if node.code in (me, hq):
            continue
        row = session.scalar(select(Node).where(Node.code == node.code))
        keys = node.keys
        same = (
            row is not None
            and row.enrollment == node.enrollment
            and row.name == node.name
            and row.kind == node.kind
            and node_public_keys(row) == keys
        )
        if same:
            continue
        pin_node(
            session,
            code=node.code,
            name=node.name,
            kind=node.kind,
            keys=keys,
            enrollment=node.enrollment,
            stamp=stamp,
            actor=actor,
            origin=hq,
        )
        changed.append(node.code)
    set_meta(session, ROSTER_VERSION_META, str(roster.version))
    if roster.hq_recovery_public is not None:
        set_meta(session, RECOVERY_META, encode_b64(roster.hq_recovery_public))
    return changed


def codes(rows: Iterable[Node]) -> list[str]:
    """The codes of some nodes (for messages)."""
    return [row.code for row in rows]
