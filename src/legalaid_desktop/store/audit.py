"""The hash-chained audit log (DESIGN.md §5).

Each event's ``hash`` is SHA-256 over a canonical encoding of its sequence number, time, actor,
action, entity, details and the previous event's hash. The newest hash is also kept in the
``meta`` table (``audit_head``), so deleting events at the end of the chain is noticed as well as
editing or deleting one in the middle. Details never carry client names or notes: only ids,
codes and counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import AuditEvent, Meta

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _event_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, entity_type, entity_id, details, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,  # pragma: no mutate (equivalent: None is falsy like False)
    )
    # "UTF-8" and "utf-8" name the same codec (an equivalent mutant).
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()  # pragma: no mutate (equivalent)


def append_event(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str = "",
    entity_id: str = "",
    details: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> AuditEvent:
    """Add one event to the chain inside the caller's (write) transaction."""
    # The limit only saves work (equivalent when changed: .first() reads the newest row anyway).
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .order_by(AuditEvent.seq.desc())
        .limit(1)  # pragma: no mutate
    ).first()
    seq = 1 if last is None else last[0] + 1
    prev = GENESIS if last is None else last[1]
    when = at or utc_now_iso()
    data = dict(details or {})
    event = AuditEvent(
        seq=seq,
        at=when,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=data,
        prev_hash=prev,
        hash=_event_hash(seq, when, actor, action, entity_type, entity_id, data, prev),
    )
    session.add(event)
    head = session.get(Meta, HEAD_KEY)
    if head is None:
        session.add(Meta(key=HEAD_KEY, value=f"{seq}:{event.hash}"))
    else:
        head.value = f"{seq}:{event.hash}"
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the audit chain: how many events, and what is wrong (if anything)."""

    events: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session: Session) -> ChainReport:
    """Recompute the whole chain and say exactly where it breaks."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq, last_hash = 0, GENESIS
    # Not mutated (equivalent without the order_by in SQLite: seq is the integer primary key, i.e.
    # the rowid, which a full scan follows); kept because the check depends on the order.
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq)  # pragma: no mutate (equivalent)
    ).scalars()
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            problems.append(
                _("Audit events {first}–{last} are missing.").format(
                    first=expected_seq, last=event.seq - 1
                )
            )
        if event.prev_hash != prev:
            problems.append(
                _("Audit event {seq} does not follow the event before it.").format(seq=event.seq)
            )
        recomputed = _event_hash(
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.entity_type,
            event.entity_id,
            event.details,
            event.prev_hash,
        )
        if recomputed != event.hash:
            problems.append(
                _("Audit event {seq} ({action}, {at}) has been altered.").format(
                    seq=event.seq, action=event.action, at=event.at
                )
            )
        prev = event.hash
        expected_seq = event.seq + 1
        last_seq, last_hash = event.seq, event.hash
        session.expunge(event)
    head = session.get(Meta, HEAD_KEY)
    if head is not None and head.value != f"{last_seq}:{last_hash}":
        # maxsplit is equivalent here: the hash after the colon is hex, it holds no colon.
        head_seq = head.value.split(":", 1)[0]  # pragma: no mutate (equivalent)
        problems.append(
            _(
                "The audit log ends at event {last} but event {head} was recorded: "
                "events at the end were removed."
            ).format(last=last_seq, head=head_seq)
        )
    return ChainReport(count, tuple(problems))
