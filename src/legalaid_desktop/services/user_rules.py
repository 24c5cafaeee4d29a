"""Who may manage whose account (the rules of :mod:`legalaid_desktop.domain.roles`), enforced.

Every check here that refuses audits the refusal (``permission_denied``, with the actor, the
action and the target's user name; never a password) through :meth:`Workspace.refuse` before
raising, so each is called outside a write transaction.

The rules:

- nobody manages (adds, resets the password of, revokes, changes the role of) an account whose
  role ranks above their own, nor gives a role above their own (:func:`may_manage`);
- nobody revokes their own account or changes their own role;
- the last active administrator of this store (an active ``admin`` of this node with a key
  slot) is never revoked or demoted, so the store always keeps someone who can maintain it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from legalaid_desktop.domain.errors import NotFound, PermissionDenied, UserChangeRefused
from legalaid_desktop.domain.roles import (
    ROLE_LABELS,
    Permission,
    Role,
    may_manage,
    roles_text,
    roles_with,
)
from legalaid_desktop.i18n import _
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.models import User


@dataclass(frozen=True)
class Target:
    """The account a use case acts on, as read before the change."""

    id: str
    username: str
    role: Role
    active: bool


def load_target(ws: Workspace, username: str) -> Target:
    """The user ``username`` (any state), or :class:`NotFound`."""
    with ws.read() as s:
        row = s.scalar(select(User).where(User.username == username))
        if row is None:
            raise NotFound(_("There is no user '{name}'.").format(name=username))
        return Target(row.id, row.username, Role(row.role), row.active)


def _details(username: str, **more: str) -> dict[str, str]:
    return {"target": username, **more}


def check_may_give(
    ws: Workspace, action: str, username: str, role: Role, user_id: str = ""
) -> None:
    """Refuse to give ``role`` (adding a user or changing a role) above the actor's own rank."""
    if may_manage(ws.actor.role, role):
        return
    raise ws.refuse(
        PermissionDenied(ws.role_message(_needed(role))),
        action,
        "user",
        user_id,
        _details(username, role=role.value),
    )


def check_may_manage(ws: Workspace, action: str, target: Target) -> None:
    """Refuse to manage ``target`` when their role ranks above the actor's."""
    if may_manage(ws.actor.role, target.role):
        return
    raise ws.refuse(
        PermissionDenied(
            _(
                "The account of {name} is an account of role {target_role}: managing it needs "
                "the role {needed}; your role is {role}."
            ).format(
                name=target.username,
                target_role=_(ROLE_LABELS[target.role]),
                needed=_needed(target.role),
                role=_(ROLE_LABELS[ws.actor.role]),
            )
        ),
        action,
        "user",
        target.id,
        _details(target.username, role=target.role.value),
    )


def check_not_self(ws: Workspace, action: str, target: Target, message: str) -> None:
    """Refuse an ``action`` on the actor's own account (``message`` says which)."""
    if target.username != ws.actor.username:
        return
    raise ws.refuse(
        UserChangeRefused(message), action, "user", target.id, _details(target.username)
    )


def check_not_last_admin(ws: Workspace, action: str, target: Target) -> None:
    """Refuse to revoke or demote the last active administrator of this store."""
    # Not mutated (equivalent, "or" into "and"): for any other target an active administrator
    # with a key slot exists, since this very check keeps one; both refuse the same changes.
    if target.role is not Role.ADMIN or not target.active:  # pragma: no mutate (equivalent)
        return
    keys = set(ws.store.vault.usernames())
    with ws.read() as s:
        others = s.scalars(
            select(User.username).where(
                User.role == Role.ADMIN.value,
                User.active.is_(True),
                # Not mutated (equivalent when removed): user names are unique and only users of
                # this node get a key slot here, so another node's admin never matches `keys`.
                User.node_code == ws.node_code,  # pragma: no mutate (equivalent)
                User.username != target.username,
            )
        ).all()
    if any(name in keys for name in others):
        return
    raise ws.refuse(
        UserChangeRefused(
            _(
                "{name} is the last active administrator of this data store: add another "
                "administrator first. The last administrator cannot be revoked or demoted."
            ).format(name=target.username)
        ),
        action,
        "user",
        target.id,
        _details(target.username, reason="last_admin"),
    )


def _needed(role: Role) -> str:
    """The roles that may manage an account of ``role``."""
    return roles_text([r for r in roles_with(Permission.MANAGE_USERS) if may_manage(r, role)])
