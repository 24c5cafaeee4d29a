"""Reading the audit log (the administration screen's viewer).

The log itself is written by :mod:`legalaid_desktop.store.audit`; this service only reads it,
newest first, filtered and one page at a time. Events carry no client data (only ids, codes and
counts), so a manager may browse them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import Page
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n.dates import BAKU
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import Attachment, AuditEvent, Case, Client, User

MAX_LIMIT = 5_000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_USER_KEYS = frozenset({"username", "lawyer", "target", "from_lawyer", "to_lawyer", "actor"})
"""Detail keys whose values may be user names."""


def _text(value: object) -> str:
    """A detail value as text: a list as ``a, b``, a mapping as ``a: 1, b: 2``, anything else as
    it is."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _readable_names(s: Session, rows: Iterable[AuditRow]) -> dict[str, str]:
    """What people read for the ids and user names the events of one page mention."""
    ids: set[str] = set()
    users: set[str] = set()
    for row in rows:
        users.add(row.actor)
        if row.entity_id:
            ids.add(row.entity_id)
        for key, value in row.details:
            if key in _USER_KEYS:
                users.add(value)
            ids.update(_UUID.findall(value))
    names: dict[str, str] = {}
    wanted = sorted(ids)
    for batch in batches(wanted):
        for query in (
            select(Client.id, Client.number).where(Client.id.in_(batch)),
            select(Case.id, Case.number).where(Case.id.in_(batch)),
            select(User.id, User.full_name).where(User.id.in_(batch)),
            select(Attachment.id, Attachment.file_name).where(Attachment.id.in_(batch)),
        ):
            names.update({k: v for k, v in s.execute(query) if v})
    found = sorted(users)
    for batch in batches(found):
        names.update(
            {
                k: v
                for k, v in s.execute(
                    select(User.username, User.full_name).where(User.username.in_(batch))
                )
                if v
            }
        )
    return names


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
        names: What people read for the ids and user names of the event: a client's id → their
            number, a case's id → its number, a user's id or user name → their full name, a
            document's id → its file name. (Never a client's name: the log names clients by
            number.)
    """

    seq: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    details: tuple[tuple[str, str], ...]
    names: Mapping[str, str] = field(default_factory=dict)


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
                    details=tuple(sorted((str(k), _text(v)) for k, v in (r.details or {}).items())),
                )
                for r in rows
            )
            names = _readable_names(s, result)
        result = tuple(replace(r, names=names) for r in result)
        return Page(result, total, offset)

    def actions(self) -> list[str]:
        """The action codes present in the log (for a filter list)."""
        self.ws.require(Permission.VIEW_AUDIT)
        with self.ws.read() as s:
            return list(s.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
