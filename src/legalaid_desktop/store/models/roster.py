"""The user roster (issue 19): the people of every node by (node, user name), synchronized.

Not the ``users`` table: that one holds this node's accounts (each with a key slot in the vault)
and never travels. The roster holds names and roles only, for this node's users and for those of
the nodes whose records arrive here, so that a record written elsewhere shows its author's full
name (:mod:`legalaid_desktop.services.people`). See :mod:`legalaid_desktop.domain.roster` for the
entries' ids.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base, SyncMixin


class RosterEntry(SyncMixin, Base):
    """One person of the network: their node, user name, full name, role, and whether active.

    Only the person's own node writes the entry (from its ``users`` table, when it makes a
    bundle); HQ relays it to the centers. ``identity`` never changes once made.
    """

    __tablename__ = "user_roster"
    __table_args__ = (UniqueConstraint("node_code", "username"),)
    FIELD_GROUPS: ClassVar[dict[str, tuple[str, ...]]] = {
        "identity": ("node_code", "username"),
        "profile": ("full_name",),
        "role": ("role",),
        "active": ("active",),
    }

    node_code: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
