"""The logged-in workspace: the open store, who is acting, the node's clock.

Every service takes a :class:`Workspace`. It gives them one transaction per use case
(:meth:`Workspace.write` / :meth:`Workspace.read`), the permission check, the audit log and the
sync stamping of changed rows, so no service repeats that plumbing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, LegalAidError, PermissionDenied
from legalaid_desktop.domain.hlc import HLC, HybridClock
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.domain.roles import ROLE_LABELS, Permission, roles_text, roles_with
from legalaid_desktop.domain.users import Actor
from legalaid_desktop.i18n import _
from legalaid_desktop.services.read_only import refuse_write_if_reading
from legalaid_desktop.store.audit import append_event
from legalaid_desktop.store.models import ChangeLog, Meta
from legalaid_desktop.store.models.base import SyncMixin
from legalaid_desktop.store.store import Store

HLC_KEY = "hlc_last"
DENIED_ACTION = "permission_denied"
"""The audit action of every refused use case (:meth:`Workspace.refuse`)."""

log = logging.getLogger(__name__)

E = TypeVar("E", bound=LegalAidError)


def check_destination(path: Path, data_dir: Path) -> None:
    """Refuse to write a file the user asked for (an export, a report, a PDF, an attachment's
    copy) into the data folder: a plain-text copy beside the encrypted store, which every backup
    of the folder would then carry, or worse, written over the store itself (``-o legalaid.db``).

    Raises:
        InputRejected: ``path`` is ``data_dir`` or inside it (links followed).
    """
    folder = data_dir.expanduser().resolve()
    target = path.expanduser().resolve()
    if target == folder or folder in target.parents:
        raise InputRejected(
            _("A file cannot be written into the data folder: choose another folder.")
        )


class Workspace:
    """An unlocked store together with the user acting on it."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self.store = store
        self.actor = actor
        self.node_code = actor.node_code
        last = store.meta(HLC_KEY)
        self.clock = HybridClock.restore(self.node_code, HLC.decode(last) if last else None)
        self._catalog: ReferenceCatalog | None = None

    def catalog(self) -> ReferenceCatalog:
        """The reference data as stored (cached until :meth:`reference_changed`)."""
        if self._catalog is None:
            from legalaid_desktop.services.reference import catalog_from_store

            with self.read() as session:
                self._catalog = catalog_from_store(session)
        return self._catalog

    def center_name(self) -> str:
        """The name of this installation's center (or HQ); its code if none is stored."""
        from sqlalchemy import select

        from legalaid_desktop.store.models import Node

        with self.read() as session:
            name = session.scalar(select(Node.name).where(Node.code == self.node_code))
        return str(name or self.node_code)

    def reference_changed(self) -> None:
        self._catalog = None

    # -- transactions -------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction; the node's clock is persisted with it.

        Raises:
            WriteInReadOnlyWork: Called from work that only reads (a bug; see
                :mod:`~legalaid_desktop.services.read_only`).
        """
        refuse_write_if_reading()
        with self.store.session(write=True) as session:
            yield session
            session.merge(Meta(key=HLC_KEY, value=self.clock.last.encode()))

    @contextlib.contextmanager
    def bulk_write(self) -> Iterator[Session]:
        """Like :meth:`write`, for a bulk load (see :meth:`Store.bulk_session`)."""
        refuse_write_if_reading()
        with self.store.bulk_session() as session:
            yield session
            session.merge(Meta(key=HLC_KEY, value=self.clock.last.encode()))

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.store.session() as session:
            yield session

    # -- checks and records -------------------------------------------------------------------

    def require(
        self,
        permission: Permission,
        action: str = "",
        entity_type: str = "",
        entity_id: str = "",
        target: str = "",
    ) -> None:
        """Raise :class:`PermissionDenied` unless the actor's role allows ``permission``.

        The refusal names the roles that would be allowed and is audited (:meth:`refuse`) with
        ``action`` (what was tried; the permission's name when not given) and its target.
        """
        if self.actor.can(permission):
            return
        raise self.refuse(
            PermissionDenied(self.role_message(roles_text(roles_with(permission)))),
            action or permission.value,
            entity_type,
            entity_id,
            {"permission": permission.value, **({"target": target} if target else {})},
        )

    def role_message(self, needed: str) -> str:
        """The one-line message of a refusal: the actor's role and the roles ``needed``."""
        return _("Not allowed for your role ({role}): this needs the role {needed}.").format(
            role=_(ROLE_LABELS[self.actor.role]), needed=needed
        )

    def refuse(
        self,
        error: E,
        action: str,
        entity_type: str = "",
        entity_id: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> E:
        """Audit a refused use case and return ``error`` for the caller to raise.

        The event (:data:`DENIED_ACTION`) records who tried, what (``action``), on what
        (``entity_type``/``entity_id``, ``details`` such as a user name) and why (the error's
        class); never a password or a record's content. It is written in a transaction of its
        own, so it must not be called inside :meth:`write`. If the store cannot take the event
        (busy, read-only), the refusal still stands and the failure is logged.
        """
        try:
            with self.write() as s:
                self.audit(
                    s,
                    DENIED_ACTION,
                    entity_type,
                    entity_id,
                    {"action": action, "refusal": type(error).__name__, **(details or {})},
                )
        except Exception as exc:  # the refusal must reach the user even if this fails
            # The class name only: a database error's text may carry a row's values.
            log.warning("could not record the refusal of %s: %s", action, type(exc).__name__)
        return error

    def audit(
        self,
        session: Session,
        action: str,
        entity_type: str = "",
        entity_id: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        append_event(
            session,
            actor=self.actor.username,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )

    def touch(self, session: Session, row: SyncMixin, groups: Iterable[str]) -> HLC:
        """Record that the field ``groups`` of ``row`` changed now, by this actor on this node.

        Stamps the groups' clocks and appends the change to the outbox (``change_log``) in the
        same transaction, so a sync bundle carries exactly what changed.
        """
        stamp = self.clock.now()
        encoded = stamp.encode()
        group_list = list(groups)
        clocks = dict(row.clocks or {})
        for group in group_list:
            clocks[group] = encoded
        row.clocks = clocks
        row.hlc = encoded
        row.updated_by = self.actor.username
        if not getattr(row, "origin_node", None):
            row.origin_node = self.node_code
        session.add(
            ChangeLog(
                table_name=type(row).__tablename__,  # type: ignore[attr-defined]
                row_id=row.id,
                hlc=encoded,
                groups=group_list,
                origin_node=self.node_code,
            )
        )
        return stamp

    def tombstone(self, session: Session, row: SyncMixin) -> HLC:
        """Mark ``row`` deleted (rows are never hard-deleted; the tombstone syncs)."""
        stamp = self.touch(session, row, ("_deleted",))
        row.deleted_hlc = stamp.encode()
        return stamp

    def check_destination(self, path: Path) -> None:
        """:func:`check_destination` for this store's data folder."""
        check_destination(path, self.store.paths.root)

    def close(self) -> None:
        self.store.close()
