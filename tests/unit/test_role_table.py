"""The role table itself: who may do what, who may manage whom, and how the roles are named.

These are the rules a refusal message and every service check rely on; a silent change here lets a
manager take over an administrator's account or shows a user the wrong role to ask for. (Found by
mutation testing: no other test pinned the order or the wording.)
"""

from __future__ import annotations

import pytest

from legalaid_desktop.domain.roles import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    can,
    may_manage,
    roles_text,
    roles_with,
)
from legalaid_desktop.i18n import language

LAWYER, MANAGER, ANALYST, ADMIN = Role.LAWYER, Role.MANAGER, Role.HQ_ANALYST, Role.ADMIN


@pytest.mark.parametrize(
    ("actor", "managed"),
    [
        (LAWYER, {LAWYER}),
        (MANAGER, {LAWYER, MANAGER}),
        (ANALYST, {LAWYER, MANAGER, ANALYST}),
        (ADMIN, {LAWYER, MANAGER, ANALYST, ADMIN}),
    ],
)
def test_each_role_manages_exactly_the_roles_up_to_its_own_rank(
    actor: Role, managed: set[Role]
) -> None:
    assert {target for target in Role if may_manage(actor, target)} == managed


def test_only_managers_and_administrators_manage_users() -> None:
    assert roles_with(Permission.MANAGE_USERS) == [MANAGER, ADMIN]
    assert not can(LAWYER, Permission.MANAGE_USERS)
    assert not can(ANALYST, Permission.MANAGE_USERS)


def test_the_analyst_reads_but_never_edits() -> None:
    assert can(ANALYST, Permission.VIEW_CASES)
    assert not can(ANALYST, Permission.EDIT_CASES)
    assert not can(ANALYST, Permission.VIEW_AUDIT)
    assert ROLE_PERMISSIONS[ADMIN] > ROLE_PERMISSIONS[MANAGER] > ROLE_PERMISSIONS[LAWYER]


def test_only_managers_and_administrators_change_any_case_of_the_center() -> None:
    """A lawyer links to a campaign only the cases assigned to them (docs/campaigns.md)."""
    assert roles_with(Permission.EDIT_ANY_CASE) == [MANAGER, ADMIN]


def test_roles_with_lists_the_roles_lowest_rank_first() -> None:
    assert roles_with(Permission.PRINT) == [LAWYER, MANAGER, ANALYST, ADMIN]
    assert roles_with(Permission.PRINT_BATCH) == [MANAGER, ANALYST, ADMIN]
    assert roles_with(Permission.MAINTAIN_STORE) == [ADMIN]


def test_roles_text_names_the_roles_separated_by_commas() -> None:
    with language("en"):
        assert roles_text([MANAGER, ADMIN]) == "Center manager, Administrator"
        assert roles_text([ADMIN]) == "Administrator"
        assert roles_text([]) == ""
