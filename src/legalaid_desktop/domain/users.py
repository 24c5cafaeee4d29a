"""Plain user objects handed to the front ends."""

from __future__ import annotations

from dataclasses import dataclass

from legalaid_desktop.domain.roles import Permission, Role, can


@dataclass(frozen=True)
class UserInfo:
    """A user as the front ends see it (never a live database row)."""

    id: str
    username: str
    full_name: str
    role: Role
    node_code: str
    active: bool
    has_key: bool = True
    language: str = "az"


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user, checked by every service call."""

    user_id: str
    username: str
    full_name: str
    role: Role
    node_code: str

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)
