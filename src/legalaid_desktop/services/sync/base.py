"""What every sync use case shares: the workspace, the clock, this node's record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import NotEnrolled
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import Node

Progress = Callable[[int, int], None]


class SyncBase:
    """The workspace and helpers each use-case part of :class:`SyncService` builds on."""

    def __init__(self, ws: Workspace, now: Callable[[], datetime] | None = None) -> None:
        """Bind the service to a workspace.

        Args:
            ws: The workspace.
            now: The current UTC time (for :meth:`days_since_last_export`; tests move it ahead).
        """
        self.ws = ws
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))

    # -- helpers ------------------------------------------------------------------------------

    def _require_enroll(self) -> None:
        self.ws.require(Permission.MANAGE_USERS)

    def _stamp(self) -> str:
        return self.ws.clock.now().encode()

    def _own_node(self, s: Session) -> Node:
        row = s.scalar(select(Node).where(Node.code == self.ws.node_code))
        if row is None:  # pragma: no cover - init_store always writes it
            raise NotEnrolled(_("This store has no node record."))
        return row
