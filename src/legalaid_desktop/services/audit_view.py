"""Reading the audit log (the administration screen's viewer).

The log itself is written by :mod:`legalaid_desktop.store.audit`; this service only reads it,
newest first, filtered and one page at a time. Events carry no client data (only ids, codes and
counts), so a manager may browse them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from legalaid_desktop.domain.cases import Page
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n.dates import BAKU
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import AuditEvent

MAX_LIMIT = 5_000


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the front ends see it.

    Attributes:
        seq: Position in the hash chain (1 is the oldest event).
        at: When it happened, an ISO 8601 UTC time (``...Z``).
        actor: The user name (or ``(recovery key)``).
        action: What happened, a code such as ``login`` or ``case_opened``.
        entity_type: The kind of record concerned (``case``, ``user``...), may be empty.
        entity_id: The id of that record, may be empty.
        details: Extra facts as ``(key, value)`` pairs, values rendered as text.
    """

    seq: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    details: tuple[tuple[str, str], ...]


def _utc_bound(day: date, *, end: bool) -> str:
    """The UTC ISO text of the start of ``day`` in Baku (or of the next day when ``end``)."""
    start = datetime.combine(day + timedelta(days=1) if end else day, time(), BAKU)
    return start.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditService:
    """Read access to the audit log; needs :attr:`Permission.VIEW_AUDIT`."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def events(
        self,
        actor: str | None = None,
        action: str | None = None,
        since: date | None = None,
        until: date | None = None,
        offset: int = 0,
        limit: int = 500,
    ) -> Page[AuditRow]:
        """Audit events, newest first.

        Args:
            actor: Only events by this user name.
            action: Only events with this action code.
            since: Only events on or after this day (Baku time).
            until: Only events on or before this day (Baku time).
            offset: How many matching events to skip (for paging).
            limit: At most this many events (capped at 5,000).
        """
        self.ws.require(Permission.VIEW_AUDIT)
        limit = max(0, min(limit, MAX_LIMIT))
        offset = max(0, offset)
        where = []
        if actor:
            where.append(AuditEvent.actor == actor)
        if action:
            where.append(AuditEvent.action == action)
        if since is not None:
            where.append(AuditEvent.at >= _utc_bound(since, end=False))
        if until is not None:
            where.append(AuditEvent.at < _utc_bound(until, end=True))
        with self.ws.read() as s:
            total = s.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
            rows = s.scalars(
                select(AuditEvent)
                .where(*where)
                .order_by(AuditEvent.seq.desc())
                .offset(offset)
                .limit(limit)
            ).all()
            result = tuple(
                AuditRow(
                    seq=r.seq,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    entity_type=r.entity_type or "",
                    entity_id=r.entity_id or "",
                    details=tuple(sorted((str(k), str(v)) for k, v in (r.details or {}).items())),
                )
                for r in rows
            )
        return Page(result, total, offset)

    def actions(self) -> list[str]:
        """The action codes present in the log (for a filter list)."""
        self.ws.require(Permission.VIEW_AUDIT)
        with self.ws.read() as s:
            return list(s.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
