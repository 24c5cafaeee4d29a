"""Roles and what each may do. Services check these; the GUI only hides what is not allowed."""

from __future__ import annotations

from enum import StrEnum

from legalaid_desktop.i18n import N_


class Role(StrEnum):
    LAWYER = "lawyer"
    MANAGER = "manager"
    ADMIN = "admin"
    HQ_ANALYST = "hq_analyst"


class Permission(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    PRINT = "print"
    SYNC = "sync"
    MAINTAIN_STORE = "maintain_store"
    VIEW_STATISTICS = "view_statistics"
    EDIT_REFERENCE = "edit_reference"


ROLE_LABELS: dict[Role, str] = {
    Role.LAWYER: N_("Lawyer"),
    Role.MANAGER: N_("Center manager"),
    Role.ADMIN: N_("Administrator"),
    Role.HQ_ANALYST: N_("HQ analyst"),
}

_LAWYER = {Permission.VIEW_CASES, Permission.EDIT_CASES, Permission.PRINT}
_MANAGER = _LAWYER | {
    Permission.MANAGE_USERS,
    Permission.VIEW_AUDIT,
    Permission.SYNC,
    Permission.VIEW_STATISTICS,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LAWYER: frozenset(_LAWYER),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_MANAGER | {Permission.MAINTAIN_STORE, Permission.EDIT_REFERENCE}),
    Role.HQ_ANALYST: frozenset(
        {Permission.VIEW_CASES, Permission.PRINT, Permission.VIEW_STATISTICS, Permission.SYNC}
    ),
}


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
