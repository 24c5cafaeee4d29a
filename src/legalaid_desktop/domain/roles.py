"""Roles and what each may do. Services check these; the GUI only hides what is not allowed.

The roles are ranked (:data:`ROLE_RANK`), lowest first::

    lawyer < manager < hq_analyst < admin

The rank decides who may manage whose account: nobody adds, resets the password of, revokes or
changes the role of an account whose role ranks above their own, and nobody gives a role above
their own (:func:`may_manage`). A manager therefore manages lawyers and managers; only an
administrator manages analysts and administrators. The HQ analyst ranks above the manager
because an analyst at HQ reads every center's records: a center manager must not be able to
create one, or take one over by setting its password. Analysts manage nobody (they do not have
:attr:`Permission.MANAGE_USERS`).

Printing: every role may print the consent form of a client and the summaries of the cases
assigned to them (:attr:`Permission.PRINT`); a summary of any case of the center needs
:attr:`Permission.PRINT_ANY_CASE`, and the batch of every closed case needs
:attr:`Permission.PRINT_BATCH` (managers and above).

Consent: whoever edits cases (lawyers and up) records the consent a client gives or withdraws,
purpose by purpose; a withdrawal is always recorded at once, since it only stops processing. But
a new consent to store and process *after* the client withdrew it resumes processing of records
that wait for anonymization, so it needs :attr:`Permission.RESUME_PROCESSING` (a center manager
or an administrator, who checks the newly signed form): a lawyer cannot undo a withdrawal to go
on working a case.

Everything held about one client (the access report of the Law on Personal Data) needs
:attr:`Permission.EXPORT_PERSONAL_DATA`: the center's managers and administrators, who answer the
person's request; not a lawyer (who sees only their own work) and not an HQ analyst (whose copy
may be pseudonymized and who does not deal with the person).

Backups: a center manager or an administrator writes a backup file to a folder outside the data
folder, a USB stick (:attr:`Permission.BACKUP_OUTSIDE`); the file opens only with an
administrator's password or the recovery key, never a manager's. A lawyer makes none: the copy
would take every client of the center off the computer. The backup inside the data folder stays
an administrator's (:attr:`Permission.MAINTAIN_STORE`); a restore needs no login, only what opens
the backup.

Campaigns: whoever edits cases creates and edits their center's campaigns; a lawyer links (or
unlinks) only the cases assigned to them, and linking any case of the center needs
:attr:`Permission.EDIT_ANY_CASE` (managers and administrators).
"""

from __future__ import annotations

from enum import StrEnum

from legalaid_desktop.i18n import N_, _


class Role(StrEnum):
    LAWYER = "lawyer"
    MANAGER = "manager"
    ADMIN = "admin"
    HQ_ANALYST = "hq_analyst"


class Permission(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    EDIT_ANY_CASE = "edit_any_case"  # not only the cases assigned to oneself (campaign links)
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    PRINT = "print"
    PRINT_ANY_CASE = "print_any_case"
    PRINT_BATCH = "print_batch"
    SYNC = "sync"
    MAINTAIN_STORE = "maintain_store"
    VIEW_STATISTICS = "view_statistics"
    EDIT_REFERENCE = "edit_reference"
    RESUME_PROCESSING = "resume_processing"
    MANAGE_PERSONAL_DATA = "manage_personal_data"  # the retention list, anonymize, erase
    SET_RETENTION = "set_retention"  # the center's retention rule
    EXPORT_PERSONAL_DATA = "export_personal_data"
    BACKUP_OUTSIDE = "backup_outside"  # a backup file in a folder outside the data folder


ROLE_LABELS: dict[Role, str] = {
    Role.LAWYER: N_("Lawyer"),
    Role.MANAGER: N_("Center manager"),
    Role.ADMIN: N_("Administrator"),
    Role.HQ_ANALYST: N_("HQ analyst"),
}

ROLE_RANK: dict[Role, int] = {
    Role.LAWYER: 1,
    Role.MANAGER: 2,
    Role.HQ_ANALYST: 3,
    Role.ADMIN: 4,
}
"""The order of the roles (see the module's docstring): a higher number ranks higher."""

_LAWYER = {Permission.VIEW_CASES, Permission.EDIT_CASES, Permission.PRINT}
_MANAGER = _LAWYER | {
    Permission.EDIT_ANY_CASE,
    Permission.MANAGE_USERS,
    Permission.VIEW_AUDIT,
    Permission.SYNC,
    Permission.VIEW_STATISTICS,
    Permission.PRINT_ANY_CASE,
    Permission.PRINT_BATCH,
    Permission.RESUME_PROCESSING,
    Permission.MANAGE_PERSONAL_DATA,
    Permission.EXPORT_PERSONAL_DATA,
    Permission.BACKUP_OUTSIDE,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LAWYER: frozenset(_LAWYER),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(
        _MANAGER | {Permission.MAINTAIN_STORE, Permission.EDIT_REFERENCE, Permission.SET_RETENTION}
    ),
    Role.HQ_ANALYST: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.PRINT,
            Permission.PRINT_ANY_CASE,
            Permission.PRINT_BATCH,
            Permission.VIEW_STATISTICS,
            Permission.SYNC,
        }
    ),
}


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def may_manage(actor: Role, target: Role) -> bool:
    """Whether ``actor`` may manage an account of role ``target`` (or give that role)."""
    return ROLE_RANK[target] <= ROLE_RANK[actor]


def roles_with(permission: Permission) -> list[Role]:
    """The roles that have ``permission``, lowest rank first."""
    return sorted((r for r in Role if can(r, permission)), key=ROLE_RANK.__getitem__)


def roles_text(roles: list[Role]) -> str:
    """Translated role names for a message: "Center manager, Administrator"."""
    return ", ".join(_(ROLE_LABELS[r]) for r in roles)
