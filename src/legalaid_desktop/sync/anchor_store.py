"""The audit anchor in the database: what an export sends, what an import keeps and checks.

See :mod:`legalaid_desktop.sync.audit_anchor` for the idea. Both run inside the caller's write
transaction (the export's or the import's), so the anchor always matches the bundle it goes with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import AuditAnchorState, AuditEvent
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.audit_anchor import (
    GENESIS,
    MAX_HASHES,
    AuditAnchor,
    KeptHead,
    alert_details,
    check_extends,
)

__all__ = [
    "AnchorAlert",
    "accept_anchor",
    "acknowledged_mismatches",
    "own_anchor",
    "preview_alert",
]


def _state(session: Session, peer: str) -> AuditAnchorState:
    state = session.get(AuditAnchorState, peer)
    if state is None:
        state = AuditAnchorState(
            peer=peer,
            peer_count=0,
            peer_head=GENESIS,
            acked_count=0,
            acked_head=GENESIS,
            alerts=0,
        )
        session.add(state)
    return state


def _judge(
    session: Session,
    state: AuditAnchorState,
    peer: str,
    anchor: AuditAnchor | None,
    hashes: Sequence[str],
) -> tuple[KeptHead | None, str | None, str]:
    """(kept head, alert or ``None``, reason) for a peer's anchor; nothing is written."""
    kept = KeptHead(state.peer_count, state.peer_head) if state.peer_count else None
    message = check_extends(peer, kept, anchor, hashes)
    if message is not None or anchor is None:
        return kept, message, "audit_anchor"
    if (anchor.ack_count, anchor.ack_head) == (state.acked_count, state.acked_head):
        return kept, None, "audit_anchor"  # each acknowledgement is checked once
    return kept, _check_own_log(session, peer, anchor), "audit_anchor_own_log"


def preview_alert(
    session: Session, peer: str, anchor: AuditAnchor | None, hashes: Sequence[str]
) -> str | None:
    """The alert importing this anchor would raise (for ``bundle inspect``); writes nothing."""
    state = session.get(AuditAnchorState, peer)
    if state is None:
        state = AuditAnchorState(
            peer=peer, peer_count=0, peer_head=GENESIS, acked_count=0, acked_head=GENESIS
        )
    return _judge(session, state, peer, anchor, hashes)[1]


def own_anchor(session: Session, peer: str) -> tuple[AuditAnchor, bytes]:
    """This node's anchor for a bundle to ``peer``, and the part ``audit`` (the hashes).

    The list starts after the count ``peer`` acknowledged (or, for a log shorter than that, at
    its end: the peer then sees the log shrank), and holds at most
    :data:`~legalaid_desktop.sync.audit_anchor.MAX_HASHES` hashes.
    """
    state = session.get(AuditAnchorState, peer)
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    since = max(min(state.acked_count if state else 0, count), count - MAX_HASHES)
    ordered = select(AuditEvent.hash).order_by(AuditEvent.seq)
    hashes = list(session.scalars(ordered.offset(since)))
    since_hash = GENESIS
    if since > 0:
        since_hash = session.scalar(ordered.offset(since - 1).limit(1)) or GENESIS
    anchor = AuditAnchor(
        count=since + len(hashes),
        head=hashes[-1] if hashes else since_hash,
        since=since,
        since_hash=since_hash,
        ack_count=state.peer_count if state else 0,
        ack_head=state.peer_head if state else GENESIS,
    )
    return anchor, strictjson.dumps(hashes)


def _check_own_log(session: Session, peer: str, anchor: AuditAnchor) -> str | None:
    """Whether the head of our own log that ``peer`` acknowledged is still in our log.

    If not, our log was changed after the peer saw it (or this data folder was restored from an
    older copy): the peer raises its alert with our next bundle; this one says it here.
    """
    if anchor.ack_count == 0:
        return None
    ours = session.scalar(
        select(AuditEvent.hash).order_by(AuditEvent.seq).offset(anchor.ack_count - 1).limit(1)
    )
    if ours == anchor.ack_head:
        return None
    return _(
        "Security alert: {node} has seen this node's audit log up to event {count}, and the "
        "log here no longer matches it: events were changed or removed here, or this data "
        "folder was restored from an older copy. The bundle was imported; tell {node}."
    ).format(node=peer, count=anchor.ack_count)


def acknowledged_mismatches(session: Session) -> list[str]:
    """For ``db verify``: each peer that acknowledged a head our audit log no longer holds.

    The chain can be recomputed locally by anyone with the key; what a peer acknowledged cannot.
    """
    problems: list[str] = []
    for state in session.scalars(
        select(AuditAnchorState)
        .where(AuditAnchorState.acked_count > 0)
        .order_by(AuditAnchorState.peer)
    ):
        ours = session.scalar(
            select(AuditEvent.hash).order_by(AuditEvent.seq).offset(state.acked_count - 1).limit(1)
        )
        if ours != state.acked_head:
            problems.append(
                _(
                    "The audit log no longer matches what {node} received up to event {count}: "
                    "it was rewritten, cut short or restored from an older copy since then."
                ).format(node=state.peer, count=state.acked_count)
            )
    return problems


@dataclass(frozen=True)
class AnchorAlert:
    """A peer's audit anchor that does not extend the head kept here."""

    message: str
    details: Mapping[str, Any]


def accept_anchor(
    session: Session,
    peer: str,
    anchor: AuditAnchor | None,
    hashes: Sequence[str],
    *,
    now: str,
) -> AnchorAlert | None:
    """Check a peer's anchor against the head kept for it, then keep the new one.

    The new head is kept even after an alert (the alert and both heads are in the audit log),
    so one incident raises one alert and the next bundles are checked from there. The peer's
    acknowledgement of our own head is kept for our next export, after checking that our log
    still holds it (if not, our own log was changed or rolled back since the peer saw it).

    Returns:
        The alert, or ``None`` when the anchor extends the kept head (or none was kept yet).
    """
    state = _state(session, peer)
    kept, message, reason = _judge(session, state, peer, anchor, hashes)
    if anchor is not None:
        state.peer_count = anchor.count
        state.peer_head = anchor.head
        state.peer_seen_at = now
        state.acked_count = anchor.ack_count
        state.acked_head = anchor.ack_head
    if message is None:
        return None
    state.alerts = (state.alerts or 0) + 1
    state.last_alert_at = now
    return AnchorAlert(message, {**alert_details(kept, anchor, message), "reason": reason})
