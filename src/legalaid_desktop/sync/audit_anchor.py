"""The audit anchor a bundle carries (DESIGN.md §5, docs/sync.md §9): hashes only, no content.

Every node has the database key, so someone at a node can delete an audit event and recompute
the hash chain, and ``db verify`` finds nothing. The anchor makes such a rewrite visible at the
peer that has seen the log before. Every bundle's signed manifest carries the sender's audit head
and the head of the *recipient's* log that the sender has accepted (the acknowledgement), and the
part ``audit`` lists the hashes of the sender's events since the head the recipient last
acknowledged:

- ``count``, ``head``: how many events the sender's log holds, and the hash of the last one
  (``GENESIS`` for none);
- ``since``, ``since_hash``: the position the list starts after (the count the recipient
  acknowledged, as far as the sender knows) and the sender's hash at that position *now*;
- ``ack_count``, ``ack_head``: the recipient's head as the sender last accepted it;
- part ``audit``: the ``count - since`` event hashes after ``since``, oldest first.

Positions count the events in the order of their sequence numbers, so a deleted event shifts
every later position. The receiver keeps each peer's last head (``audit_anchors``). A new anchor
*extends* it when the sender's hash at the kept position is the kept hash: the event hash covers
the previous one, so that single comparison proves every earlier event unchanged. A shorter log
(truncated, or the data folder restored from an old copy) or another hash there (an event edited
or deleted and the chain recomputed) is a security alert; the bundle is still imported.

This module is pure (no database): :func:`check_extends` decides, ``sync.anchor_store`` reads
and writes the tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from legalaid_desktop.i18n import _

GENESIS = "0" * 64
"""The head of an empty audit log (as in ``store.audit``)."""

MANIFEST_KEYS = frozenset({"count", "head", "since", "since_hash", "ack_count", "ack_head"})
MAX_HASHES = 500_000
"""Most event hashes one bundle lists (about 34 MB). A sender further behind its last
acknowledgement starts the list later; the receiver then cannot check the head it kept and says
so in an alert."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_INT_MAX = 2**63 - 1


@dataclass(frozen=True)
class AuditAnchor:
    """The anchor object of a manifest (see the module docstring)."""

    count: int
    head: str
    since: int
    since_hash: str
    ack_count: int
    ack_head: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "head": self.head,
            "since": self.since,
            "since_hash": self.since_hash,
            "ack_count": self.ack_count,
            "ack_head": self.ack_head,
        }


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value <= _INT_MAX


def _hash(value: object) -> bool:
    return type(value) is str and _HEX64.fullmatch(value) is not None


def parse_anchor(value: object, fail: Callable[[str], Exception]) -> AuditAnchor | None:
    """Check the manifest's ``audit`` value strictly: ``null`` or exactly the six fields.

    Raises:
        Exception: ``fail(detail)`` when anything is wrong.
    """
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != MANIFEST_KEYS:
        raise fail(_("the audit anchor does not have the expected fields"))
    if not all(_count(value[k]) for k in ("count", "since", "ack_count")):
        raise fail(_("the audit anchor has an invalid count"))
    if not all(_hash(value[k]) for k in ("head", "since_hash", "ack_head")):
        raise fail(_("the audit anchor has an invalid hash"))
    anchor = AuditAnchor(**value)
    if anchor.since > anchor.count or anchor.count - anchor.since > MAX_HASHES:
        raise fail(_("the audit anchor has an invalid count"))
    if anchor.since == anchor.count and anchor.since_hash != anchor.head:
        raise fail(_("the audit anchor does not agree with itself"))
    if (anchor.count == 0 and anchor.head != GENESIS) or (
        anchor.ack_count == 0 and anchor.ack_head != GENESIS
    ):
        raise fail(_("the audit anchor does not agree with itself"))
    if anchor.since == 0 and anchor.since_hash != GENESIS:
        raise fail(_("the audit anchor does not agree with itself"))
    return anchor


def parse_hashes(anchor: AuditAnchor, value: object, fail: Callable[[str], Exception]) -> list[str]:
    """Check the ``audit`` part (already parsed JSON) against the manifest's anchor.

    Raises:
        Exception: ``fail(detail)`` when it is not a list of ``count - since`` hashes ending
            with ``head``.
    """
    if type(value) is not list or len(value) != anchor.count - anchor.since:
        raise fail(_("the list of audit hashes does not match the audit anchor"))
    if not all(_hash(item) for item in value):
        raise fail(_("the list of audit hashes holds something other than hashes"))
    if value and value[-1] != anchor.head:
        raise fail(_("the list of audit hashes does not match the audit anchor"))
    return list(value)


@dataclass(frozen=True)
class KeptHead:
    """The last head of a peer's audit log accepted here."""

    count: int
    head: str


def hash_at(anchor: AuditAnchor, hashes: Sequence[str], position: int) -> str | None:
    """The sender's hash at ``position`` according to this anchor (``None``: not covered)."""
    if position == anchor.since:
        return anchor.since_hash
    if anchor.since < position <= anchor.count:
        return hashes[position - anchor.since - 1]
    return None


def check_extends(
    peer: str, kept: KeptHead | None, anchor: AuditAnchor | None, hashes: Sequence[str]
) -> str | None:
    """Whether ``anchor`` extends the head kept for ``peer``.

    Returns:
        ``None`` when it does (or nothing was kept yet), else the alert for people.
    """
    if kept is None or kept.count == 0:
        return None
    if anchor is None:
        return _(
            "Security alert: the bundle from {node} carries no audit anchor, although its "
            "audit log was anchored here at event {count}. Ask {node} what happened."
        ).format(node=peer, count=kept.count)
    if anchor.count < kept.count:
        return _(
            "Security alert: the audit log of {node} now holds {count} events, but {kept} were "
            "seen here before: events were removed, or {node}'s data folder was restored from an "
            "older copy. The bundle was imported; ask {node} and check its computer."
        ).format(node=peer, count=anchor.count, kept=kept.count)
    seen = hash_at(anchor, hashes, kept.count)
    if seen is None:
        return _(
            "Security alert: the audit log of {node} cannot be checked against the one seen "
            "here (event {kept}): the bundle lists its events only from event {since}. The "
            "bundle was imported; ask {node}."
        ).format(node=peer, kept=kept.count, since=anchor.since + 1)
    if seen != kept.head:
        return _(
            "Security alert: the audit log of {node} was rewritten: its first {kept} events are "
            "no longer those seen here (an event was changed or deleted and the chain "
            "recomputed, or the data folder was restored from an older copy). The bundle was "
            "imported; ask {node} and check its computer."
        ).format(node=peer, kept=kept.count)
    return None


def alert_details(
    kept: KeptHead | None, anchor: AuditAnchor | None, message: str
) -> Mapping[str, Any]:
    """What the audit event of an anchor alert records (counts and hashes only)."""
    return {
        "reason": "audit_anchor",
        "kept_count": kept.count if kept else 0,
        "kept_head": kept.head if kept else GENESIS,
        "count": anchor.count if anchor else None,
        "head": anchor.head if anchor else None,
        "since": anchor.since if anchor else None,
        "message": message[:500],
    }
