"""The user roster (issue 19): this node's own entries, kept from its users, and the list.

Each node writes the roster entries of its own users only, from its ``users`` table
(:func:`refresh_own`): the user name, full name, role and whether the account is active. Never
a password, a key slot, a KDF parameter or anything else of the vault: those are not in
``users`` either. The export calls it in its own transaction before choosing the rows, so an
account added, renamed, given another role or revoked since the last bundle travels with the
next one, whatever path changed it (the first administrator made with the store, the demo's
lawyers, a store upgraded from before the roster). The entries of the other nodes arrive in
bundles (a center's to HQ, HQ's whole roster to every center) and are never written here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.domain.roster import RosterMember, roster_id
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import RosterEntry, User

__all__ = ["RosterService", "refresh_own"]


def _groups_changed(entry: RosterEntry, user: User) -> list[str]:
    changed: list[str] = []
    if entry.full_name != user.full_name:
        entry.full_name = user.full_name
        changed.append("profile")
    if entry.role != user.role:
        entry.role = user.role
        changed.append("role")
    if entry.active != user.active:
        entry.active = user.active
        changed.append("active")
    return changed


def refresh_own(ws: Workspace, session: Session, usernames: Iterable[str] | None = None) -> int:
    """Bring this node's roster entries in line with its users (in the caller's transaction).

    A new entry is stamped in every field group; an existing one only in the groups that
    differ, so an unchanged user writes nothing and a bundle carries no repeat. Each stamp goes
    to the change log like any edit.

    Args:
        ws: The workspace (its clock stamps the entries, its actor is the writer).
        session: The write transaction.
        usernames: Only these users (all of this node's when None).

    Returns:
        How many entries were made or changed.
    """
    me = ws.node_code
    query = select(User).where(User.node_code == me)
    if usernames is not None:
        query = query.where(User.username.in_(list(usernames)))
    users = list(session.scalars(query))
    if not users:
        return 0
    ids = {roster_id(me, u.username): u for u in users}
    existing = {
        e.id: e for e in session.scalars(select(RosterEntry).where(RosterEntry.id.in_(list(ids))))
    }
    written = 0
    for entry_id, user in ids.items():
        entry = existing.get(entry_id)
        if entry is None:
            entry = RosterEntry(
                id=entry_id,
                node_code=me,
                username=user.username,
                full_name=user.full_name,
                role=user.role,
                active=user.active,
                origin_node=me,
                clocks={},
                hlc="",
            )
            session.add(entry)
            ws.touch(session, entry, RosterEntry.FIELD_GROUPS)
            written += 1
            continue
        changed = _groups_changed(entry, user)
        if changed:
            ws.touch(session, entry, changed)
            written += 1
    return written


class RosterService:
    """The people of the network as this node knows them (``legalaid user roster``)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def list(self) -> list[RosterMember]:
        """Every person known here: this node's users (as its ``users`` table has them now)
        and the entries other nodes sent, by node then user name.

        Anyone who may see cases may read it: the names already show on the records they
        wrote. No password material is in it (there is none in the roster).
        """
        self.ws.require(Permission.VIEW_CASES, "user_roster")
        me = self.ws.node_code
        members: dict[tuple[str, str], RosterMember] = {}
        with self.ws.read() as s:
            for entry in s.scalars(select(RosterEntry).where(RosterEntry.deleted_hlc.is_(None))):
                members[(entry.node_code, entry.username)] = RosterMember(
                    node=entry.node_code,
                    username=entry.username,
                    full_name=entry.full_name,
                    role=_role(entry.role),
                    active=entry.active,
                    here=entry.node_code == me,
                )
            for user in s.scalars(select(User).where(User.node_code == me)):
                members[(me, user.username)] = RosterMember(
                    node=me,
                    username=user.username,
                    full_name=user.full_name,
                    role=_role(user.role),
                    active=user.active,
                    here=True,
                )
        return [members[key] for key in sorted(members)]


def _role(value: str) -> Role:
    """The role of an entry (the import admits only known roles; a lawyer otherwise)."""
    try:
        return Role(value)
    except ValueError:
        return Role.LAWYER
